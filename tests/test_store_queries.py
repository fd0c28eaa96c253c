"""The store's newer public doors (issues 15.5 and 17): the shift report's light rows, the
reading connection, roster and failed-login rows, and the audit read-back, on a real
SQLite file in tmp_path."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain import Classification, CustomerReason, DomainError, Result, Role
from app.reports.stats import compute_shift_stats
from app.store.db import SCHEMA_VERSION
from app.store.operator_rows import OperatorClash
from app.store.records import CompletedColumns
from app.store.store import (
    AuditLine,
    LoginFailure,
    OperatorChange,
    OperatorRecord,
    OutboxState,
    Store,
)
from tests.builders import GENERIC_TEMPLATE as TEMPLATE
from tests.builders import add_inspection, store_clock
from tests.builders import report_case as make_case

T0 = datetime(2024, 5, 2, 22, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "station.db", tmp_path / "photos")
    yield s
    s.close()


def _shift(s: Store) -> tuple[str, str, str]:
    """A defective claim with no fault found, an overdue override, an unverified one
    and one needing attention with a signed-off serial mismatch."""
    with store_clock(T0) as clock:
        nff = add_inspection(s, clock, make_case(1, sku="SKU-HEAD", title="耳机 Pro"),
                             started=T0, completed=T0 + timedelta(minutes=9))
        add_inspection(s, clock, make_case(2, reason=CustomerReason.DAMAGED_IN_TRANSIT,
                                           inspect_by=T0 + timedelta(minutes=30)),
                       started=T0 + timedelta(minutes=40), completed=T0 + timedelta(hours=1),
                       results={"app-body": Result.FAIL},
                       classification=Classification.DAMAGED,
                       suggested=Classification.INTACT, override_reason="dent under the label")
        offline = add_inspection(s, clock, None, started=T0 + timedelta(hours=2),
                                 completed=T0 + timedelta(hours=2, minutes=5),
                                 scanned_code="SF0000000009", category="audio")
        case = make_case(4, reason=CustomerReason.NO_LONGER_NEEDED)
        clock.now = T0 + timedelta(hours=3)
        insp = s.start_inspection(template=TEMPLATE, station_id="B1", inspector_id="li.wei",
                                  case=case, item=case.items[0])
        s.set_serial_scanned(insp.inspection_id, "OTHER-SERIAL")
        clock.now = T0 + timedelta(hours=3, minutes=7)
        s.complete(insp.inspection_id, answers_in_order=[],
                   classification=Classification.MISSING_PARTS,
                   classification_suggested=Classification.MISSING_PARTS, override_reason=None,
                   disposition=None, missing_accessories=["charger"], actor="li.wei",
                   serial_mismatch=True, signed_off_by="lead.1",
                   sign_off_reason="another unit's label")
    s.mark_attention(insp.inspection_id, "case 4 was cancelled on the server")
    return nff, offline, insp.inspection_id


def test_shift_rows_give_the_same_figures_as_full_records(store: Store) -> None:
    nff, offline, attention = _shift(store)
    start, end = T0, T0 + timedelta(hours=8)
    rows = store.shift_rows(start, end)
    records = store.completed_between(start, end)
    assert [r.inspection_id for r in rows] == [r.inspection_id for r in records]
    shared = [f.name for f in dataclasses.fields(CompletedColumns)]  # the one home of both
    assert {"inspection_id", "classification", "sync_state", "scanned_code"} <= set(shared)
    for row, rec in zip(rows, records, strict=True):
        assert isinstance(row, CompletedColumns) and isinstance(rec, CompletedColumns)
        assert [getattr(row, n) for n in shared] == [getattr(rec, n) for n in shared]
        assert row.item_text() == rec.item_text()
        assert row.inspect_by == rec.inspect_by
        assert row.awaiting_case == rec.awaiting_case
    assert compute_shift_stats(rows, start, end) == compute_shift_stats(records, start, end)
    by_id = {r.inspection_id: r for r in rows}
    assert by_id[nff].item_text() == "SKU-HEAD / 耳机 Pro"
    assert by_id[offline].awaiting_case and by_id[offline].inspect_by is None
    assert by_id[offline].item_text() == "audio"
    assert by_id[attention].sync_state is OutboxState.ATTENTION
    assert by_id[attention].serial_mismatch and by_id[attention].mismatch_signed_by == "lead.1"
    assert by_id[attention].mismatch_sign_off_reason == "another unit's label"
    # Only a defective claim carries its answers (the claim check reads them).
    assert [a.step_id for a in by_id[nff].answers] and not by_id[attention].answers
    stats = compute_shift_stats(rows, start, end)
    assert stats.no_fault_found == 1 and len(stats.overdue) == 1 and len(stats.overrides) == 1
    assert {a.inspection_id for a in stats.attention} == {offline, attention}


def test_records_read_in_one_statement_match_what_was_written(store: Store) -> None:
    nff, offline, attention = _shift(store)
    rec = store.record(nff)
    assert rec.result is not None and rec.answers == rec.result.answers
    assert rec.payload_sha256 is not None and rec.sync_state is OutboxState.PENDING
    assert rec.case is not None and rec.case.rma == "RMA-2024-0000001"
    unverified = store.record(offline)
    assert unverified.result is None and unverified.case is None
    answers = {a.step_id: a for a in unverified.answers}  # answered at one instant here
    assert set(answers) == {"app-overview", "app-body", "fn-works", "fn-battery",
                            "acc-charger"}
    assert answers["fn-battery"].value == 92.0 and answers["fn-works"].result is Result.PASS
    mismatch = store.record(attention)
    assert mismatch.mismatch_signed_at == T0 + timedelta(hours=3, minutes=7)
    assert mismatch.missing_accessories == ("charger",)
    assert [r.inspection_id for r in store.search("rma-2024-0000001")] == [nff]
    assert [r.inspection_id for r in store.search("OTHER-SERIAL")] == [attention]


def test_each_thread_reads_what_was_just_committed(store: Store, tmp_path: Path) -> None:
    nff, _, _ = _shift(store)
    assert store.inspection_category(nff) == ("audio", None, None)
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(store.result_payload(nff)))
    worker.start()
    worker.join(timeout=30)
    assert seen == [store.result_payload(nff)] and seen[0] is not None
    # A write from another connection (another process, say) is seen at once.
    other = sqlite3.connect(tmp_path / "station.db", isolation_level=None)
    other.execute("UPDATE inspections SET category = 'kitchen' WHERE inspection_id = ?", (nff,))
    other.close()
    assert store.inspection_category(nff) == ("kitchen", None, None)
    assert store.inspection_category("no-such-id") is None
    with store._read_raw() as raw, pytest.raises(sqlite3.OperationalError):
        raw.execute("DELETE FROM audit")  # the reading connection never writes


def _op(operator_id: str, role: Role = Role.INSPECTOR, badge: str | None = None
        ) -> OperatorRecord:
    return OperatorRecord(operator_id, f"Name {operator_id}", role, badge, "scrypt$x", True)


def test_operators_are_added_together_or_not_at_all(store: Store) -> None:
    store.add_operators([_op("lead.1", Role.SHIFT_LEAD, "B-1")], actor="lead.1")
    with pytest.raises(OperatorClash) as clash:
        store.add_operators([_op("e.1"), _op("e.2", badge="B-1")], actor="lead.1")
    assert clash.value.index == 1 and store.operator_count() == 1
    assert store.find_operator(badge_code="B-1") == _op("lead.1", Role.SHIFT_LEAD, "B-1")
    assert store.find_operator(operator_id="B-1", badge_code="B-1") is not None
    assert store.find_operator(operator_id="e.1") is None
    assert store.active_lead_count() == 1
    actions = [e.action for e in store.audit_entries(operator="lead.1")]
    assert actions == ["operator_add"]


def test_a_roster_change_runs_its_rule_inside_the_transaction(store: Store) -> None:
    store.add_operators([_op("lead.1", Role.SHIFT_LEAD), _op("e.1", badge="B-9")],
                        actor="lead.1")
    seen: list[tuple[OperatorRecord, int]] = []

    def refuse(row: OperatorRecord, others: int) -> OperatorChange:
        seen.append((row, others))
        raise DomainError(key="op_last_lead", operator_id=row.operator_id)

    with pytest.raises(DomainError):
        store.change_operator("lead.1", refuse)
    assert seen == [(_op("lead.1", Role.SHIFT_LEAD), 0)]
    assert store.change_operator("e.1", lambda row, _n: None) == _op("e.1", badge="B-9")
    with pytest.raises(OperatorClash):
        store.change_operator("lead.1", lambda row, _n: OperatorChange(
            dataclasses.replace(row, badge_code="B-9"), AuditLine("lead.1", "operator_edit")))
    store.record_login("e.1", ok=False, audits=[],
                       after_failure=lambda old: (LoginFailure("e.1", 1, T0, None, T0), []))
    changed = store.change_operator("e.1", lambda row, _n: OperatorChange(
        dataclasses.replace(row, active=False),
        AuditLine("lead.1", "operator_deactivate", row.operator_id), unlock_by="lead.1"))
    assert store.operator("e.1") == changed and not changed.active
    assert store.login_failure("e.1") is None
    with pytest.raises(DomainError, match="No operator ghost"):
        store.change_operator("ghost", lambda row, _n: None)
    assert [e.action for e in store.audit_entries(inspection="e.1")] == [
        "operator_add", "operator_deactivate", "login_unlocked"]


def test_failed_logins_are_kept_with_their_audit_lines(store: Store) -> None:
    olds: list[LoginFailure | None] = []

    def fail(old: LoginFailure | None) -> tuple[LoginFailure, list[AuditLine]]:
        olds.append(old)
        n = 1 if old is None else old.failures + 1
        return (LoginFailure("e.7", n, T0, T0 + timedelta(seconds=n), T0 if n > 1 else None),
                [AuditLine("e.7", "login_locked", "e.7")] if n > 1 else [])

    login_failed = AuditLine("e.7", "login_failed", "", {"method": "pin"})
    store.record_login("e.7", ok=False, audits=[login_failed], after_failure=fail)
    store.record_login("e.7", ok=False, audits=[login_failed], after_failure=fail)
    assert olds[0] is None and olds[1] == LoginFailure("e.7", 1, T0, T0 + timedelta(seconds=1),
                                                       None)
    assert store.login_failure("e.7") == LoginFailure("e.7", 2, T0, T0 + timedelta(seconds=2),
                                                      T0)
    assert [f.subject for f in store.locked_logins()] == ["e.7"]
    assert [e.action for e in store.audit_entries(operator="e.7")] == [
        "login_failed", "login_locked", "login_failed"]
    assert store.clear_login_failures("e.7", actor="lead.1")
    assert not store.clear_login_failures("e.7", actor="lead.1")
    store.record_login("e.7", ok=True, audits=[AuditLine("e.7", "login")])
    assert store.login_failure("e.7") is None
    assert store.last_logins()["e.7"] <= datetime.now(UTC)
    assert "login_unlocked" in store.audit_actions()
    assert store.verify_audit().ok and store.integrity() == (True, "ok")
    assert store.schema_version() == SCHEMA_VERSION
