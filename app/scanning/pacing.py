"""How often the live camera path works: decode and repaint only as often as scanning needs.

A bench camera runs all day, mostly looking at an empty, still bench. Decoding every
1080p frame costs a core; repainting an unchanged picture 30 times a second costs the GUI
thread. `SceneActivity` notices when the picture changes (a label slid into view, a hand,
a box) from a tiny greyscale signature of each frame; `DecodePacer` then decodes every
frame up to ten a second while something moves or a code is in view, and about once a
second on a still bench (a label laid down and left still is still read, just not 30 times
a second). No Qt here: ui/camera_worker.py drives both from its threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

SIGNATURE_SIZE = (32, 18)  # width, height: enough to see a label arrive, blind to noise


class SceneActivity:
    """Tells whether the picture changed recently, from frame signatures (thread-safe).

    A change is a mean absolute difference of more than `threshold` grey levels between the
    newest signature and the reference (the signature at the last change), so a slow slide
    accumulates until it counts, while sensor noise, averaged over each signature cell,
    never does.
    """

    def __init__(self, *, threshold: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self._clock = clock
        self._lock = threading.Lock()
        self._reference: np.ndarray | None = None
        self._changed_at = float("-inf")
        self.changes = 0

    def observe(self, signature: np.ndarray) -> bool:
        """Record the newest frame's signature; True when it counts as a change."""
        current = signature.astype(np.int16)
        with self._lock:
            ref = self._reference
            if (ref is not None and ref.shape == current.shape
                    and float(np.abs(current - ref).mean()) <= self.threshold):
                return False
            self._reference = current
            self._changed_at = self._clock()
            self.changes += 1
            return True

    def active_within(self, seconds: float) -> bool:
        """True when the picture changed during the last `seconds`."""
        with self._lock:
            return self._clock() - self._changed_at <= seconds


class DecodePacer:
    """Which frames the live decoder reads: one per `busy_interval_s` while busy (10 a second),
    one per `idle_interval_s` when not.

    Busy means the picture changed within `settle_s`, or the last decode found a code (the
    acceptance rule needs several matching reads, and a label held still must keep being
    confirmed). Both the decoder thread and tests call it; the clock is injectable.
    """

    def __init__(self, activity: SceneActivity, *, settle_s: float = 3.0,
                 idle_interval_s: float = 1.0, busy_interval_s: float = 0.1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.activity = activity
        self.settle_s = settle_s
        self.idle_interval_s = idle_interval_s
        # Ten reads a second give the acceptance rule its matching reads within a few tenths
        # of a second; decoding all 30 frames would only triple the cost of a label in view.
        self.busy_interval_s = busy_interval_s
        self._clock = clock
        self._last_decode = float("-inf")
        self._codes_in_view = False
        self.skipped = 0

    def should_decode(self) -> bool:
        since = self._clock() - self._last_decode
        busy = self._codes_in_view or self.activity.active_within(self.settle_s)
        # 0.9: a 30 fps camera's every third frame is "0.1 s later" give or take jitter
        if since >= (self.busy_interval_s * 0.9 if busy else self.idle_interval_s):
            return True
        self.skipped += 1
        return False

    def decoded(self, found_codes: bool) -> None:
        self._last_decode = self._clock()
        self._codes_in_view = found_codes

    def reset(self) -> None:
        """A screen started taking codes again: read the next frame whatever it shows."""
        self._last_decode = float("-inf")


class PreviewPacer:
    """Preview frames: every frame while the picture changes, a few a second while it is still.

    An unchanged picture repainted at 30 fps looks exactly like one repainted at 5 fps; the
    GUI thread's painting is what a still bench costs.
    """

    def __init__(self, activity: SceneActivity, *, fps: float = 30.0, still_fps: float = 5.0,
                 settle_s: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self.activity = activity
        self.interval = 1.0 / fps
        self.still_interval = 1.0 / still_fps
        self.settle_s = settle_s
        self._clock = clock
        self._next_at = float("-inf")
        self._last_at = float("-inf")

    def should_show(self, changed: bool) -> bool:
        now = self._clock()
        if now < self._next_at:
            return False
        busy = changed or self.activity.active_within(self.settle_s)
        if not busy and now - self._last_at < self.still_interval:
            return False
        self._next_at = now + self.interval * 0.9
        self._last_at = now
        return True
