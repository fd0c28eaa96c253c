"""Bench board (F4): figures from a real store, refreshed off the GUI thread, leads only."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt

import ui.bench_board as board_module
from app.benchboard import BenchBoard, compute_board
from tests.flow_helpers import as_lead
from tests.test_ui_history import completed
from tests.ui_helpers import (
    Station,
    cell,
    login_pin,
    wait_until,
)
from ui.bench_board import BenchBoardScreen


def test_board_refreshes_by_itself_off_the_gui_thread(
        qtbot: Any, services: Any, ctx: Any, monkeypatch: Any) -> None:
    threads: list[threading.Thread] = []

    def recording(*args: Any, **kwargs: Any) -> BenchBoard:
        threads.append(threading.current_thread())
        return compute_board(*args, **kwargs)

    monkeypatch.setattr(board_module, "compute_board", recording)
    first = completed(ctx, 1)
    ctx.store.mark_attention(first, "case closed on the server")
    as_lead(ctx)
    screen = BenchBoardScreen(services, interval_ms=50)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.refreshed, timeout=10_000):
        screen.show()  # the timer starts when the page is on screen
    assert screen.tile_values["total"].text() == "1"
    assert "intact 1" in screen.breakdown.text()
    assert screen.tile_values["attention"].text() == "1"
    assert screen.tile_values["unsent"].text().startswith("1\n")
    assert cell(screen.people, 0, 0).text() == "Ivan Insp"
    assert cell(screen.people, 0, 1).text() == "1"

    completed(ctx, 2)  # a second inspection: the board shows it without being asked
    wait_until(qtbot, lambda: screen.tile_values["total"].text() == "2",
               what="the board counting the new inspection")
    assert threads and all(t is not threading.main_thread() for t in threads)
    screen.hide()
    assert not screen.timer.isActive()  # a hidden board reads nothing


def test_an_inspector_is_refused_and_a_lead_gets_the_board(
        station: Station, qtbot: Any) -> None:
    window = station.window
    login_pin(qtbot, window)  # E1001, an inspector
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert window.board is None and window.current_screen() is window.scan_screen
    assert window.statusBar().currentMessage() == "Only a shift lead can open the bench board."
    assert window.scan_screen.message.text() == "Only a shift lead can open the bench board."
    for key, words in ((Qt.Key.Key_F8, "manage operators"),
                       (Qt.Key.Key_F9, "change the settings")):
        qtbot.keyClick(window, key)  # said on the screen, not only in a hidden status area
        assert window.scan_screen.message.text() == f"Only a shift lead can {words}."
    qtbot.keyClick(window, Qt.Key.Key_F12)
    wait_until(qtbot, lambda: window.current_screen() is window.login_screen, what="login")
    login_pin(qtbot, window, "E2001", "9876")
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert window.board is not None and window.current_screen() is window.board
    wait_until(qtbot, lambda: window.board.board is not None, what="the first board")
    assert window.board.tile_values["total"].text() == "0"
    qtbot.keyClick(window.board, Qt.Key.Key_Escape)
    assert window.current_screen() is window.scan_screen
