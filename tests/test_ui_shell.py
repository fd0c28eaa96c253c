"""The GUI shell with real parts: login, idle logout, scans, lookup messages, language, crashes."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.domain import utcnow
from app.refserver import RunningServer, start_server
from app.scanning.events import ScanSource
from tests.ui_helpers import (
    AMBIGUOUS_ORDER,
    RMA,
    TOKEN,
    Station,
    close_station,
    empty_video,
    label_video,
    login_pin,
    make_context,
    no_thread_leaks,
    open_window,
    qm_dir,
    refserver,
    station,
    type_scan,
    wait_until,
)
from ui.crash import CrashHandler
from ui.scan_screen import Choice, LookupProblem

# Fixtures imported from ui_helpers (named here so linters see them used).
__all__ = ["empty_video", "label_video", "no_thread_leaks", "qm_dir", "refserver", "station"]


def _focus(window: Any) -> Any:
    return QGuiApplication.focusObject()


# --- login --------------------------------------------------------------------------------------


def test_login_by_badge_then_logout_by_key(station: Station, qtbot: Any) -> None:
    w = station.window
    assert w.current_screen() is w.login_screen
    assert "UI-BENCH-01" in w.login_screen.station_label.text()
    assert w.login_screen.badge_edit.hasFocus()
    qtbot.keyClicks(w.login_screen.badge_edit, "E2001")
    qtbot.keyClick(w.login_screen.badge_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="scan screen")
    assert w.services.operator.operator_id == "E2001"
    assert w.services.operator.is_shift_lead
    assert w.settings_button.isVisible()
    assert "E2001" in w.status_operator.text()
    assert w.scan_screen.scan_edit.hasFocus()
    qtbot.keyClick(w.scan_screen.scan_edit, Qt.Key.Key_F12)
    wait_until(qtbot, lambda: w.current_screen() is w.login_screen, what="login screen")
    assert w.services.operator is None
    assert w.login_screen.badge_edit.text() == ""


def test_login_by_pin_refuses_a_wrong_pin(station: Station, qtbot: Any) -> None:
    w = station.window
    screen = w.login_screen
    qtbot.keyClicks(screen.id_edit, "E1001")
    qtbot.keyClicks(screen.pin_edit, "0000")
    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "Not recognised" in screen.message.text(), what="refusal")
    assert w.current_screen() is screen
    assert screen.pin_edit.text() == ""  # a PIN never stays on screen
    screen.id_edit.clear()
    login_pin(qtbot, w, "E1001", "1234")
    assert w.services.operator.operator_id == "E1001"
    assert not w.services.operator.is_shift_lead
    assert not w.settings_button.isVisible()  # inspectors have no settings entry


def test_first_start_creates_the_first_shift_lead(tmp_path: Path, qtbot: Any,
                                                  refserver: RunningServer, empty_video: Path,
                                                  qm_dir: Path, no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url=refserver.url, camera_source=str(empty_video),
                       seed=False)
    w = open_window(ctx, qtbot, qm_dir)
    try:
        screen = w.login_screen
        assert screen.first_start
        for edit, text in ((screen.new_id, "L100"), (screen.new_name, "Wang Fang"),
                           (screen.new_pin, "24680"), (screen.new_pin2, "24680")):
            qtbot.keyClicks(edit, text)
        qtbot.keyClick(screen.new_badge, Qt.Key.Key_Return)
        wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="scan screen")
        assert w.services.operator.operator_id == "L100"
        assert w.services.operator.is_shift_lead
        assert not ctx.operators.needs_first_shift_lead()
    finally:
        close_station(ctx, w)


def test_idle_logout_returns_to_login_and_says_why(tmp_path: Path, qtbot: Any,
                                                   refserver: RunningServer, empty_video: Path,
                                                   qm_dir: Path, no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url=refserver.url, camera_source=str(empty_video),
                       idle_logout_minutes=1)
    w = open_window(ctx, qtbot, qm_dir, idle_check_ms=20)
    try:
        login_pin(qtbot, w)
        qtbot.wait(100)
        assert w.current_screen() is w.scan_screen  # a fresh login is not idle
        w.idle.touch(utcnow() - timedelta(minutes=2))  # as if nobody touched it for 2 min
        wait_until(qtbot, lambda: w.current_screen() is w.login_screen, what="idle logout")
        assert w.services.operator is None
        assert "without activity" in w.login_screen.message.text()
    finally:
        close_station(ctx, w)


# --- scanning -------------------------------------------------------------------------------


def test_wedge_burst_finds_the_case(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    type_scan(qtbot, w, RMA)  # keyClicks without delay: a scanner-speed burst
    wait_until(qtbot, lambda: w.current_screen() is w.case_screen, what="case screen")
    case = w.case_screen
    assert case.rma_label.text() == RMA
    assert case.serial_value.text() == "HX2-00931877"
    assert "carry case" in case.accessories_value.text()
    assert "左耳" in case.comment_value.text()  # Chinese case text is shown as sent
    assert "(rma, scanner)" in w.scan_screen.recent.item(0).text()
    assert w.last_scan_to_case_ms is not None
    # The demo case was received 30 h ago with 24 h to inspect: overdue, so red.
    assert case.is_overdue()
    assert "overdue" in case.deadline_value.text()
    qtbot.keyClick(case.items, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="back to scan")
    assert w.scan_screen.scan_edit.hasFocus()


def test_slow_typing_counts_as_typed(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    type_scan(qtbot, w, RMA.lower(), delay_ms=60)
    wait_until(qtbot, lambda: w.current_screen() is w.case_screen, what="case screen")
    assert "typed" in w.scan_screen.recent.item(0).text()
    assert w.case_screen.rma_label.text() == RMA


def test_unknown_code_says_so(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    type_scan(qtbot, w, "RMA-2026-9999999")
    scan = w.scan_screen
    wait_until(qtbot, lambda: scan.last_problem is LookupProblem.UNKNOWN, what="not found")
    assert "Unknown code" in scan.message.text()
    assert "RMA-2026-9999999" in scan.message.text()
    assert w.current_screen() is scan
    assert scan.scan_edit.hasFocus() and scan.scan_edit.text() == ""


def test_rejected_and_badge_scans_are_explained(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    scan = w.scan_screen
    type_scan(qtbot, w, "E1001")
    assert "employee badge" in scan.message.text()
    scan.handle_scan(scan._typed("RMA\u202e-2026"))  # a bidi override: hostile text
    assert scan.last_problem is LookupProblem.REJECTED
    assert "cannot be used" in scan.message.text()


def test_ambiguous_order_lists_candidates(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    type_scan(qtbot, w, AMBIGUOUS_ORDER)
    scan = w.scan_screen
    wait_until(qtbot, lambda: scan.choice is Choice.CANDIDATES, what="candidates")
    assert scan.choices.count() >= 2
    second = scan.choices.item(1).data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(scan.scan_edit, Qt.Key.Key_Down)
    qtbot.keyClick(scan.scan_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: w.current_screen() is w.case_screen, what="case screen")
    assert w.case_screen.rma_label.text() == second


def test_offline_starts_unverified_after_choosing_a_category(
        tmp_path: Path, qtbot: Any, empty_video: Path, qm_dir: Path,
        no_thread_leaks: None) -> None:
    gone = start_server(tmp_path / "gone" / "cases.db", tokens={TOKEN})
    url = gone.url
    gone.stop()  # the case server is down: nothing listens on that port any more
    ctx = make_context(tmp_path, api_url=url, camera_source=str(empty_video))
    w = open_window(ctx, qtbot, qm_dir)
    try:
        login_pin(qtbot, w)
        type_scan(qtbot, w, RMA)
        scan = w.scan_screen
        wait_until(qtbot, lambda: scan.choice is Choice.CATEGORY, timeout=20, what="offline")
        assert scan.last_problem is LookupProblem.OFFLINE
        assert "Offline" in scan.message.text() and "unverified" in scan.message.text()
        wait_until(qtbot, lambda: w.online_label.text() == "Offline", what="status offline")
        rows = [scan.choices.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(scan.choices.count())]
        assert "audio" in rows
        scan.choices.setCurrentRow(rows.index("audio"))
        qtbot.keyClick(scan.scan_edit, Qt.Key.Key_Return)
        wait_until(qtbot, lambda: w.current_screen() is w.flow, what="inspection flow")
        drafts = ctx.store.open_drafts("E1001")
        assert len(drafts) == 1 and drafts[0].unverified and drafts[0].scanned_code == RMA
    finally:
        close_station(ctx, w)


def test_camera_reads_a_label_and_shows_the_case(tmp_path: Path, qtbot: Any,
                                                 refserver: RunningServer, label_video: Path,
                                                 qm_dir: Path, no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url=refserver.url, camera_source=str(label_video))
    w = open_window(ctx, qtbot, qm_dir)
    try:
        login_pin(qtbot, w)
        wait_until(qtbot, lambda: w.current_screen() is w.case_screen, timeout=20,
                   what="the camera to read the label")
        assert w.case_screen.rma_label.text() == RMA
        recent = w.scan_screen.recent
        assert recent.count() == 1 and "camera" in recent.item(0).text()  # one scan, not many
        assert w.scan_screen.video.frames_painted > 0
        assert w.camera.is_running() and w.services.camera_available()
        assert w.camera_label.text() == "Camera: on"
    finally:
        close_station(ctx, w)


def test_take_still_delivers_a_full_resolution_frame(station: Station, qtbot: Any) -> None:
    got: list[Any] = []
    errors: list[str] = []
    wait_until(qtbot, station.window.services.camera_available, what="camera")
    station.window.services.take_still(got.append, errors.append)
    wait_until(qtbot, lambda: got or errors, what="still")
    assert not errors
    assert got[0].shape == (720, 1280, 3)


# --- language -------------------------------------------------------------------------------


def test_language_switch_retranslates_every_screen(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    assert w.scan_screen.heading.text() == "Scan a return label"
    assert w.set_language("zh_CN")
    assert w.scan_screen.heading.text() == "扫描退货标签"
    assert w.history_button.text() == "历史记录 (F5)"
    assert w.login_screen.title.text() == "退货检验"
    assert w.case_screen.back_button.text() == "返回 (Esc)"
    assert w.online_label.text() in ("在线", "离线", "正在连接…")
    type_scan(qtbot, w, "RMA-2026-9999999")
    wait_until(qtbot, lambda: w.scan_screen.last_problem is LookupProblem.UNKNOWN, what="msg")
    assert "未知" in w.scan_screen.message.text()
    assert w.set_language("en")
    assert w.scan_screen.heading.text() == "Scan a return label"


# --- crashes ----------------------------------------------------------------------------------


def test_an_exception_in_a_thread_reaches_one_dialog(qtbot: Any) -> None:
    handler = CrashHandler()
    handler.install()
    try:
        def boom() -> None:
            raise RuntimeError("camera driver went away")

        for _ in range(2):
            thread = threading.Thread(target=boom, name="worker-x")
            thread.start()
            thread.join()
        wait_until(qtbot, lambda: handler.dialog is not None and handler.dialog.isVisible(),
                   what="crash dialog")
        dialog = handler.dialog
        assert dialog is not None
        qtbot.addWidget(dialog)
        wait_until(qtbot,
                   lambda: dialog.details.toPlainText().count("RuntimeError: camera") == 2,
                   what="second error appended to the same dialog")
        assert "worker-x" in dialog.details.toPlainText()
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert "RuntimeError" in QGuiApplication.clipboard().text()
        dialog.close()
    finally:
        handler.uninstall()


def test_a_native_crash_file_is_offered_once(tmp_path: Path, qtbot: Any) -> None:
    from app.logs import pending_crash_report

    crash_file = tmp_path / "crash.txt"
    crash_file.write_text("Fatal Python error: Segmentation fault\n  File decoder.py\n",
                          encoding="utf-8")
    text = pending_crash_report(crash_file)
    assert text is not None
    handler = CrashHandler()
    dialog = handler.offer_crash_file(text)
    qtbot.addWidget(dialog)
    assert "Segmentation fault" in dialog.details.toPlainText()
    assert "last time" in dialog.message.text()
    assert pending_crash_report(crash_file) is None  # reported once


@pytest.mark.parametrize("source", [ScanSource.WEDGE, ScanSource.TYPED])
def test_scan_sources_are_labelled_in_recent_scans(station: Station, qtbot: Any,
                                                   source: ScanSource) -> None:
    w = station.window
    login_pin(qtbot, w)
    type_scan(qtbot, w, "RMA-2026-9999998", delay_ms=-1 if source is ScanSource.WEDGE else 60)
    wanted = "scanner" if source is ScanSource.WEDGE else "typed"
    assert wanted in w.scan_screen.recent.item(0).text()


# --- shift-lead screens -------------------------------------------------------------------------


def test_operators_and_history_are_reached_by_keys(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w, "E1001", "1234")  # an inspector
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="scan screen")
    assert not w.operators_button.isVisible()
    assert w.show_operators() is None  # refused: the status bar says why
    assert "shift lead" in w.statusBar().currentMessage()
    qtbot.keyClick(w.scan_screen.scan_edit, Qt.Key.Key_F5)
    wait_until(qtbot, lambda: w.current_screen() is w.history, what="history")
    qtbot.keyClick(w.history.search_edit, Qt.Key.Key_Escape)
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="back to scanning")
    qtbot.keyClick(w.scan_screen.scan_edit, Qt.Key.Key_F12)
    wait_until(qtbot, lambda: w.current_screen() is w.login_screen, what="login screen")

    login_pin(qtbot, w, "E2001", "9876")  # the shift lead
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="scan screen")
    assert w.operators_button.isVisible()
    dialog = w.show_operators()
    assert dialog is not None and dialog.isVisible()
    dialog.close()
