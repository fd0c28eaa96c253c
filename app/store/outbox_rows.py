"""Outbox rows: what is due, sent, retried, held back by the server or needs attention,
and the retention purge of what the server confirmed long ago.

"Sent" and retry marks commit without the fsync (`durable=False`): losing one in a power
cut costs one idempotent replay. Anything a person decides (attention, retry, handled)
commits durably and is audited.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from app.domain import DomainError, Operator, require_shift_lead, utcnow
from app.store.audit import append_audit
from app.store.core import StoreCore, chunks
from app.store.db import StoreError
from app.store.models import InspectionRow, OutboxRow, PhotoRow, ts_text
from app.store.photos import photo_path
from app.store.records import OutboxItem, OutboxState, QueueCounts
from app.text import clean_person_text

log = logging.getLogger("station.store")


def _outbox(o: OutboxRow, unverified: bool, scanned_code: str) -> OutboxItem:
    return OutboxItem(inspection_id=o.inspection_id, state=OutboxState(o.state),
                      attempts=o.attempts, next_attempt_at=o.next_attempt_at,
                      last_error=o.last_error, attention_reason=o.attention_reason,
                      created_at=o.created_at, sent_at=o.sent_at, unverified=unverified,
                      scanned_code=scanned_code, handled_note=o.handled_note)


class OutboxRows(StoreCore):
    """The delivery queue's rows."""

    # --- outbox -----------------------------------------------------------------------------

    def outbox_due(self, now: datetime, limit: int = 50) -> list[OutboxItem]:
        with self._read() as s:
            rows = s.execute(
                select(OutboxRow, InspectionRow.unverified, InspectionRow.scanned_code)
                .join(InspectionRow, InspectionRow.inspection_id == OutboxRow.inspection_id)
                .where(OutboxRow.state == OutboxState.PENDING, OutboxRow.next_attempt_at <= now)
                .order_by(OutboxRow.next_attempt_at, OutboxRow.created_at).limit(limit)
            ).all()
            return [_outbox(o, bool(u), c) for o, u, c in rows]

    def outbox_item(self, inspection_id: str) -> OutboxItem | None:
        with self._read() as s:
            row = s.execute(
                select(OutboxRow, InspectionRow.unverified, InspectionRow.scanned_code)
                .join(InspectionRow, InspectionRow.inspection_id == OutboxRow.inspection_id)
                .where(OutboxRow.inspection_id == inspection_id)).first()
            return _outbox(row[0], bool(row[1]), row[2]) if row else None

    def outbox_items(self, states: Sequence[str]) -> list[OutboxItem]:
        with self._read() as s:
            rows = s.execute(
                select(OutboxRow, InspectionRow.unverified, InspectionRow.scanned_code)
                .join(InspectionRow, InspectionRow.inspection_id == OutboxRow.inspection_id)
                .where(OutboxRow.state.in_(list(states))).order_by(OutboxRow.created_at)).all()
            return [_outbox(o, bool(u), c) for o, u, c in rows]

    def next_due_at(self) -> datetime | None:
        with self._read() as s:
            return s.scalar(select(func.min(OutboxRow.next_attempt_at))
                            .where(OutboxRow.state == OutboxState.PENDING))

    def mark_sent(self, inspection_id: str, server_received_at: str | None) -> None:
        with self._write(durable=False) as s:
            row = s.get(OutboxRow, inspection_id)
            if row is None:
                raise StoreError(f"no outbox entry {inspection_id}")
            row.state, row.sent_at = OutboxState.SENT, utcnow()
            row.server_received_at, row.last_error = server_received_at, None
            row.attention_reason = None  # a retried item went through: no stale reason
            row.attempts += 1
            append_audit(s, "station", "sync_sent", inspection_id,
                         {"received_at": server_received_at})

    def schedule_retry(self, inspection_id: str, next_at: datetime, error: str, *,
                       hold_s: float | None = None) -> None:
        """`hold_s`: the server asked for this wait (Retry-After); "send now" keeps it."""
        with self._write(durable=False) as s:
            row = s.get(OutboxRow, inspection_id)
            if row is None:
                raise StoreError(f"no outbox entry {inspection_id}")
            row.attempts += 1
            row.next_attempt_at, row.last_error = next_at, error[:500]
            row.retry_hold_s = hold_s

    def clamp_schedule(self, now: datetime, longest_wait_s: float) -> int:
        """No pending item is due later than `now` plus the longest wait it could have been given.

        A wall clock set back (or set ahead, then corrected) leaves `next_attempt_at` far in
        the future; without this the queue would stall for as long as the clock was off.
        Returns how many items were pulled in.
        """
        with self._write(durable=False) as s:
            rows = s.scalars(select(OutboxRow).where(
                OutboxRow.state == OutboxState.PENDING,
                OutboxRow.next_attempt_at > now + timedelta(seconds=longest_wait_s))).all()
            for row in rows:
                limit = now + timedelta(seconds=max(longest_wait_s, row.retry_hold_s or 0.0))
                if row.next_attempt_at > limit:
                    log.warning("outbox: %s was due at %s, later than any wait allows (the "
                                "clock moved?); due at %s instead", row.inspection_id,
                                ts_text(row.next_attempt_at), ts_text(limit))
                    row.next_attempt_at = limit
            return len(rows)

    def server_hold_until(self, now: datetime) -> datetime | None:
        """The latest time a server's Retry-After still holds an item back, if any does."""
        with self._read() as s:
            return s.scalar(select(func.max(OutboxRow.next_attempt_at)).where(
                OutboxRow.state == OutboxState.PENDING, OutboxRow.retry_hold_s.is_not(None),
                OutboxRow.next_attempt_at > now))

    def mark_attention(self, inspection_id: str, reason: str) -> None:
        with self._write() as s:
            row = s.get(OutboxRow, inspection_id)
            if row is None:
                raise StoreError(f"no outbox entry {inspection_id}")
            row.state, row.attention_reason = OutboxState.ATTENTION, reason[:1000]
            row.attempts += 1
            append_audit(s, "station", "sync_attention", inspection_id, {"reason": reason[:1000]})

    def retry_attention(self, inspection_id: str, *, by: Operator) -> None:
        """Shift lead: send a needs-attention item again (e.g. after the case was reopened)."""
        actor = require_shift_lead(by, "retry an item that needs attention").operator_id
        with self._write() as s:
            row = s.get(OutboxRow, inspection_id)
            if row is None or row.state != OutboxState.ATTENTION:
                raise DomainError("only an item that needs attention can be retried")
            # The old reason stays in the audit log (sync_attention); the item no longer
            # needs attention, so history and reports must not show it as the current one.
            row.state, row.next_attempt_at = OutboxState.PENDING, utcnow()
            row.attention_reason = None
            append_audit(s, actor, "attention_retry", inspection_id, {})

    def mark_handled(self, inspection_id: str, *, by: Operator, note: str) -> None:
        """Shift lead: the item was dealt with outside the station; kept, never sent."""
        actor = require_shift_lead(by, "mark an item as handled").operator_id
        note = clean_person_text(note)
        if not note.strip():
            raise DomainError("say how the item was handled")
        with self._write() as s:
            row = s.get(OutboxRow, inspection_id)
            if row is None or row.state != OutboxState.ATTENTION:
                raise DomainError("only an item that needs attention can be marked handled")
            row.state, row.handled_by, row.handled_note = OutboxState.HANDLED, actor, note.strip()
            row.handled_at = utcnow()
            append_audit(s, actor, "attention_handled", inspection_id, {"note": note.strip()})

    def queue_counts(self) -> QueueCounts:
        with self._read() as s:
            pending, oldest, nxt = s.execute(
                select(func.count(), func.min(OutboxRow.created_at),
                       func.min(OutboxRow.next_attempt_at))
                .where(OutboxRow.state == OutboxState.PENDING)).one()
            attention = s.scalar(select(func.count()).where(
                OutboxRow.state == OutboxState.ATTENTION)) or 0
            last = s.scalar(select(func.max(OutboxRow.sent_at)))
        # A server's Retry-After holds the whole queue: that is when anything goes next.
        held = self.server_hold_until(utcnow()) if nxt is not None else None
        nxt = held or nxt
        return QueueCounts(int(pending), int(attention), oldest, last, nxt)

    # --- retention --------------------------------------------------------------------------

    def purge_confirmed(self, now: datetime, retention_days: int, *, actor: str) -> int:
        """Remove inspections the server confirmed more than N days ago; never anything else."""
        cutoff = now - timedelta(days=retention_days)
        with self._write() as s:
            ids = list(s.scalars(select(OutboxRow.inspection_id).where(
                OutboxRow.state == OutboxState.SENT, OutboxRow.sent_at < cutoff)))
            names = [p.file_name for chunk in chunks(ids, 500) for p in s.scalars(
                select(PhotoRow).where(PhotoRow.inspection_id.in_(chunk)))]
            for chunk in chunks(ids, 500):
                s.execute(delete(InspectionRow).where(InspectionRow.inspection_id.in_(chunk)))
            if ids:
                append_audit(s, actor, "purge", "", {"count": len(ids),
                                                     "cutoff": ts_text(cutoff)})
        for name in names:
            photo_path(self.photos_dir, name).unlink(missing_ok=True)
        return len(ids)

    def touch_outbox_now(self) -> None:
        """Make every pending item due now (the network just came back, or a person asked).

        Items the server asked to hold back (Retry-After) keep their time: the server is busy
        whoever asks.
        """
        with self._write() as s:
            s.execute(update(OutboxRow).where(OutboxRow.state == OutboxState.PENDING,
                                              OutboxRow.retry_hold_s.is_(None))
                      .values(next_attempt_at=utcnow()))
