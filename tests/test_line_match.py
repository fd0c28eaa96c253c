"""Offline inspections whose case resolves: the line is matched, or a shift lead picks it.

Against the real reference server: each path ends with the result stored there once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Case, Operator, PermissionDenied, Role
from app.line_match import Fit, match_line
from app.store.models import AuditRow
from app.store.store import OutboxState, Store
from refserver import start_server
from tests.builders import case_doc, complete_inspection, outbox_entry
from tests.faults import fast_client, make_worker, new_case

LEAD = Operator("L9", "Lena", Role.SHIFT_LEAD)
INSPECTOR = Operator("E1027", "Ivan", Role.INSPECTOR)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


def _two_lines(n: int, categories: tuple[str, str] = ("audio", "audio")) -> Case:
    doc = case_doc(n, lines=2)
    for item, category in zip(doc["items"], categories, strict=True):
        item["category"] = category
    return Case.from_api(doc)


# --- the rule, without a server ------------------------------------------------------------


def test_serial_decides_between_lines_of_one_category() -> None:
    case = _two_lines(1)
    match = match_line(case, category="audio", serial="sn-00000001 1")
    assert match.chosen is not None and match.chosen.line_id == "L2"
    assert match.fit_of("L1").serial is Fit.DIFFERENT and not match.fit_of("L1").fits
    assert match.fit_of("L2").serial is Fit.SAME and match.fit_of("L2").fits


def test_category_decides_when_no_serial_was_scanned() -> None:
    match = match_line(_two_lines(2, ("phones_tablets", "audio")), category="audio")
    assert match.chosen is not None and match.chosen.line_id == "L2"
    assert match.fit_of("L1").category is Fit.DIFFERENT


def test_sku_decides_when_it_is_known() -> None:
    match = match_line(_two_lines(3), category="audio", sku="sku-3-0")
    assert match.chosen is not None and match.chosen.line_id == "L1"


def test_undecided_lines_explain_themselves_in_both_languages() -> None:
    match = match_line(_two_lines(4), category="audio", serial=None)
    assert match.chosen is None
    fit = match.fit_of("L1")
    assert fit.fits
    en, zh = fit.reasons("en"), fit.reasons("zh_CN")
    assert en == ["category audio: same", "SKU SKU-4-0: not recorded at the bench",
                  "serial SN000000040: nothing to compare (scanned —)"]
    assert zh[0] == "品类 audio：相同" and "检验时未记录" in zh[1] and "无法比较" in zh[2]


def test_a_serial_that_fits_no_line_leaves_the_choice_to_a_lead() -> None:
    match = match_line(_two_lines(5), category="audio", serial="SOMETHING-ELSE")
    assert match.chosen is None
    assert all(f.serial is Fit.DIFFERENT and not f.fits for f in match.lines)
    assert "different (scanned SOMETHING-ELSE)" in match.fit_of("L2").reasons("en")[2]


# --- the whole path, through the outbox ----------------------------------------------------


def test_auto_match_by_serial_is_stored_on_the_server_exactly_once(server: Any,
                                                                    store: Store) -> None:
    case = new_case(server, 11, lines=2)
    serial = case.items[1].serial_number
    iid = complete_inspection(store, None, rng=random.Random(3), scanned_code=case.rma,
                              serial=serial)
    worker = make_worker(store, fast_client(server.url))
    assert worker.drain_once().sent == 1
    assert worker.drain_once().sent == 0  # nothing left to send
    assert server.store.count_inspections() == 1
    assert server.store.get_inspection(iid)["line_id"] == "L2"
    assert server.store.get_inspection_bytes(iid) == store.result_payload(iid)
    rec = store.record(iid)
    assert rec.rma == case.rma and rec.item_text() == f"{case.items[1].sku} / {case.items[1].title}"
    assert not rec.serial_mismatch


def test_lead_picks_the_line_and_it_is_stored_exactly_once(server: Any, store: Store) -> None:
    case = new_case(server, 12, lines=2)
    iid = complete_inspection(store, None, rng=random.Random(4), scanned_code=case.rma)
    worker = make_worker(store, fast_client(server.url))
    assert worker.drain_once().attention == 1
    item = store.outbox_item(iid)
    assert item is not None and item.state == OutboxState.ATTENTION
    assert f"case {case.rma} has 2 item lines" in (item.attention_reason or "")
    pending = store.line_choice_case(iid)
    assert pending is not None and [it.line_id for it in pending.items] == ["L1", "L2"]
    assert store.record(iid).candidate_case is not None
    assert server.store.count_inspections() == 0

    with pytest.raises(PermissionDenied):
        store.choose_line(iid, "L2", by=INSPECTOR)
    store.choose_line(iid, "L2", by=LEAD)
    assert store.line_choice_case(iid) is None
    assert outbox_entry(store, iid).state == OutboxState.PENDING
    assert worker.drain_once().sent == 1
    assert worker.drain_once().sent == 0
    assert server.store.count_inspections() == 1
    assert server.store.get_inspection(iid)["line_id"] == "L2"
    rec = store.record(iid)
    assert rec.sync_state == OutboxState.SENT and rec.rma == case.rma
    assert rec.item_text().startswith("SKU-12-1 / ")
    with pytest.raises(Exception, match="no resolved case"):
        store.choose_line(iid, "L1", by=LEAD)  # once chosen and sent, never again
    with Session(store.engine) as s:
        trail = list(s.execute(select(AuditRow.actor, AuditRow.action)
                               .where(AuditRow.subject == iid).order_by(AuditRow.seq)))
    assert ("L9", "resolve") in trail and ("L9", "line_chosen") in trail
    assert store.verify_audit().ok


def test_resolving_to_a_line_with_another_serial_flags_a_mismatch(server: Any,
                                                                  store: Store) -> None:
    """Confirmed offline without a lead, found swapped only now: held (null disposition)
    and parked for a shift lead, who retries it; then it is sent once (16.1)."""
    case = new_case(server, 13, lines=1)
    iid = complete_inspection(store, None, rng=random.Random(5), scanned_code=case.rma,
                              serial="NOT-THE-ONE")
    worker = make_worker(store, fast_client(server.url))
    report = worker.drain_once()
    assert (report.sent, report.attention) == (0, 1)
    rec = store.record(iid)
    assert rec.serial_mismatch and rec.mismatch_signed_by is None
    assert rec.disposition is None and rec.sync_state == OutboxState.ATTENTION
    assert "serial/IMEI differs" in (rec.attention_reason or "")
    assert server.store.count_inspections() == 0
    store.retry_attention(iid, by=LEAD)
    assert worker.drain_once().sent == 1 and worker.drain_once().sent == 0
    sent = server.store.get_inspection(iid)
    assert sent["serial_number_scanned"] == "NOT-THE-ONE" and sent["disposition"] is None
    assert server.store.count_inspections() == 1
