"""What every part of the decoder shares: symbology names, the read types, the engine
interface (engines.py implements it, ladder.py drives it, decoder.py is the façade).

Light on purpose (no NumPy or OpenCV at run time): scan events and the login screen use
these names before the decoder is loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

Point = tuple[float, float]

# Normalised symbology names used everywhere in the app.
CODE128 = "CODE128"
CODE39 = "CODE39"
CODE93 = "CODE93"
ITF = "ITF"
EAN13 = "EAN13"
EAN8 = "EAN8"
UPCA = "UPCA"
UPCE = "UPCE"
QR = "QR"
DATAMATRIX = "DATAMATRIX"
PDF417 = "PDF417"
DATABAR = "DATABAR"
DATABAR_EXP = "DATABAR_EXP"

ALL_SYMBOLOGIES: frozenset[str] = frozenset(
    {
        CODE128,
        CODE39,
        CODE93,
        ITF,
        EAN13,
        EAN8,
        UPCA,
        UPCE,
        QR,
        DATAMATRIX,
        PDF417,
        DATABAR,
        DATABAR_EXP,
    }
)
# Product codes whose short check digit lets misreads through: trusted only on agreement.
NEEDS_AGREEMENT: frozenset[str] = frozenset({EAN13, EAN8, UPCA, UPCE})
MATRIX_SYMBOLOGIES: frozenset[str] = frozenset({QR, DATAMATRIX, PDF417})
# 1D codes with a mandatory check character: one robust read of them is enough.
CHECKED_1D: frozenset[str] = frozenset({CODE128, CODE93})

class DecodeError(ValueError):
    """The input is not an image the decoder can work on (wrong type, shape or dtype)."""


@dataclass(frozen=True)
class DecodedCode:
    """One symbol read from a frame; ``points`` are corners in frame pixel coordinates."""

    text: str
    symbology: str
    points: tuple[Point, ...]
    engine: str
    stage: str = ""
    confirmed: bool = True


@dataclass(frozen=True)
class RawRead:
    """A read straight from an engine, in the coordinates of the image it was given."""

    text: str
    symbology: str
    points: tuple[Point, ...]


class Engine(Protocol):
    """What the ladder needs from a decoding library.

    ``config`` names the engine and its settings (one opinion), ``fragile`` says its lone
    1D reads need a second one, ``cost`` is its work per megapixel of input (the budget).
    """

    name: str
    config: str
    fragile: bool
    cost: float

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        """Decode a contiguous uint8 greyscale image."""
        ...

