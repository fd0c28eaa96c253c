"""The bench board's figures from a real store with a fixed clock (Qt-free)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.benchboard import DueKind, SyncHealth, compute_board, sync_health
from app.domain import CaseStatus, Classification, Operator, PermissionDenied, Role
from app.operators import Operators
from app.store.store import Store
from tests.builders import Clock, add_inspection, report_case, store_clock

NOW = datetime(2024, 5, 2, 14, 0, tzinfo=UTC)
LEAD = Operator("zhang.min", "Zhang Min", Role.SHIFT_LEAD)
INSPECTOR = Operator("li.wei", "Li Wei", Role.INSPECTOR)


def _at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=UTC)


def _fill(store: Store, clock: Clock) -> None:
    Operators(store).add("zhang.min", "Zhang Min", Role.SHIFT_LEAD, "975310", None, by=None)
    Operators(store).add("li.wei", "Li Wei 李伟", Role.INSPECTOR, "1234", None, by=LEAD)
    # Inspected today: late by 60 min (10 min long), on time (6 min), on time (20 min, other).
    late = add_inspection(store, clock, report_case(1, inspect_by=_at(10)),
                          started=_at(10, 50), completed=_at(11))
    on_time = add_inspection(store, clock, report_case(2, inspect_by=_at(8, day=3)),
                             started=_at(8, 54), completed=_at(9),
                             classification=Classification.DAMAGED)
    other = add_inspection(store, clock, report_case(3, inspect_by=_at(8, day=3)),
                           started=_at(11, 40), completed=_at(12), inspector="wang.fang",
                           classification=Classification.MISSING_PARTS, missing=("charger",))
    # Yesterday's inspection: not on today's board.
    yesterday = add_inspection(store, clock, report_case(9), started=_at(9, day=1),
                               completed=_at(9, 5, day=1))
    clock.now = _at(13)
    store.mark_sent(on_time, None)
    store.mark_sent(yesterday, None)
    store.mark_attention(other, "rejected: 422")
    # Looked up and not inspected: past the deadline, due in 90 min, due later today.
    clock.now = _at(9)
    store.cache_case(report_case(4, inspect_by=_at(13)))
    store.cache_case(report_case(5, inspect_by=_at(15, 30)))
    store.cache_case(report_case(6, inspect_by=_at(17)))
    store.cache_case(replace(report_case(8, inspect_by=_at(12)), status=CaseStatus.CLOSED))
    clock.now = _at(12, day=1)
    store.cache_case(report_case(7, inspect_by=_at(12)))  # looked up yesterday
    assert late


def test_board_counts_today_from_the_store(store: Store) -> None:
    with store_clock(_at(8)) as clock:
        _fill(store, clock)
    board = compute_board(store, LEAD, clock=lambda: NOW, tz=UTC)

    assert board.total == 3
    assert board.by_classification == {"intact": 1, "damaged": 1, "missing_parts": 1}
    assert [(d.kind, d.rma, d.minutes(NOW)) for d in board.overdue] == [
        (DueKind.OPEN_OVERDUE, "RMA-2024-0000004", 60), (DueKind.LATE, "RMA-2024-0000001", 60)]
    assert [(d.rma, d.minutes(NOW)) for d in board.due_soon] == [("RMA-2024-0000005", 90)]
    assert board.overdue[0].wording("en", NOW) == "not inspected, 1 h 0 min past the deadline"
    assert board.overdue[1].wording("zh_CN", NOW) == "检验晚于截止时间1小时0分钟"
    assert board.due_soon[0].wording("en", NOW) == "due in 1 h 30 min"
    assert board.needs_attention == 1
    assert board.unsent == 2  # the late one waits, the other one needs attention
    assert board.oldest_unsent_minutes == 180
    assert board.health is SyncHealth.BEHIND
    assert [(f.name, f.count, f.median_minutes) for f in board.inspectors] == [
        ("Li Wei 李伟", 2, 8.0), ("wang.fang", 1, 20.0)]


def test_the_day_follows_the_time_zone(store: Store) -> None:
    with store_clock(_at(8)) as clock:
        _fill(store, clock)
    # 14:00 UTC is 00:00 on 3 May in UTC+10: a new day with nothing inspected yet.
    from datetime import timezone
    board = compute_board(store, LEAD, clock=lambda: NOW, tz=timezone(timedelta(hours=10)))
    assert board.total == 0 and board.inspectors == ()
    assert board.by_classification == {"intact": 0, "damaged": 0, "missing_parts": 0}


def test_an_inspector_is_refused_in_the_core(tmp_path: Path, store: Store) -> None:
    with pytest.raises(PermissionDenied) as info:
        compute_board(store, INSPECTOR, clock=lambda: NOW)
    assert info.value.message("en") == "Only a shift lead can open the bench board."
    assert "班组长" in info.value.message("zh_CN")
    with pytest.raises(PermissionDenied):
        compute_board(store, None, clock=lambda: NOW)


def test_sync_health_words() -> None:
    old = NOW - timedelta(minutes=16)
    fresh = NOW - timedelta(minutes=5)
    assert sync_health("online", None, 0, NOW) is SyncHealth.OK
    assert sync_health("online", fresh, 0, NOW) is SyncHealth.OK
    assert sync_health("online", old, 0, NOW) is SyncHealth.BEHIND
    assert sync_health("online", None, 1, NOW) is SyncHealth.BEHIND
    assert sync_health("no_answer", None, 0, NOW) is SyncHealth.OFFLINE
    assert sync_health("offline", old, 3, NOW) is SyncHealth.OFFLINE
    assert sync_health("paused", None, 0, NOW) is SyncHealth.PAUSED
