"""The station's domain: cases, checklist templates, inspections and their results.

Plain typed Python, no I/O. The shapes follow docs/case-api.md: what
comes from the case API is parsed here once (`Case.from_api`), and what goes back
is produced here once (`InspectionResult.to_payload`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from app.messages import Both, lead_action, t


class Section(StrEnum):
    APPEARANCE = "appearance"
    FUNCTION = "function"
    ACCESSORIES = "accessories"


SECTION_ORDER: tuple[Section, ...] = (Section.APPEARANCE, Section.FUNCTION, Section.ACCESSORIES)


class StepKind(StrEnum):
    PASS_FAIL = "pass_fail"
    CHOICE = "choice"
    NUMBER = "number"
    TEXT = "text"
    PHOTO = "photo"


class Result(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NA = "na"
    VALUE = "value"


class Classification(StrEnum):
    INTACT = "intact"
    DAMAGED = "damaged"
    MISSING_PARTS = "missing_parts"


class Disposition(StrEnum):
    RESTOCK = "restock"
    REFURBISH = "refurbish"
    RETURN_TO_VENDOR = "return_to_vendor"
    SCRAP = "scrap"


class CaseStatus(StrEnum):
    AWAITING_INSPECTION = "awaiting_inspection"
    INSPECTED = "inspected"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class CustomerReason(StrEnum):
    DEFECTIVE = "defective"
    NOT_AS_DESCRIBED = "not_as_described"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    WRONG_ITEM = "wrong_item"
    NO_LONGER_NEEDED = "no_longer_needed"
    OTHER = "other"


class InspectionStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


class Role(StrEnum):
    INSPECTOR = "inspector"
    SHIFT_LEAD = "shift_lead"


class DomainError(ValueError):
    """A value that breaks a domain rule; the message is fit to show a person.

    Raised with ``key=`` (an entry of app/messages.py) and its fields, it shows itself in the
    station's language through `message`; raised with a plain text, that text is all it has.
    """

    def __init__(self, text: str = "", *, key: str | None = None, **fields: object) -> None:
        self.key, self.fields = key, fields
        if key is not None and not text:
            text = t("en", key, **fields)
        super().__init__(text)

    def message(self, language: str) -> str:
        """The message in `language` (en or zh_CN)."""
        if self.key is None:
            return str(self)
        return t(language, self.key, **self.fields)


class PermissionDenied(DomainError):
    """The operator's role does not allow this action."""


class WorkflowError(DomainError):
    """The session refuses an action; the message is plain and fit to show the inspector.

    Here rather than in app/workflow.py so photo preparation (app/photo_prep.py) can raise
    it without importing the session.
    """


@dataclass(frozen=True, slots=True)
class Operator:
    operator_id: str
    name: str
    role: Role
    badge_code: str | None = None

    @property
    def is_shift_lead(self) -> bool:
        return self.role is Role.SHIFT_LEAD


def require_shift_lead(operator: Operator | None, action: str) -> Operator:
    """Shift-lead actions are refused here, in the core, whatever a widget shows."""
    if operator is None or operator.role is not Role.SHIFT_LEAD:
        raise PermissionDenied(key="lead_only", action=lead_action(action))
    return operator


# --- time ---------------------------------------------------------------------------------

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$"
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def format_ts(ts: datetime) -> str:
    """RFC 3339 in UTC with a Z and whole seconds, as the contract shows."""
    if ts.tzinfo is None:
        raise DomainError("timestamps must be timezone-aware")
    return ts.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(text: str) -> datetime:
    if not isinstance(text, str) or not _RFC3339.match(text):
        raise DomainError(f"not an RFC 3339 timestamp: {str(text)[:40]!r}")
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# --- cases ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseItem:
    line_id: str
    sku: str
    title: str
    category: str
    quantity: int = 1
    serial_number: str | None = None
    unit_price: str | None = None
    currency: str | None = None
    expected_accessories: tuple[str, ...] = ()
    # Optional in the contract (issue 16): None is "not known", never a mismatch.
    gtin: str | None = None  # normalised to 14 digits, check digit verified
    expected_weight_g: float | None = None


def _item_gtin(raw: dict[str, Any]) -> str | None:
    value = raw.get("gtin")
    if value is None:
        return None
    from app.product_code import gtin14

    found = gtin14(value.strip()) if isinstance(value, str) else None
    if found is None:
        raise DomainError("case item 'gtin': expected the digits of a GTIN-8, -12, -13 or -14 "
                          "with a valid check digit")
    return found


def _item_weight(raw: dict[str, Any]) -> float | None:
    value = raw.get("expected_weight_g")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or value <= 0:
        raise DomainError("case item 'expected_weight_g': expected a positive number of grams")
    return float(value)


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    rma: str
    order_id: str
    status: CaseStatus
    customer_reason: CustomerReason
    customer_comment: str
    tracking_numbers: tuple[str, ...]
    received_at: datetime
    inspect_by: datetime
    items: tuple[CaseItem, ...]

    def item(self, line_id: str) -> CaseItem:
        for it in self.items:
            if it.line_id == line_id:
                return it
        raise DomainError(f"case {self.case_id} has no item line {line_id!r}")

    @classmethod
    def from_api(cls, data: Any) -> Case:
        """Parse a lookup answer; raise DomainError naming the first bad field."""
        if not isinstance(data, dict):
            raise DomainError("case: expected a JSON object")

        def text(obj: dict[str, Any], key: str, *, optional: bool = False) -> Any:
            value = obj.get(key)
            if value is None and optional:
                return None
            if not isinstance(value, str):
                raise DomainError(f"case field {key!r}: expected a string")
            return value

        try:
            items_raw = data.get("items")
            if not isinstance(items_raw, list) or not items_raw:
                raise DomainError("case field 'items': expected a non-empty list")
            items: list[CaseItem] = []
            for raw in items_raw:
                if not isinstance(raw, dict):
                    raise DomainError("case item: expected an object")
                acc = raw.get("expected_accessories") or []
                if not isinstance(acc, list) or not all(isinstance(a, str) for a in acc):
                    raise DomainError("case item 'expected_accessories': expected strings")
                qty = raw.get("quantity", 1)
                if not isinstance(qty, int) or isinstance(qty, bool):
                    raise DomainError("case item 'quantity': expected an integer")
                items.append(
                    CaseItem(
                        line_id=text(raw, "line_id"),
                        sku=text(raw, "sku"),
                        title=text(raw, "title"),
                        category=text(raw, "category"),
                        quantity=qty,
                        serial_number=text(raw, "serial_number", optional=True),
                        unit_price=text(raw, "unit_price", optional=True),
                        currency=text(raw, "currency", optional=True),
                        expected_accessories=tuple(acc),
                        gtin=_item_gtin(raw),
                        expected_weight_g=_item_weight(raw),
                    )
                )
            tracking = data.get("tracking_numbers") or []
            if not isinstance(tracking, list) or not all(isinstance(t, str) for t in tracking):
                raise DomainError("case field 'tracking_numbers': expected strings")
            return cls(
                case_id=text(data, "case_id"),
                rma=text(data, "rma"),
                order_id=text(data, "order_id"),
                status=CaseStatus(text(data, "status")),
                customer_reason=CustomerReason(text(data, "customer_reason")),
                customer_comment=text(data, "customer_comment", optional=True) or "",
                tracking_numbers=tuple(tracking),
                received_at=parse_ts(text(data, "received_at")),
                inspect_by=parse_ts(text(data, "inspect_by")),
                items=tuple(items),
            )
        except ValueError as exc:  # enum conversion errors are ValueErrors too
            raise DomainError(str(exc)) from exc

    def to_api(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "rma": self.rma,
            "order_id": self.order_id,
            "status": self.status.value,
            "customer_reason": self.customer_reason.value,
            "customer_comment": self.customer_comment,
            "tracking_numbers": list(self.tracking_numbers),
            "received_at": format_ts(self.received_at),
            "inspect_by": format_ts(self.inspect_by),
            "items": [
                {
                    "line_id": it.line_id,
                    "sku": it.sku,
                    "title": it.title,
                    "category": it.category,
                    "quantity": it.quantity,
                    "serial_number": it.serial_number,
                    "unit_price": it.unit_price,
                    "currency": it.currency,
                    "expected_accessories": list(it.expected_accessories),
                    "gtin": it.gtin,
                    "expected_weight_g": it.expected_weight_g,
                }
                for it in self.items
            ],
        }


# --- checklist templates ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChecklistStep:
    step_id: str
    prompt: Both  # in both languages: a template writes {"en": ..., "zh_CN": ...}
    kind: StepKind
    section: Section
    required: bool = True
    photo_on_fail: bool = False
    accessory: str | None = None
    options: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    # "serial" or "imei": the text answer is compared with the case item's serial number.
    capture: str | None = None
    # Options of a choice step that mean the step failed (e.g. "D: unsellable").
    fail_options: tuple[str, ...] = ()
    # What was found when the step failed ("Activation lock NOT removed"), for "Because:";
    # without it the wording is derived from the prompt (app/checklists.failure_text).
    failed: Both | None = None


# The fields every answer has; anything else in a stored answer is its `extra` (16.2).
_ANSWER_KEYS = frozenset({"step_id", "result", "value", "note", "photo_ids"})


@dataclass(frozen=True, slots=True)
class WeightPolicy:
    """Whether a category is weighed and how far off still passes (app/weight.py)."""

    weigh: bool = True
    tolerance_g: float | None = None  # None: the site's setting
    tolerance_pct: float | None = None


@dataclass(frozen=True, slots=True)
class ChecklistTemplate:
    template_id: str
    version: int
    category: str
    title: Both
    steps: tuple[ChecklistStep, ...]  # in walking order: appearance, function, accessories
    weight: WeightPolicy = WeightPolicy()

    def step(self, step_id: str) -> ChecklistStep:
        for s in self.steps:
            if s.step_id == step_id:
                return s
        raise DomainError(f"template {self.template_id} has no step {step_id!r}")

    def section_steps(self, section: Section) -> tuple[ChecklistStep, ...]:
        return tuple(s for s in self.steps if s.section is section)


# --- inspections ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    step_id: str
    result: Result
    value: float | str | None = None
    note: str = ""
    photo_ids: tuple[str, ...] = ()
    answered_at: datetime = field(default_factory=utcnow)
    # A step kind's own record, sent as extra answer fields (16.2: {"weight": {...}}).
    extra: Mapping[str, Any] | None = None

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"step_id": self.step_id, "result": self.result.value}
        if self.result is Result.VALUE:
            out["value"] = self.value
        if self.note:
            out["note"] = self.note
        if self.photo_ids:
            out["photo_ids"] = list(self.photo_ids)
        if self.extra:
            out.update({k: v for k, v in self.extra.items() if k not in out})
        return out


@dataclass(frozen=True, slots=True)
class Photo:
    photo_id: str
    inspection_id: str
    step_id: str | None
    sha256: str
    taken_at: datetime
    width: int
    height: int
    mime: str = "image/jpeg"
    # 16.3: a photo the guardrails refused and the inspector kept: measures, problems, note.
    quality: Mapping[str, Any] | None = None

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "photo_id": self.photo_id,
            "sha256": self.sha256,
            "step_id": self.step_id,
            "taken_at": format_ts(self.taken_at),
            "width": self.width,
            "height": self.height,
        }
        if self.quality:
            out["quality"] = dict(self.quality)
        return out


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What the rules propose, and why (the step ids that led there)."""

    classification: Classification
    disposition: Disposition | None
    because: tuple[str, ...] = ()
    missing_accessories: tuple[str, ...] = ()
    # Function steps answered N/A or skipped (16.4): never "intact and restock".
    untested: tuple[str, ...] = ()


@dataclass(slots=True)
class Inspection:
    """One item line being inspected: a draft until completed, then never changed."""

    inspection_id: str
    case_id: str | None  # None while unverified (looked up before upload)
    line_id: str | None
    station_id: str
    inspector_id: str
    started_at: datetime
    template_id: str
    template_version: int
    scanned_code: str = ""
    unverified: bool = False
    status: InspectionStatus = InspectionStatus.DRAFT
    answers: dict[str, Answer] = field(default_factory=dict)
    photos: dict[str, Photo] = field(default_factory=dict)
    serial_number_scanned: str | None = None
    current_step: int = 0
    category: str = ""
    serial_expected: str | None = None


@dataclass(frozen=True, slots=True)
class InspectionResult:
    """A completed inspection as the case API receives it (immutable)."""

    inspection_id: str
    case_id: str
    line_id: str
    station_id: str
    inspector_id: str
    started_at: datetime
    completed_at: datetime
    template_id: str
    template_version: int
    answers: tuple[Answer, ...]
    serial_number_scanned: str | None
    classification: Classification
    classification_suggested: Classification
    override_reason: str | None
    missing_accessories: tuple[str, ...]
    disposition: Disposition | None
    photos: tuple[Photo, ...]
    client_version: str

    def __post_init__(self) -> None:
        if self.classification != self.classification_suggested and not (
            self.override_reason and self.override_reason.strip()
        ):
            raise DomainError("overriding the suggested classification needs a reason")

    def to_payload(self) -> dict[str, Any]:
        return {
            "inspection_id": self.inspection_id,
            "case_id": self.case_id,
            "line_id": self.line_id,
            "station_id": self.station_id,
            "inspector_id": self.inspector_id,
            "started_at": format_ts(self.started_at),
            "completed_at": format_ts(self.completed_at),
            "template_id": self.template_id,
            "template_version": self.template_version,
            "answers": [a.to_payload() for a in self.answers],
            "serial_number_scanned": self.serial_number_scanned,
            "classification": self.classification.value,
            "classification_suggested": self.classification_suggested.value,
            "override_reason": self.override_reason,
            "missing_accessories": list(self.missing_accessories),
            "disposition": self.disposition.value if self.disposition else None,
            "photos": [p.to_payload() for p in self.photos],
            "client_version": self.client_version,
        }

    def payload_bytes(self) -> bytes:
        """The exact bytes stored at completion and sent on every retry."""
        return json.dumps(
            self.to_payload(), ensure_ascii=False, separators=(",", ":"), sort_keys=True
        ).encode("utf-8")

    @classmethod
    def from_payload(cls, payload: bytes) -> InspectionResult:
        """Read back the stored bytes (reports print what was actually sent)."""
        d = json.loads(payload)
        iid = d["inspection_id"]
        parse_ts = datetime.fromisoformat  # bytes this station wrote with format_ts
        return cls(
            inspection_id=iid, case_id=d["case_id"], line_id=d["line_id"],
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
            photos=tuple(Photo(photo_id=p["photo_id"], inspection_id=iid,
                               step_id=p["step_id"], sha256=p["sha256"],
                               taken_at=parse_ts(p["taken_at"]), width=p["width"],
                               height=p["height"], quality=p.get("quality"))
                          for p in d["photos"]),
            client_version=d["client_version"],
        )
