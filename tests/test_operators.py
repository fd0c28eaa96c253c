"""Operators: first shift lead, badge and PIN login, roles enforced in the core."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.domain import Role
from app.operators import (
    AuthError,
    IdleTimer,
    Operators,
    PermissionDenied,
    hash_pin,
    require_shift_lead,
    verify_pin,
)
from app.store import Store


@pytest.fixture
def roster(data_dir: Path) -> Operators:
    return Operators(Store(data_dir / "s.db", data_dir / "photos"))


def test_empty_station_asks_for_the_first_shift_lead(roster: Operators) -> None:
    assert roster.needs_first_shift_lead()
    with pytest.raises(PermissionDenied):
        roster.add("E1", "Inspector", Role.INSPECTOR, "1234", None, by=None)
    lead = roster.add("E2001", "Zhang Min 张敏", Role.SHIFT_LEAD, "987654", "B-2001", by=None)
    assert not roster.needs_first_shift_lead()
    with pytest.raises(PermissionDenied):  # the second shift lead needs a shift lead
        roster.add("E2002", "Other", Role.SHIFT_LEAD, "1111", None, by=None)
    inspector = roster.add("E1001", "Li Wei", Role.INSPECTOR, "1234", "B-1001", by=lead)
    with pytest.raises(PermissionDenied):
        roster.add("E1002", "X", Role.INSPECTOR, "1234", None, by=inspector)


def test_login_by_badge_and_pin(roster: Operators) -> None:
    lead = roster.add("E2001", "Lead", Role.SHIFT_LEAD, "987654", "B-2001", by=None)
    roster.add("E1001", "Li Wei", Role.INSPECTOR, "1234", "B-1001", by=lead)
    assert roster.login_badge(" B-1001 ").operator_id == "E1001"
    assert roster.login_pin("E1001", "1234").role is Role.INSPECTOR
    with pytest.raises(AuthError, match="not recognised"):
        roster.login_pin("E1001", "0000")
    with pytest.raises(AuthError):
        roster.login_badge("B-9999")


def test_pins_are_salted_slow_hashes(roster: Operators) -> None:
    one, two = hash_pin("1234"), hash_pin("1234")
    assert one != two and one.startswith("scrypt$")
    assert verify_pin("1234", one) and not verify_pin("1235", one)
    roster.add("E2001", "Lead", Role.SHIFT_LEAD, "987654", None, by=None)
    with roster.store.engine.connect() as conn:
        stored = conn.execute(text("SELECT pin_hash FROM operators")).scalar_one()
    scheme, *_params, salt, digest = stored.split("$")
    assert scheme == "scrypt" and "987654" not in (salt, digest)  # no field is the PIN itself
    assert verify_pin("987654", stored)


def test_bad_input_is_refused(roster: Operators) -> None:
    with pytest.raises(ValueError, match="PIN"):
        roster.add("E2001", "Lead", Role.SHIFT_LEAD, "12", None, by=None)
    with pytest.raises(ValueError, match="ID"):
        roster.add("../etc", "Lead", Role.SHIFT_LEAD, "1234", None, by=None)


def test_roster_import_is_all_or_nothing(roster: Operators) -> None:
    lead = roster.add("E2001", "Lead", Role.SHIFT_LEAD, "987654", None, by=None)
    good = ("\ufeffoperator_id,name,role,pin,badge_code\n"
            "E1,王芳,inspector,1234,B1\nE2,Bo,inspector,5678,\n")
    assert roster.import_csv(good, by=lead) == 2
    assert roster.login_badge("B1").name == "王芳"
    bad = "operator_id,name,role,pin\nE3,A,inspector,1234\nE4,B,boss,1234\n"
    with pytest.raises(ValueError, match="line 3"):
        roster.import_csv(bad, by=lead)
    assert roster.count() == 3
    inspector = roster.login_pin("E1", "1234")
    with pytest.raises(PermissionDenied):
        roster.import_csv(good, by=inspector)


def test_roster_import_with_a_clash_adds_nobody(roster: Operators) -> None:
    """A line that clashes with the roster (or with an earlier line) refuses the whole file,
    so the shift lead can fix it and import the same file again."""
    lead = roster.add("E2001", "Lead", Role.SHIFT_LEAD, "987654", None, by=None)
    clash = ("operator_id,name,role,pin,badge_code\n"
             "E5,Ann,inspector,1234,B5\nE2001,Dup,inspector,1234,\n")
    with pytest.raises(ValueError, match="line 3"):
        roster.import_csv(clash, by=lead)
    same_badge = ("operator_id,name,role,pin,badge_code\n"
                  "E6,Bo,inspector,1234,B9\nE7,Cy,inspector,1234,B9\n")
    with pytest.raises(ValueError, match="line 3"):
        roster.import_csv(same_badge, by=lead)
    no_name = "operator_id,role,pin,name\nE8,inspector,1234,Di\nE9,inspector,1234\n"
    with pytest.raises(ValueError, match="line 3"):
        roster.import_csv(no_name, by=lead)
    assert roster.count() == 1
    fixed = clash.replace("E2001,Dup", "E6,Dup")
    assert roster.import_csv(fixed, by=lead) == 2
    assert roster.login_badge("B5").operator_id == "E5"


def test_require_shift_lead_and_idle_timer() -> None:
    with pytest.raises(PermissionDenied, match="shift lead"):
        require_shift_lead(None, "change settings")
    now = [1000.0]
    timer = IdleTimer(minutes=10, clock=lambda: now[0])
    now[0] += 9 * 60
    assert not timer.expired()
    timer.touch()
    now[0] += 10 * 60
    assert timer.expired()
