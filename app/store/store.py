"""The station's local store: drafts, photos, completed results, the outbox and the audit log.

Everything a bench confirms is on disk before anything leaves the station. One
writer at a time (a lock here plus BEGIN IMMEDIATE in SQLite); reads never wait
on the lock. Completing an inspection writes the result's exact JSON bytes and its
outbox entry in one transaction, so after any crash both are present or neither.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from app import __version__
from app.domain import (
    Answer,
    Case,
    CaseItem,
    ChecklistTemplate,
    Classification,
    Disposition,
    DomainError,
    Inspection,
    InspectionResult,
    InspectionStatus,
    Operator,
    Photo,
    Result,
    parse_ts,
    require_shift_lead,
    utcnow,
)
from app.line_match import serials_differ
from app.store.audit import AUDIT_KEY, ChainCheck, append_audit, rekey_chain, verify_chain
from app.store.db import StoreError, init_db, make_engine, quick_check, writer
from app.store.models import (
    AnswerRow,
    CaseRow,
    InspectionRow,
    OperatorRow,
    OutboxRow,
    PhotoRow,
    ResultRow,
    ts_text,
)
from app.store.photos import (
    DiskFullError,
    new_photo_id,
    photo_file_name,
    photo_path,
    write_atomically,
)
from app.text import clean_person_text

log = logging.getLogger("station.store")


class OutboxState:
    PENDING = "pending"
    SENT = "sent"
    ATTENTION = "attention"
    HANDLED = "handled"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    inspection_id: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    attention_reason: str | None
    created_at: datetime
    sent_at: datetime | None
    unverified: bool
    scanned_code: str
    handled_note: str | None = None


@dataclass(frozen=True, slots=True)
class QueueCounts:
    pending: int
    attention: int
    oldest_pending_at: datetime | None
    last_sent_at: datetime | None
    next_attempt_at: datetime | None = None  # the earliest pending item's next try


@dataclass(frozen=True, slots=True)
class InspectionRecord:
    """A completed inspection as the history screen and the reports read it."""

    result: InspectionResult | None  # None only while an unverified case is unresolved
    inspection_id: str
    rma: str | None
    order_id: str | None
    sku: str | None
    category: str
    customer_reason: str | None
    case: Case | None
    started_at: datetime
    completed_at: datetime
    inspector_id: str
    classification: Classification
    classification_suggested: Classification
    override_reason: str | None
    disposition: Disposition | None
    missing_accessories: tuple[str, ...]
    serial_expected: str | None
    serial_scanned: str | None
    answers: tuple[Answer, ...]
    photos: tuple[Photo, ...]
    sync_state: str
    attention_reason: str | None
    payload_sha256: str | None
    unverified: bool
    scanned_code: str
    serial_mismatch: bool = False  # issue 14.3: scanned serial differs from the case line's
    mismatch_signed_by: str | None = None
    mismatch_signed_at: datetime | None = None
    candidate_case: Case | None = None  # resolved case whose line a shift lead must choose

    def item(self) -> CaseItem | None:
        """The case's item line this inspection is of (None while unverified)."""
        if self.case is None or self.result is None:
            return None
        try:
            return self.case.item(self.result.line_id)
        except DomainError:
            return None

    def item_text(self) -> str:
        """The item as people name it: "SKU / title", or the category while unverified."""
        it = self.item()
        if it is not None:
            return f"{it.sku} / {it.title}"
        return self.sku or self.category


def _is_disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database or disk is full" in text or "disk i/o error" in text


class Store:
    """The one way into the station database and photo folder."""

    def __init__(self, db_file: Path, photos_dir: Path, *, engine: Engine | None = None,
                 audit_key: bytes | None = None, adopt_unkeyed_audit: bool = False) -> None:
        """`audit_key` keys the audit chain (app.station_store passes the station secret);
        `adopt_unkeyed_audit` re-keys an intact unkeyed chain once, when the secret was
        just created for a database from before keyed audits."""
        self.db_file = db_file
        self.photos_dir = photos_dir
        self.audit_key = audit_key
        photos_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if engine is None and not db_file.exists():
            # Created owner-only whatever the umask; SQLite gives -wal/-shm the same mode.
            os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self.engine = engine or make_engine(db_file)
        self._writer = writer(self.engine)
        self._write_lock = threading.RLock()
        try:
            quick_check(self.engine, db_file)  # never migrate or write into a damaged file
            init_db(self.engine)
        except OperationalError as exc:
            raise StoreError(
                f"The station database {db_file} cannot be opened: {exc.orig}"
            ) from exc
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            raise StoreError(
                f"The station database {db_file} is damaged or not a database "
                f"({getattr(exc, 'orig', exc)}); restore it from a backup or move it aside"
            ) from exc
        if audit_key is not None and adopt_unkeyed_audit:
            self._adopt_unkeyed_audit(audit_key)

    def close(self) -> None:
        self.engine.dispose()

    # --- sessions ---------------------------------------------------------------------------

    @contextmanager
    def _write(self, *, durable: bool = True) -> Iterator[Session]:
        """One write transaction. `durable=False` skips the fsync at commit: only for marks
        whose loss in a power cut is harmless (a "sent" mark lost means one idempotent
        replay the server answers with 200); never for anything an inspector confirmed."""
        with self._write_lock:
            try:
                with self._writer.connect() as conn:
                    raw = conn.connection.dbapi_connection
                    assert raw is not None
                    if not durable:
                        raw.execute("PRAGMA synchronous=NORMAL")
                    try:
                        with Session(bind=conn, expire_on_commit=False,
                                     info={AUDIT_KEY: self.audit_key}) as session, \
                                session.begin():
                            yield session
                    finally:
                        if not durable:
                            raw.execute("PRAGMA synchronous=FULL")
            except OperationalError as exc:
                if _is_disk_full(exc):
                    raise DiskFullError(
                        "The disk is full: this change was not saved. Everything saved before "
                        "is safe. Ask IT to free space on this station."
                    ) from exc
                raise StoreError(f"The station database refused a change: {exc.orig}") from exc

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def holds_records(self) -> bool:
        """Inspections or photos are on record (a roster emptied beside them is suspect)."""
        with self._read() as s:
            return s.scalar(select(InspectionRow.inspection_id).limit(1)) is not None \
                or s.scalar(select(PhotoRow.photo_id).limit(1)) is not None

    def verify_audit(self) -> ChainCheck:
        """Check every link of the audit chain with this store's key; the result is logged."""
        with self._read() as s:
            check = verify_chain(s, self.audit_key)
        if check.ok:
            log.info("audit chain of %s verified: %d entries intact", self.db_file,
                     check.entries)
        else:
            log.error("audit chain of %s BROKEN at entry %s (of %d): the audit log was "
                      "edited outside the station", self.db_file, check.first_bad_seq,
                      check.entries)
        return check

    def _adopt_unkeyed_audit(self, key: bytes) -> None:
        with self._write() as s:
            check = verify_chain(s, None)
            if not check.entries:
                return
            if not check.ok:  # never launder a broken chain: verification will report it
                log.error("the unkeyed audit chain is broken at entry %s; not re-keyed",
                          check.first_bad_seq)
                return
            count = rekey_chain(s, key)
            append_audit(s, "station", "audit_keyed", "", {"entries": count})
        log.info("audit chain of %d entries keyed with the station secret", count)

    def audit(self, actor: str, action: str, subject: str = "", **details: Any) -> None:
        with self._write() as s:
            append_audit(s, actor, action, subject, details)

    # --- cases (the lookup cache) -----------------------------------------------------------

    def cache_case(self, case: Case) -> None:
        with self._write() as s:
            self._cache_case(s, case)

    @staticmethod
    def _cache_case(s: Session, case: Case) -> None:
        body = json.dumps(case.to_api(), ensure_ascii=False, sort_keys=True)
        s.merge(CaseRow(case_id=case.case_id, rma=case.rma, order_id=case.order_id,
                        body=body, fetched_at=utcnow()))

    def cached_case(self, code: str, max_age: timedelta = timedelta(days=3)) -> Case | None:
        """A recently looked-up case by RMA, order, tracking number or case id."""
        needle = code.strip().upper()
        since = utcnow() - max_age
        with self._read() as s:
            rows = s.scalars(
                select(CaseRow).where(CaseRow.fetched_at >= since).order_by(
                    CaseRow.fetched_at.desc())
            ).all()
        for row in rows:
            case = Case.from_api(json.loads(row.body))
            keys = {case.case_id.upper(), case.rma.upper(), case.order_id.upper(),
                    *(t.upper() for t in case.tracking_numbers)}
            if needle in keys:
                return case
        return None

    # --- drafts -----------------------------------------------------------------------------

    def start_inspection(
        self,
        *,
        template: ChecklistTemplate,
        station_id: str,
        inspector_id: str,
        case: Case | None,
        item: CaseItem | None,
        scanned_code: str = "",
        category: str | None = None,
        inspection_id: str | None = None,
    ) -> Inspection:
        """A new draft; without a case (offline) it is unverified and resolved before upload."""
        if case is not None and item is None:
            raise DomainError("choose the item line to inspect")
        insp = Inspection(
            inspection_id=inspection_id or str(uuid.uuid4()),
            case_id=case.case_id if case else None,
            line_id=item.line_id if item else None,
            station_id=station_id,
            inspector_id=inspector_id,
            started_at=utcnow(),
            template_id=template.template_id,
            template_version=template.version,
            scanned_code=scanned_code,
            unverified=case is None,
        )
        with self._write() as s:
            s.add(InspectionRow(
                inspection_id=insp.inspection_id,
                case_id=insp.case_id,
                line_id=insp.line_id,
                rma=case.rma if case else None,
                order_id=case.order_id if case else None,
                sku=item.sku if item else None,
                category=item.category if item else (category or template.category),
                customer_reason=case.customer_reason.value if case else None,
                serial_expected=item.serial_number if item else None,
                station_id=station_id,
                inspector_id=inspector_id,
                started_at=insp.started_at,
                status=InspectionStatus.DRAFT.value,
                unverified=insp.unverified,
                scanned_code=scanned_code,
                template_id=template.template_id,
                template_version=template.version,
                current_step=0,
                case_body=json.dumps(case.to_api(), ensure_ascii=False) if case else None,
            ))
            append_audit(s, inspector_id, "start", insp.inspection_id,
                         {"case_id": insp.case_id, "line_id": insp.line_id,
                          "unverified": insp.unverified})
        return insp

    def _draft_row(self, s: Session, inspection_id: str) -> InspectionRow:
        row = s.get(InspectionRow, inspection_id)
        if row is None:
            raise StoreError(f"no inspection {inspection_id}")
        if row.status != InspectionStatus.DRAFT.value:
            raise DomainError("this inspection is completed and can no longer change")
        return row

    def save_answer(self, inspection_id: str, answer: Answer, *, current_step: int,
                    actor: str) -> None:
        """Saved at once, so a crash resumes at the same step with every answer kept."""
        with self._write() as s:
            row = self._draft_row(s, inspection_id)
            row.current_step = current_step
            s.merge(AnswerRow(
                inspection_id=inspection_id,
                step_id=answer.step_id,
                result=answer.result.value,
                value=json.dumps(answer.value, ensure_ascii=False),
                note=answer.note,
                photo_ids=json.dumps(list(answer.photo_ids)),
                answered_at=answer.answered_at,
                extra=_json_or_none(answer.extra),
            ))
            append_audit(s, actor, "answer", inspection_id,
                         {"step_id": answer.step_id, "result": answer.result.value})

    def clear_answer(self, inspection_id: str, step_id: str) -> None:
        with self._write() as s:
            self._draft_row(s, inspection_id)
            s.execute(delete(AnswerRow).where(AnswerRow.inspection_id == inspection_id,
                                              AnswerRow.step_id == step_id))

    def set_current_step(self, inspection_id: str, current_step: int) -> None:
        with self._write() as s:
            self._draft_row(s, inspection_id).current_step = current_step

    def set_serial_scanned(self, inspection_id: str, serial: str | None) -> None:
        with self._write() as s:
            self._draft_row(s, inspection_id).serial_scanned = serial

    def add_photo(self, inspection_id: str, step_id: str | None, data: bytes, *, mime: str,
                  width: int, height: int, actor: str,
                  quality: Mapping[str, Any] | None = None) -> Photo:
        """The file first (atomically), then its row: a crash leaves at worst an orphan file."""
        if mime not in ("image/jpeg", "image/png"):
            raise DomainError("photos must be JPEG or PNG")
        photo_id = new_photo_id()
        name = photo_file_name(photo_id, mime)
        with self._read() as s:
            self._draft_row(s, inspection_id)
        digest = write_atomically(photo_path(self.photos_dir, name), data)
        photo = Photo(photo_id=photo_id, inspection_id=inspection_id, step_id=step_id,
                      sha256=digest, taken_at=utcnow(), width=width, height=height, mime=mime,
                      quality=quality)
        try:
            with self._write() as s:
                self._draft_row(s, inspection_id)
                s.add(PhotoRow(photo_id=photo_id, inspection_id=inspection_id, step_id=step_id,
                               sha256=digest, size=len(data), width=width, height=height,
                               mime=mime, taken_at=photo.taken_at, file_name=name,
                               quality=_json_or_none(quality)))
                append_audit(s, actor, "photo", inspection_id,
                             {"photo_id": photo_id, "step_id": step_id, "sha256": digest,
                              **({"kept_despite": list(quality.get("problems", ())),
                                  "note": quality.get("note")} if quality else {})})
        except BaseException:
            photo_path(self.photos_dir, name).unlink(missing_ok=True)
            raise
        return photo

    def delete_photo(self, inspection_id: str, photo_id: str, *, actor: str) -> None:
        with self._write() as s:
            self._draft_row(s, inspection_id)
            row = s.get(PhotoRow, photo_id)
            if row is None or row.inspection_id != inspection_id:
                return
            name = row.file_name
            s.delete(row)
            for ans in s.scalars(select(AnswerRow).where(AnswerRow.inspection_id == inspection_id)):
                ids = json.loads(ans.photo_ids)
                if photo_id in ids:
                    ans.photo_ids = json.dumps([i for i in ids if i != photo_id])
            append_audit(s, actor, "photo_delete", inspection_id, {"photo_id": photo_id})
        photo_path(self.photos_dir, name).unlink(missing_ok=True)

    def photo_file(self, photo_id: str) -> Path:
        with self._read() as s:
            row = s.get(PhotoRow, photo_id)
            if row is None:
                raise StoreError(f"no photo {photo_id}")
            return photo_path(self.photos_dir, row.file_name)

    def photo_bytes(self, photo_id: str) -> bytes:
        return self.photo_file(photo_id).read_bytes()

    def load_inspection(self, inspection_id: str) -> Inspection:
        with self._read() as s:
            row = s.get(InspectionRow, inspection_id)
            if row is None:
                raise StoreError(f"no inspection {inspection_id}")
            return self._to_inspection(s, row)

    def _to_inspection(self, s: Session, row: InspectionRow) -> Inspection:
        answers = {a.step_id: _answer(a) for a in s.scalars(
            select(AnswerRow).where(AnswerRow.inspection_id == row.inspection_id))}
        photos = {p.photo_id: _photo(p) for p in s.scalars(
            select(PhotoRow).where(PhotoRow.inspection_id == row.inspection_id)
            .order_by(PhotoRow.taken_at))}
        return Inspection(
            inspection_id=row.inspection_id, case_id=row.case_id, line_id=row.line_id,
            station_id=row.station_id, inspector_id=row.inspector_id,
            started_at=row.started_at, template_id=row.template_id,
            template_version=row.template_version, scanned_code=row.scanned_code,
            unverified=bool(row.unverified), status=InspectionStatus(row.status),
            answers=answers, photos=photos, serial_number_scanned=row.serial_scanned,
            current_step=row.current_step, category=row.category,
            serial_expected=row.serial_expected,
        )

    def open_drafts(self, inspector_id: str | None = None) -> list[Inspection]:
        """Drafts left by a crash or a logout, newest first (the GUI offers to resume them)."""
        with self._read() as s:
            q = select(InspectionRow).where(InspectionRow.status == InspectionStatus.DRAFT.value)
            if inspector_id:
                q = q.where(InspectionRow.inspector_id == inspector_id)
            rows = s.scalars(q.order_by(InspectionRow.started_at.desc())).all()
            return [self._to_inspection(s, r) for r in rows]

    def completed_lines(self, case_id: str) -> dict[str, str]:
        """line_id -> id of the newest completed inspection of that line of a case."""
        with self._read() as s:
            rows = s.execute(select(InspectionRow.line_id, InspectionRow.inspection_id).where(
                InspectionRow.case_id == case_id,
                InspectionRow.status == InspectionStatus.COMPLETED.value,
            ).order_by(InspectionRow.completed_at)).all()
            return {str(line): str(iid) for line, iid in rows if line}

    def draft_case(self, inspection_id: str) -> Case | None:
        with self._read() as s:
            row = s.get(InspectionRow, inspection_id)
            if row is None or not row.case_body:
                return None
            return Case.from_api(json.loads(row.case_body))

    def discard_draft(self, inspection_id: str, *, actor: str) -> None:
        with self._write() as s:
            row = self._draft_row(s, inspection_id)
            names = [p.file_name for p in s.scalars(
                select(PhotoRow).where(PhotoRow.inspection_id == inspection_id))]
            s.delete(row)
            append_audit(s, actor, "discard", inspection_id, {})
        for name in names:
            photo_path(self.photos_dir, name).unlink(missing_ok=True)

    # --- completion -------------------------------------------------------------------------

    def complete(
        self,
        inspection_id: str,
        *,
        answers_in_order: Sequence[str],
        classification: Classification,
        classification_suggested: Classification,
        override_reason: str | None,
        disposition: Disposition | None,
        missing_accessories: Sequence[str],
        actor: str,
        serial_mismatch: bool = False,
        signed_off_by: str | None = None,
    ) -> InspectionResult | None:
        """Result bytes and outbox entry in one transaction. None while unverified.

        A serial mismatch is stored only with the shift lead who signed it off."""
        now = utcnow()
        reason = override_reason.strip() if override_reason and override_reason.strip() else None
        if classification != classification_suggested and reason is None:
            raise DomainError("overriding the suggested classification needs a reason")
        if serial_mismatch and not signed_off_by:
            raise DomainError(key="mismatch_needs_sign_off")
        with self._write() as s:
            row = self._draft_row(s, inspection_id)
            insp = self._to_inspection(s, row)
            row.status = InspectionStatus.COMPLETED.value
            row.completed_at = now
            row.classification = classification.value
            row.classification_suggested = classification_suggested.value
            row.override_reason = reason
            row.disposition = disposition.value if disposition else None
            row.missing_accessories = json.dumps(list(missing_accessories), ensure_ascii=False)
            if serial_mismatch:
                row.serial_mismatch = True
                row.mismatch_signed_by, row.mismatch_signed_at = signed_off_by, now
            result: InspectionResult | None = None
            payload: bytes | None = None
            if not insp.unverified:
                result = _build_result(insp, row, answers_in_order)
                payload = result.payload_bytes()
            s.add(ResultRow(inspection_id=inspection_id, payload=payload,
                            sha256=hashlib.sha256(payload).hexdigest() if payload else None,
                            created_at=now))
            s.add(OutboxRow(inspection_id=inspection_id, state=OutboxState.PENDING, attempts=0,
                            next_attempt_at=now, created_at=now))
            append_audit(s, actor, "complete", inspection_id, {
                "classification": classification.value,
                "suggested": classification_suggested.value,
                "disposition": row.disposition,
                "sha256": hashlib.sha256(payload).hexdigest() if payload else None,
            })
            if serial_mismatch:
                append_audit(s, str(signed_off_by), "mismatch_sign_off", inspection_id,
                             {"inspector": actor, "expected": row.serial_expected,
                              "scanned": row.serial_scanned})
            if reason:
                append_audit(s, actor, "override", inspection_id,
                             {"from": classification_suggested.value,
                              "to": classification.value, "reason": reason})
        return result

    def resolve_unverified(self, inspection_id: str, case: Case, line_id: str, *,
                           by: str = "station") -> bytes:
        """Attach the looked-up case to an offline inspection and freeze its bytes (once)."""
        with self._write() as s:
            return self._resolve(s, inspection_id, case, line_id, by)

    def _resolve(self, s: Session, inspection_id: str, case: Case, line_id: str,
                 by: str) -> bytes:
        item = case.item(line_id)
        row = s.get(InspectionRow, inspection_id)
        res = s.get(ResultRow, inspection_id)
        if row is None or res is None:
            raise StoreError(f"no completed inspection {inspection_id}")
        if res.payload is not None:
            return res.payload
        row.case_id, row.line_id = case.case_id, line_id
        row.rma, row.order_id, row.sku = case.rma, case.order_id, item.sku
        row.customer_reason = case.customer_reason.value
        row.serial_expected = item.serial_number
        row.case_body = json.dumps(case.to_api(), ensure_ascii=False)
        row.unverified = False
        row.candidate_case_id = None
        # Found only now: flagged, but nobody signed it off at the bench.
        row.serial_mismatch = serials_differ(item.serial_number, row.serial_scanned)
        insp = self._to_inspection(s, row)
        order = [a.step_id for a in sorted(insp.answers.values(), key=lambda a: a.answered_at)]
        payload = _build_result(insp, row, order).payload_bytes()
        res.payload, res.sha256 = payload, hashlib.sha256(payload).hexdigest()
        append_audit(s, by, "resolve", inspection_id,
                     {"case_id": case.case_id, "line_id": line_id})
        return payload

    def park_for_line_choice(self, inspection_id: str, case: Case, reason: str) -> None:
        """The case resolved but several lines could be this item: keep the case, ask a lead."""
        with self._write() as s:
            self._cache_case(s, case)
            row = s.get(InspectionRow, inspection_id)
            ob = s.get(OutboxRow, inspection_id)
            if row is None or ob is None:
                raise StoreError(f"no completed inspection {inspection_id}")
            row.candidate_case_id = case.case_id
            ob.state, ob.attention_reason = OutboxState.ATTENTION, reason[:1000]
            ob.attempts += 1
            append_audit(s, "station", "sync_attention", inspection_id,
                         {"reason": reason[:1000], "case_id": case.case_id})

    def line_choice_case(self, inspection_id: str) -> Case | None:
        """The resolved case whose item line a shift lead must choose, if any."""
        with self._read() as s:
            row = s.get(InspectionRow, inspection_id)
            return None if row is None else self._candidate(s, row)

    def choose_line(self, inspection_id: str, line_id: str, *, by: Operator) -> None:
        """Shift lead: this offline inspection is of that line; freeze it and queue it."""
        actor = require_shift_lead(by, "choose the item line").operator_id
        case = self.line_choice_case(inspection_id)
        if case is None:
            raise DomainError(key="no_line_choice")
        if line_id not in {it.line_id for it in case.items}:
            raise DomainError(key="unknown_line", rma=case.rma, line=line_id)
        with self._write() as s:
            ob = s.get(OutboxRow, inspection_id)
            if ob is None or ob.state != OutboxState.ATTENTION:
                raise DomainError(key="no_line_choice")
            self._resolve(s, inspection_id, case, line_id, actor)
            ob.state, ob.next_attempt_at, ob.attention_reason = (
                OutboxState.PENDING, utcnow(), None)
            append_audit(s, actor, "line_chosen", inspection_id,
                         {"case_id": case.case_id, "line_id": line_id})

    def result_payload(self, inspection_id: str) -> bytes | None:
        with self._read() as s:
            res = s.get(ResultRow, inspection_id)
            return res.payload if res else None

    def result_sha256(self, inspection_id: str) -> str | None:
        """The digest recorded when the result bytes were written (checked before a send)."""
        with self._read() as s:
            res = s.get(ResultRow, inspection_id)
            return res.sha256 if res else None

    def result_photos(self, inspection_id: str) -> list[Photo]:
        with self._read() as s:
            return [_photo(p) for p in s.scalars(
                select(PhotoRow).where(PhotoRow.inspection_id == inspection_id)
                .order_by(PhotoRow.taken_at))]

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

    # --- history ----------------------------------------------------------------------------

    def completed_between(self, start: datetime, end: datetime) -> list[InspectionRecord]:
        with self._read() as s:
            # completed_at is set only on completion: its index alone answers this.
            rows = s.scalars(select(InspectionRow).where(
                InspectionRow.completed_at >= start, InspectionRow.completed_at < end,
            ).order_by(InspectionRow.completed_at)).all()
            return self._records(s, rows)

    def list_completed_ids(
        self, start: datetime, end: datetime
    ) -> list[tuple[str, str | None, datetime | None, str]]:
        """(id, rma, completed_at, sync state) for a day list without loading answers."""
        with self._read() as s:
            return [(r[0], r[1], r[2], r[3]) for r in s.execute(
                select(InspectionRow.inspection_id, InspectionRow.rma,
                       InspectionRow.completed_at, OutboxRow.state)
                .join(OutboxRow, OutboxRow.inspection_id == InspectionRow.inspection_id)
                .where(InspectionRow.completed_at >= start, InspectionRow.completed_at < end)
                .order_by(InspectionRow.completed_at.desc())).all()]

    def search(self, text: str, limit: int = 50) -> list[InspectionRecord]:
        """By RMA (case-insensitive) or serial number (exact): two index lookups."""
        raw = text.strip()
        if not raw:
            return []
        with self._read() as s:
            by_rma = select(InspectionRow.inspection_id).where(
                InspectionRow.rma.in_([raw, raw.upper()]))
            by_serial = select(InspectionRow.inspection_id).where(
                InspectionRow.serial_scanned == raw)
            ids = list(s.scalars(by_rma.union(by_serial)))
            if not ids:
                return []
            rows = s.scalars(select(InspectionRow).where(
                InspectionRow.inspection_id.in_(ids),
                InspectionRow.status == InspectionStatus.COMPLETED.value,
            ).order_by(InspectionRow.completed_at.desc()).limit(limit)).all()
            return self._records(s, rows)

    def record(self, inspection_id: str) -> InspectionRecord:
        with self._read() as s:
            row = s.get(InspectionRow, inspection_id)
            if row is None or row.status != InspectionStatus.COMPLETED.value:
                raise StoreError(f"no completed inspection {inspection_id}")
            return self._records(s, [row])[0]

    def _records(self, s: Session, rows: Sequence[InspectionRow]) -> list[InspectionRecord]:
        if not rows:
            return []
        ids = [r.inspection_id for r in rows]
        answers: dict[str, list[AnswerRow]] = {}
        photos: dict[str, list[PhotoRow]] = {}
        for chunk in _chunks(ids, 500):
            for a in s.scalars(select(AnswerRow).where(AnswerRow.inspection_id.in_(chunk))):
                answers.setdefault(a.inspection_id, []).append(a)
            for p in s.scalars(select(PhotoRow).where(PhotoRow.inspection_id.in_(chunk))
                               .order_by(PhotoRow.taken_at)):
                photos.setdefault(p.inspection_id, []).append(p)
        outbox = {o.inspection_id: o for chunk in _chunks(ids, 500) for o in s.scalars(
            select(OutboxRow).where(OutboxRow.inspection_id.in_(chunk)))}
        results = {r.inspection_id: r for chunk in _chunks(ids, 500) for r in s.scalars(
            select(ResultRow).where(ResultRow.inspection_id.in_(chunk)))}
        out: list[InspectionRecord] = []
        for row in rows:
            res = results.get(row.inspection_id)
            result = None
            if res is not None and res.payload is not None:
                result = result_from_payload(res.payload)
                ans = result.answers
            else:
                ans = tuple(sorted((_answer(a) for a in answers.get(row.inspection_id, [])),
                                   key=lambda a: a.answered_at))
            ob = outbox.get(row.inspection_id)
            assert row.completed_at is not None and row.classification is not None
            out.append(InspectionRecord(
                result=result, inspection_id=row.inspection_id, rma=row.rma,
                order_id=row.order_id, sku=row.sku, category=row.category,
                customer_reason=row.customer_reason,
                case=Case.from_api(json.loads(row.case_body)) if row.case_body else None,
                started_at=row.started_at, completed_at=row.completed_at,
                inspector_id=row.inspector_id,
                classification=Classification(row.classification),
                classification_suggested=Classification(
                    row.classification_suggested or row.classification),
                override_reason=row.override_reason,
                disposition=Disposition(row.disposition) if row.disposition else None,
                missing_accessories=tuple(json.loads(row.missing_accessories)),
                serial_expected=row.serial_expected, serial_scanned=row.serial_scanned,
                answers=ans,
                photos=tuple(_photo(p) for p in photos.get(row.inspection_id, [])),
                sync_state=ob.state if ob else OutboxState.PENDING,
                attention_reason=ob.attention_reason if ob else None,
                payload_sha256=res.sha256 if res else None,
                unverified=bool(row.unverified), scanned_code=row.scanned_code,
                serial_mismatch=bool(row.serial_mismatch),
                mismatch_signed_by=row.mismatch_signed_by,
                mismatch_signed_at=row.mismatch_signed_at,
                candidate_case=self._candidate(s, row),
            ))
        return out

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
            for chunk in _chunks(list(case_ids), 500):
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

    @staticmethod
    def _candidate(s: Session, row: InspectionRow) -> Case | None:
        if not row.unverified or not row.candidate_case_id:
            return None
        cached = s.get(CaseRow, row.candidate_case_id)
        return Case.from_api(json.loads(cached.body)) if cached else None

    # --- retention --------------------------------------------------------------------------

    def purge_confirmed(self, now: datetime, retention_days: int, *, actor: str) -> int:
        """Remove inspections the server confirmed more than N days ago; never anything else."""
        cutoff = now - timedelta(days=retention_days)
        with self._write() as s:
            ids = list(s.scalars(select(OutboxRow.inspection_id).where(
                OutboxRow.state == OutboxState.SENT, OutboxRow.sent_at < cutoff)))
            names = [p.file_name for chunk in _chunks(ids, 500) for p in s.scalars(
                select(PhotoRow).where(PhotoRow.inspection_id.in_(chunk)))]
            for chunk in _chunks(ids, 500):
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


# --- row conversions ----------------------------------------------------------------------


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _json_or_none(value: Mapping[str, Any] | None) -> str | None:
    return json.dumps(dict(value), ensure_ascii=False) if value else None


def _answer(a: AnswerRow) -> Answer:
    return Answer(step_id=a.step_id, result=Result(a.result),
                  value=json.loads(a.value) if a.value is not None else None, note=a.note,
                  photo_ids=tuple(json.loads(a.photo_ids)), answered_at=a.answered_at,
                  extra=json.loads(a.extra) if a.extra else None)


def _photo(p: PhotoRow) -> Photo:
    return Photo(photo_id=p.photo_id, inspection_id=p.inspection_id, step_id=p.step_id,
                 sha256=p.sha256, taken_at=p.taken_at, width=p.width, height=p.height,
                 mime=p.mime, quality=json.loads(p.quality) if p.quality else None)


def _outbox(o: OutboxRow, unverified: bool, scanned_code: str) -> OutboxItem:
    return OutboxItem(inspection_id=o.inspection_id, state=o.state, attempts=o.attempts,
                      next_attempt_at=o.next_attempt_at, last_error=o.last_error,
                      attention_reason=o.attention_reason, created_at=o.created_at,
                      sent_at=o.sent_at, unverified=unverified, scanned_code=scanned_code,
                      handled_note=o.handled_note)


def _build_result(insp: Inspection, row: InspectionRow,
                  answers_in_order: Sequence[str]) -> InspectionResult:
    assert insp.case_id and insp.line_id and row.completed_at and row.classification
    order = [sid for sid in answers_in_order if sid in insp.answers]
    order += [sid for sid in insp.answers if sid not in order]
    return InspectionResult(
        inspection_id=insp.inspection_id, case_id=insp.case_id, line_id=insp.line_id,
        station_id=insp.station_id, inspector_id=insp.inspector_id,
        started_at=insp.started_at, completed_at=row.completed_at,
        template_id=insp.template_id, template_version=insp.template_version,
        answers=tuple(insp.answers[sid] for sid in order),
        serial_number_scanned=insp.serial_number_scanned,
        classification=Classification(row.classification),
        classification_suggested=Classification(row.classification_suggested
                                                 or row.classification),
        override_reason=row.override_reason,
        missing_accessories=tuple(json.loads(row.missing_accessories)),
        disposition=Disposition(row.disposition) if row.disposition else None,
        photos=tuple(insp.photos.values()),
        client_version=__version__,
    )


_ANSWER_KEYS = frozenset({"step_id", "result", "value", "note", "photo_ids"})


def result_from_payload(payload: bytes) -> InspectionResult:
    """Read back stored result bytes (reports print what was actually sent)."""
    d = json.loads(payload)
    return InspectionResult(
        inspection_id=d["inspection_id"], case_id=d["case_id"], line_id=d["line_id"],
        station_id=d["station_id"], inspector_id=d["inspector_id"],
        started_at=parse_ts(d["started_at"]), completed_at=parse_ts(d["completed_at"]),
        template_id=d["template_id"], template_version=d["template_version"],
        answers=tuple(Answer(step_id=a["step_id"], result=Result(a["result"]),
                             value=a.get("value"), note=a.get("note", ""),
                             photo_ids=tuple(a.get("photo_ids", ())),
                             extra={k: v for k, v in a.items() if k not in _ANSWER_KEYS}
                             or None)
                      for a in d["answers"]),
        serial_number_scanned=d["serial_number_scanned"],
        classification=Classification(d["classification"]),
        classification_suggested=Classification(d["classification_suggested"]),
        override_reason=d["override_reason"],
        missing_accessories=tuple(d["missing_accessories"]),
        disposition=Disposition(d["disposition"]) if d["disposition"] else None,
        photos=tuple(Photo(photo_id=p["photo_id"], inspection_id=d["inspection_id"],
                           step_id=p["step_id"], sha256=p["sha256"],
                           taken_at=parse_ts(p["taken_at"]), width=p["width"],
                           height=p["height"], quality=p.get("quality"))
                      for p in d["photos"]),
        client_version=d["client_version"],
    )
