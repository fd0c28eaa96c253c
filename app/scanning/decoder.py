"""Barcode decoding: two engines (zxing-cpp, zbar) behind one interface and a timed ladder.

The decoder is pure: it takes an image array and returns codes. zxing-cpp runs first
because on label-like frames it reads more and is 3-4x faster than zbar (see
``tests/benchmarks/bench_decode.py``); zbar is the second opinion on candidate regions
and the agreement engine for EAN/UPC, which every 1D decoder occasionally misreads.

Ladder (``Decoder.decode``): zxing on a downscaled frame, the same turned 90 degrees,
zxing with a fixed threshold at full size, zbar, deskewed region crops, zxing's local
binarizer; it stops at the first stage giving a trusted read, then looks at textured
regions no read covers (another label). ``Decoder.for_stills()`` / ``decode()`` give that
look the whole budget (pages, files); camera frames cap it and ``decode_live`` spreads
the stages over frames.

This module is the façade: the shared types are in symbols.py, the engines in
engines.py, input checks, regions and variants in regions.py, the stages in ladder.py.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable

import cv2
import numpy as np

from app.scanning.engines import ZbarEngine, ZxingEngine
from app.scanning.ladder import (
    STAGES,
    Pass,
    Stage,
    confirm_reads,
    conflicting,
    stage_fast,
    stage_others,
)
from app.scanning.regions import MIN_SIDE, as_grey
from app.scanning.symbols import ALL_SYMBOLOGIES, DecodedCode, DecodeError, Point, RawRead

# What callers import from the façade; the rest is imported from its own module.
__all__ = ["STAGES", "STILL_BUDGET_MS", "DecodeError", "DecodedCode", "Decoder", "Point",
           "RawRead", "decode"]

# Budget of the module-level decode(): stills (files, pages, self-test) where finding
# every code matters more than the camera's frame rate.
STILL_BUDGET_MS = 400.0


class Decoder:
    """Decodes frames; one instance may be used from several threads.

    ``decode`` runs the whole ladder within a time budget (stills, files). ``decode_live``
    runs the fast pass plus one further stage per frame, rotating through the ladder on
    consecutive frames, so an empty frame costs a few milliseconds instead of the ladder.
    """

    def __init__(
        self,
        symbologies: Iterable[str] = ALL_SYMBOLOGIES,
        *,
        budget_ms: float = 45.0,
        live_budget_ms: float = 20.0,
        require_agreement: bool = True,
        fast_side: int = 960,
        others_ms: float | None = 4.0,
        others_max_pixels: float = 600_000.0,
    ) -> None:
        syms = frozenset(symbologies)
        unknown = syms - ALL_SYMBOLOGIES
        if unknown:
            raise ValueError(f"unknown symbologies: {sorted(unknown)}")
        self.symbologies = syms
        self.budget_ms = budget_ms
        self.live_budget_ms = live_budget_ms
        self.require_agreement = require_agreement
        self.fast_side = fast_side
        # Time for further codes once one is read: capped for camera frames (the next
        # frame looks again), unlimited (within the budget) for stills.
        self.others_ms = others_ms
        self.others_max_pixels = others_max_pixels
        self.zxing = ZxingEngine("zxing")
        self.zxing_upright = ZxingEngine("zxing", try_rotate=False)
        self.zxing_fixed = ZxingEngine("zxing", binarizer="FixedThreshold")
        self.zxing_fixed_upright = ZxingEngine(
            "zxing", binarizer="FixedThreshold", try_rotate=False
        )
        self.zbar = ZbarEngine("zbar")
        self._live_lock = threading.Lock()
        self._live_next = 1
        self.last_stage_ms: dict[str, float] = {}

    @classmethod
    def for_stills(cls, symbologies: Iterable[str] = ALL_SYMBOLOGIES) -> Decoder:
        """A decoder for files and pages: finds every code rather than the first quickly."""
        return cls(symbologies, budget_ms=STILL_BUDGET_MS, others_ms=None)

    # -- public API

    def decode(self, image: object, *, budget_ms: float | None = None) -> list[DecodedCode]:
        """Run the ladder on one frame until satisfied or out of time."""
        grey = self._prepare(image)
        if grey is None:
            return []
        budget = self.budget_ms if budget_ms is None else budget_ms
        p = Pass(grey, self.symbologies, time.perf_counter() + budget / 1000.0)
        for name, stage in STAGES:
            if p.time_left() <= 0:
                break
            self._timed(p, name, stage)
            if p.votes and self.require_agreement:
                with contextlib.suppress(cv2.error):
                    self._timed(p, "confirm", confirm_reads)
            # A lone unconfirmed EAN/UPC read is not an answer: later stages (zbar among
            # them) may give the second opinion, or read what stands beside it.
            if any(v.confirmed or not self.require_agreement for v in p.votes.values()):
                # A still must give every code in it, not just the first stage's.
                if p.time_left() > 0:
                    self._timed(p, "others", stage_others)
                break
        return self._finish(p)

    def decode_live(self, image: object) -> list[DecodedCode]:
        """Fast pass, then the next ladder stage in turn (one per frame)."""
        grey = self._prepare(image)
        if grey is None:
            return []
        p = Pass(grey, self.symbologies, time.perf_counter() + self.live_budget_ms / 1000.0)
        self._timed(p, "fast", stage_fast)
        if p.votes:
            # Another label in view that the downscale loses (fine bars beside a QR).
            self._timed(p, "others", stage_others)
        else:
            with self._live_lock:
                index = self._live_next
            name, stage = STAGES[index]
            self._timed(p, name, stage)
            with self._live_lock:
                # A stage that read something runs again on the next frame (the label is
                # probably still there and acceptance wants consecutive reads); otherwise
                # the next frame tries the next stage.
                if not p.votes:
                    self._live_next = index + 1 if index + 1 < len(STAGES) else 1
        return self._finish(p)

    # -- internals

    def _prepare(self, image: object) -> np.ndarray | None:
        grey = as_grey(image)
        if min(grey.shape) < MIN_SIDE:
            return None
        return grey

    def _timed(self, p: Pass, name: str, stage: Stage) -> None:
        t0 = time.perf_counter()
        stage(self, p)
        p.stage_ms[name] = p.stage_ms.get(name, 0.0) + (time.perf_counter() - t0) * 1000

    def _finish(self, p: Pass) -> list[DecodedCode]:
        if self.require_agreement and any(not v.confirmed for v in p.votes.values()):
            with contextlib.suppress(cv2.error):
                confirm_reads(self, p)
        votes = list(p.votes.values())
        bad = conflicting(votes)
        out: list[DecodedCode] = []
        for i, v in enumerate(votes):
            if i in bad:
                continue
            if self.require_agreement and not v.confirmed:
                continue
            out.append(
                DecodedCode(
                    text=v.text,
                    symbology=v.symbology,
                    points=v.points,
                    engine="+".join(sorted(v.engines)),
                    stage=v.stage,
                    confirmed=v.confirmed,
                )
            )
        self.last_stage_ms = dict(p.stage_ms)
        return out


_default: Decoder | None = None
_default_lock = threading.Lock()


def decode(
    image: object,
    *,
    symbologies: Iterable[str] | None = None,
    budget_ms: float | None = None,
) -> list[DecodedCode]:
    """Decode every symbol in ``image`` (BGR, BGRA or greyscale array), for stills.

    Uses STILL_BUDGET_MS, so a loaded machine still finds every code on a page; the
    camera uses Decoder.decode_live and its own budget.

    Raises DecodeError when ``image`` is not an image; returns [] for images too small
    to hold a symbol.
    """
    global _default
    if symbologies is not None:
        return Decoder.for_stills(symbologies).decode(image, budget_ms=budget_ms)
    with _default_lock:
        if _default is None:
            _default = Decoder.for_stills()
        dec = _default
    return dec.decode(image, budget_ms=budget_ms)
