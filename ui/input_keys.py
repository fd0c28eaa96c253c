"""Feeds a screen's key presses to the core input router and carries out what it decides.

The router (app/input_router.py) holds shortcut keys until it knows they stood alone, so
this adapter owns the little timer that tells it "no more keys came", and remembers a
text field's content at the start of a run of keys so a scanner's burst can be taken out
of the field again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from app.input_router import NOTE_KEY, Do, InputRouter, Outcome, Where

_NAMES = {
    Qt.Key.Key_Return: "Enter",
    Qt.Key.Key_Enter: "Enter",
    Qt.Key.Key_Tab: "Tab",
    Qt.Key.Key_Backspace: "Backspace",
    Qt.Key.Key_Escape: "Escape",
    Qt.Key.Key_F2: NOTE_KEY,
}
_MODIFIERS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                        Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock})


def key_name(event: QKeyEvent) -> str | None:
    """The router's name for a key; None for modifier keys (they never end a run)."""
    key = Qt.Key(event.key())
    if key in _MODIFIERS:
        return None
    if key in _NAMES:
        return _NAMES[key]
    if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
        return f"Other:{int(key)}"
    text = event.text()
    if len(text) == 1 and text.isprintable():
        return text
    return f"Other:{int(key)}"


class KeyFeed(QObject):
    """One screen's connection to the router: `key()` from keyPressEvent / event filters."""

    def __init__(self, router: InputRouter, where: Callable[[], Where],
                 apply: Callable[[Outcome], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.router = router
        self.where = where
        self.apply = apply
        self._snapshot: tuple[QLineEdit, str, int] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # The verdict comes from the keys' timestamps; the timer only says when to ask.
        self._timer.setInterval(int(router.hold * 1000) + 30)
        self._timer.timeout.connect(self.flush)

    def key(self, event: QKeyEvent, field: QLineEdit | None = None) -> bool:
        """True when the key was used up (held or acted on); False: let the widget have it."""
        name = key_name(event)
        if name is None:
            return False
        consumed = True
        for outcome in self.router.key(name, self.where(), repeat=event.isAutoRepeat()):
            if outcome.do is Do.TYPE:
                consumed = False
                if outcome.run_start and field is not None:
                    self._snapshot = (field, field.text(), field.cursorPosition())
            else:
                self._carry_out(outcome)
        if self.router.pending:
            self._timer.start()
        else:
            self._timer.stop()
        return consumed

    def flush(self) -> None:
        self._timer.stop()
        for outcome in self.router.flush(self.where()):
            if outcome.do is not Do.TYPE:
                self._carry_out(outcome)

    def cancel(self) -> None:
        """Leaving the screen: nothing held may act later somewhere else."""
        self._timer.stop()
        self.router.flush(self.where())
        self._snapshot = None

    def _carry_out(self, outcome: Outcome) -> None:
        if outcome.restore and self._snapshot is not None:
            field, text, cursor = self._snapshot
            field.setText(text)
            field.setCursorPosition(cursor)
        if outcome.restore:
            self._snapshot = None
        self.apply(outcome)
