"""Completed inspections read back: history lists, search, one record, the shift's rows,
and what the bench board and the lookup cache read.

A full record is one statement: the inspection joined with its outbox entry and result,
its photos and (until the result bytes exist) its answers gathered as JSON by SQLite,
on the DBAPI connection with the SQL text fixed, so sqlite3 prepares it once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.domain import (
    Answer,
    Case,
    Classification,
    Disposition,
    InspectionResult,
    InspectionStatus,
    Result,
    utcnow,
)
from app.store.core import StoreCore, chunks
from app.store.db import StoreError
from app.store.models import CaseRow, InspectionRow, OperatorRow, ts_text, ts_value
from app.store.records import (
    InspectionRecord,
    OutboxState,
    ShiftRow,
    answer_from,
    case_from,
    photo_from,
    ts_or_none,
)

_RECORD_COLUMNS = (
    "i.inspection_id, i.rma, i.order_id, i.sku, i.category, i.customer_reason, i.case_body, "
    "i.started_at, i.completed_at, i.inspector_id, i.classification, "
    "i.classification_suggested, i.override_reason, i.disposition, i.missing_accessories, "
    "i.serial_expected, i.serial_scanned, i.unverified, i.scanned_code, i.serial_mismatch, "
    "i.mismatch_signed_by, i.mismatch_signed_at, o.state, o.attention_reason, r.payload, "
    "r.sha256, "
    "(SELECT json_group_array(json_array(p.photo_id, p.step_id, p.sha256, p.taken_at, "
    "p.width, p.height, p.mime, json(p.quality))) FROM photos p "
    "WHERE p.inspection_id = i.inspection_id), "
    "CASE WHEN r.payload IS NULL THEN (SELECT json_group_array(json_array(a.step_id, "
    "a.result, json(a.value), a.note, json(a.photo_ids), a.answered_at, json(a.extra))) "
    "FROM answers a "
    "WHERE a.inspection_id = i.inspection_id) END, "
    "CASE WHEN i.unverified AND i.candidate_case_id IS NOT NULL THEN (SELECT c.body FROM "
    "cases c WHERE c.case_id = i.candidate_case_id) END, "
    "i.gtin_expected, i.gtin_scanned, i.gtin_mismatch, i.gtin_signed_by, i.gtin_signed_at, "
    "i.gtin_sign_off_reason, i.untested_steps, i.mismatch_sign_off_reason")
_RECORDS = (f"SELECT {_RECORD_COLUMNS} FROM inspections i "
            "LEFT JOIN outbox o ON o.inspection_id = i.inspection_id "
            "LEFT JOIN results r ON r.inspection_id = i.inspection_id ")
_BETWEEN = _RECORDS + ("WHERE i.completed_at >= ? AND i.completed_at < ? "
                       "ORDER BY i.completed_at")
_SEARCH = _RECORDS + (
    "WHERE i.inspection_id IN (SELECT inspection_id FROM inspections WHERE rma IN (?, ?) "
    "UNION SELECT inspection_id FROM inspections WHERE serial_scanned = ?) "
    "AND i.status = 'completed' ORDER BY i.completed_at DESC LIMIT ?")
_ONE = _RECORDS + "WHERE i.inspection_id = ? AND i.status = 'completed'"

# The shift report's columns only (17.4): deadline and item title picked out of the case
# body by SQLite, the function answers only where a defective claim needs them.
_SHIFT = (
    "SELECT i.inspection_id, i.rma, i.sku, i.category, i.customer_reason, i.started_at, "
    "i.completed_at, i.inspector_id, i.classification, i.classification_suggested, "
    "i.override_reason, i.disposition, i.serial_expected, i.serial_scanned, o.state, "
    "o.attention_reason, i.scanned_code, i.serial_mismatch, i.mismatch_signed_by, "
    "json_extract(i.case_body, '$.inspect_by'), r.payload IS NULL, "
    "(SELECT json_extract(e.value, '$.title') FROM json_each(i.case_body, '$.items') e "
    "WHERE json_extract(e.value, '$.line_id') = i.line_id), "
    "CASE WHEN i.customer_reason = 'defective' THEN (SELECT json_group_array(json_array("
    "a.step_id, a.result)) FROM answers a WHERE a.inspection_id = i.inspection_id) END, "
    "i.gtin_mismatch, i.untested_steps, i.mismatch_sign_off_reason "
    "FROM inspections i "
    "LEFT JOIN outbox o ON o.inspection_id = i.inspection_id "
    "LEFT JOIN results r ON r.inspection_id = i.inspection_id "
    "WHERE i.completed_at >= ? AND i.completed_at < ? ORDER BY i.completed_at")


def _record(row: Sequence[Any]) -> InspectionRecord:
    (iid, rma, order_id, sku, category, reason, case_body, started, completed, inspector,
     classification, suggested, override, disposition, missing, expected, scanned, unverified,
     code, mismatch, signed_by, signed_at, state, attention, payload, digest, photos_json,
     answers_json, candidate, gtin_expected, gtin_scanned, gtin_mismatch, gtin_signed_by,
     gtin_signed_at, gtin_reason, untested, signed_reason) = row
    result = InspectionResult.from_payload(payload) if payload is not None else None
    if result is not None:
        answers = result.answers
    else:
        answers = tuple(sorted((answer_from(*a) for a in json.loads(answers_json or "[]")),
                               key=lambda a: a.answered_at))
    photos = [] if photos_json == "[]" else sorted(json.loads(photos_json),
                                                   key=lambda p: p[3])  # by taken_at
    return InspectionRecord(
        result=result, inspection_id=iid, rma=rma, order_id=order_id, sku=sku,
        category=category, customer_reason=reason, case=case_from(case_body),
        started_at=ts_value(started), completed_at=ts_value(completed),
        inspector_id=inspector, classification=Classification(classification),
        classification_suggested=Classification(suggested or classification),
        override_reason=override,
        disposition=Disposition(disposition) if disposition else None,
        missing_accessories=() if missing == "[]" else tuple(json.loads(missing)),
        serial_expected=expected, serial_scanned=scanned, answers=answers,
        photos=tuple(photo_from(p[0], iid, *p[1:]) for p in photos),
        sync_state=OutboxState(state) if state else OutboxState.PENDING,
        attention_reason=attention, payload_sha256=digest, unverified=bool(unverified),
        scanned_code=code, serial_mismatch=bool(mismatch), mismatch_signed_by=signed_by,
        mismatch_signed_at=ts_or_none(signed_at), candidate_case=case_from(candidate),
        gtin_expected=gtin_expected, gtin_scanned=gtin_scanned,
        gtin_mismatch=bool(gtin_mismatch), gtin_signed_by=gtin_signed_by,
        gtin_signed_at=ts_or_none(gtin_signed_at), gtin_sign_off_reason=gtin_reason,
        untested_steps=tuple(json.loads(untested or "[]")),
        mismatch_sign_off_reason=signed_reason,
    )


def _shift_row(row: Sequence[Any]) -> ShiftRow:
    (iid, rma, sku, category, reason, started, completed, inspector, classification,
     suggested, override, disposition, expected, scanned, state, attention, code, mismatch,
     signed_by, inspect_by, awaiting, title, answers_json, gtin_mismatch, untested,
     signed_reason) = row
    return ShiftRow(
        inspection_id=iid, rma=rma, sku=sku, category=category, customer_reason=reason,
        started_at=ts_value(started), completed_at=ts_value(completed), inspector_id=inspector,
        classification=Classification(classification),
        classification_suggested=Classification(suggested or classification),
        override_reason=override,
        disposition=Disposition(disposition) if disposition else None,
        serial_expected=expected, serial_scanned=scanned,
        sync_state=OutboxState(state) if state else OutboxState.PENDING,
        attention_reason=attention, scanned_code=code, serial_mismatch=bool(mismatch),
        mismatch_signed_by=signed_by,
        inspect_by=datetime.fromisoformat(inspect_by) if inspect_by else None,
        awaiting_case=bool(awaiting), item_title=title,
        answers=tuple(Answer(step_id=a[0], result=Result(a[1]))
                      for a in json.loads(answers_json or "[]")),
        gtin_mismatch=bool(gtin_mismatch),
        untested_steps=() if untested in (None, "[]") else tuple(json.loads(untested)),
        mismatch_sign_off_reason=signed_reason,
    )


class HistoryQueries(StoreCore):
    """Reads of completed inspections and of the lookup cache."""

    def _records(self, sql: str, args: tuple[Any, ...]) -> list[InspectionRecord]:
        with self._read_raw() as raw:
            rows = raw.execute(sql, args).fetchall()
        return [_record(r) for r in rows]

    def completed_between(self, start: datetime, end: datetime) -> list[InspectionRecord]:
        """Full records completed in [start, end), oldest first (one statement)."""
        # completed_at is set only on completion: its index alone answers this.
        return self._records(_BETWEEN, (ts_text(start), ts_text(end)))

    def shift_rows(self, start: datetime, end: datetime) -> list[ShiftRow]:
        """The shift report's printed columns of what was completed in [start, end)."""
        with self._read_raw() as raw:
            rows = raw.execute(_SHIFT, (ts_text(start), ts_text(end))).fetchall()
        return [_shift_row(r) for r in rows]

    def list_completed_ids(
        self, start: datetime, end: datetime
    ) -> list[tuple[str, str | None, datetime | None, str]]:
        """(id, rma, completed_at, sync state) for a day list without loading answers."""
        with self._read_raw() as raw:
            rows = raw.execute(
                "SELECT i.inspection_id, i.rma, i.completed_at, o.state FROM inspections i "
                "JOIN outbox o ON o.inspection_id = i.inspection_id WHERE i.completed_at >= ? "
                "AND i.completed_at < ? ORDER BY i.completed_at DESC",
                (ts_text(start), ts_text(end))).fetchall()
        return [(r[0], r[1], ts_or_none(r[2]), r[3]) for r in rows]

    def search(self, text: str, limit: int = 50) -> list[InspectionRecord]:
        """By RMA (case-insensitive) or serial number (exact): two index lookups, one query."""
        raw = text.strip()
        if not raw:
            return []
        return self._records(_SEARCH, (raw, raw.upper(), raw, limit))

    def record(self, inspection_id: str) -> InspectionRecord:
        found = self._records(_ONE, (inspection_id,))
        if not found:
            raise StoreError(f"no completed inspection {inspection_id}")
        return found[0]

    # --- the lookup cache -------------------------------------------------------------------

    def cached_case(self, code: str, max_age: timedelta = timedelta(days=3)) -> Case | None:
        """A recently looked-up case by RMA, order, tracking number or case id."""
        needle = code.strip().upper()
        since = utcnow() - max_age
        with self._read() as s:
            bodies = s.scalars(
                select(CaseRow.body).where(CaseRow.fetched_at >= since).order_by(
                    CaseRow.fetched_at.desc())
            ).all()
        for body in bodies:
            case = Case.from_api(json.loads(body))
            keys = {case.case_id.upper(), case.rma.upper(), case.order_id.upper(),
                    *(t.upper() for t in case.tracking_numbers)}
            if needle in keys:
                return case
        return None

    # --- bench board (14.5) -------------------------------------------------------------------

    def cases_fetched_since(self, since: datetime) -> list[Case]:
        """Cases looked up at this station since `since` (the lookup cache), newest first."""
        with self._read() as s:
            bodies = s.scalars(select(CaseRow.body).where(CaseRow.fetched_at >= since)
                               .order_by(CaseRow.fetched_at.desc())).all()
        return [Case.from_api(json.loads(b)) for b in bodies]

    def inspected_lines(self, case_ids: Sequence[str]) -> set[tuple[str, str]]:
        """(case_id, line_id) of every completed inspection of these cases."""
        out: set[tuple[str, str]] = set()
        with self._read() as s:
            for chunk in chunks(list(case_ids), 500):
                out.update((str(c), str(line)) for c, line in s.execute(
                    select(InspectionRow.case_id, InspectionRow.line_id).where(
                        InspectionRow.case_id.in_(chunk),
                        InspectionRow.status == InspectionStatus.COMPLETED.value)) if line)
        return out

    def operator_names(self) -> dict[str, str]:
        """operator_id -> name, for lists that show people rather than IDs."""
        with self._read() as s:
            return {str(i): str(n) for i, n in s.execute(
                select(OperatorRow.operator_id, OperatorRow.name))}
