"""The login screen against someone at the bench: typed badges, PIN guessing, lockouts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.login_guard import LOCK_AFTER
from app.operators import AuthError
from tests.ui_helpers import (
    Station,
    login_pin,
    wait_until,
)


class HandClock:
    """Key times of a person typing: 200 ms per key."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        self.t += 0.2
        return self.t


def test_typed_badge_is_refused_on_the_login_screen(station: Station, qtbot: Any) -> None:
    w = station.window
    screen = w.login_screen
    screen.clock = HandClock()
    qtbot.keyClicks(screen.badge_edit, "E1001")
    qtbot.keyClick(screen.badge_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "must be scanned" in screen.message.text(), what="refusal")
    assert w.current_screen() is screen and w.services.operator is None


def test_pin_guessing_shows_the_wait_then_the_lock_and_the_gui_stays_responsive(
        station: Station, qtbot: Any) -> None:
    w = station.window
    screen = w.login_screen
    ops = station.ctx.operators
    # Every failure but the last through the core, its clock moved past each wait.
    now = [ops.guard.clock()]
    ops.guard.clock = lambda: now[0]
    for _ in range(LOCK_AFTER - 1):
        now[0] += timedelta(minutes=2)
        with pytest.raises(AuthError):
            ops.login_pin("E1001", "0000")
    qtbot.keyClicks(screen.id_edit, "E1001")  # too soon after the ninth: told to wait
    qtbot.keyClicks(screen.pin_edit, "0000")
    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "Try again at" in screen.message.text(), what="wait message")
    assert not screen.pin_button.isEnabled()
    now[0] += timedelta(minutes=2)
    qtbot.keyClicks(screen.pin_edit, "0000")
    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "Not recognised" in screen.message.text(), what="failure")
    # The tenth failure locked the ID: even the right PIN is refused, with the time.
    qtbot.keyClicks(screen.pin_edit, "1234")
    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "Locked after too many wrong attempts" in screen.message.text(),
               what="lock message")
    assert w.current_screen() is screen and w.services.operator is None
    assert not screen.pin_button.isEnabled()  # held by a timer, not a sleep
    # A shift lead unlocks; the inspector gets in.
    lead = ops.login_pin("E2001", "9876")
    assert ops.unlock("E1001", by=lead)
    screen._retry_allowed()
    screen.id_edit.clear()
    login_pin(qtbot, w, "E1001", "1234")
