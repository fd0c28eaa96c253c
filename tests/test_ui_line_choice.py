"""Needs attention in the history: the lead picks an offline item's line; mismatch filter.

A real station context, the real reference server and the real outbox worker: the chosen
line ends with the result stored on the server exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.domain import Case, Classification
from app.store.store import OutboxState
from app.workflow import InspectionSession, start_inspection
from refserver import start_server
from tests.builders import gadget_case
from tests.faults import fast_client, make_worker
from tests.flow_helpers import as_lead, screenshot, walk_all_pass
from tests.ui_helpers import cell
from ui.history_screen import HistoryScreen


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


def _two_line_case(server: Any, rma: str = "RMA-2026-0002222",
                   gtins: tuple[str | None, str | None] = (None, None)) -> Case:
    doc = gadget_case(case_id=f"C-{rma[-4:]}", rma=rma).to_api()
    first = doc["items"][0]
    doc["items"] = [dict(first, line_id="L1", sku="GX-1-BLK", title="Gadget X black",
                         serial_number="SN-GX-0001", gtin=gtins[0]),
                    dict(first, line_id="L2", sku="GX-1-WHT", title="Gadget X white",
                         serial_number="SN-GX-0002", gtin=gtins[1])]
    server.store.add_case(doc)
    return Case.from_api(doc)


def _screen(qtbot: Any, services: Any) -> HistoryScreen:
    screen = HistoryScreen(services)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.refresh()
    return screen


def test_lead_picks_the_line_and_it_is_stored_on_the_server_once(
        qtbot: Any, services: Any, ctx: Any, server: Any) -> None:
    case = _two_line_case(server)
    iid = start_inspection(ctx, None, None, case.rma, category="gadget")  # offline
    s = InspectionSession(ctx, iid)
    walk_all_pass(s, "SN-GX-9999")  # a label neither line has
    s.confirm(Classification.INTACT, None)
    worker = make_worker(ctx.store, fast_client(server.url))
    assert worker.drain_once().attention == 1
    assert server.store.count_inspections() == 0

    as_lead(ctx)
    services.operator_changed.emit(ctx.operator)
    screen = _screen(qtbot, services)
    row = next(i for i, r in enumerate(screen.records) if r.inspection_id == iid)
    assert cell(screen.table, row, 1).text() == "RMA-2026-0002222: choose the line"
    assert iid not in cell(screen.table, row, 1).text()
    assert screen.select(iid) and screen.choose_line_button.isEnabled()
    detail = screen.detail.toPlainText()
    assert "Case RMA-2026-0002222 resolved; choose the line" in detail
    assert "serial SN-GX-0002: different (scanned SN-GX-9999)" in detail

    screen.choose_line_button.click()
    dialog = screen.line_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.use_button.isEnabled()  # nothing chosen for the lead
    assert dialog.table.rowCount() == 2
    assert "category gadget: same" in cell(dialog.table, 1, 3).text()
    assert cell(dialog.table, 1, 1).text() == "GX-1-WHT / Gadget X white"
    screenshot(dialog, "line_choice")
    assert dialog.select_line("L2")
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        dialog.use_button.click()
    assert screen.line_dialog is None
    assert ctx.store.outbox_item(iid).state == OutboxState.PENDING
    assert screen.row_state(iid) == "waiting to send"
    assert worker.drain_once().sent == 1
    assert worker.drain_once().sent == 0
    assert server.store.count_inspections() == 1
    assert server.store.get_inspection(iid)["line_id"] == "L2"
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.refresh()
    row = next(i for i, r in enumerate(screen.records) if r.inspection_id == iid)
    assert cell(screen.table, row, 1).text() == "RMA-2026-0002222"
    assert cell(screen.table, row, 2).text() == "GX-1-WHT / Gadget X white"
    # The scanned label matched neither line: flagged, and nobody signed it at the bench;
    # held for review (16.1), sent on the lead's choice without another visit.
    assert "serial mismatch" in cell(screen.table, row, 4).text()
    assert server.store.get_inspection(iid)["disposition"] is None


def test_history_filters_mismatches(qtbot: Any, services: Any, ctx: Any) -> None:
    plain = InspectionSession(ctx, start_inspection(
        ctx, gadget_case(), gadget_case().items[0], "RMA-2024-0001001"))
    walk_all_pass(plain)
    plain.confirm(Classification.INTACT, None)
    other = gadget_case(case_id="c-2", rma="RMA-2024-0001002")
    flagged = InspectionSession(ctx, start_inspection(ctx, other, other.items[0], other.rma))
    walk_all_pass(flagged, "SN-SWAPPED-1")
    flagged.sign_off_mismatch("lead1", "123456", "label of another unit")
    flagged.confirm(Classification.INTACT, None)

    screen = _screen(qtbot, services)
    assert len(screen.records) == 2
    screen.mismatch_filter.click()
    assert [r.inspection_id for r in screen.records] == [flagged.inspection_id]
    assert screen.table.rowCount() == 1
    assert cell(screen.table, 0, 4).text() == "Intact · serial mismatch"
    assert cell(screen.table, 0, 5).text() == "Hold for review"
    assert cell(screen.table, 0, 2).text() == "GX-1 / Gadget X"
    screen.select(flagged.inspection_id)
    detail = screen.detail.toPlainText()
    assert "SERIAL/IMEI MISMATCH, held; signed off by: lead1 (label of another unit)" in detail
    assert "Disposition: Hold for review" in detail
    assert screen.mismatch_filter.text() == "Mismatches only"
    screenshot(screen, "history_mismatch_filter")
    screen.mismatch_filter.click()
    assert len(screen.records) == 2


def test_the_line_chooser_says_how_each_lines_product_code_compares(
        qtbot: Any, services: Any, ctx: Any, server: Any) -> None:
    """Offline, the identity gate scanned a product code neither line has (16.1)."""
    case = _two_line_case(server, "RMA-2026-0002223", ("06901234567892", "00000096385074"))
    ctx.settings = ctx.settings.replace(identity_gate_categories=["gadget"])
    s = InspectionSession(ctx, start_inspection(ctx, None, None, case.rma, category="gadget"))
    walk_all_pass(s, "SN-GX-9999", product_code="6904123000357")
    s.confirm(Classification.INTACT, None)
    assert make_worker(ctx.store, fast_client(server.url)).drain_once().attention == 1

    as_lead(ctx)
    services.operator_changed.emit(ctx.operator)
    screen = _screen(qtbot, services)
    assert screen.select(s.inspection_id)
    assert ("product code 00000096385074: different (scanned 06904123000357)"
            in screen.detail.toPlainText())
    screen.choose_line_button.click()
    dialog = screen.line_dialog
    assert dialog is not None and dialog.isVisible()
    assert "product code 06901234567892: different (scanned 06904123000357)" in \
        cell(dialog.table, 0, 3).text()
    # Four reasons per line: the row is tall enough for each (none elided).
    assert dialog.table.rowHeight(0) >= 4 * dialog.table.fontMetrics().lineSpacing()
    screenshot(dialog, "line_choice_gtin")
    dialog.reject()
