"""Acceptance of camera reads: N matching reads, a cooldown, and preference by kind.

A single camera read can be a misread or a code passing through the picture; a read
counts once it has been seen in ``required_reads`` frames in a row, and a read no frame
could confirm on its own (one fragile configuration, one engine's EAN) in at least two
whatever that setting says: the same text in two frames is its confirmation (for an EAN/UPC,
only when the two engines are among its reads: one engine repeats its misread). Then it (and every
other code in view, which belongs to the same label) is ignored until it has been out
of view for ``cooldown_s``, so a label lying under the camera gives exactly one scan.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.scanning.decoder import DecodedCode
from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import Kind, Patterns, Result, interpret
from app.scanning.symbols import NEEDS_AGREEMENT

# Lower is preferred: RMA, then return tracking number, then order, then product codes.
KIND_RANK: dict[Kind, int] = {
    Kind.RMA: 0,
    Kind.TRACKING: 1,
    Kind.ORDER: 2,
    Kind.GS1: 3,
    Kind.GTIN: 3,
    Kind.IMEI: 4,
    Kind.BADGE: 5,
    Kind.UNKNOWN: 6,
}


@dataclass
class _Seen:
    count: int
    last: float
    code: DecodedCode
    interpretation: Result
    confirmed: bool = False  # some frame confirmed it by itself (checksum, two opinions)
    engines: set[str] = field(default_factory=set)  # every engine that read it, any frame


class Acceptor:
    """Feed it each frame's decoded codes with ``offer``; it returns at most one ScanEvent."""

    def __init__(
        self,
        *,
        required_reads: int = 2,
        cooldown_s: float = 3.0,
        gap_s: float = 1.0,
        max_defer: int = 3,
        patterns: Patterns | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if required_reads < 1:
            raise ValueError("required_reads must be at least 1")
        self.required_reads = required_reads
        self.cooldown_s = cooldown_s
        self.gap_s = gap_s
        self.max_defer = max_defer
        self.patterns = patterns
        self.clock = clock
        self._seen: dict[tuple[str, str], _Seen] = {}
        self._cooling: dict[str, float] = {}  # text -> last time seen while cooling
        self._deferred = 0

    def reset(self) -> None:
        self._seen.clear()
        self._cooling.clear()
        self._deferred = 0

    def offer(self, codes: Sequence[DecodedCode], now: float | None = None) -> ScanEvent | None:
        """Record one frame's reads (an empty list is a frame with nothing in view)."""
        t = self.clock() if now is None else now
        self._expire(t)
        in_view: dict[tuple[str, str], DecodedCode] = {(c.symbology, c.text): c for c in codes}
        for key, code in in_view.items():
            if code.text in self._cooling:
                self._cooling[code.text] = t
                continue
            seen = self._seen.get(key)
            if seen is None or t - seen.last > self.gap_s:
                seen = _Seen(0, t, code, interpret(code.text, self.patterns))
                self._seen[key] = seen
            seen.count += 1
            seen.last = t
            seen.code = code
            seen.confirmed = seen.confirmed or code.confirmed
            seen.engines.update(code.engine.split("+"))
        # A code missing from this frame starts over: reads must be consecutive.
        for key in [k for k in self._seen if k not in in_view]:
            del self._seen[key]

        candidates = [s for s in self._seen.values() if s.interpretation.accepted]
        if not candidates:
            return None
        candidates.sort(key=lambda s: (KIND_RANK.get(s.interpretation.kind, 9), -s.count))
        best = candidates[0]
        ready = [s for s in candidates if self._ready(s)]
        if not ready:
            return None
        chosen = best if best in ready else None
        if chosen is None:
            # A preferred code is in view but not confirmed yet: wait a few frames for it.
            self._deferred += 1
            if self._deferred < self.max_defer:
                return None
            chosen = ready[0]
        self._deferred = 0
        for code in in_view.values():
            self._cooling[code.text] = t
        self._seen.clear()
        return ScanEvent(
            text=chosen.code.text,
            source=ScanSource.CAMERA,
            symbology=chosen.code.symbology,
            interpretation=chosen.interpretation,
            timestamp=t,
            polygon=chosen.code.points,
        )

    def _ready(self, seen: _Seen) -> bool:
        """Seen in enough frames: two at least when no frame confirmed it. A product code
        (EAN/UPC) no frame confirmed needs both engines among its reads: one engine reads a
        misprinted or blurred EAN the same wrong way frame after frame (its check digit
        passes), so frames of one engine are no second opinion."""
        if seen.confirmed:
            return seen.count >= self.required_reads
        if seen.code.symbology in NEEDS_AGREEMENT and len(seen.engines) < 2:
            return False
        return seen.count >= max(2, self.required_reads)

    def _expire(self, t: float) -> None:
        for text in [k for k, last in self._cooling.items() if t - last >= self.cooldown_s]:
            del self._cooling[text]
