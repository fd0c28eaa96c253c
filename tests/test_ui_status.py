"""The status bar tells the truth: the real state soon after start, a hang named as one."""

from __future__ import annotations

import time
from typing import Any

from tests.ui_helpers import (
    Station,
    wait_until,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_connecting_turns_into_online_soon_after_start(qtbot: Any, station: Station) -> None:
    w = station.window
    wait_until(qtbot, lambda: w.online_label.text() == "Online", timeout=15,
               what="the /health probe's answer on the status line")
    assert "Online" in w.login_screen.sync_label.text()


def test_a_hanging_request_is_shown_as_no_answer(qtbot: Any, station: Station) -> None:
    w = station.window
    wait_until(qtbot, lambda: w.online_label.text() == "Online", timeout=15, what="online")
    # The case API answers nothing now: no other request ends (an answer to any request
    # means the API is there, see test_one_unanswered_request_among_answered_ones_is_not_a_hang).
    assert w.sync.worker is not None
    w.sync.worker.stop(10.0)
    clock = FakeClock()
    clock.now = time.monotonic()  # the status's earlier answers were timed on this clock
    w.sync.status._clock = clock
    ticket = w.sync.status.request_started()
    clock.now += 20
    wait_until(qtbot, lambda: w.online_label.text() == "No answer from the case API for 20 s",
               timeout=10, what="the once-a-second status refresh")
    w.set_language("zh_CN")
    wait_until(qtbot, lambda: "20" in w.online_label.text() and "售后" in w.online_label.text(),
               timeout=10, what="Chinese")
    w.set_language("en")
    w.sync.status.request_ended(ticket)
    wait_until(qtbot, lambda: w.online_label.text() == "Online", timeout=10, what="answered")
