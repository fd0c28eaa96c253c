"""Keyboard-wedge handheld scanners: tell a scanner's keystroke burst from a person typing.

A scanner "types" a whole code in a few milliseconds per key and ends it with Enter or
Tab; a person needs 80 ms or more per key. The detector is pure: feed it keys with
their timestamps (seconds, any monotonic clock) and it returns a ScanEvent when a code
is complete. Typed text + Enter becomes a ``typed`` scan, so one field takes both.

GS1 element strings separate variable-length fields with GS (FNC1). Scanners type it as
Ctrl+] (the GUI feeds that as "\x1d") or as a site-configured text such as ``{GS}``
(`gs_text`); both become GS, so a lot number does not swallow the serial after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import GS, Patterns, interpret

TERMINATORS = frozenset({"Enter", "Return", "KP_Enter", "Tab", "\r", "\n", "\t"})
BACKSPACE = frozenset({"Backspace", "BackSpace", "\b", "\x7f"})
MAX_BUFFER = 512


@dataclass
class _Key:
    char: str
    t: float


class WedgeDetector:
    """Accumulates keys; ``feed`` returns a ScanEvent on Enter/Tab (or None).

    ``max_gap`` is the longest pause between two scanner keystrokes; ``min_length`` the
    shortest burst counted as a scan (shorter fast runs are a fast typist's roll).
    """

    def __init__(
        self,
        *,
        max_gap: float = 0.035,
        min_length: int = 4,
        patterns: Patterns | None = None,
        accept_typed: bool = True,
        gs_text: str = "",
    ) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self.patterns = patterns
        self.accept_typed = accept_typed
        self.gs_text = gs_text
        self._keys: list[_Key] = []
        self._edited = False

    def reset(self) -> None:
        self._keys.clear()
        self._edited = False

    @property
    def pending(self) -> str:
        return "".join(k.char for k in self._keys)

    def feed(self, key: str, timestamp: float) -> ScanEvent | None:
        """Take one key: a printable character or a key name (Enter, Tab, Backspace)."""
        if key in TERMINATORS:
            return self._finish(timestamp)
        if key in BACKSPACE:
            if self._keys:
                self._keys.pop()
            self._edited = True  # scanners never correct themselves
            return None
        if key == "GS":
            key = GS  # the key name, for callers that name keys
        if len(key) != 1:
            return None  # Shift, arrows, F-keys ...
        if not key.isprintable() and key != GS:
            return None  # control characters are dropped, never stored
        if len(self._keys) >= MAX_BUFFER:
            self._keys.pop(0)
        self._keys.append(_Key(key, timestamp))
        return None

    def feed_text(self, text: str, start: float, gap: float) -> list[ScanEvent]:
        """Feed a string as keys ``gap`` seconds apart (tests, pasted bursts)."""
        out = []
        for i, ch in enumerate(text):
            ev = self.feed(ch, start + i * gap)
            if ev is not None:
                out.append(ev)
        return out

    def _burst_start(self, keys: list[_Key], end: float) -> int:
        """Index where the trailing fast run (ending at the terminator) begins."""
        if not keys or end - keys[-1].t > self.max_gap:
            return len(keys)
        i = len(keys) - 1
        while i > 0 and keys[i].t - keys[i - 1].t <= self.max_gap:
            i -= 1
        return i

    def _finish(self, end: float) -> ScanEvent | None:
        keys = list(self._keys)
        edited = self._edited
        self.reset()
        if not keys:
            return None
        start = len(keys) if edited else self._burst_start(keys, end)
        burst = keys[start:]
        if len(burst) >= self.min_length:
            return self._event("".join(k.char for k in burst), ScanSource.WEDGE, end)
        if not self.accept_typed:
            return None
        text = "".join(k.char for k in keys).strip()
        if not text:
            return None
        return self._event(text, ScanSource.TYPED, end)

    def _event(self, text: str, source: ScanSource, t: float) -> ScanEvent:
        if self.gs_text:
            text = text.replace(self.gs_text, GS)
        return ScanEvent(
            text=text,
            source=source,
            symbology=None,
            interpretation=interpret(text, self.patterns),
            timestamp=t,
        )
