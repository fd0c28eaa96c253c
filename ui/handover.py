"""Clean handover between operators: nothing of the last one stays on screen.

Logout (F12) and idle logout call `clear_for_handover`: messages, recent scans, search
fields, choices, held keys and remembered reads are cleared, so the next operator
starts on a clean scan screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit


def clear_for_handover(window: Any) -> None:
    """`window` is the MainWindow; every screen it holds is emptied of the last operator."""
    window.services.router.reset()
    window.scan_screen.clear_for_handover()
    window.case_screen.leave()
    window.flow.message.show_message("")
    history = window.history
    if history is not None:
        for field in history.findChildren(QLineEdit):
            field.clear()
        history.message.show_message("")
    window.statusBar().clearMessage()
