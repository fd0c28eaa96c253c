"""The shift lead's bench board: today's figures at a glance, computed from the store.

One function, `compute_board`, reads the store once per refresh (the GUI runs it off the
GUI thread on a timer). The clock is a parameter so a test can fix "now". The role check
is here, not in the widget: an inspector asking for the board is refused.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from app.domain import CaseStatus, Classification, Operator, PermissionDenied, Role, utcnow
from app.messages import t
from app.reports.stats import day_window
from app.store.store import OutboxState, Store

DUE_SOON = timedelta(hours=2)  # "due within 2 hours" on the board
BEHIND_AFTER = timedelta(minutes=15)  # an unsent result older than this: sync is behind


class DueKind(StrEnum):
    OPEN_OVERDUE = "open_overdue"  # looked up today, not inspected, past inspect_by
    LATE = "late"  # inspected today after inspect_by
    DUE_SOON = "due_soon"  # looked up today, not inspected, inspect_by within DUE_SOON


class SyncHealth(StrEnum):
    OK = "sync_ok"
    BEHIND = "sync_behind"  # results waiting longer than BEHIND_AFTER, or needing attention
    OFFLINE = "sync_offline"
    PAUSED = "sync_paused"  # the server refused the token


@dataclass(frozen=True, slots=True)
class DueItem:
    kind: DueKind
    rma: str
    sku: str
    inspect_by: datetime
    completed_at: datetime | None = None
    inspector_id: str | None = None

    def minutes(self, now: datetime) -> int:
        """Minutes late (overdue, late) or minutes left (due soon), never negative."""
        if self.kind is DueKind.DUE_SOON:
            delta = self.inspect_by - now
        else:
            delta = (self.completed_at or now) - self.inspect_by
        return max(0, int(delta.total_seconds() // 60))

    def wording(self, language: str, now: datetime) -> str:
        """"not inspected, 1 h 5 min past the deadline" in either language."""
        h, m = divmod(self.minutes(now), 60)
        span = t(language, "hours_minutes", h=h, m=m) if h else t(language, "minutes", m=m)
        return t(language, self.kind.value, time=span)


@dataclass(frozen=True, slots=True)
class InspectorFigures:
    inspector_id: str
    name: str
    count: int
    median_minutes: float


@dataclass(frozen=True, slots=True)
class BenchBoard:
    now: datetime
    total: int
    by_classification: dict[str, int]
    overdue: tuple[DueItem, ...]  # open ones first, then late ones; most late first
    due_soon: tuple[DueItem, ...]  # soonest first
    needs_attention: int
    unsent: int
    oldest_unsent_at: datetime | None
    last_sent_at: datetime | None
    health: SyncHealth
    inspectors: tuple[InspectorFigures, ...]

    @property
    def oldest_unsent_minutes(self) -> int | None:
        if self.oldest_unsent_at is None:
            return None
        return max(0, int((self.now - self.oldest_unsent_at).total_seconds() // 60))


def sync_health(connection: str, oldest_unsent_at: datetime | None, attention: int,
                now: datetime) -> SyncHealth:
    """One word for the lead: the connection state first, then how far behind the queue is."""
    if connection == "paused":
        return SyncHealth.PAUSED
    if connection in ("offline", "no_answer"):
        return SyncHealth.OFFLINE
    if attention or (oldest_unsent_at is not None and now - oldest_unsent_at > BEHIND_AFTER):
        return SyncHealth.BEHIND
    return SyncHealth.OK


def require_board_access(by: Operator | None) -> Operator:
    """The board shows every inspector's pace: shift leads only (refused here, not in a widget)."""
    if by is None or by.role is not Role.SHIFT_LEAD:
        raise PermissionDenied(key="board_lead_only")
    return by


def compute_board(store: Store, by: Operator | None, *, clock: Callable[[], datetime] = utcnow,
                  tz: tzinfo | None = None, connection: str = "online") -> BenchBoard:
    """Today's board (the local day of `clock()` in `tz`); shift leads only."""
    require_board_access(by)
    now = clock()
    start, end = day_window(now.astimezone(tz).date(), tz)
    records = store.completed_between(start, end)

    late = [DueItem(DueKind.LATE, r.rma or r.scanned_code, r.sku or "", r.case.inspect_by,
                    r.completed_at, r.inspector_id)
            for r in records if r.case is not None and r.completed_at > r.case.inspect_by]
    cases = [c for c in store.cases_fetched_since(start)
             if c.status is CaseStatus.AWAITING_INSPECTION]
    done = store.inspected_lines([c.case_id for c in cases])
    open_overdue: list[DueItem] = []
    due_soon: list[DueItem] = []
    for case in cases:
        for item in case.items:
            if (case.case_id, item.line_id) in done:
                continue
            if case.inspect_by < now:
                open_overdue.append(DueItem(DueKind.OPEN_OVERDUE, case.rma, item.sku,
                                            case.inspect_by))
            elif case.inspect_by <= now + DUE_SOON:
                due_soon.append(DueItem(DueKind.DUE_SOON, case.rma, item.sku, case.inspect_by))
    open_overdue.sort(key=lambda d: d.inspect_by)
    late.sort(key=lambda d: d.minutes(now), reverse=True)
    due_soon.sort(key=lambda d: d.inspect_by)

    unsent = store.outbox_items([OutboxState.PENDING, OutboxState.ATTENTION])
    attention = sum(1 for o in unsent if o.state == OutboxState.ATTENTION)
    oldest = min((o.created_at for o in unsent), default=None)
    last_sent = store.queue_counts().last_sent_at

    names = store.operator_names()
    minutes: dict[str, list[float]] = {}
    for r in records:
        minutes.setdefault(r.inspector_id, []).append(
            max(0.0, (r.completed_at - r.started_at).total_seconds() / 60.0))
    inspectors = tuple(sorted(
        (InspectorFigures(i, names.get(i, i), len(m), round(statistics.median(m), 1))
         for i, m in minutes.items()),
        key=lambda f: (-f.count, f.name)))

    counts = Counter(r.classification.value for r in records)
    return BenchBoard(
        now=now,
        total=len(records),
        by_classification={c.value: counts.get(c.value, 0) for c in Classification},
        overdue=(*open_overdue, *late),
        due_soon=tuple(due_soon),
        needs_attention=attention,
        unsent=len(unsent),
        oldest_unsent_at=oldest,
        last_sent_at=last_sent,
        health=sync_health(connection, oldest, attention, now),
        inspectors=inspectors,
    )
