"""Shift statistics and shift windows, as pure functions on hand-built records."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.config import ShiftDefinition
from app.domain import (
    Answer,
    ChecklistStep,
    ChecklistTemplate,
    Classification,
    CustomerReason,
    Disposition,
    Result,
    Section,
    StepKind,
)
from app.messages import Both
from app.reports.stats import (
    NO_DAMAGE_FOUND,
    NO_FAULT_FOUND,
    UNDECLARED_DAMAGE,
    claim_mismatch,
    compute_shift_stats,
    function_steps_from,
    hour_buckets,
    percentile,
    shift_window,
    time_window,
)
from app.store.store import InspectionRecord, OutboxState
from tests.builders import report_case

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2024, 5, 2, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


def rec(n: int, *, minutes: float, duration_s: float = 300,
        reason: CustomerReason | None = CustomerReason.DEFECTIVE,
        answers: tuple[tuple[str, Result], ...] = (("fn-works", Result.PASS),),
        classification: Classification = Classification.INTACT,
        suggested: Classification | None = None, override: str | None = None,
        disposition: Disposition | None = Disposition.RESTOCK, sku: str = "SKU-1",
        category: str = "audio", inspector: str = "li.wei", inspect_by: datetime | None = None,
        sync: str = "sent", attention: str | None = None, with_case: bool = True
        ) -> InspectionRecord:
    completed = T0 + timedelta(minutes=minutes)
    case = report_case(n, reason=reason or CustomerReason.OTHER, sku=sku, category=category,
                     inspect_by=inspect_by or completed + timedelta(hours=1))
    return InspectionRecord(
        result=None, inspection_id=f"insp-{n}", rma=case.rma if with_case else None,
        order_id=case.order_id, sku=sku, category=category,
        customer_reason=reason.value if reason else None, case=case if with_case else None,
        started_at=completed - timedelta(seconds=duration_s), completed_at=completed,
        inspector_id=inspector, classification=classification,
        classification_suggested=suggested or classification, override_reason=override,
        disposition=disposition, missing_accessories=(), serial_expected=None,
        serial_scanned=None,
        answers=tuple(Answer(sid, res) for sid, res in answers), photos=(),
        sync_state=OutboxState(sync),
        attention_reason=attention, payload_sha256="0" * 64, unverified=not with_case,
        scanned_code="RMA?" if not with_case else "")


def test_night_shift_runs_past_midnight_in_local_time() -> None:
    night = ShiftDefinition("night", time(22, 0), time(6, 0))
    start, end = shift_window(date(2024, 5, 2), night, SHANGHAI)
    assert start == datetime(2024, 5, 2, 22, 0, tzinfo=SHANGHAI)
    assert end == datetime(2024, 5, 3, 6, 0, tzinfo=SHANGHAI)
    assert start.astimezone(UTC) == datetime(2024, 5, 2, 14, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=8)


def test_day_shift_and_dst_night() -> None:
    early = ShiftDefinition("early", time(6, 0), time(14, 0))
    s, e = shift_window(date(2024, 5, 2), early, BERLIN)
    assert (s.astimezone(UTC).hour, e.astimezone(UTC).hour) == (4, 12)  # CEST = UTC+2
    # The clocks go back on 27 Oct 2024: that night shift lasts 9 real hours.
    s, e = shift_window(date(2024, 10, 26), ShiftDefinition("n", time(22), time(6)), BERLIN)
    assert e.astimezone(UTC) - s.astimezone(UTC) == timedelta(hours=9)
    assert len(hour_buckets(s, e, BERLIN)) == 9
    # A range whose end equals its start covers a whole day.
    s, e = time_window(date(2024, 5, 2), time(0), time(0), SHANGHAI)
    assert e - s == timedelta(days=1)


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 90) is None
    assert percentile([5.0], 90) == 5.0
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert percentile(values, 90) == 9.0
    assert percentile(list(reversed(values)), 50) == 5.0


def test_claim_mismatch_kinds() -> None:
    nff = rec(1, minutes=1, answers=(("fn-works", Result.PASS), ("app-body", Result.FAIL)))
    assert claim_mismatch(nff) == NO_FAULT_FOUND
    fault = rec(2, minutes=1, answers=(("fn-works", Result.FAIL),),
                classification=Classification.DAMAGED)
    assert claim_mismatch(fault) is None
    untested = rec(3, minutes=1, answers=(("fn-works", Result.NA),))
    assert claim_mismatch(untested) is None
    transit = rec(4, minutes=1, reason=CustomerReason.DAMAGED_IN_TRANSIT)
    assert claim_mismatch(transit) == NO_DAMAGE_FOUND
    unwanted = rec(5, minutes=1, reason=CustomerReason.NO_LONGER_NEEDED,
                   classification=Classification.DAMAGED)
    assert claim_mismatch(unwanted) == UNDECLARED_DAMAGE
    # A template map decides which steps are function steps.
    assert claim_mismatch(nff, lambda sid: sid == "app-body") is None
    tpl = ChecklistTemplate("t", 1, "audio", Both("Audio", "音频"), (
        ChecklistStep("power", Both("Powers on", "可以开机"), StepKind.PASS_FAIL, Section.FUNCTION),
        ChecklistStep("fn-look", Both("Looks fine", "外观良好"),
                      StepKind.PASS_FAIL, Section.APPEARANCE)))
    is_fn = function_steps_from([tpl])
    assert is_fn("power") and not is_fn("fn-look") and is_fn("fn-unknown")
    looks = rec(6, minutes=1, answers=(("fn-look", Result.PASS), ("power", Result.FAIL)))
    assert claim_mismatch(looks) == NO_FAULT_FOUND  # prefix rule alone is fooled
    assert claim_mismatch(looks, is_fn) is None


def test_shift_stats_figures() -> None:
    start = datetime(2024, 5, 2, 14, 0, tzinfo=SHANGHAI)
    end = datetime(2024, 5, 2, 22, 0, tzinfo=SHANGHAI)
    late = T0 + timedelta(minutes=30)  # a deadline before completion
    records = [
        rec(1, minutes=5, duration_s=100),
        rec(2, minutes=10, duration_s=200, sku="SKU-2",
            answers=(("fn-works", Result.FAIL),), classification=Classification.DAMAGED,
            disposition=Disposition.REFURBISH),
        rec(3, minutes=70, duration_s=300, inspect_by=late, inspector="王芳",
            classification=Classification.DAMAGED, suggested=Classification.INTACT,
            override="划痕严重", disposition=None),
        rec(4, minutes=75, duration_s=400, reason=CustomerReason.DAMAGED_IN_TRANSIT,
            category="手机", sync="attention", attention="case closed on the server"),
        rec(5, minutes=130, duration_s=1000, with_case=False, reason=None, sync="pending"),
        rec(6, minutes=60 * 9, duration_s=50),  # after the shift: ignored
    ]
    s = compute_shift_stats(records, start, end, tz=SHANGHAI)
    assert s.total == 5
    assert s.by_classification == {"intact": 3, "damaged": 2}
    assert s.by_disposition == {"restock": 3, "refurbish": 1, "none": 1}
    assert s.by_category == {"audio": 4, "手机": 1}
    assert s.by_inspector == {"li.wei": 4, "王芳": 1}
    assert [n for _, n in s.per_hour] == [2, 2, 1, 0, 0, 0, 0, 0]
    assert s.per_hour[0][0] == start
    assert (s.with_deadline, s.on_time) == (4, 3)
    assert [o.inspection_id for o in s.overdue] == ["insp-3"]
    assert s.overdue[0].late_by == timedelta(minutes=40)
    assert s.mean_duration_s == (100 + 200 + 300 + 400 + 1000) / 5
    assert s.p90_duration_s == 1000
    assert s.defective_claims == 3 and s.no_fault_found == 2
    assert s.nff_rate == 2 / 3
    assert [(x.sku, x.defective_claims, x.no_fault_found) for x in s.nff_by_sku] == [
        ("SKU-1", 2, 2), ("SKU-2", 1, 0)]
    assert s.mismatches == {NO_FAULT_FOUND: 2, NO_DAMAGE_FOUND: 1}
    assert [(o.inspection_id, o.reason) for o in s.overrides] == [("insp-3", "划痕严重")]
    assert [(a.inspection_id, a.reason) for a in s.attention] == [
        ("insp-4", "case closed on the server"), ("insp-5", "unverified:RMA?")]
    assert s.sync_states == {"pending": 1, "sent": 3, "attention": 1}


def test_empty_shift_has_no_figures() -> None:
    start = datetime(2024, 5, 2, 14, 0, tzinfo=SHANGHAI)
    s = compute_shift_stats([], start, start + timedelta(hours=8), tz=SHANGHAI)
    assert s.total == 0 and s.mean_duration_s is None and s.p90_duration_s is None
    assert s.on_time_share is None and s.nff_rate is None
    assert len(s.per_hour) == 8 and all(n == 0 for _, n in s.per_hour)
