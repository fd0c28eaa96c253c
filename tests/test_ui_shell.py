"""The GUI shell with real parts: login, idle logout, scans, lookup messages, language, crashes."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from shiboken6 import Shiboken

from app.scanning.events import ScanSource
from refserver import RunningServer, start_server
from tests.flow_helpers import PacedClock
from tests.ui_helpers import (
    AMBIGUOUS_ORDER,
    RMA,
    TOKEN,
    Station,
    close_station,
    login_pin,
    make_context,
    open_window,
    type_scan,
    wait_until,
)
from ui.crash import CrashHandler
from ui.scan_screen import Choice, LookupProblem


def _focus(window: Any) -> Any:
    return QGuiApplication.focusObject()


# --- login --------------------------------------------------------------------------------------


def test_login_by_badge_then_logout_by_key(station: Station, qtbot: Any) -> None:
    w = station.window
    assert w.current_screen() is w.login_screen
    assert "UI-BENCH-01" in w.login_screen.station_label.text()
    assert w.login_screen.badge_edit.hasFocus()
    w.login_screen.clock = PacedClock(0.004, start=time.monotonic())  # a scanner, any load
    qtbot.keyClicks(w.login_screen.badge_edit, "E2001")  # a scanner-speed burst
    qtbot.keyClick(w.login_screen.badge_edit, Qt.Key.Key_Return)
    # A shift lead's badge alone never logs in: the PIN is asked for.
    wait_until(qtbot, lambda: "Enter your PIN" in w.login_screen.message.text(), what="PIN")
    assert w.current_screen() is w.login_screen and w.services.operator is None
    assert w.login_screen.pin_edit.hasFocus() and not w.login_screen.id_edit.isEnabled()
    qtbot.keyClicks(w.login_screen.pin_edit, "9876")
    qtbot.keyClick(w.login_screen.pin_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="scan screen")
    operator = w.services.operator
    assert operator is not None and operator.operator_id == "E2001" and operator.is_shift_lead
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
                                                  ui_refserver: RunningServer, empty_video: Path,
                                                  qm_dir: Path, no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url=ui_refserver.url, camera_source=str(empty_video),
                       seed=False)
    w = open_window(ctx, qtbot, qm_dir)
    try:
        screen = w.login_screen
        assert screen.first_start
        for edit, text in ((screen.new_id, "L100"), (screen.new_name, "Wang Fang"),
                           (screen.new_pin, "246801"), (screen.new_pin2, "246801")):
            qtbot.keyClicks(edit, text)
        qtbot.keyClick(screen.new_badge, Qt.Key.Key_Return)
        wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="scan screen")
        assert w.services.operator.operator_id == "L100"
        assert w.services.operator.is_shift_lead
        assert not ctx.operators.needs_first_shift_lead()
    finally:
        close_station(ctx, w)


def test_idle_logout_returns_to_login_and_says_why(tmp_path: Path, qtbot: Any,
                                                   ui_refserver: RunningServer, empty_video: Path,
                                                   qm_dir: Path, no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url=ui_refserver.url, camera_source=str(empty_video),
                       idle_logout_minutes=1)
    w = open_window(ctx, qtbot, qm_dir, idle_check_ms=20)
    try:
        login_pin(qtbot, w)
        # A fresh login is not idle: five idle checks (every 20 ms) log nobody out.
        with qtbot.assertNotEmitted(w.services.operator_changed, wait=100):
            assert w.current_screen() is w.scan_screen
        w.idle.last = w.idle.clock() - 120  # as if nobody touched it for 2 min (monotonic)
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
                                                 ui_refserver: RunningServer, label_video: Path,
                                                 qm_dir: Path, no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url=ui_refserver.url, camera_source=str(label_video))
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


# --- review fixes: no double starts, no stale screens, nothing left open or waiting --------------


def _case_screen(qtbot: Any, w: Any) -> None:
    type_scan(qtbot, w, RMA)
    wait_until(qtbot, lambda: w.current_screen() is w.case_screen, what="case screen")


def test_a_second_enter_on_the_case_screen_starts_one_inspection(station: Station,
                                                                   qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    _case_screen(qtbot, w)
    qtbot.keyClick(w.case_screen.items, Qt.Key.Key_Return)
    qtbot.keyClick(w.case_screen.items, Qt.Key.Key_Return)  # a bounce, or an impatient glove
    wait_until(qtbot, lambda: w.current_screen() is w.flow and w.flow.session is not None,
               what="inspection flow")
    assert w.services.wait_idle()
    qtbot.wait(50)
    assert len(station.ctx.store.open_drafts()) == 1


def test_logout_closes_the_shift_lead_dialogs(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w, "E2001", "9876")
    settings, operators = w.show_settings(), w.show_operators()
    assert settings is not None and operators is not None
    assert settings.isVisible() and operators.isVisible()
    w.logout("idle")
    assert w.current_screen() is w.login_screen
    assert not settings.isVisible() and not operators.isVisible()


def test_settings_closed_while_saving_are_still_put_into_effect(station: Station,
                                                                 qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w, "E2001", "9876")
    dialog = w.show_settings()
    assert dialog is not None
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_CN"))
    dialog.save()
    dialog.reject()  # Cancel (or a logout) while the file is being written
    try:
        wait_until(qtbot, lambda: w.translations.language == "zh_CN", what="settings applied")
        wait_until(qtbot, lambda: not Shiboken.isValid(dialog) or not dialog.isVisible(),
                   what="dialog closed")
        assert w.ctx.settings.language == "zh_CN"
        assert w.scan_screen.heading.text() == "扫描退货标签"
    finally:
        w.set_language("en")


def test_the_first_key_reaches_the_scan_field_when_it_lost_the_focus(station: Station,
                                                                      qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    field = w.scan_screen.scan_edit
    field.clearFocus()
    assert not field.hasFocus()
    for char in RMA:  # a scanner burst; its first key arrives while the window holds the focus
        qtbot.keyClick(QApplication.focusWidget() or w, char)
    assert field.hasFocus() and field.text() == RMA
    qtbot.keyClick(field, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: w.current_screen() is w.case_screen, what="case screen")
    assert w.case_screen.rma_label.text() == RMA


def test_a_lookup_finishing_after_leaving_the_scan_screen_stays_away(station: Station,
                                                                       qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    with qtbot.waitSignal(w.scan_screen.case_found, timeout=10_000):
        type_scan(qtbot, w, RMA)
        qtbot.keyClick(w.scan_screen.scan_edit, Qt.Key.Key_F5)  # before the answer comes
        assert w.current_screen() is w.history
    assert w.services.wait_idle()
    qtbot.wait(50)
    assert w.current_screen() is w.history


def test_the_gui_thread_never_waits_on_the_database(station: Station, qtbot: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from app.store.store import Store

    on_gui_thread: list[str] = []

    def watched(original: Any) -> Any:
        def session(self: Store, *args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                on_gui_thread.append(original.__name__)
            return original(self, *args, **kwargs)
        return session

    monkeypatch.setattr(Store, "_read", watched(Store._read))
    monkeypatch.setattr(Store, "_write", watched(Store._write))
    w = station.window
    for _ in range(2):  # log in, scan, start, answer, log out; twice
        login_pin(qtbot, w)
        _case_screen(qtbot, w)
        qtbot.keyClick(w.case_screen.items, Qt.Key.Key_Return)
        wait_until(qtbot, lambda: w.current_screen() is w.flow and w.flow.session is not None,
                   what="inspection flow")
        qtbot.keyClicks(w.flow.value_edit, "HX2-00931877")
        qtbot.keyClick(w.flow.value_edit, Qt.Key.Key_Return)
        qtbot.keyClick(w.flow, Qt.Key.Key_P)
        qtbot.keyClick(w.flow, Qt.Key.Key_F12)
        wait_until(qtbot, lambda: w.current_screen() is w.login_screen, what="logged out")
        assert w.services.wait_idle()
    assert on_gui_thread == []


class _SlowCamera:
    """Opens like a USB camera or a network stream: it takes its time."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.opened = threading.Event()
        self.stopped = False

    def start(self) -> None:
        time.sleep(1.5)
        self.opened.set()
        if self.fail:
            from app.scanning.camera import CameraOpenError

            raise CameraOpenError("Could not open camera 7.")

    def stop(self) -> None:
        self.stopped = True

    def wait_frame(self, newer_than: int, timeout: float) -> None:
        time.sleep(min(timeout, 0.02))

    def take_still(self) -> Any:
        raise AssertionError("no still was asked for")


@pytest.mark.parametrize("fail", [False, True])
def test_opening_a_slow_camera_does_not_block_the_gui_thread(qtbot: Any, no_thread_leaks: None,
                                                             fail: bool) -> None:
    from app.config import Settings
    from ui.camera_worker import CameraWorker

    camera = _SlowCamera(fail)
    worker = CameraWorker(Settings(), camera=camera, decoder=object())  # type: ignore[arg-type]
    states: list[str] = []
    worker.state_changed.connect(lambda state, _msg: states.append(state))
    try:
        began = time.perf_counter()
        worker.start()
        assert time.perf_counter() - began < 0.5  # opening takes 1.5 s
        assert camera.opened.wait(5)
        if fail:
            wait_until(qtbot, lambda: "failed" in states, what="the failure by signal")
            assert not worker.is_running()
            errors: list[str] = []
            worker.take_still(lambda _frame: None, errors.append)
            assert errors and "No camera" in errors[0]
    finally:
        worker.stop()
    assert camera.stopped


def test_closing_the_window_stops_its_timers(station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    _case_screen(qtbot, w)
    assert w.case_screen._tick.isActive()  # the deadline countdown
    close_station(station.ctx, w)
    assert not w.case_screen._tick.isActive()
    assert not any(t.isActive() for t in (w._idle_timer, w._status_timer, w._sync_throttle))


def test_an_offline_start_uses_the_code_just_scanned(qtbot: Any, services: Any) -> None:
    from ui.scan_screen import ScanScreen

    assert services.lookup is None  # no case API at all: every lookup is offline
    services.ctx.settings = services.ctx.settings.replace(sound=False)
    scan = ScanScreen(services)
    qtbot.addWidget(scan)
    scan.handle_scan(scan._typed("RMA-2024-0000042"))
    assert scan.choice is Choice.CATEGORY
    with qtbot.waitSignal(scan.start_unverified, timeout=1000) as sig:
        scan._pick()
    assert sig.args == ["RMA-2024-0000042", "gadget"]


def test_only_the_decoder_thread_touches_its_acceptor(qtbot: Any, no_thread_leaks: None) -> None:
    from app.config import Settings
    from app.scanning.camera import Frame
    from ui.camera_worker import CameraWorker

    class Recording:
        def __init__(self) -> None:
            self.reset_on: list[str] = []

        def reset(self) -> None:
            self.reset_on.append(threading.current_thread().name)

        def offer(self, codes: Any) -> None:
            return None

    class Frames(_SlowCamera):
        def __init__(self) -> None:
            super().__init__()
            self.seq = 0

        def wait_frame(self, newer_than: int, timeout: float) -> Any:
            time.sleep(0.02)
            return Frame(np.zeros((36, 64, 3), np.uint8), self.seq, 0.0)

    class NoCodes:
        def decode_live(self, image: Any) -> list[Any]:
            return []

    camera = Frames()
    worker = CameraWorker(Settings(), camera=camera, decoder=NoCodes())  # type: ignore[arg-type]
    acceptor = Recording()
    worker.acceptor = acceptor  # type: ignore[assignment]
    try:
        worker.start()
        assert camera.opened.wait(5)
        worker.set_decoding(False)
        worker.set_decoding(True)  # a screen that takes scans is shown again
        wait_until(qtbot, lambda: acceptor.reset_on, what="the reset")
        assert acceptor.reset_on == ["camera-decode"]  # never the GUI thread, mid-offer()
    finally:
        worker.stop()
