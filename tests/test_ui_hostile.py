"""The GUI against hostile input (issue 12): GS1 separators from a scanner, broken templates."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.scanning.events import ScanEvent
from app.scanning.labels import Interpretation, Kind
from tests.ui_helpers import (
    Station,
    empty_video,
    login_pin,
    no_thread_leaks,
    qm_dir,
    refserver,
    station,
)

# Fixtures imported from ui_helpers (named here so linters see them used).
__all__ = ["empty_video", "no_thread_leaks", "qm_dir", "refserver", "station"]


def test_ctrl_bracket_from_a_scanner_separates_gs1_lot_and_serial(station: Station,
                                                                   qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    seen: list[ScanEvent] = []
    w.scan_screen.handle_scan = seen.append  # what the scan screen would act on
    field = w.scan_screen.scan_edit
    qtbot.keyClicks(field, "010950600013435210ABC123")
    qtbot.keyClick(field, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "21SN998877")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert len(seen) == 1
    got = seen[0].interpretation
    assert isinstance(got, Interpretation) and got.kind is Kind.GS1
    assert (got.gtin, got.lot, got.serial) == ("09506000134352", "ABC123", "SN998877")
