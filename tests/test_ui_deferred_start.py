"""The window paints its login screen before the station context is open (issue 13: start-up).

A person may type their ID and PIN at once: the login waits for the context and then goes
through like any other; nothing of the rest of the window exists before it is open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.config import Settings
from tests.ui_helpers import (
    close_station,
    make_context,
    wait_until,
)
from ui.i18n import Translations
from ui.main_window import MainWindow
from ui.services import Services


def test_a_login_typed_before_the_station_opens_waits_and_then_succeeds(
        tmp_path: Path, qtbot: Any, empty_video: Path, qm_dir: Path,
        no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url="http://127.0.0.1:9/api/v1",
                       camera_source=str(empty_video))
    services = Services(None, settings=ctx.settings)
    window = MainWindow(services, translations=Translations(qm_dir), training=False)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.current_screen() is window.login_screen
        assert not hasattr(window, "scan_screen")  # built once the station is open
        assert "UI-BENCH-01" in window.windowTitle()
        assert window.online_label.text() == "Starting…"
        screen = window.login_screen
        qtbot.keyClicks(screen.id_edit, "E1001")
        qtbot.keyClicks(screen.pin_edit, "1234")
        qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
        assert "still opening" in screen.message.text()  # held, not refused
        assert services.operator is None

        services.attach(ctx)
        window.start()
        wait_until(qtbot, lambda: window.current_screen() is window.scan_screen,
                   what="scan screen after the held login")
        assert services.operator is not None and services.operator.operator_id == "E1001"
    finally:
        close_station(ctx, window)


def test_a_window_over_an_open_context_is_whole_at_once(
        tmp_path: Path, qtbot: Any, empty_video: Path, no_thread_leaks: None) -> None:
    ctx = make_context(tmp_path, api_url="http://127.0.0.1:9/api/v1",
                       camera_source=str(empty_video))
    window = MainWindow(Services(ctx), translations=Translations())
    qtbot.addWidget(window)
    try:
        assert window.scan_screen is not None and window.flow is not None
        assert window.online_label.text() != "Starting…"
    finally:
        close_station(ctx, window)


def test_services_without_a_context_say_so() -> None:
    services = Services(None, settings=Settings())
    ran: list[str] = []
    services.when_ready(lambda: ran.append("held"))
    assert not services.ready and services.operator is None and ran == []
    with pytest.raises(RuntimeError, match="not open yet"):
        _ = services.ctx


def test_the_report_fonts_load_off_the_gui_thread_once_the_station_starts(
        tmp_path: Path, qtbot: Any, empty_video: Path, monkeypatch: pytest.MonkeyPatch,
        no_thread_leaks: None) -> None:
    """So the shift's first report does not wait 0.2-0.3 s for the CJK font."""
    import threading

    from app.reports import fonts

    loaded_on: list[threading.Thread] = []
    monkeypatch.setattr(fonts, "register_fonts",
                        lambda: loaded_on.append(threading.current_thread()))
    ctx = make_context(tmp_path, api_url="http://127.0.0.1:9/api/v1",
                       camera_source=str(empty_video))
    services = Services(None, settings=ctx.settings)
    window = MainWindow(services, translations=Translations(), training=False)
    qtbot.addWidget(window)
    try:
        assert loaded_on == []  # not for the first window
        services.attach(ctx)
        window.start()
        wait_until(qtbot, lambda: bool(loaded_on), what="report fonts loaded")
        assert loaded_on[0] is not threading.main_thread()
    finally:
        close_station(ctx, window)
