"""The scan event every source (camera, handheld wedge, typing) produces."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from app.scanning.labels import Interpretation, Rejected

if TYPE_CHECKING:  # the decoder loads OpenCV: the login screen must not wait for it
    from app.scanning.decoder import Point


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
