"""The roster a shift lead manages (14.1): list, edit, deactivate, PIN reset, unlock, all
checked and audited in the core, and the `operators` / `audit` command lines."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from app.audit_trail import chain_verdict, read_audit
from app.config import Settings
from app.domain import DomainError, Role
from app.login_guard import LOCK_AFTER
from app.operators import (
    AuthError,
    LoginLocked,
    LoginPolicy,
    Operator,
    Operators,
    PermissionDenied,
)
from app.paths import resolve_paths
from app.station_store import open_station_store
from app.store import Store
from tests.test_cli import run_cli


@pytest.fixture
def roster(data_dir: Path) -> Iterator[Operators]:
    ops = Operators(Store(data_dir / "s.db", data_dir / "photos"))
    yield ops
    ops.store.close()


def _team(roster: Operators) -> tuple[Operator, Operator]:
    lead = roster.add("L1", "Lena", Role.SHIFT_LEAD, "987654", "B-L1", by=None)
    insp = roster.add("I1", "Ivan", Role.INSPECTOR, "1234", "B-I1", by=lead)
    return lead, insp


def _lock_out(roster: Operators, operator_id: str) -> None:
    """Wrong PINs until the ID is locked (the guard's clock stepped past every wait)."""
    now = [roster.guard.clock()]
    roster.guard.clock = lambda: now[0]
    for _ in range(LOCK_AFTER):
        now[0] += timedelta(minutes=2)
        with pytest.raises(AuthError):
            roster.login_pin(operator_id, "0000000")


def _actions(roster: Operators, subject: str) -> list[str]:
    return [e.action for e in read_audit(roster.store, lead_only=False,
                                         operator=subject).entries if e.subject == subject]


def test_roster_lists_role_badge_active_last_login_and_lock(roster: Operators) -> None:
    lead, insp = _team(roster)
    with pytest.raises(PermissionDenied):
        roster.roster(by=insp)
    assert [p.last_login for p in roster.roster(by=lead)] == [None, None]
    roster.login_pin("I1", "1234")
    _lock_out(roster, "L1")
    people = {p.operator_id: p for p in roster.roster(by=lead)}
    assert people["I1"].last_login is not None and people["I1"].locked_until is None
    assert people["I1"].badge_code == "B-I1" and people["I1"].role is Role.INSPECTOR
    assert people["L1"].last_login is None and people["L1"].locked_until is not None
    assert all(p.active for p in people.values())


def test_deactivated_operator_cannot_log_in_until_reactivated(roster: Operators) -> None:
    lead, insp = _team(roster)
    with pytest.raises(PermissionDenied):
        roster.set_active("I1", False, by=insp)
    roster.set_active("I1", False, by=lead)
    with pytest.raises(AuthError):
        roster.login_pin("I1", "1234")
    with pytest.raises(AuthError):
        roster.login_badge("B-I1")
    assert not {p.operator_id: p for p in roster.roster(by=lead)}["I1"].active
    roster.set_active("I1", True, by=lead)
    assert roster.login_badge("B-I1").operator_id == "I1"
    assert _actions(roster, "I1")[-2:] == ["operator_deactivate", "operator_reactivate"]


def test_a_lead_keeps_their_own_rights_and_the_station_keeps_a_lead(roster: Operators) -> None:
    lead, _insp = _team(roster)
    with pytest.raises(PermissionDenied) as self_off:
        roster.set_active("L1", False, by=lead)
    assert self_off.value.key == "op_self_deactivate"
    assert "停用自己" in self_off.value.message("zh_CN")
    with pytest.raises(PermissionDenied, match="yourself"):
        roster.edit("L1", "Lena", Role.INSPECTOR, "B-L1", by=lead)
    lead2 = roster.add("L2", "Liu", Role.SHIFT_LEAD, "135791", None, by=lead)
    roster.edit("L1", "Lena", Role.INSPECTOR, "B-L1", by=lead2)  # demoted by another lead
    assert roster.login_badge("B-L1").role is Role.INSPECTOR  # no PIN asked any more
    # L2 is now the last active lead: a stale L1 session cannot remove them.
    with pytest.raises(PermissionDenied) as last:
        roster.set_active("L2", False, by=lead)
    assert last.value.key == "op_last_lead"
    with pytest.raises(PermissionDenied, match="last active shift lead"):
        roster.edit("L2", "Liu", Role.INSPECTOR, None, by=lead)


def test_edit_validates_as_add_does_and_promotion_needs_a_lead_pin(roster: Operators) -> None:
    lead, _insp = _team(roster)
    roster.add("I2", "Ina", Role.INSPECTOR, "2222", "B-I2", by=lead)
    with pytest.raises(DomainError, match="RMA"):
        roster.edit("I1", "Ivan", Role.INSPECTOR, "RMA-2024-0001001", by=lead)
    with pytest.raises(DomainError, match="one line"):
        roster.edit("I1", "Ivan\nX", Role.INSPECTOR, None, by=lead)
    with pytest.raises(DomainError) as taken:
        roster.edit("I1", "Ivan", Role.INSPECTOR, "B-I2", by=lead)
    assert taken.value.key == "op_badge_taken"
    with pytest.raises(DomainError) as promote:
        roster.edit("I1", "Ivan", Role.SHIFT_LEAD, "B-I1", by=lead)
    assert promote.value.key == "op_promote_needs_pin"
    with pytest.raises(DomainError, match="6 to 12"):
        roster.edit("I1", "Ivan", Role.SHIFT_LEAD, "B-I1", by=lead, pin="1234")
    with pytest.raises(DomainError) as missing:
        roster.edit("nobody", "N", Role.INSPECTOR, None, by=lead)
    assert missing.value.key == "op_not_found"
    op = roster.edit("I1", " Ivan Petrov ", Role.SHIFT_LEAD, "B-I1X", by=lead, pin="246810")
    assert (op.name, op.role, op.badge_code) == ("Ivan Petrov", Role.SHIFT_LEAD, "B-I1X")
    assert roster.login_pin("I1", "246810").is_shift_lead
    edits = [e for e in read_audit(roster.store, by=lead, action="operator_edit").entries]
    assert edits[-1].subject == "I1" and '"changed": ["name", "role", "badge", "pin"]' in \
        edits[-1].details


def test_pin_reset_follows_the_role_rules_and_lifts_a_lockout(roster: Operators) -> None:
    lead, insp = _team(roster)
    _lock_out(roster, "I1")
    with pytest.raises(LoginLocked):
        roster.login_pin("I1", "1234")
    with pytest.raises(PermissionDenied):
        roster.reset_pin("I1", "4321", by=insp)
    with pytest.raises(DomainError, match="4 to 12"):
        roster.reset_pin("I1", "12", by=lead)
    with pytest.raises(DomainError, match="6 to 12"):
        roster.reset_pin("L1", "12345", by=lead)
    roster.reset_pin("I1", "4321", by=lead)
    with pytest.raises(AuthError):
        roster.login_pin("I1", "1234")
    assert roster.login_pin("I1", "4321").operator_id == "I1"
    assert _actions(roster, "I1")[-2:] == ["operator_pin_reset", "login_unlocked"]


def _cli_station(tmp_path: Path) -> str:
    data = tmp_path / "d"
    store, _ = open_station_store(resolve_paths(data), Settings())
    ops = Operators(store, LoginPolicy())
    lead = ops.add("L1", "Lead", Role.SHIFT_LEAD, "987654", "B-L1", by=None)
    ops.add("I1", "Insp 李", Role.INSPECTOR, "1234", None, by=lead)
    ops.login_pin("I1", "1234")
    store.close()
    return str(data)


def test_operators_cli_list_edit_deactivate_reset(tmp_path: Path) -> None:
    data = _cli_station(tmp_path)
    lead = {"AS_PIN": "987654"}
    refused = run_cli("--data-dir", data, "operators", "list")
    assert refused.returncode == 2 and "--as" in refused.stderr
    done = run_cli("--data-dir", data, "operators", "list", "--as", "L1", env=lead)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "id\tname\trole\tbadge\tactive\tlast_login\tlocked_until"
    i1 = lines[1].split("\t")
    assert i1[:5] == ["I1", "Insp 李", "inspector", "-", "yes"] and i1[5] != "-"
    done = run_cli("--data-dir", data, "operators", "edit", "I1", "--badge", "B-77",
                   "--as", "L1", env=lead)
    assert done.returncode == 0 and "changed I1" in done.stdout, done.stderr
    done = run_cli("--data-dir", data, "operators", "deactivate", "L1", "--as", "L1", env=lead)
    assert done.returncode == 2 and "yourself" in done.stderr
    done = run_cli("--data-dir", data, "operators", "deactivate", "I1", "--as", "L1", env=lead)
    assert done.returncode == 0, done.stderr
    done = run_cli("--data-dir", data, "operators", "reset-pin", "I1", "--as", "L1",
                   env={**lead, "OPERATOR_PIN": "8642"})
    assert done.returncode == 0 and "new PIN set for I1" in done.stdout, done.stderr
    listed = run_cli("--data-dir", data, "operators", "list", "--as", "L1", env=lead).stdout
    assert "I1\tInsp 李\tinspector\tB-77\tno\t" in listed
    store, _ = open_station_store(resolve_paths(Path(data)), Settings())
    try:
        with pytest.raises(AuthError):
            Operators(store).login_pin("I1", "8642")  # deactivated: the new PIN is no key
    finally:
        store.close()


def test_audit_cli_shows_filters_and_finds_a_tampered_row(tmp_path: Path) -> None:
    data = _cli_station(tmp_path)
    ok = run_cli("--data-dir", data, "audit", "verify")
    assert ok.returncode == 0 and "verified" in ok.stdout, ok.stderr
    shown = run_cli("--data-dir", data, "audit", "show", "--operator", "I1")
    assert shown.returncode == 0, shown.stderr
    rows = [line.split("\t") for line in shown.stdout.splitlines()]
    assert [r[3] for r in rows] == ["operator_add", "login"]
    logins = run_cli("--data-dir", data, "audit", "show", "--action", "login").stdout
    assert len(logins.splitlines()) == 1 and "\tI1\tlogin\t" in logins
    with sqlite3.connect(Path(data) / "station.db") as db:
        seq = db.execute("SELECT seq FROM audit WHERE action = 'login'").fetchone()[0]
        db.execute("UPDATE audit SET actor = 'L1' WHERE seq = ?", (seq,))
    broken = run_cli("--data-dir", data, "audit", "verify")
    assert broken.returncode == 1 and f"BROKEN at entry {seq}" in broken.stdout
    listing = run_cli("--data-dir", data, "audit", "show").stdout
    assert next(line for line in listing.splitlines() if "chain broken here" in line
                ).startswith(f"{seq}\t")


def test_chain_verdict_in_both_languages(roster: Operators) -> None:
    lead, _ = _team(roster)
    trail = read_audit(roster.store, by=lead)
    assert chain_verdict(trail.check, "en") == "Audit chain verified: 2 entries intact."
    assert "审计链校验通过" in chain_verdict(trail.check, "zh_CN")
    assert "operator_add" in trail.actions
    with pytest.raises(PermissionDenied):
        read_audit(roster.store, by=_)
