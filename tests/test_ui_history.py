"""History screen: sync states, search, read-only view, shift-lead actions."""

from __future__ import annotations

from typing import Any

from app.domain import Classification, Result
from app.store.store import OutboxState
from app.workflow import InspectionSession, start_inspection
from tests.builders import EXPECTED_SERIAL, gadget_case
from tests.flow_helpers import as_lead, screenshot
from tests.ui_helpers import cell
from ui.history_screen import HistoryScreen


def completed(ctx: Any, n: int, *, serial: str = EXPECTED_SERIAL,
              comment: str = "Stopped charging") -> str:
    case = gadget_case(case_id=f"c-{n}", rma=f"RMA-2024-000{n:04d}", serial=serial,
                     comment=comment)
    s = InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))
    while s.current is not None:
        step = s.current
        if step.capture:
            s.answer(Result.VALUE, serial)
        elif step.kind.value == "number":
            s.answer(Result.VALUE, 90)
        elif step.kind.value == "choice":
            s.answer(Result.VALUE, "A")  # every test done: plain intact (16.4)
        else:
            s.answer(Result.PASS, note="ok" if step.step_id == "app-body" else None)
        s.next()
    s.confirm(Classification.INTACT, None)
    return s.inspection_id


def _screen(qtbot: Any, services: Any) -> HistoryScreen:
    screen = HistoryScreen(services)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.refresh()
    return screen


def test_history_shows_sync_states_and_the_read_only_result(
        qtbot: Any, services: Any, ctx: Any) -> None:
    synced, pending, attention = (completed(ctx, n) for n in (1, 2, 3))
    ctx.store.mark_sent(synced, "2024-05-01T10:00:00Z")
    ctx.store.mark_attention(attention, "case closed on the server")
    screen = _screen(qtbot, services)
    assert len(screen.records) == 3
    assert screen.row_state(synced) == "sent and confirmed"
    assert screen.row_state(pending) == "waiting to send"
    assert screen.row_state(attention) == "needs attention"
    assert screen.lead_box.isHidden()  # inspector logged in
    assert screen.select(attention)
    text = screen.detail.toPlainText()
    assert "case closed on the server" in text and "Body free of cracks" in text
    assert "(ok)" in text and screen.detail.isReadOnly()
    screenshot(screen, "history")


def test_search_by_rma_and_serial(qtbot: Any, services: Any, ctx: Any) -> None:
    completed(ctx, 1)
    other = completed(ctx, 2, serial="SN-ZZ-77")
    screen = _screen(qtbot, services)
    qtbot.keyClicks(screen.search_edit, "RMA-2024-0000002")
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.search()
    assert [r.inspection_id for r in screen.records] == [other]
    screen.search_edit.setText("SN-ZZ-77")
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.search()
    assert [r.inspection_id for r in screen.records] == [other]
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.show_today()
    assert len(screen.records) == 2


def test_a_search_without_a_match_says_so_in_the_title_and_a_message(
        qtbot: Any, services: Any, ctx: Any) -> None:
    completed(ctx, 1)
    screen = _screen(qtbot, services)
    assert screen.title.text() == "Today's inspections" and screen.message.text() == ""
    screen.search_edit.setText("RMA-2024-00000")  # a partial RMA matches nothing
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.search()
    assert screen.records == []
    assert screen.title.text() == "Inspections matching “RMA-2024-00000”"
    assert screen.message.text() == "Nothing found for “RMA-2024-00000”."
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.show_today()
    assert screen.title.text() == "Today's inspections" and screen.message.text() == ""


def test_inspector_is_refused_and_shift_lead_resolves(
        qtbot: Any, services: Any, ctx: Any) -> None:
    iid = completed(ctx, 1)
    ctx.store.mark_attention(iid, "rejected")
    screen = _screen(qtbot, services)
    screen.select(iid)
    screen.retry_selected()
    qtbot.waitUntil(lambda: "shift lead" in screen.message.text(), timeout=5000)
    screen.message.show_message("")
    screen.note_edit.setText("sorted by phone")
    screen.mark_selected_handled()
    as_lead(ctx)  # a lead logs in while the inspector's request is still queued
    qtbot.waitUntil(lambda: "shift lead" in screen.message.text(), timeout=5000)
    assert ctx.store.outbox_item(iid).state == OutboxState.ATTENTION

    as_lead(ctx)
    services.operator_changed.emit(ctx.operator)
    assert not screen.lead_box.isHidden()
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.retry_selected()
    assert screen.row_state(iid) == "waiting to send"
    ctx.store.mark_attention(iid, "rejected again")
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.refresh()
    screen.select(iid)
    screen.note_edit.clear()
    screen.mark_selected_handled()
    assert "handled" in screen.message.text()  # a note is required
    screen.note_edit.setText("returned to the desk by hand")
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.mark_selected_handled()
    assert screen.row_state(iid) == "handled outside the station"
    assert ctx.store.outbox_item(iid).handled_note == "returned to the desk by hand"


def test_history_names_results_in_the_interface_language(
        qtbot: Any, services: Any, ctx: Any, qm_dir: Any) -> None:
    from ui.i18n import Translations

    iid = completed(ctx, 1)
    screen = _screen(qtbot, services)
    screen.select(iid)
    row = next(i for i, r in enumerate(screen.records) if r.inspection_id == iid)
    assert cell(screen.table, row, 4).text() == "Intact"
    assert cell(screen.table, row, 5).text() == "Back to stock"
    translations = Translations(qm_dir)
    try:
        assert translations.switch("zh_CN")
        ctx.settings = ctx.settings.replace(language="zh_CN")
        screen.retranslate_ui()
        assert cell(screen.table, row, 4).text() == "完好"
        assert cell(screen.table, row, 5).text() == "返回库存"
        assert "完好" in screen.detail.toPlainText()
        assert "intact" not in screen.detail.toPlainText()
    finally:
        translations.switch("en")
