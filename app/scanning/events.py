"""The scan event every source (camera, handheld wedge, typing) produces."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.scanning.labels import Interpretation, Rejected
from app.scanning.symbols import Point  # not the decoder: it loads OpenCV and NumPy


class ScanSource(StrEnum):
    """Where a scan came from; typed codes are trusted less than scanned ones in the UI."""

    CAMERA = "camera"
    WEDGE = "wedge"
    TYPED = "typed"


@dataclass(frozen=True)
class ScanEvent:
    """One accepted scan. ``timestamp`` is in the clock of the producer (monotonic seconds)."""

    text: str
    source: ScanSource
    symbology: str | None
    interpretation: Interpretation | Rejected
    timestamp: float
    polygon: tuple[Point, ...] | None = None

    @property
    def kind(self) -> str:
        return str(self.interpretation.kind)
