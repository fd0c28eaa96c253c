"""Screens hand the scanned code on through their signals (15.5), not by reading each other."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.builders import gadget_case as make_case
from tests.ui_helpers import RMA, Station, login_pin, type_scan, wait_until


def test_the_case_screen_starts_with_the_code_it_was_shown_for(qtbot: Any,
                                                               services: Any) -> None:
    from ui.case_screen import CaseScreen

    case = make_case()
    screen = CaseScreen(services)
    qtbot.addWidget(screen)
    screen.show_case(case, scanned_code="1Z999AA10123456784")
    with qtbot.waitSignal(screen.start_requested, timeout=5000) as sig:
        qtbot.keyClick(screen.items, Qt.Key.Key_Return)
    assert sig.args == [case, case.items[0], "1Z999AA10123456784"]


def test_a_draft_records_the_code_that_found_its_case(station: Station, qtbot: Any) -> None:
    """The scan screen moving on (a new scan typed, not looked up) does not change it."""
    w = station.window
    login_pin(qtbot, w)
    type_scan(qtbot, w, RMA)
    wait_until(qtbot, lambda: w.current_screen() is w.case_screen, what="case screen")
    w.scan_screen.pending_code = "SOMETHING-ELSE"  # what the old code read at start time
    qtbot.keyClick(w.case_screen.items, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: w.current_screen() is w.flow and w.flow.session is not None,
               what="inspection flow")
    assert w.flow.session is not None and w.flow.session.scanned_code == RMA
