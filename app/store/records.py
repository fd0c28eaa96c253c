"""What the store hands out: plain values read back from its rows (no ORM objects leave it).

Each state set stored as text is a StrEnum whose values are the stored strings, so a
member compares equal to what the database holds (no migration).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.domain import (
    Answer,
    Case,
    CaseItem,
    Classification,
    Disposition,
    DomainError,
    InspectionResult,
    Photo,
    Result,
    Role,
)
from app.store.models import ts_value


class OutboxState(StrEnum):
    """Where a completed inspection stands on its way to the server (outbox.state)."""

    PENDING = "pending"
    SENT = "sent"
    ATTENTION = "attention"
    HANDLED = "handled"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    inspection_id: str
    state: OutboxState
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
class CompletedColumns:
    """The columns every read of a completed inspection carries, in one place: the full
    record (history, reports) and the shift report's row both start with these."""

    inspection_id: str
    rma: str | None
    sku: str | None
    category: str
    customer_reason: str | None
    started_at: datetime
    completed_at: datetime
    inspector_id: str
    classification: Classification
    classification_suggested: Classification
    override_reason: str | None
    disposition: Disposition | None
    serial_expected: str | None
    serial_scanned: str | None
    sync_state: OutboxState
    attention_reason: str | None
    scanned_code: str


@dataclass(frozen=True, slots=True)
class InspectionRecord(CompletedColumns):
    """A completed inspection as the history screen and the reports read it."""

    result: InspectionResult | None  # None only while an unverified case is unresolved
    order_id: str | None
    case: Case | None
    missing_accessories: tuple[str, ...]
    answers: tuple[Answer, ...]
    photos: tuple[Photo, ...]
    payload_sha256: str | None
    unverified: bool
    serial_mismatch: bool = False  # issue 14.3: scanned serial differs from the case line's
    mismatch_signed_by: str | None = None
    mismatch_signed_at: datetime | None = None
    candidate_case: Case | None = None  # resolved case whose line a shift lead must choose
    # Issue 16.1: product codes (GTIN-14); a mismatch is on hold (disposition null).
    gtin_expected: str | None = None
    gtin_scanned: str | None = None
    gtin_mismatch: bool = False
    gtin_signed_by: str | None = None
    gtin_signed_at: datetime | None = None
    gtin_sign_off_reason: str | None = None
    untested_steps: tuple[str, ...] = ()  # 16.4: function tests not done
    mismatch_sign_off_reason: str | None = None  # 16.1: the lead's reason for a serial one

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

    @property
    def inspect_by(self) -> datetime | None:
        """The case's inspection deadline (None without a case)."""
        return self.case.inspect_by if self.case is not None else None

    @property
    def awaiting_case(self) -> bool:
        """Completed offline, its case not yet resolved (no result bytes yet)."""
        return self.result is None


@dataclass(frozen=True, slots=True)
class ShiftRow(CompletedColumns):
    """The printed columns of one completed inspection, for the shift report (17.4).

    Carries what the report prints and counts, nothing more: no result bytes, photos or
    case bodies. `answers` holds (step_id, result) of a defective claim only (the
    claim-versus-finding check reads them), empty otherwise."""

    serial_mismatch: bool
    mismatch_signed_by: str | None
    inspect_by: datetime | None
    awaiting_case: bool
    item_title: str | None
    answers: tuple[Answer, ...]
    gtin_mismatch: bool = False  # 16.1: held for review, another product than the case's
    untested_steps: tuple[str, ...] = ()  # 16.4: function tests not done
    mismatch_sign_off_reason: str | None = None  # 16.1: the lead's reason for a serial one

    def item_text(self) -> str:
        """As InspectionRecord.item_text: "SKU / title", or the category while unverified."""
        if self.item_title is not None and not self.awaiting_case:
            return f"{self.sku} / {self.item_title}"
        return self.sku or self.category


@dataclass(frozen=True, slots=True)
class OperatorRecord:
    """One roster row as stored (the PIN hash included: only app.operators reads this)."""

    operator_id: str
    name: str
    role: Role
    badge_code: str | None
    pin_hash: str
    active: bool


@dataclass(frozen=True, slots=True)
class LoginFailure:
    """Failed logins of one subject (an operator ID as typed, or all unknown badges)."""

    subject: str
    failures: int
    last_failure_at: datetime
    wait_until: datetime | None
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One audit entry to append with a change (in the change's own transaction)."""

    actor: str
    action: str
    subject: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OperatorChange:
    """What a roster change writes: the row as it is to be, its audit entry, and whether
    a login lockout of the operator is lifted with it (audited under `unlock_by`)."""

    record: OperatorRecord
    audit: AuditLine
    unlock_by: str | None = None


# --- rows read back -----------------------------------------------------------------------------


def ts_or_none(text: str | None) -> datetime | None:
    return None if text is None else ts_value(text)


def answer_from(step_id: str, result: str, value: Any, note: str, photo_ids: Any,
                answered_at: str | datetime, extra: Any = None) -> Answer:
    """An answer row read back (value, photo_ids and extra as decoded JSON)."""
    return Answer(step_id=step_id, result=Result(result), value=value, note=note,
                  photo_ids=tuple(photo_ids),
                  answered_at=answered_at if isinstance(answered_at, datetime)
                  else ts_value(answered_at), extra=extra or None)


def photo_from(photo_id: str, inspection_id: str, step_id: str | None, sha256: str,
               taken_at: str | datetime, width: int, height: int, mime: str,
               quality: Any = None) -> Photo:
    return Photo(photo_id=photo_id, inspection_id=inspection_id, step_id=step_id,
                 sha256=sha256,
                 taken_at=taken_at if isinstance(taken_at, datetime) else ts_value(taken_at),
                 width=width, height=height, mime=mime, quality=quality or None)


def case_from(body: str | None) -> Case | None:
    return Case.from_api(json.loads(body)) if body else None


def result_from_payload(payload: bytes) -> InspectionResult:
    """Read back stored result bytes (kept for callers: InspectionResult.from_payload)."""
    return InspectionResult.from_payload(payload)
