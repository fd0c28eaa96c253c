"""Shift statistics as a pure function of inspection records (no I/O, no clock, no PDF).

Also where a shift is turned into a time window: a shift of date D starts at D + start in
the station's local zone and, when its end is not after its start, ends on D + 1 (the
night shift of D runs D 22:00 to D+1 06:00). Local times are resolved per date, so
daylight-saving changes give the real length (a night shift may last 7 or 9 hours).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from app.config import ShiftDefinition
from app.domain import (
    Answer,
    ChecklistTemplate,
    Classification,
    CustomerReason,
    Disposition,
    Result,
    Section,
)
from app.store.store import OutboxState

HOUR = timedelta(hours=1)


class ShiftFacts(Protocol):
    """What a shift's figures are made of: the store's light `ShiftRow` (what the report
    loads, 17.4) or a full `InspectionRecord`."""

    @property
    def inspection_id(self) -> str: ...
    @property
    def rma(self) -> str | None: ...
    @property
    def sku(self) -> str | None: ...
    @property
    def category(self) -> str: ...
    @property
    def customer_reason(self) -> str | None: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def completed_at(self) -> datetime: ...
    @property
    def inspector_id(self) -> str: ...
    @property
    def classification(self) -> Classification: ...
    @property
    def classification_suggested(self) -> Classification: ...
    @property
    def override_reason(self) -> str | None: ...
    @property
    def disposition(self) -> Disposition | None: ...
    @property
    def serial_expected(self) -> str | None: ...
    @property
    def serial_scanned(self) -> str | None: ...
    @property
    def sync_state(self) -> OutboxState: ...
    @property
    def attention_reason(self) -> str | None: ...
    @property
    def scanned_code(self) -> str: ...
    @property
    def serial_mismatch(self) -> bool: ...
    @property
    def mismatch_signed_by(self) -> str | None: ...
    @property
    def answers(self) -> tuple[Answer, ...]: ...
    @property
    def inspect_by(self) -> datetime | None: ...
    @property
    def awaiting_case(self) -> bool: ...
    @property
    def gtin_mismatch(self) -> bool: ...
    @property
    def untested_steps(self) -> tuple[str, ...]: ...
    @property
    def mismatch_sign_off_reason(self) -> str | None: ...

    def item_text(self) -> str: ...


# --- windows ---------------------------------------------------------------------------------


def local_instant(day: date, at: time, tz: tzinfo | None) -> datetime:
    """An aware datetime for a local wall-clock time (tz None: this computer's zone)."""
    naive = datetime.combine(day, at)
    if tz is None:
        return naive.astimezone()  # the system zone, DST-aware for that date
    return naive.replace(tzinfo=tz)


def time_window(day: date, start: time, end: time,
                tz: tzinfo | None) -> tuple[datetime, datetime]:
    """[start, end) on `day`; an end at or before the start means the next day."""
    begin = local_instant(day, start, tz)
    end_day = day if end > start else day + timedelta(days=1)
    return begin, local_instant(end_day, end, tz)


def shift_window(day: date, shift: ShiftDefinition,
                 tz: tzinfo | None) -> tuple[datetime, datetime]:
    return time_window(day, shift.start, shift.end, tz)


def day_window(day: date, tz: tzinfo | None) -> tuple[datetime, datetime]:
    return time_window(day, time(0, 0), time(0, 0), tz)


# --- claim versus finding ---------------------------------------------------------------------

NO_FAULT_FOUND = "no_fault_found"
NO_DAMAGE_FOUND = "no_damage_found"
UNDECLARED_DAMAGE = "undeclared_damage"
UNDECLARED_MISSING = "undeclared_missing"


def default_is_function_step(step_id: str) -> bool:
    """The shipped checklists name function steps 'fn-…' (pass a template map to be exact)."""
    return step_id.startswith("fn-")


def function_steps_from(templates: Iterable[ChecklistTemplate]) -> Callable[[str], bool]:
    """Exact function-step test from the checklist templates (prefix rule for unknown ids)."""
    sections = {s.step_id: s.section for tpl in templates for s in tpl.steps}

    def is_function_step(step_id: str) -> bool:
        section = sections.get(step_id)
        return default_is_function_step(step_id) if section is None else (
            section is Section.FUNCTION)

    return is_function_step


def claim_mismatch(record: ShiftFacts,
                   is_function_step: Callable[[str], bool] = default_is_function_step
                   ) -> str | None:
    """Why the customer's stated reason disagrees with the finding, or None.

    - defective, yet at least one function step was tested and none failed: no fault found
    - damaged in transit, yet classified intact: no damage found
    - no longer needed / other, yet found damaged or with parts missing: undeclared
    """
    reason = record.customer_reason
    if reason is None:
        return None
    if reason == CustomerReason.DEFECTIVE.value:
        fn = [a for a in record.answers if is_function_step(a.step_id)]
        tested = [a for a in fn if a.result in (Result.PASS, Result.FAIL)]
        if tested and all(a.result is Result.PASS for a in tested):
            return NO_FAULT_FOUND
        return None
    if reason == CustomerReason.DAMAGED_IN_TRANSIT.value:
        return NO_DAMAGE_FOUND if record.classification is Classification.INTACT else None
    if reason in (CustomerReason.NO_LONGER_NEEDED.value, CustomerReason.OTHER.value):
        if record.classification is Classification.DAMAGED:
            return UNDECLARED_DAMAGE
        if record.classification is Classification.MISSING_PARTS:
            return UNDECLARED_MISSING
    return None


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overdue:
    inspection_id: str
    rma: str | None
    sku: str | None
    inspector_id: str
    inspect_by: datetime
    completed_at: datetime
    late_by: timedelta
    item: str = ""  # "SKU / title" (InspectionRecord.item_text)


@dataclass(frozen=True, slots=True)
class Override:
    inspection_id: str
    rma: str | None
    inspector_id: str
    suggested: Classification
    classification: Classification
    reason: str
    item: str = ""
    scanned_code: str = ""  # what was scanned, for an RMA still unverified


@dataclass(frozen=True, slots=True)
class Attention:
    inspection_id: str
    rma: str | None
    inspector_id: str
    sync_state: str
    reason: str  # attention reason, or "unverified:<scanned code>"
    item: str = ""
    scanned_code: str = ""


@dataclass(frozen=True, slots=True)
class SerialMismatch:
    """A scanned serial/IMEI that differs from the case line's (issue 14.3)."""

    inspection_id: str
    rma: str | None
    item: str
    inspector_id: str
    expected: str | None
    scanned: str | None
    signed_by: str | None
    reason: str | None = None  # the lead's reason (16.1: a serial mismatch holds too)


@dataclass(frozen=True, slots=True)
class ClaimRow:
    reason: str  # the customer's reason
    claims: int
    disagree: int


@dataclass(frozen=True, slots=True)
class SkuNff:
    sku: str
    defective_claims: int
    no_fault_found: int

    @property
    def rate(self) -> float:
        return self.no_fault_found / self.defective_claims if self.defective_claims else 0.0


@dataclass(frozen=True, slots=True)
class ShiftStats:
    start: datetime
    end: datetime
    total: int
    by_classification: dict[str, int]
    by_disposition: dict[str, int]  # "none" for no disposition
    by_category: dict[str, int]
    by_inspector: dict[str, int]
    per_hour: list[tuple[datetime, int]]  # bucket start (aware, UTC) and count
    with_deadline: int
    on_time: int
    overdue: list[Overdue]
    mean_duration_s: float | None
    p90_duration_s: float | None
    claims: list[ClaimRow]
    mismatches: dict[str, int]  # mismatch kind -> count
    defective_claims: int
    no_fault_found: int
    nff_by_sku: list[SkuNff]
    overrides: list[Override]
    attention: list[Attention]
    sync_states: dict[str, int] = field(default_factory=dict)
    serial_mismatches: list[SerialMismatch] = field(default_factory=list)
    gtin_mismatches: int = 0  # 16.1: held for review, another product than the case's
    intact_untested: int = 0  # 16.4: intact, with function tests not done

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None

    @property
    def nff_rate(self) -> float | None:
        return self.no_fault_found / self.defective_claims if self.defective_claims else None

    @property
    def claimed(self) -> int:
        return sum(c.claims for c in self.claims)

    @property
    def disagreeing(self) -> int:
        return sum(c.disagree for c in self.claims)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): always one of the measured values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def hour_buckets(start: datetime, end: datetime, tz: tzinfo | None) -> list[datetime]:
    """Bucket starts from the local hour containing `start` up to `end`, one hour apart."""
    local = start.astimezone(tz)
    # Step in UTC: aware arithmetic in a zone is wall-clock time and breaks across DST.
    first = (local - timedelta(minutes=local.minute, seconds=local.second,
                               microseconds=local.microsecond)).astimezone(UTC)
    out: list[datetime] = []
    at = first
    while at < end:
        out.append(at)
        at = at + HOUR
    return out


def _ordered(counter: Counter[str], order: Iterable[str] = ()) -> dict[str, int]:
    """Known values first in their natural order, then the rest by count."""
    known = [k for k in order if counter.get(k)]
    rest = sorted((k for k in counter if k not in known), key=lambda k: (-counter[k], k))
    return {k: counter[k] for k in [*known, *rest]}


def compute_shift_stats(
    records: Sequence[ShiftFacts],
    start: datetime,
    end: datetime,
    *,
    tz: tzinfo | None = None,
    is_function_step: Callable[[str], bool] = default_is_function_step,
) -> ShiftStats:
    """Every figure of a shift report from the records completed in [start, end)."""
    recs = [r for r in records if start <= r.completed_at < end]
    buckets = hour_buckets(start, end, tz)
    per_hour = [0] * len(buckets)
    if buckets:
        first = buckets[0]
        for r in recs:
            index = int((r.completed_at - first) // HOUR)
            per_hour[min(max(index, 0), len(buckets) - 1)] += 1

    with_deadline = on_time = 0
    overdue: list[Overdue] = []
    for r in recs:
        if r.inspect_by is None:
            continue
        with_deadline += 1
        if r.completed_at <= r.inspect_by:
            on_time += 1
        else:
            overdue.append(Overdue(r.inspection_id, r.rma, r.sku, r.inspector_id,
                                   r.inspect_by, r.completed_at,
                                   r.completed_at - r.inspect_by, r.item_text()))
    overdue.sort(key=lambda o: o.late_by, reverse=True)

    durations = [max(0.0, (r.completed_at - r.started_at).total_seconds()) for r in recs]

    claim_counts: Counter[str] = Counter()
    claim_disagree: Counter[str] = Counter()
    mismatches: Counter[str] = Counter()
    sku_claims: Counter[str] = Counter()
    sku_nff: Counter[str] = Counter()
    for r in recs:
        if r.customer_reason is None:
            continue
        claim_counts[r.customer_reason] += 1
        kind = claim_mismatch(r, is_function_step)
        if kind is not None:
            claim_disagree[r.customer_reason] += 1
            mismatches[kind] += 1
        if r.customer_reason == CustomerReason.DEFECTIVE.value:
            sku = r.sku or "?"
            sku_claims[sku] += 1
            if kind == NO_FAULT_FOUND:
                sku_nff[sku] += 1
    claims = [ClaimRow(reason, n, claim_disagree[reason])
              for reason, n in _ordered(claim_counts, [c.value for c in CustomerReason]).items()]
    nff_by_sku = sorted((SkuNff(sku, n, sku_nff[sku]) for sku, n in sku_claims.items()),
                        key=lambda s: (-s.no_fault_found, -s.rate, s.sku))

    overrides = [Override(r.inspection_id, r.rma, r.inspector_id, r.classification_suggested,
                          r.classification, r.override_reason or "", r.item_text(),
                          r.scanned_code)
                 for r in recs
                 if r.classification != r.classification_suggested or r.override_reason]
    attention: list[Attention] = []
    for r in recs:
        if r.sync_state == OutboxState.ATTENTION:
            attention.append(Attention(r.inspection_id, r.rma, r.inspector_id, r.sync_state,
                                       r.attention_reason or "", r.item_text(),
                                       r.scanned_code))
        elif r.awaiting_case and r.sync_state == OutboxState.PENDING:
            attention.append(Attention(r.inspection_id, r.rma, r.inspector_id, r.sync_state,
                                       f"unverified:{r.scanned_code}", r.item_text(),
                                       r.scanned_code))
    serial_mismatches = [SerialMismatch(r.inspection_id, r.rma, r.item_text(), r.inspector_id,
                                        r.serial_expected, r.serial_scanned,
                                        r.mismatch_signed_by, r.mismatch_sign_off_reason)
                         for r in recs if r.serial_mismatch]

    return ShiftStats(
        start=start,
        end=end,
        total=len(recs),
        by_classification=_ordered(Counter(r.classification.value for r in recs),
                                   [c.value for c in Classification]),
        by_disposition=_ordered(
            Counter(r.disposition.value if r.disposition else "none" for r in recs),
            [d.value for d in Disposition]),
        by_category=_ordered(Counter(r.category for r in recs)),
        by_inspector=_ordered(Counter(r.inspector_id for r in recs)),
        per_hour=list(zip(buckets, per_hour, strict=True)),
        with_deadline=with_deadline,
        on_time=on_time,
        overdue=overdue,
        mean_duration_s=sum(durations) / len(durations) if durations else None,
        p90_duration_s=percentile(durations, 90),
        claims=claims,
        mismatches=dict(mismatches),
        defective_claims=sum(sku_claims.values()),
        no_fault_found=sum(sku_nff.values()),
        nff_by_sku=nff_by_sku,
        overrides=overrides,
        attention=attention,
        sync_states=_ordered(Counter(r.sync_state for r in recs),
                             [OutboxState.PENDING, OutboxState.SENT, OutboxState.ATTENTION,
                              OutboxState.HANDLED]),
        serial_mismatches=serial_mismatches,
        gtin_mismatches=sum(1 for r in recs if r.gtin_mismatch),
        intact_untested=sum(1 for r in recs if r.untested_steps
                            and r.classification is Classification.INTACT),
    )
