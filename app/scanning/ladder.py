"""The ladder: the decoding stages in order of yield, the votes of one pass, and the
confirmation rule: a matrix code (error-corrected) stands alone, an EAN/UPC read needs
both engines, any other 1D read a second configuration unless a robust one (not a fixed
threshold) read a code with a check character. Work is counted, not timed: each engine
call charges its cost per megapixel of input, so a budget reads the same on a loaded
machine as on an idle one (issue 17.1)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

from app.scanning.regions import (
    Region,
    Variant,
    find_regions,
    identity,
    region_crop,
    scaled,
    sharpen,
    stretch,
)
from app.scanning.symbols import (
    CHECKED_1D,
    MATRIX_SYMBOLOGIES,
    NEEDS_AGREEMENT,
    Engine,
    Point,
)

if TYPE_CHECKING:
    from app.scanning.decoder import Decoder

# --------------------------------------------------------------------------- the ladder


@dataclass
class _Vote:
    text: str
    symbology: str
    points: tuple[Point, ...]
    engines: set[str] = field(default_factory=set)
    variants: set[str] = field(default_factory=set)
    stage: str = ""
    configs: set[str] = field(default_factory=set)  # engine and settings that read it
    robust: bool = False  # read by a configuration that is not fragile

    @property
    def confirmed(self) -> bool:
        if self.symbology in MATRIX_SYMBOLOGIES:
            return True
        if self.symbology in NEEDS_AGREEMENT:
            # Two reads by one engine of variants of one frame repeat the same mistake;
            # only the other engine is an independent opinion (repeats across frames are
            # counted by acceptance).
            return len(self.engines) >= 2
        if self.symbology in CHECKED_1D and self.robust:
            return True
        # A fixed threshold's lone Code 128 (or any lone read of a code without a check
        # character) is one fragile opinion: another configuration must agree.
        return len(self.configs) >= 2


class Pass:
    """State of one decode() call: votes so far, regions, deadline."""

    def __init__(self, grey: np.ndarray, symbologies: frozenset[str], budget: float) -> None:
        self.grey = grey
        self.symbologies = symbologies
        self.budget = budget
        self.spent = 0.0  # work done: engine cost x megapixels given to it
        self.votes: dict[tuple[str, str], _Vote] = {}
        self.regions: list[Region] | None = None
        self.small: Variant | None = None
        self.stage_ms: dict[str, float] = {}
        self.confirm_tried: set[tuple[str, str]] = set()

    def work_left(self) -> float:
        return self.budget - self.spent

    def run(self, engine: Engine, variant: Variant, stage: str) -> int:
        """Decode one variant with one engine; returns how many reads it gave."""
        reads = engine.read(variant.image, self.symbologies)
        self.spent += work_of(engine, variant.image)
        for r in reads:
            key = (r.symbology, r.text)
            vote = self.votes.get(key)
            if vote is None:
                vote = _Vote(r.text, r.symbology, variant.map_points(r.points), stage=stage)
                self.votes[key] = vote
            vote.engines.add(engine.name)
            vote.variants.add(variant.name)
            vote.configs.add(engine.config)
            vote.robust = vote.robust or not engine.fragile
        return len(reads)

    def get_regions(self) -> list[Region]:
        if self.regions is None:
            self.regions = find_regions(self.grey, small=self.small)
        return self.regions

    def uncovered_regions(self, max_covered: float = 0.5) -> list[Region]:
        """Regions mostly outside every symbol read so far: maybe another code.

        A region often holds two symbols printed side by side (one label), so a region
        counts as uncovered unless reads cover most of its area, not just its centre.
        """
        polys = []
        for v in self.votes.values():
            if len(v.points) < 2:
                continue
            (cx, cy), (w, h), ang = cv2.minAreaRect(np.asarray(v.points, np.float32))
            # A 1D read is located by its scan line(s): give it a label-like bar height.
            long_side = max(w, h)
            if w >= h:
                h = max(h, 0.35 * long_side)
            else:
                w = max(w, 0.35 * long_side)
            box = cv2.boxPoints(((cx, cy), (w, h), ang)).astype(np.float32)
            polys.append(cv2.convexHull(box.reshape(-1, 1, 2)))
        out = []
        for reg in self.get_regions():
            area = float(reg.size[0] * reg.size[1])
            if area <= 0:
                continue
            corners = cv2.convexHull(reg.corners().reshape(-1, 1, 2))
            covered = 0.0
            for poly in polys:
                with contextlib.suppress(cv2.error):
                    inter, _ = cv2.intersectConvexConvex(corners, poly)
                    covered += float(inter)
            if covered / area < max_covered:
                out.append(reg)
        # Smallest first: cheapest to read, and a large blob is more often a block of text.
        out.sort(key=lambda r: r.size[0] * r.size[1])
        return out


Stage = Callable[["Decoder", Pass], None]


def work_of(engine: Engine, image: np.ndarray) -> float:
    """The work units one engine call on ``image`` costs (megapixels x the engine's cost)."""
    return float(engine.cost) * int(image.shape[0]) * int(image.shape[1]) / 1e6


def _transposed(v: Variant, name: str) -> Variant:
    """The variant turned by 90 degrees: zxing then scans 1D codes that stand upright.

    Cheaper than zxing's own try_rotate, which scans the unturned image a second time.
    """
    swap = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    to_frame = (np.vstack([v.to_frame, [0, 0, 1]]) @ swap)[:2]
    return Variant(name, np.ascontiguousarray(v.image.T), to_frame)


def stage_fast(dec: Decoder, p: Pass) -> None:
    """zxing on a frame downscaled to ~960 px, no rotation: ~2 ms at 1080p."""
    h, w = p.grey.shape
    factor = min(1.0, dec.fast_side / max(h, w))
    v = scaled(p.grey, factor, "fast") if factor < 0.9 else Variant("fast", p.grey, identity())
    p.small = v
    p.run(dec.zxing_upright, v, "fast")


def _stage_turned(dec: Decoder, p: Pass) -> None:
    """The small frame turned 90 degrees, for upright 1D codes."""
    if p.small is None:
        stage_fast(dec, p)
        if p.votes:
            return
    assert p.small is not None
    p.run(dec.zxing_upright, _transposed(p.small, "fast-T"), "turned")


def _stage_full(dec: Decoder, p: Pass) -> None:
    """zxing with a fixed threshold on the full frame: small codes, blur and glare.

    On the corpus the fixed threshold reads more than zxing's local average at full size
    (blurred bars keep their centre line) and costs about two thirds of it.
    """
    p.run(dec.zxing_fixed, Variant("full", p.grey, identity()), "full")


def _stage_full_local(dec: Decoder, p: Pass) -> None:
    """zxing's local-average binarizer on the full frame: uneven light across the label."""
    p.run(dec.zxing, Variant("full-local", p.grey, identity()), "full-local")


def _stage_regions(dec: Decoder, p: Pass, regions: list[Region] | None = None) -> None:
    """Deskewed, upscaled crops of textured regions, read by both engines.

    The crop is turned so the bars stand upright, so zxing need not try rotations. The
    sharpened fixed-threshold read goes first: it is what reads blurred and tilted
    Code 128 that the whole-frame passes missed.
    """
    todo = p.get_regions() if regions is None else regions
    # Bar-like (coherent) regions first: deskewing helps 1D codes, while zxing's matrix
    # detectors already handle any rotation in the whole-frame passes.
    last_cost = 0.0
    for reg in sorted(todo, key=lambda r: -r.coherence):
        # theta is the gradient direction (across the bars); turn it horizontal.
        steps: list[tuple[Engine, bool]] = [
            (dec.zxing_fixed_upright, True),
            (dec.zxing_upright, False),
            (dec.zbar, False),
            (dec.zbar, True),
        ]
        v = region_crop(p.grey, reg, rotate_by=reg.theta, name=f"crop{reg.center}")
        v_sharp: Variant | None = None
        for engine, enhanced in steps:
            # Do not start a read that would overrun the budget by more than half its
            # cost (a large crop on a camera frame would cost more than the frame's share).
            if p.work_left() <= 0.5 * max(last_cost, work_of(engine, v.image)):
                return
            if enhanced:
                if v_sharp is None:
                    v_sharp = Variant(v.name + "-sharp", sharpen(stretch(v.image)), v.to_frame)
                target = v_sharp
            else:
                target = v
            found = p.run(engine, target, "regions")
            last_cost = work_of(engine, target.image)
            if found:
                break


def _stage_zbar_full(dec: Decoder, p: Pass) -> None:
    """zbar on the frame at up to 960 px: good on low contrast and glare."""
    if p.small is None:
        h, w = p.grey.shape
        factor = min(1.0, dec.fast_side / max(h, w))
        p.small = (
            scaled(p.grey, factor, "fast") if factor < 0.9 else Variant("fast", p.grey, identity())
        )
    p.run(dec.zbar, p.small, "zbar")


def _native_view(grey: np.ndarray, reg: Region, margin: float = 0.15) -> Variant:
    """The region at native resolution, turned so its bars stand upright, cheaply.

    A plain slice (no copy) when the bars are near vertical, a transposed slice when near
    horizontal; only oblique 1D-like regions pay for a (linear) rotation.
    """
    h, w = grey.shape
    corners = reg.corners()
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    mx, my = (x1 - x0) * margin + 8, (y1 - y0) * margin + 8
    xa, ya = max(0, int(x0 - mx)), max(0, int(y0 - my))
    xb, yb = min(w, int(x1 + mx) + 1), min(h, int(y1 + my) + 1)
    shift = np.array([[1.0, 0.0, float(xa)], [0.0, 1.0, float(ya)]])
    off = abs(((reg.theta + 90.0) % 180.0) - 90.0)  # 0: bars vertical, 90: horizontal
    name = f"other{reg.center}"
    if reg.coherence > 0.4 and 12.0 < off < 78.0:
        return region_crop(
            grey, reg, rotate_by=reg.theta, name=name, max_scale=1.0, tight=True, linear=True
        )
    view = Variant(name, np.ascontiguousarray(grey[ya:yb, xa:xb]), shift)
    return _transposed(view, name) if off >= 45.0 else view


def stage_others(dec: Decoder, p: Pass) -> None:
    """After a read: native-resolution views of textured regions no read covers yet.

    A stage that read one code says nothing about the others (a downscaled pass reads a
    big QR and loses a fine Code 128 beside it); the region finder points at the rest
    cheaply, and zxing on a native view reads what the downscale lost.
    """
    stop = p.budget
    max_px = float("inf")
    if dec.others_work is not None:
        stop = min(stop, p.spent + dec.others_work)
        # On a camera frame a region this large is most of the frame: big modules the
        # downscaled pass saw, or a block of text.
        max_px = dec.others_max_pixels
    for reg in p.uncovered_regions():
        if p.spent >= stop:
            return
        if reg.size[0] * reg.size[1] > max_px:
            continue
        p.run(dec.zxing_fixed_upright, _native_view(p.grey, reg), "others")


def _stage_native(dec: Decoder, p: Pass, engine: Engine | None = None) -> None:
    """Native-resolution views of the textured regions, smallest first, within the budget.

    What the downscaled fast pass loses (fine bars, small codes) for a fraction of a
    full-frame pass: the label is a small part of a camera frame.
    """
    engine = engine or dec.zxing_fixed_upright
    for reg in sorted(p.get_regions(), key=lambda r: r.size[0] * r.size[1]):
        view = _native_view(p.grey, reg)
        # Within the budget, less half a read: no view that overruns it by more.
        if p.work_left() <= 0.5 * work_of(engine, view.image):
            return
        p.run(engine, view, "native")


def _stage_native_local(dec: Decoder, p: Pass) -> None:
    """The same views with zxing's local-average binarizer (uneven light, no fixed cut)."""
    _stage_native(dec, p, dec.zxing_upright)


# Ordered by codes found per millisecond on the corpus (bench_decode.py prints the yield).
STAGES: tuple[tuple[str, Stage], ...] = (
    ("fast", stage_fast),
    ("turned", _stage_turned),
    ("full", _stage_full),
    ("zbar", _stage_zbar_full),
    ("regions", _stage_regions),
    ("full-local", _stage_full_local),
)

# The camera's ladder (Decoder.decode_live): after the fast pass, one of these per frame,
# each within the live budget; no full-resolution whole-frame pass. Several frames of
# the same label see them all, and acceptance wants the same text in two frames.
LIVE_STAGES: tuple[tuple[str, Stage], ...] = (
    ("native", _stage_native),
    ("turned", _stage_turned),
    ("native-local", _stage_native_local),
    ("zbar", _stage_zbar_full),
    ("regions", _stage_regions),
)


def _axis_crop(grey: np.ndarray, points: Sequence[Point], *, max_side: int = 640) -> Variant:
    """Crop around a read symbol, its top edge turned horizontal, scaled to <= max_side."""
    pts = np.asarray(points, np.float64)
    u = pts[1] - pts[0]
    if len(pts) != 4 or float(np.hypot(*u)) < 1:
        _, (rw, rh), ang = cv2.minAreaRect(pts.astype(np.float32).reshape(-1, 1, 2))
        u = np.array([math.cos(math.radians(ang)), math.sin(math.radians(ang))])
        if rh > rw:
            u = np.array([-u[1], u[0]])
    u = u / float(np.hypot(*u))
    c = pts.mean(axis=0)
    rot = np.array([[u[0], u[1]], [-u[1], u[0]]])
    local = (pts - c) @ rot.T
    width = float(np.ptp(local[:, 0])) * 1.3 + 40
    height = float(max(np.ptp(local[:, 1]), width * 0.3)) * 1.3 + 40
    scale = min(2.0, max_side / max(width, height))
    out_w, out_h = int(width * scale), int(height * scale)
    m = np.hstack([scale * rot, (np.array([out_w / 2, out_h / 2]) - scale * rot @ c)[:, None]])
    img = cv2.warpAffine(
        grey,
        m,
        (out_w, out_h),
        flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return Variant("confirm", img, cv2.invertAffineTransform(m))


def _second_opinions(dec: Decoder, vote: _Vote) -> list[Engine]:
    """Engines to ask about an unconfirmed read, the independent ones first."""
    if vote.symbology in NEEDS_AGREEMENT:
        return [dec.zbar if "zbar" not in vote.engines else dec.zxing]
    return [e for e in (dec.zxing, dec.zbar, dec.zxing_fixed) if e.config not in vote.configs]


def confirm_reads(dec: Decoder, p: Pass) -> None:
    """Second opinion for a read that needs one: other configurations on a crop of it."""
    _confirm(dec, p, None)


def confirm_product_reads(dec: Decoder, p: Pass) -> None:
    """The live path's confirmation: only EAN/UPC, whose second opinion must be the other
    engine (the same engine in the next frame repeats its misread); zbar on a crop of the
    read costs a few milliseconds. Other codes are confirmed by the next frame."""
    _confirm(dec, p, NEEDS_AGREEMENT)


def _confirm(dec: Decoder, p: Pass, only: frozenset[str] | None) -> None:
    for key, vote in list(p.votes.items()):
        if vote.confirmed or len(vote.points) < 3 or key in p.confirm_tried:
            continue
        if only is not None and vote.symbology not in only:
            continue
        p.confirm_tried.add(key)
        v = _axis_crop(p.grey, vote.points)
        sharp: Variant | None = None
        for other in _second_opinions(dec, vote):
            p.run(other, v, vote.stage)
            if _confirmed(vote):
                break
            sharp = sharp or Variant("confirm-sharp", sharpen(v.image), v.to_frame)
            p.run(other, sharp, vote.stage)
            if _confirmed(vote):
                break


def _confirmed(vote: _Vote) -> bool:
    """The vote's state now (a run just added opinions to it)."""
    return vote.confirmed


def conflicting(votes: list[_Vote]) -> set[int]:
    """Indices of unconfirmed product-code reads overlapping a different read.

    Two different texts at one place mean one of them is wrong; drop the weaker.
    """
    bad: set[int] = set()
    for i, a in enumerate(votes):
        if a.symbology not in NEEDS_AGREEMENT or len(a.points) < 3:
            continue
        pa = np.asarray(a.points, np.float32).reshape(-1, 1, 2)
        ca = tuple(float(x) for x in pa.reshape(-1, 2).mean(0))
        for j, b in enumerate(votes):
            if i == j or len(b.points) < 3:
                continue
            pb = np.asarray(b.points, np.float32).reshape(-1, 1, 2)
            cb = tuple(float(x) for x in pb.reshape(-1, 2).mean(0))
            if cv2.pointPolygonTest(pb, ca, False) >= 0 or cv2.pointPolygonTest(pa, cb, False) >= 0:
                if not a.confirmed:
                    bad.add(i)
                elif b.symbology in NEEDS_AGREEMENT:
                    sa = len(a.engines) + len(a.variants)
                    sb = len(b.engines) + len(b.variants)
                    if sa < sb or (sa == sb and i > j):
                        bad.add(i)
    return bad

