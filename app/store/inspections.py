"""Inspections written: drafts, answers, photos, completion, and unverified ones resolved.

Everything a bench confirms is on disk before anything leaves the station. Completing an
inspection writes the result's exact JSON bytes and its outbox entry in one transaction,
so after any crash both are present or neither. The stored result is read back beside
where it is written (`result_payload`, `InspectionResult.from_payload`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
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
    require_shift_lead,
    utcnow,
)
from app.line_match import serials_differ
from app.messages import t
from app.store.audit import append_audit, append_audit_to
from app.store.core import StoreCore, dbapi
from app.store.db import StoreError
from app.store.models import (
    AnswerRow,
    CaseRow,
    InspectionRow,
    OutboxRow,
    PhotoRow,
    ResultRow,
    ts_text,
    ts_value,
)
from app.store.photos import new_photo_id, photo_file_name, photo_path, write_atomically
from app.store.records import OutboxState, answer_from, case_from, photo_from

_INSPECTION = ("SELECT inspection_id, case_id, line_id, station_id, inspector_id, started_at, "
               "template_id, template_version, scanned_code, unverified, status, "
               "serial_scanned, current_step, category, serial_expected "
               "FROM inspections WHERE inspection_id = ?")
_ANSWERS = ("SELECT step_id, result, value, note, photo_ids, answered_at, extra FROM answers "
            "WHERE inspection_id = ?")
_PHOTOS = ("SELECT photo_id, inspection_id, step_id, sha256, taken_at, width, height, mime, "
           "quality "
           "FROM photos WHERE inspection_id = ? ORDER BY taken_at")
_COMPLETE = ("UPDATE inspections SET status = ?, completed_at = ?, classification = ?, "
             "classification_suggested = ?, override_reason = ?, disposition = ?, "
             "missing_accessories = ?, serial_mismatch = serial_mismatch OR ?, "
             "mismatch_signed_by = coalesce(?, mismatch_signed_by), "
             "mismatch_signed_at = coalesce(?, mismatch_signed_at), "
             "mismatch_sign_off_reason = coalesce(?, mismatch_sign_off_reason), gtin_scanned = ?, "
             "untested_steps = ?, gtin_mismatch = gtin_mismatch OR ?, "
             "gtin_signed_by = coalesce(?, gtin_signed_by), "
             "gtin_signed_at = coalesce(?, gtin_signed_at), "
             "gtin_sign_off_reason = coalesce(?, gtin_sign_off_reason) "
             "WHERE inspection_id = ?")
_GTIN_EXPECTED = "SELECT gtin_expected FROM inspections WHERE inspection_id = ?"
_RESULT = "INSERT INTO results (inspection_id, payload, sha256, created_at) VALUES (?, ?, ?, ?)"
_QUEUE = ("INSERT INTO outbox (inspection_id, state, attempts, next_attempt_at, created_at) "
          "VALUES (?, ?, 0, ?, ?)")


def load_inspection(raw: sqlite3.Connection, inspection_id: str) -> Inspection | None:
    """One inspection with its answers and photos: three prepared statements."""
    found = raw.execute(_INSPECTION, (inspection_id,)).fetchall()  # all: the read ends here
    if not found:
        return None
    row = found[0]
    answers = {a[0]: answer_from(a[0], a[1], json.loads(a[2]) if a[2] is not None else None,
                                 a[3], json.loads(a[4]), a[5],
                                 json.loads(a[6]) if a[6] else None)
               for a in raw.execute(_ANSWERS, (inspection_id,))}
    photos = {p[0]: photo_from(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7],
                               json.loads(p[8]) if p[8] else None)
              for p in raw.execute(_PHOTOS, (inspection_id,))}
    (iid, case_id, line_id, station, inspector, started, template_id, template_version,
     scanned, unverified, status, serial, step, category, expected) = row
    return Inspection(
        inspection_id=iid, case_id=case_id, line_id=line_id, station_id=station,
        inspector_id=inspector, started_at=ts_value(started),
        template_id=template_id, template_version=template_version, scanned_code=scanned,
        unverified=bool(unverified), status=InspectionStatus(status), answers=answers,
        photos=photos, serial_number_scanned=serial, current_step=step, category=category,
        serial_expected=expected)


def build_result(insp: Inspection, *, completed_at: datetime, classification: Classification,
                 suggested: Classification, override_reason: str | None,
                 disposition: Disposition | None, missing_accessories: Sequence[str],
                 answers_in_order: Sequence[str]) -> InspectionResult:
    """The result as it will be stored and sent: answers in the checklist's order."""
    assert insp.case_id and insp.line_id
    order = [sid for sid in answers_in_order if sid in insp.answers]
    order += [sid for sid in insp.answers if sid not in order]
    return InspectionResult(
        inspection_id=insp.inspection_id, case_id=insp.case_id, line_id=insp.line_id,
        station_id=insp.station_id, inspector_id=insp.inspector_id,
        started_at=insp.started_at, completed_at=completed_at,
        template_id=insp.template_id, template_version=insp.template_version,
        answers=tuple(insp.answers[sid] for sid in order),
        serial_number_scanned=insp.serial_number_scanned,
        classification=classification, classification_suggested=suggested,
        override_reason=override_reason, missing_accessories=tuple(missing_accessories),
        disposition=disposition, photos=tuple(insp.photos.values()),
        client_version=__version__,
    )


def _draft_row(s: Session, inspection_id: str) -> InspectionRow:
    row = s.get(InspectionRow, inspection_id)
    if row is None:
        raise StoreError(f"no inspection {inspection_id}")
    if row.status != InspectionStatus.DRAFT.value:
        raise DomainError("this inspection is completed and can no longer change")
    return row


def cache_case_in(s: Session, case: Case) -> None:
    body = json.dumps(case.to_api(), ensure_ascii=False, sort_keys=True)
    s.merge(CaseRow(case_id=case.case_id, rma=case.rma, order_id=case.order_id,
                    body=body, fetched_at=utcnow()))


def candidate_case(s: Session, row: InspectionRow) -> Case | None:
    if not row.unverified or not row.candidate_case_id:
        return None
    cached = s.get(CaseRow, row.candidate_case_id)
    return case_from(cached.body) if cached else None


class InspectionWrites(StoreCore):
    """Drafts, photos and completion."""

    def cache_case(self, case: Case) -> None:
        with self._write() as s:
            cache_case_in(s, case)

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
                gtin_expected=item.gtin if item else None,
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

    def save_answer(self, inspection_id: str, answer: Answer, *, current_step: int,
                    actor: str) -> None:
        """Saved at once, so a crash resumes at the same step with every answer kept."""
        with self._write() as s:
            row = _draft_row(s, inspection_id)
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
            _draft_row(s, inspection_id)
            s.execute(delete(AnswerRow).where(AnswerRow.inspection_id == inspection_id,
                                              AnswerRow.step_id == step_id))

    def set_current_step(self, inspection_id: str, current_step: int) -> None:
        with self._write() as s:
            _draft_row(s, inspection_id).current_step = current_step

    def set_serial_scanned(self, inspection_id: str, serial: str | None) -> None:
        with self._write() as s:
            _draft_row(s, inspection_id).serial_scanned = serial

    def add_photo(self, inspection_id: str, step_id: str | None, data: bytes, *, mime: str,
                  width: int, height: int, actor: str,
                  quality: Mapping[str, Any] | None = None) -> Photo:
        """The file first (atomically), then its row: a crash leaves at worst an orphan file."""
        if mime not in ("image/jpeg", "image/png"):
            raise DomainError("photos must be JPEG or PNG")
        photo_id = new_photo_id()
        name = photo_file_name(photo_id, mime)
        with self._read() as s:
            _draft_row(s, inspection_id)
        digest = write_atomically(photo_path(self.photos_dir, name), data)
        photo = Photo(photo_id=photo_id, inspection_id=inspection_id, step_id=step_id,
                      sha256=digest, taken_at=utcnow(), width=width, height=height, mime=mime,
                      quality=quality)
        try:
            with self._write() as s:
                _draft_row(s, inspection_id)
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
            _draft_row(s, inspection_id)
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
        with self._read_raw() as raw:
            insp = load_inspection(raw, inspection_id)
        if insp is None:
            raise StoreError(f"no inspection {inspection_id}")
        return insp

    def open_drafts(self, inspector_id: str | None = None) -> list[Inspection]:
        """Drafts left by a crash or a logout, newest first (the GUI offers to resume them)."""
        with self._read() as s:
            q = select(InspectionRow.inspection_id).where(
                InspectionRow.status == InspectionStatus.DRAFT.value)
            if inspector_id:
                q = q.where(InspectionRow.inspector_id == inspector_id)
            ids = s.scalars(q.order_by(InspectionRow.started_at.desc())).all()
            raw = dbapi(s)
            found = [load_inspection(raw, iid) for iid in ids]
        return [insp for insp in found if insp is not None]

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
            return None if row is None else case_from(row.case_body)

    def inspection_category(self, inspection_id: str
                            ) -> tuple[str, str | None, str | None] | None:
        """The category the inspector picked, the serial and the product code scanned (the
        line matching's evidence; None: no such one)."""
        with self._read_raw() as raw:
            rows = raw.execute("SELECT category, serial_scanned, gtin_scanned FROM inspections "
                               "WHERE inspection_id = ?", (inspection_id,)).fetchall()
        return (str(rows[0][0]), rows[0][1], rows[0][2]) if rows else None

    def discard_draft(self, inspection_id: str, *, actor: str) -> None:
        with self._write() as s:
            row = _draft_row(s, inspection_id)
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
        sign_off_reason: str | None = None,
        gtin_scanned: str | None = None,
        gtin_mismatch: bool = False,
        gtin_signed_by: str | None = None,
        gtin_sign_off_reason: str | None = None,
        untested_steps: Sequence[str] = (),
    ) -> InspectionResult | None:
        """Result bytes and outbox entry in one transaction. None while unverified.

        A serial or product code mismatch is stored only with the shift lead who signed it
        off, the lead's reason and the item on hold (16.1). Prepared
        statements on the DBAPI connection: no ORM unit of work on the hot path."""
        now = utcnow()
        reason = override_reason.strip() if override_reason and override_reason.strip() else None
        if classification != classification_suggested and reason is None:
            raise DomainError("overriding the suggested classification needs a reason")
        if serial_mismatch and not (signed_off_by and sign_off_reason
                                    and sign_off_reason.strip()):
            raise DomainError(key="mismatch_needs_sign_off")
        if serial_mismatch and disposition is not None:
            raise DomainError("a serial/IMEI mismatch is held for review (no disposition)")
        if gtin_mismatch and not (gtin_signed_by and gtin_sign_off_reason):
            raise DomainError(key="gtin_needs_sign_off")
        if gtin_mismatch and disposition is not None:
            raise DomainError("a product code mismatch is held for review (no disposition)")
        stamp = ts_text(now)
        with self._write_raw() as raw:
            insp = load_inspection(raw, inspection_id)
            if insp is None:
                raise StoreError(f"no inspection {inspection_id}")
            if insp.status is not InspectionStatus.DRAFT:
                raise DomainError("this inspection is completed and can no longer change")
            raw.execute(_COMPLETE, (
                InspectionStatus.COMPLETED.value, stamp, classification.value,
                classification_suggested.value, reason,
                disposition.value if disposition else None,
                json.dumps(list(missing_accessories), ensure_ascii=False),
                int(serial_mismatch), signed_off_by if serial_mismatch else None,
                stamp if serial_mismatch else None,
                sign_off_reason if serial_mismatch else None, gtin_scanned,
                json.dumps(list(untested_steps)), int(gtin_mismatch),
                gtin_signed_by if gtin_mismatch else None, stamp if gtin_mismatch else None,
                gtin_sign_off_reason if gtin_mismatch else None, inspection_id))
            result: InspectionResult | None = None
            payload: bytes | None = None
            if not insp.unverified:
                result = build_result(
                    insp, completed_at=now, classification=classification,
                    suggested=classification_suggested, override_reason=reason,
                    disposition=disposition, missing_accessories=missing_accessories,
                    answers_in_order=answers_in_order)
                payload = result.payload_bytes()
            digest = hashlib.sha256(payload).hexdigest() if payload else None
            raw.execute(_RESULT, (inspection_id, payload, digest, stamp))
            raw.execute(_QUEUE, (inspection_id, OutboxState.PENDING.value, stamp, stamp))
            key = self.audit_key
            append_audit_to(raw, key, actor, "complete", inspection_id, {
                "classification": classification.value,
                "suggested": classification_suggested.value,
                "disposition": disposition.value if disposition else None,
                "sha256": digest,
            })
            if serial_mismatch:
                append_audit_to(raw, key, str(signed_off_by), "mismatch_sign_off",
                                inspection_id, {"inspector": actor,
                                                "expected": insp.serial_expected,
                                                "scanned": insp.serial_number_scanned,
                                                "reason": sign_off_reason})
            if gtin_mismatch:
                expected = raw.execute(_GTIN_EXPECTED, (inspection_id,)).fetchone()[0]
                append_audit_to(raw, key, str(gtin_signed_by), "gtin_mismatch_sign_off",
                                inspection_id, {"inspector": actor, "expected": expected,
                                                "scanned": gtin_scanned,
                                                "reason": gtin_sign_off_reason})
            if reason:
                append_audit_to(raw, key, actor, "override", inspection_id,
                                {"from": classification_suggested.value,
                                 "to": classification.value, "reason": reason})
        return result

    def resolve_unverified(self, inspection_id: str, case: Case, line_id: str, *,
                           by: str = "station") -> bytes:
        """Attach the looked-up case to an offline inspection and freeze its bytes (once)."""
        with self._write() as s:
            return self._resolve(s, inspection_id, case, line_id, by, park=True)

    @staticmethod
    def _resolve(s: Session, inspection_id: str, case: Case, line_id: str, by: str, *,
                 park: bool) -> bytes:
        """Freeze the bytes; a mismatch found now holds the item, and `park` (no lead was
        involved in picking the line) leaves it in needs-attention for one (16.1)."""
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
        # Found only now: flagged, but nobody signed it off at the bench. It was confirmed
        # without a lead, so it is held (no disposition, 16.1) and waits for one.
        row.serial_mismatch = serials_differ(item.serial_number, row.serial_scanned)
        row.gtin_expected = item.gtin
        if item.gtin and row.gtin_scanned and item.gtin != row.gtin_scanned:
            row.gtin_mismatch = True  # another product than the case's: on hold (16.1)
        if row.serial_mismatch or row.gtin_mismatch:
            row.disposition = None
        s.flush()
        insp = load_inspection(dbapi(s), inspection_id)
        assert insp is not None and row.completed_at is not None and row.classification
        order = [a.step_id for a in sorted(insp.answers.values(), key=lambda a: a.answered_at)]
        payload = build_result(
            insp, completed_at=row.completed_at,
            classification=Classification(row.classification),
            suggested=Classification(row.classification_suggested or row.classification),
            override_reason=row.override_reason,
            disposition=Disposition(row.disposition) if row.disposition else None,
            missing_accessories=json.loads(row.missing_accessories),
            answers_in_order=order).payload_bytes()
        res.payload, res.sha256 = payload, hashlib.sha256(payload).hexdigest()
        append_audit(s, by, "resolve", inspection_id,
                     {"case_id": case.case_id, "line_id": line_id})
        if park and (row.serial_mismatch or row.gtin_mismatch):
            _hold_for_a_lead(s, row, case.rma)
        return payload

    def park_for_line_choice(self, inspection_id: str, case: Case, reason: str) -> None:
        """The case resolved but several lines could be this item: keep the case, ask a lead."""
        with self._write() as s:
            cache_case_in(s, case)
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
            return None if row is None else candidate_case(s, row)

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
            # The lead saw each line's serial and product code in the chooser: a mismatch
            # holds the item (null disposition) but needs no second visit (16.1).
            self._resolve(s, inspection_id, case, line_id, actor, park=False)
            ob.state, ob.next_attempt_at, ob.attention_reason = (
                OutboxState.PENDING, utcnow(), None)
            append_audit(s, actor, "line_chosen", inspection_id,
                         {"case_id": case.case_id, "line_id": line_id})

    # --- the stored result read back ------------------------------------------------------------

    def result_payload(self, inspection_id: str) -> bytes | None:
        """The exact bytes `complete` (or `resolve_unverified`) stored: what is sent."""
        return self._result_column("payload", inspection_id)  # type: ignore[return-value]

    def result_sha256(self, inspection_id: str) -> str | None:
        """The digest recorded when the result bytes were written (checked before a send)."""
        return self._result_column("sha256", inspection_id)  # type: ignore[return-value]

    def _result_column(self, column: str, inspection_id: str) -> bytes | str | None:
        assert column in ("payload", "sha256")
        with self._read_raw() as raw:
            rows = raw.execute(f"SELECT {column} FROM results WHERE inspection_id = ?",
                               (inspection_id,)).fetchall()
        return rows[0][0] if rows else None

    def result_photos(self, inspection_id: str) -> list[Photo]:
        with self._read_raw() as raw:
            return [photo_from(*p) for p in raw.execute(_PHOTOS, (inspection_id,))]


def _hold_for_a_lead(s: Session, row: InspectionRow, rma: str) -> None:
    """A mismatch found when the case resolved: the item needs a shift lead (16.1), who
    checks it and retries (it is then sent as "hold for review") or marks it handled."""
    ob = s.get(OutboxRow, row.inspection_id)
    if ob is None:
        raise StoreError(f"no outbox entry {row.inspection_id}")
    what = ("both" if row.serial_mismatch and row.gtin_mismatch
            else "serial" if row.serial_mismatch else "gtin")
    reason = t("en", "mismatch_found_at_resolve", rma=rma,
               what=t("en", f"mismatch_what_{what}"))[:1000]
    ob.state, ob.attention_reason = OutboxState.ATTENTION, reason
    append_audit(s, "station", "sync_attention", row.inspection_id,
                 {"reason": reason, "held": what})


def _json_or_none(value: Mapping[str, Any] | None) -> str | None:
    return json.dumps(dict(value), ensure_ascii=False) if value else None
