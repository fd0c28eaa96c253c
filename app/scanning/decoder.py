"""Barcode decoding: two engines (zxing-cpp, zbar) behind one interface and a timed ladder.

The decoder is pure: it takes an image array and returns codes. zxing-cpp runs first
because on label-like frames it reads more and is 3-4x faster than zbar (see
``tests/benchmarks/bench_decode.py``); zbar is the second opinion on candidate regions
and the agreement engine for EAN/UPC, which every 1D decoder occasionally misreads.

Ladder (``Decoder.decode``): zxing on a downscaled frame, the same turned 90 degrees,
zxing with a fixed threshold at full size, zbar, deskewed region crops, zxing's local
binarizer; it stops at the first stage giving a confirmed read, then looks at textured
regions no read covers (another label). Every budget counts work (engine cost x
megapixels, ladder.py), never wall time, so what a still gives does not depend on the
machine's load. ``Decoder.for_stills()`` / ``decode()`` give the whole ladder a large
budget (pages, files); ``decode_live`` runs the fast pass and one cheap stage of the
camera's ladder per frame, and leaves to acceptance (two frames with the same text) the
confirmation of what one frame read once.

This module is the façade: the shared types are in symbols.py, the engines in
engines.py, input checks, regions and variants in regions.py, the stages in ladder.py.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Iterable

import cv2
import numpy as np

from app.scanning.engines import ZbarEngine, ZxingEngine
from app.scanning.ladder import (
    LIVE_STAGES,
    STAGES,
    Pass,
    Stage,
    confirm_product_reads,
    confirm_reads,
    conflicting,
    stage_fast,
    stage_others,
)
from app.scanning.regions import MIN_SIDE, Region, as_grey
from app.scanning.symbols import (
    ALL_SYMBOLOGIES,
    NEEDS_AGREEMENT,
    DecodedCode,
    DecodeError,
    Point,
    RawRead,
)

# What callers import from the façade; the rest is imported from its own module.
__all__ = ["LIVE_STAGES", "STAGES", "STILL_BUDGET", "DecodeError", "DecodedCode", "Decoder",
           "Point", "RawRead", "decode"]

# Work budgets (engine cost x megapixels, app/scanning/ladder.py). A 1080p frame is 2.1
# megapixels: one upright zxing pass over it costs 2.1, the downscaled fast pass 0.5.
# The module-level decode(): stills (files, pages, self-test), where finding every code
# matters more than time: the whole ladder on a 1080p frame, regions and all.
STILL_BUDGET = 120.0
CAMERA_BUDGET = 12.0  # Decoder.decode on a camera frame (video files in the CLI)
LIVE_BUDGET = 1.2  # the fast pass and one live stage (about a tenth of plain zxing's work)
LIVE_CONFIRM_MEMORY = 30  # frames (~1 s at 30 fps) an EAN/UPC confirmed once stays confirmed


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
        budget: float = CAMERA_BUDGET,
        live_budget: float = LIVE_BUDGET,
        require_agreement: bool = True,
        fast_side: int = 960,
        others_work: float | None = 0.6,
        others_max_pixels: float = 600_000.0,
    ) -> None:
        syms = frozenset(symbologies)
        unknown = syms - ALL_SYMBOLOGIES
        if unknown:
            raise ValueError(f"unknown symbologies: {sorted(unknown)}")
        self.symbologies = syms
        self.budget = budget
        self.live_budget = live_budget
        self.require_agreement = require_agreement
        self.fast_side = fast_side
        # Work for further codes once one is read: capped for camera frames (the next
        # frame looks again), unlimited (within the budget) for stills.
        self.others_work = others_work
        self.others_max_pixels = others_max_pixels
        self.zxing = ZxingEngine("zxing")
        self.zxing_upright = ZxingEngine("zxing", try_rotate=False)
        self.zxing_fixed = ZxingEngine("zxing", binarizer="FixedThreshold")
        self.zxing_fixed_upright = ZxingEngine(
            "zxing", binarizer="FixedThreshold", try_rotate=False
        )
        self.zbar = ZbarEngine("zbar")
        self._live_lock = threading.Lock()
        self._live_next = 0  # the next LIVE_STAGES entry decode_live tries
        self._live_frame = 0  # frames decode_live has seen
        self._others_idle = False  # the last frame looked for other codes and found none
        self._others_after: frozenset[tuple[str, str]] = frozenset()  # ...beside these reads
        # The regions the last look found, and where the reads it looked beside were.
        self._regions_seen: tuple[dict[tuple[str, str], Point], list[Region]] | None = None
        # EAN/UPC reads (symbology, text) confirmed by both engines -> the last frame with it
        self._live_confirmed: dict[tuple[str, str], int] = {}
        self.last_stage_ms: dict[str, float] = {}
        self.last_work = 0.0  # work the last call did (what the budget counts)

    @classmethod
    def for_stills(cls, symbologies: Iterable[str] = ALL_SYMBOLOGIES) -> Decoder:
        """A decoder for files and pages: finds every code rather than the first quickly."""
        return cls(symbologies, budget=STILL_BUDGET, others_work=None)

    # -- public API

    def decode(self, image: object, *, budget: float | None = None) -> list[DecodedCode]:
        """Run the ladder on one frame until satisfied or out of work budget."""
        grey = self._prepare(image)
        if grey is None:
            return []
        p = Pass(grey, self.symbologies, self.budget if budget is None else budget)
        for name, stage in STAGES:
            if p.work_left() <= 0:
                break
            self._timed(p, name, stage)
            if p.votes and self.require_agreement:
                with contextlib.suppress(cv2.error):
                    self._timed(p, "confirm", confirm_reads)
            # A lone unconfirmed EAN/UPC read is not an answer: later stages (zbar among
            # them) may give the second opinion, or read what stands beside it.
            if any(v.confirmed or not self.require_agreement for v in p.votes.values()):
                # A still must give every code in it, not just the first stage's.
                if p.work_left() > 0:
                    self._timed(p, "others", stage_others)
                break
        return self._finish(p)

    def decode_live(self, image: object) -> list[DecodedCode]:
        """Fast pass, then the next stage of the camera's ladder in turn (one per frame).

        What this frame read once and could not confirm comes back with
        ``confirmed=False``: acceptance counts it only when another frame reads the same
        text (multi-frame consensus), so a frame spends no work on a second opinion, except
        for an EAN/UPC: zbar on a crop of it, since frames of one engine are no second
        opinion for a product code (app/scanning/acceptance.py).
        """
        grey = self._prepare(image)
        if grey is None:
            return []
        p = Pass(grey, self.symbologies, self.live_budget)
        self._timed(p, "fast", stage_fast)
        if p.votes:
            # Another code in view that the downscale loses (fine bars beside a QR). The
            # camera sends the same scene frame after frame: when the last frame's look
            # found nothing more beside the same reads, this frame skips it (the next one
            # looks again); a look that found a code runs on the next frame too, so that
            # code is read in consecutive frames as acceptance wants.
            seen = frozenset(p.votes)
            with self._live_lock:
                skip = self._others_idle and seen == self._others_after
            if skip:
                new = False
            else:
                where = _centres(p)
                with self._live_lock:
                    cached = self._regions_seen
                if cached is not None and _same_place(cached[0], where):
                    p.regions = cached[1]  # a still scene: the textured patches are the same
                self._timed(p, "others", stage_others)
                new = len(p.votes) > len(seen)
                if p.regions is not None:
                    with self._live_lock:
                        self._regions_seen = (where, p.regions)
            with self._live_lock:
                self._others_idle = not skip and not new
                self._others_after = seen
        else:
            with self._live_lock:
                self._others_idle = False
                self._regions_seen = None
            with self._live_lock:
                index = self._live_next % len(LIVE_STAGES)
            name, stage = LIVE_STAGES[index]
            self._timed(p, name, stage)
            with self._live_lock:
                # A stage that read something runs again on the next frame (the label is
                # probably still there and acceptance wants two frames); otherwise the
                # next frame tries the next stage.
                if not p.votes:
                    self._live_next = index + 1
        with self._live_lock:
            self._live_frame += 1
            frame = self._live_frame
            memory = self._live_confirmed
            for key in [k for k, at in memory.items() if frame - at > LIVE_CONFIRM_MEMORY]:
                del memory[key]
            known = {k for k in p.votes if k in memory}
        # A product code the other engine confirmed a moment ago is that same right text
        # now: confirmed once per label in view, not on every frame (zbar costs ~20 ms).
        p.confirm_tried.update(known)
        if any(v.symbology in NEEDS_AGREEMENT and not v.confirmed for v in p.votes.values()):
            with contextlib.suppress(cv2.error):
                self._timed(p, "confirm", confirm_product_reads)
        with self._live_lock:
            for key, vote in p.votes.items():
                if key in known or (vote.symbology in NEEDS_AGREEMENT and vote.confirmed):
                    memory[key] = frame
        return self._finish(p, confirm=False, known=known)

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

    def _finish(self, p: Pass, *, confirm: bool = True,
                known: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
                ) -> list[DecodedCode]:
        """The reads to report; ``confirm=False`` (live) keeps unconfirmed ones, marked;
        ``known`` are reads confirmed in a recent frame (live)."""
        if confirm and self.require_agreement and any(not v.confirmed for v in p.votes.values()):
            with contextlib.suppress(cv2.error):
                confirm_reads(self, p)
        votes = list(p.votes.values())
        bad = conflicting(votes)
        out: list[DecodedCode] = []
        keys = list(p.votes)
        for i, v in enumerate(votes):
            if i in bad:
                continue
            if confirm and self.require_agreement and not v.confirmed:
                continue
            out.append(
                DecodedCode(
                    text=v.text,
                    symbology=v.symbology,
                    points=v.points,
                    engine="+".join(sorted(v.engines)),
                    stage=v.stage,
                    confirmed=v.confirmed or keys[i] in known,
                )
            )
        self.last_stage_ms = dict(p.stage_ms)
        self.last_work = p.spent
        return out


STILL_SCENE_PX = 6.0  # reads that moved less than this (frame pixels) mean the same scene


def _centres(p: Pass) -> dict[tuple[str, str], Point]:
    """Where each read of this pass is: its points' centre."""
    out: dict[tuple[str, str], Point] = {}
    for key, vote in p.votes.items():
        if vote.points:
            xs, ys = zip(*vote.points, strict=True)
            out[key] = (sum(xs) / len(xs), sum(ys) / len(ys))
    return out


def _same_place(before: dict[tuple[str, str], Point], now: dict[tuple[str, str], Point]) -> bool:
    """The same reads, none moved more than STILL_SCENE_PX: the camera sees the same scene."""
    if not now or before.keys() != now.keys():
        return False
    return all(math.dist(before[k], now[k]) <= STILL_SCENE_PX for k in now)


_default: Decoder | None = None
_default_lock = threading.Lock()


def decode(
    image: object,
    *,
    symbologies: Iterable[str] | None = None,
    budget: float | None = None,
) -> list[DecodedCode]:
    """Decode every symbol in ``image`` (BGR, BGRA or greyscale array), for stills.

    Uses STILL_BUDGET (work, not time: a loaded machine finds the same codes); the camera
    uses Decoder.decode_live and its own budget.

    Raises DecodeError when ``image`` is not an image; returns [] for images too small
    to hold a symbol.
    """
    global _default
    if symbologies is not None:
        return Decoder.for_stills(symbologies).decode(image, budget=budget)
    with _default_lock:
        if _default is None:
            _default = Decoder.for_stills()
        dec = _default
    return dec.decode(image, budget=budget)
