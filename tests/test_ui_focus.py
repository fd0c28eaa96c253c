"""Keys that reach the main window while the scan field lacks the focus (a click elsewhere).

The window hands such keys to the scan field so a scanner's first key is never lost, also
keys the field does not take (Enter: QLineEdit ignores it after returnPressed), which Qt
then offers to the field's parents: the hand-over must not start again from there.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.ui_helpers import (
    Station,
    login_pin,
)


def test_enter_at_the_window_with_the_scan_field_unfocused_does_not_recurse(
        station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    field = w.scan_screen.scan_edit
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_F7, Qt.Key.Key_R):
        field.clearFocus()
        w.setFocus()
        qtbot.keyClick(w, key)  # addressed to the window, as after a click on its frame
        assert field.hasFocus()
    assert field.text() == "r"  # the printable key reached the field, once
    assert w.current_screen() is w.scan_screen
