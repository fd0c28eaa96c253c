"""Hostile logins and rosters (issue 12 items 2, 3, 8, 20): badges, PINs, lockouts, idle."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain import DomainError, PermissionDenied, Role, utcnow
from app.login_guard import FREE_FAILURES, LOCK_AFTER, LOCK_FOR
from app.operators import (
    AuthError,
    BadgeNotScanned,
    IdleTimer,
    LoginLocked,
    LoginPolicy,
    LoginWait,
    Operator,
    Operators,
    PinRequired,
)
from app.store import Store
from app.store.models import AuditRow
from tests.builders import add_lead_and_inspector

LEAD_PIN = "246810"


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _roster(data_dir: Path, clock: Clock, **policy: bool | int) -> tuple[Operators, Operator]:
    ops = Operators(Store(data_dir / "s.db", data_dir / "photos"), LoginPolicy(**policy),  # type: ignore[arg-type]
                    clock=clock)
    lead, _ = add_lead_and_inspector(ops, lead_pin=LEAD_PIN, inspector_pin="1357",
                                     lead_badge="BADGE-L1", inspector_badge="BADGE-I1")
    return ops, lead


def _actions(ops: Operators) -> list[str]:
    with ops.store._read() as s:
        return list(s.scalars(select(AuditRow.action).order_by(AuditRow.seq)))


# --- item 2: a badge alone never logs a shift lead in -------------------------------------


def test_shift_lead_badge_alone_never_logs_in_and_needs_the_pin(data_dir: Path,
                                                                 clock: Clock) -> None:
    ops, _ = _roster(data_dir, clock)
    with pytest.raises(PinRequired):
        ops.login_badge("BADGE-L1")
    with pytest.raises(AuthError):
        ops.login_badge("BADGE-L1", "000000")
    assert ops.login_badge("BADGE-L1", LEAD_PIN).role is Role.SHIFT_LEAD
    assert ops.login_badge("BADGE-I1").operator_id == "I1"  # site default: no inspector PIN


def test_inspector_pin_is_a_site_setting(data_dir: Path, clock: Clock) -> None:
    ops, _ = _roster(data_dir, clock, inspector_pin_required=True)
    with pytest.raises(PinRequired):
        ops.login_badge("BADGE-I1")
    assert ops.login_badge("BADGE-I1", "1357").operator_id == "I1"


def test_typed_badge_is_refused_even_when_it_is_right(data_dir: Path, clock: Clock) -> None:
    ops, _ = _roster(data_dir, clock)
    with pytest.raises(BadgeNotScanned):
        ops.login_badge("BADGE-I1", scanned=False)
    assert "login" not in _actions(ops)[-1:]


def test_shift_lead_pin_shorter_than_the_minimum_is_refused(data_dir: Path,
                                                           clock: Clock) -> None:
    ops = Operators(Store(data_dir / "s.db", data_dir / "photos"), clock=clock)
    with pytest.raises(DomainError, match="6 to 12"):
        ops.add("L1", "Lead", Role.SHIFT_LEAD, "1234", None, by=None)
    lead, _ = add_lead_and_inspector(ops, lead_pin="123456")  # inspectors: 4 by default
    strict = Operators(ops.store, LoginPolicy(pin_min_length_inspector=8), clock=clock)
    with pytest.raises(DomainError, match="8 to 12"):
        strict.add("I2", "Insp", Role.INSPECTOR, "1234567", None, by=lead)


# --- item 3: PIN guessing -----------------------------------------------------------------


def test_pin_guessing_waits_grow_then_lock_and_the_right_pin_is_refused_while_locked(
        data_dir: Path, clock: Clock) -> None:
    ops, lead = _roster(data_dir, clock)
    waits: list[float] = []
    for _ in range(LOCK_AFTER):
        while True:
            try:
                ops.login_pin("I1", "0000")
            except LoginWait as exc:  # the core says until when; nobody sleeps
                waits.append((exc.until - clock()).total_seconds())
                clock.now = exc.until
                continue
            except AuthError:
                break
    assert waits == sorted(waits) and len(waits) >= LOCK_AFTER - FREE_FAILURES - 1
    assert waits[-1] > waits[0]
    with pytest.raises(LoginLocked) as locked:
        ops.login_pin("I1", "1357")  # the right PIN changes nothing while locked
    assert locked.value.until - clock() <= LOCK_FOR
    assert "login_locked" in _actions(ops)
    assert [s for s, _ in ops.locked()] == ["I1"]
    # lifted by a shift lead (audited) ...
    inspector = Operator("I1", "Insp", Role.INSPECTOR, None)
    with pytest.raises(PermissionDenied):
        ops.unlock("I1", by=inspector)
    assert ops.unlock("I1", by=lead)
    assert _actions(ops)[-1] == "login_unlocked"
    assert ops.login_pin("I1", "1357").operator_id == "I1"


def test_lockout_runs_out_after_its_time_even_with_the_clock_set_back(data_dir: Path,
                                                                     clock: Clock) -> None:
    ops, _ = _roster(data_dir, clock)
    for _ in range(LOCK_AFTER):
        clock.advance(minutes=2)  # past any wait
        with pytest.raises(AuthError):
            ops.login_pin("I1", "9999")
    with pytest.raises(LoginLocked):
        ops.login_pin("I1", "1357")
    clock.advance(days=-1)  # a clock set back never stretches the lock
    with pytest.raises(LoginLocked) as exc:
        ops.login_pin("I1", "1357")
    assert exc.value.until - clock() <= LOCK_FOR
    clock.advance(days=1)
    clock.advance(seconds=LOCK_FOR.total_seconds() + 1)
    assert ops.login_pin("I1", "1357").operator_id == "I1"


def test_lockout_survives_a_restart(data_dir: Path, clock: Clock) -> None:
    ops, _ = _roster(data_dir, clock)
    for _ in range(LOCK_AFTER):
        clock.advance(minutes=2)
        with pytest.raises(AuthError):
            ops.login_pin("I1", "9999")
    ops.store.close()
    again = Operators(Store(data_dir / "s.db", data_dir / "photos"), clock=clock)
    with pytest.raises(LoginLocked):
        again.login_pin("I1", "1357")


def test_unknown_ids_cost_the_same_as_known_ones(data_dir: Path, clock: Clock) -> None:
    ops, _ = _roster(data_dir, clock)

    def cost(operator_id: str) -> float:
        clock.advance(minutes=5)  # never throttled: measure the work, not the wait
        t0 = time.perf_counter()
        with pytest.raises(AuthError):
            ops.login_pin(operator_id, "0000")
        return time.perf_counter() - t0

    cost("I1"), cost("NOBODY")  # warm up (the dummy hash is made once)
    known = statistics.median(cost("I1") for _ in range(5))
    unknown = statistics.median(cost(f"NOBODY{i}") for i in range(5))
    # Both verify one scrypt hash and write one failure + one audit line; before the fix
    # an unknown ID answered ~12x faster. A generous ratio keeps machine load out of it.
    assert unknown > known * 0.5, (known, unknown)
    # ... and an unknown ID is throttled and locked like a known one.
    for _ in range(LOCK_AFTER):
        clock.advance(minutes=2)
        with pytest.raises(AuthError):
            ops.login_pin("GHOST", "0000")
    with pytest.raises(LoginLocked):
        ops.login_pin("GHOST", "0000")


def test_badge_guessing_is_throttled_station_wide(data_dir: Path, clock: Clock) -> None:
    ops, _ = _roster(data_dir, clock)
    for i in range(FREE_FAILURES):
        with pytest.raises(AuthError):
            ops.login_badge(f"GUESS-{i}")
    with pytest.raises(LoginWait):  # the next guess, whatever the badge, must wait
        ops.login_badge("BADGE-I1")
    assert ops.login_pin("I1", "1357").operator_id == "I1"  # ID + PIN still works


# --- item 8: idle logout on a monotonic clock ---------------------------------------------


def test_idle_logout_ignores_the_wall_clock_set_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.domain as domain

    mono = [500.0]
    timer = IdleTimer(minutes=10, clock=lambda: mono[0])
    # The wall clock jumps back a day: it must not matter.
    monkeypatch.setattr(domain, "utcnow", lambda: datetime(2000, 1, 1).astimezone())
    mono[0] += 10 * 60
    assert timer.expired()
    assert IdleTimer(1).clock is time.monotonic


# --- item 20: roster import validates characters and lengths ------------------------------


@pytest.mark.parametrize(("line", "why"), [
    ("E7,Ann,inspector,1234,B\x007", "badge code"),
    ("E7,Ann,inspector,1234,RMA-2026-0001234", "RMA, order or tracking"),
    ("E7,Ann,inspector,1234,SO-12345", "RMA, order or tracking"),
    ("E7,Ann,inspector,1234,SF1234567890123", "RMA, order or tracking"),
    ("E7,Ann,inspector,1234,B 7", "badge code"),
    ("E7," + "N" * 100_000 + ",inspector,1234,B7", "one line of at most"),
    ('E7,"Ann\nSecond line",inspector,1234,B7', "one line of at most"),
    ("E7,Ann\x1b[2J,inspector,1234,B7", "one line of at most"),
    ("E7,Ann,shift_lead,1234,B7", "6 to 12"),
])
def test_roster_import_refuses_hostile_badges_and_names(data_dir: Path, clock: Clock,
                                                        line: str, why: str) -> None:
    ops, lead = _roster(data_dir, clock)
    before = ops.count()
    text = "operator_id,name,role,pin,badge_code\nE6,Bo,inspector,1234,B6\n" + line + "\n"
    with pytest.raises(DomainError, match=f"line 3: .*{why}"):
        ops.import_csv(text, by=lead)
    assert ops.count() == before  # all or nothing
    with pytest.raises(DomainError):  # the same rules hold for a single add
        ops.add("E8", "N" * 101, Role.INSPECTOR, "1234", None, by=lead)
