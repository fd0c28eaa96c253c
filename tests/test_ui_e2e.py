"""End to end by keyboard alone: badge, scan, case, checklist, confirm, synced; resume; screenshots.

Drives the real window (both UI engineers' screens) over a real station database, the
reference server on loopback and a video file as the camera. Keys go to whatever widget
has the focus, as they would from a keyboard or a handheld scanner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.domain import StepKind
from refserver import RunningServer
from tests.ui_helpers import (
    RMA,
    Station,
    close_station,
    login_pin,
    make_context,
    open_window,
    screenshot,
    type_scan,
    wait_until,
)

SERIAL = "HX2-00931877"


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: Any, key: Qt.Key) -> None:
    qtbot.keyClick(_focus(), key)


def type_text(qtbot: Any, text: str) -> None:
    qtbot.keyClicks(_focus(), text)


def _step_key(flow: Any) -> tuple[int, str | None]:
    s = flow.session
    return s.wizard.index, (s.current.step_id if s.current is not None else None)


def answer_current_step(qtbot: Any, flow: Any) -> None:
    """Answer the step on screen by keys the way an inspector would, then Enter."""
    step = flow.session.current
    before = _step_key(flow)
    if step.kind in (StepKind.TEXT, StepKind.NUMBER):
        # A value step opens with its field focused: the inspector (or the scanner) types.
        assert _focus() is flow.value_edit, "the value field does not have the focus"
    if step.kind is StepKind.TEXT:
        type_text(qtbot, SERIAL if step.capture else "ok")
        press(qtbot, Qt.Key.Key_Return)
    elif step.kind is StepKind.NUMBER:
        low = step.min if step.min is not None else 0
        type_text(qtbot, f"{low:g}")
        press(qtbot, Qt.Key.Key_Return)
    elif step.kind is StepKind.CHOICE:
        press(qtbot, Qt.Key.Key_1)
    elif step.kind is StepKind.PHOTO:
        press(qtbot, Qt.Key.Key_N)
    else:
        press(qtbot, Qt.Key.Key_P)
    # A shortcut key is held until the router knows it stood alone (no scanner burst).
    wait_until(qtbot, lambda: not flow.services.router.pending, what="the key's verdict")
    if _step_key(flow) == before:
        wait_until(qtbot, lambda: step.step_id in flow.session.wizard.answers, what="answer")
        press(qtbot, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: _step_key(flow) != before, what=f"leaving {step.step_id}")


def open_flow_from_scan(qtbot: Any, w: Any) -> Any:
    type_scan(qtbot, w, RMA)
    wait_until(qtbot, lambda: w.current_screen() is w.case_screen, what="case screen")
    press(qtbot, Qt.Key.Key_Return)
    flow = w.flow
    wait_until(qtbot, lambda: w.current_screen() is flow and flow.session is not None,
               what="inspection flow")
    return flow


def test_whole_workflow_by_keyboard_from_badge_to_synced(station: Station, qtbot: Any) -> None:
    w, server = station.window, station.server
    assert server is not None
    screenshot(w, "01-login")
    type_text(qtbot, "E1001")  # the badge field has the focus from the start
    press(qtbot, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="scan screen")
    assert _focus() is w.scan_screen.scan_edit
    wait_until(qtbot, lambda: w.scan_screen.video.frames_painted > 0, what="camera picture")
    screenshot(w, "02-scan")

    type_text(qtbot, RMA)  # a scanner-speed burst into the focused scan field
    press(qtbot, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: w.current_screen() is w.case_screen, what="case screen")
    screenshot(w, "03-case")
    press(qtbot, Qt.Key.Key_Return)
    flow = w.flow
    wait_until(qtbot, lambda: w.current_screen() is flow and flow.session is not None,
               what="inspection flow")
    screenshot(w, "04-checklist")
    steps = 0
    while flow.session.current is not None:
        answer_current_step(qtbot, flow)
        steps += 1
        assert steps < 60, "the checklist never reached the summary"
    screenshot(w, "05-summary")
    iid = flow.session.inspection_id
    # Confirm waits until the summary could be read (a double Enter never commits).
    wait_until(qtbot, flow.services.router.confirm_ready, what="summary readable")
    press(qtbot, Qt.Key.Key_Return)  # confirm: one keystroke back to scanning
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="back to scanning")
    assert _focus() is w.scan_screen.scan_edit
    assert "Result saved" in w.scan_screen.message.text()

    wait_until(qtbot, lambda: server.store.get_inspection(iid) is not None, timeout=20,
               what="the result on the server")
    sent = server.store.get_inspection(iid)
    assert sent is not None
    assert sent["case_id"] == "C-000101" and sent["serial_number_scanned"] == SERIAL
    assert sent["classification"] == "intact"
    assert sent["station_id"] == "UI-BENCH-01" and sent["inspector_id"] == "E1001"
    wait_until(qtbot, lambda: w.queue_label.text() == "Queue: 0" and
               w.online_label.text() == "Online", what="status bar: synced")

    press(qtbot, Qt.Key.Key_F5)
    wait_until(qtbot, lambda: w.current_screen() is w.history, what="history")
    wait_until(qtbot, lambda: w.history.row_state(iid) == "sent and confirmed",
               what="synced in history")
    screenshot(w, "06-history")
    press(qtbot, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="back from history")

    w.set_language("zh_CN")
    screenshot(w, "07-scan-zh_CN")
    w.set_language("en")


def test_resume_after_the_window_is_destroyed_mid_inspection(
        tmp_path: Path, qtbot: Any, ui_refserver: RunningServer, empty_video: Path,
        qm_dir: Path, no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url=ui_refserver.url, camera_source=str(empty_video))
    w = open_window(ctx, qtbot, qm_dir, register=False)
    try:
        login_pin(qtbot, w)
        flow = open_flow_from_scan(qtbot, w)
        for _ in range(3):
            answer_current_step(qtbot, flow)
        iid = flow.session.inspection_id
        index = flow.session.wizard.index
        answered = set(flow.session.wizard.answers)
        wait_until(qtbot, lambda: not flow.saving, what="answers on disk")
    finally:
        close_station(ctx, w)  # the window and the station go away mid-inspection
    with qtbot.waitSignal(w.destroyed):
        w.deleteLater()

    ctx2 = make_context(tmp_path, api_url=ui_refserver.url, camera_source=str(empty_video),
                        seed=False)
    w2 = open_window(ctx2, qtbot, qm_dir)
    try:
        login_pin(qtbot, w2)
        scan = w2.scan_screen
        wait_until(qtbot, lambda: len(scan.drafts) == 1, what="the unfinished draft")
        assert "F6" in scan.drafts_label.text()
        press(qtbot, Qt.Key.Key_F6)
        press(qtbot, Qt.Key.Key_Return)
        flow2 = w2.flow
        wait_until(qtbot, lambda: w2.current_screen() is flow2 and flow2.session is not None,
                   what="resumed flow")
        assert flow2.session.inspection_id == iid
        assert flow2.session.wizard.index == index
        assert set(flow2.session.wizard.answers) == answered
        # The case screen offers the same draft instead of a second inspection.
        flow2.leave()
        wait_until(qtbot, lambda: w2.current_screen() is scan, what="scan screen")
        type_scan(qtbot, w2, RMA)
        wait_until(qtbot, lambda: w2.current_screen() is w2.case_screen, what="case screen")
        assert "Resume" in w2.case_screen.start_button.text()
        press(qtbot, Qt.Key.Key_Return)
        wait_until(qtbot, lambda: w2.current_screen() is flow2 and flow2.session is not None
                   and flow2.session.inspection_id == iid, what="resumed again")
        assert len(ctx2.store.open_drafts()) == 1
    finally:
        close_station(ctx2, w2)
