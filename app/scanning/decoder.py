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
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import cv2
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

# Budget of the module-level decode(): stills (files, pages, self-test) where finding
# every code matters more than the camera's frame rate.
STILL_BUDGET_MS = 400.0

# Frames larger than this (either side) are refused rather than decoded for seconds.
MAX_SIDE = 12000
MIN_SIDE = 8


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
    """What the ladder needs from a decoding library."""

    name: str

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        """Decode a contiguous uint8 greyscale image."""
        ...


# --------------------------------------------------------------------------- normalising


def _normalise(text: str, symbology: str) -> tuple[str, str]:
    """Give both engines' results one shape (UPC-A as 12 digits, no stray NULs)."""
    text = text.replace("\x00", "")
    if symbology == EAN13 and len(text) == 13 and text.startswith("0") and text.isdigit():
        return text[1:], UPCA
    return text, symbology


# --------------------------------------------------------------------------- zxing-cpp


class ZxingEngine:
    """zxing-cpp; one call is stateless and releases the GIL, so it is thread-safe."""

    _NAMES: ClassVar[dict[str, tuple[str, ...]]] = {
        CODE128: ("Code128",),
        CODE39: ("Code39",),
        CODE93: ("Code93",),
        ITF: ("ITF",),
        EAN13: ("EAN13",),
        EAN8: ("EAN8",),
        UPCA: ("UPCA",),
        UPCE: ("UPCE",),
        QR: ("QRCode",),
        DATAMATRIX: ("DataMatrix",),
        PDF417: ("PDF417",),
        DATABAR: ("DataBar",),
        DATABAR_EXP: ("DataBarExpanded", "DataBarExp"),
    }
    _BACK: ClassVar[dict[str, str]] = {
        "Code128": CODE128,
        "Code39": CODE39,
        "Code39Std": CODE39,
        "Code39Ext": CODE39,
        "Code93": CODE93,
        "ITF": ITF,
        "ITF14": ITF,
        "EAN13": EAN13,
        "EAN8": EAN8,
        "UPCA": UPCA,
        "UPCE": UPCE,
        "QRCode": QR,
        "QRCodeModel2": QR,
        "DataMatrix": DATAMATRIX,
        "PDF417": PDF417,
        "DataBar": DATABAR,
        "DataBarOmni": DATABAR,
        "DataBarExpanded": DATABAR_EXP,
        "DataBarExp": DATABAR_EXP,
    }

    def __init__(
        self,
        name: str = "zxing",
        *,
        binarizer: str = "LocalAverage",
        try_rotate: bool = True,
        try_invert: bool = False,
        try_downscale: bool = False,
    ) -> None:
        import zxingcpp

        self._zx: Any = zxingcpp
        self.name = name
        self._binarizer = getattr(zxingcpp.Binarizer, binarizer)
        self._opts = {
            "try_rotate": try_rotate,
            "try_invert": try_invert,
            "try_downscale": try_downscale,
        }
        self._formats_cache: dict[frozenset[str], Any] = {}

    def _formats(self, symbologies: frozenset[str]) -> Any:
        cached = self._formats_cache.get(symbologies)
        if cached is not None:
            return cached
        fmts = []
        for sym in sorted(symbologies):
            for attr in self._NAMES.get(sym, ()):
                fmt = getattr(self._zx.BarcodeFormat, attr, None)
                if fmt is not None:
                    fmts.append(fmt)
                    break
        # zxing-cpp 3 takes a tuple; 2.x wanted the formats or-ed together.
        value: Any = tuple(fmts)
        try:
            self._zx.read_barcodes(np.zeros((8, 8), np.uint8), formats=value)
        except TypeError:
            value = fmts[0]
            for fmt in fmts[1:]:
                value = value | fmt
        self._formats_cache[symbologies] = value
        return value

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        results = self._zx.read_barcodes(
            grey,
            formats=self._formats(symbologies),
            binarizer=self._binarizer,
            **self._opts,
        )
        out: list[RawRead] = []
        for res in results:
            fmt_name = getattr(res.format, "name", str(res.format))
            sym = self._BACK.get(fmt_name)
            if sym is None or not res.text:
                continue
            pos = res.position
            pts = tuple(
                (float(p.x), float(p.y))
                for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
            )
            text, sym = _normalise(res.text, sym)
            out.append(RawRead(text, sym, pts))
        return out


# --------------------------------------------------------------------------- zbar


class ZbarEngine:
    """zbar through pyzbar's ctypes wrapper, one image scanner per thread.

    A zbar image scanner keeps state and must not be shared between threads, so each
    thread gets its own, configured once for the requested symbologies.
    """

    _NAMES: ClassVar[dict[str, str]] = {
        CODE128: "CODE128",
        CODE39: "CODE39",
        CODE93: "CODE93",
        EAN13: "EAN13",
        EAN8: "EAN8",
        UPCA: "UPCA",
        UPCE: "UPCE",
        QR: "QRCODE",
        # ITF is left to zxing: zbar's I25 reads short false codes from plain texture.
        # DataBar too: zbar 0.23 prints assertion failures on some frames.
    }

    def __init__(self, name: str = "zbar") -> None:
        from pyzbar import wrapper

        self._w = wrapper
        self.name = name
        self._local = threading.local()
        self._back = {getattr(wrapper.ZBarSymbol, v): k for k, v in self._NAMES.items()}

    def _scanner(self, symbologies: frozenset[str]) -> Any:
        w = self._w
        cache: dict[frozenset[str], Any] | None = getattr(self._local, "scanners", None)
        if cache is None:
            cache = {}
            self._local.scanners = cache
        scanner = cache.get(symbologies)
        if scanner is None:
            scanner = w.zbar_image_scanner_create()
            if not scanner:
                raise RuntimeError("zbar could not create an image scanner")
            wanted = {
                getattr(w.ZBarSymbol, self._NAMES[s]) for s in symbologies if s in self._NAMES
            }
            for sym in w.ZBarSymbol:
                on = 1 if sym in wanted else 0
                w.zbar_image_scanner_set_config(scanner, sym, w.ZBarConfig.CFG_ENABLE, on)
            cache[symbologies] = scanner
        return scanner

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        if not any(s in self._NAMES for s in symbologies):
            return []
        w = self._w
        scanner = self._scanner(symbologies)
        h, wid = grey.shape[:2]
        data = np.ascontiguousarray(grey).tobytes()
        image = w.zbar_image_create()
        out: list[RawRead] = []
        try:
            w.zbar_image_set_format(image, 808466521)  # fourcc 'Y800' (8-bit grey)
            w.zbar_image_set_size(image, wid, h)
            w.zbar_image_set_data(
                image, ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p), len(data), None
            )
            if w.zbar_scan_image(scanner, image) < 0:
                return []
            symbol = w.zbar_image_first_symbol(image)
            while symbol:
                raw = ctypes.string_at(
                    w.zbar_symbol_get_data(symbol), w.zbar_symbol_get_data_length(symbol)
                )
                sym_name = self._back.get(symbol.contents.type)
                n = w.zbar_symbol_get_loc_size(symbol)
                pts = [
                    (
                        float(w.zbar_symbol_get_loc_x(symbol, i)),
                        float(w.zbar_symbol_get_loc_y(symbol, i)),
                    )
                    for i in range(n)
                ]
                if sym_name is not None and pts:
                    try:
                        text = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        text = raw.decode("latin-1")
                    text, sym_name = _normalise(text, sym_name)
                    if text:
                        out.append(RawRead(text, sym_name, _box(pts)))
                symbol = w.zbar_symbol_next(symbol)
        finally:
            w.zbar_image_destroy(image)
        return out


def _box(pts: Sequence[Point]) -> tuple[Point, ...]:
    """Four corners around zbar's scan-line hits (a 1D symbol gives a thin hull)."""
    arr = np.asarray(pts, np.float32).reshape(-1, 1, 2)
    rect = cv2.minAreaRect(arr)
    return tuple((float(x), float(y)) for x, y in cv2.boxPoints(rect))


# --------------------------------------------------------------------------- input checks


def as_grey(image: object) -> np.ndarray:
    """Validate ``image`` and return a contiguous uint8 greyscale view or copy.

    Raises DecodeError for anything that is not a plausible 2D/3D image array.
    """
    if not isinstance(image, np.ndarray):
        raise DecodeError(f"expected a numpy array, got {type(image).__name__}")
    arr: np.ndarray[Any, Any] = image
    if arr.ndim not in (2, 3) or arr.size == 0:
        raise DecodeError(f"expected a 2D or 3D image, got shape {arr.shape}")
    h, w = arr.shape[:2]
    if h > MAX_SIDE or w > MAX_SIDE:
        raise DecodeError(f"image of {w}x{h} is larger than {MAX_SIDE} pixels a side")
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8) * 255
    elif arr.dtype == np.uint16:
        arr = (arr >> 8).astype(np.uint8)
    elif arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise DecodeError("image contains NaN or infinite values")
        top = float(arr.max()) if arr.size else 1.0
        scale = 255.0 if top <= 1.0 else 1.0
        arr = np.clip(arr * scale, 0, 255).astype(np.uint8)
    elif arr.dtype != np.uint8:
        raise DecodeError(f"unsupported pixel type {arr.dtype}")
    if arr.ndim == 3:
        channels = arr.shape[2]
        if channels == 1:
            arr = arr[:, :, 0]
        elif channels == 3:
            arr = cv2.cvtColor(np.ascontiguousarray(arr), cv2.COLOR_BGR2GRAY)
        elif channels == 4:
            arr = cv2.cvtColor(np.ascontiguousarray(arr), cv2.COLOR_BGRA2GRAY)
        else:
            raise DecodeError(f"unsupported channel count {channels}")
    return np.ascontiguousarray(arr)


# --------------------------------------------------------------------------- candidate regions


@dataclass(frozen=True)
class Region:
    """A textured area that may hold a symbol; ``theta`` is the dominant gradient angle."""

    center: Point
    size: tuple[float, float]
    angle: float
    theta: float
    coherence: float
    score: float

    def corners(self) -> np.ndarray:
        return cv2.boxPoints((self.center, self.size, self.angle)).astype(np.float32)


def find_regions(
    grey: np.ndarray, *, work_side: int = 640, limit: int = 4, small: Variant | None = None
) -> list[Region]:
    """Find textured blobs (symbols, and some text) on a small copy of the frame.

    The structure tensor gives each blob's bar direction, used to deskew the crop. It
    runs after every read of a still (to look for further codes), so it is kept to a
    few milliseconds: the tensor is averaged over each blob directly, and the texture
    threshold comes from a subsampled percentile.
    """
    h, w = grey.shape
    s = min(1.0, work_side / max(h, w))
    work: np.ndarray
    if s >= 1:
        work = grey
    elif small is not None and small.image.shape[1] > w * s:
        # ``small`` (the fast pass's area-averaged frame) is already smooth: a linear
        # resize of it costs a tenth of an area resize of the whole frame.
        work = cv2.resize(small.image, (round(w * s), round(h * s)), interpolation=cv2.INTER_LINEAR)
    else:
        work = cv2.resize(grey, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    s = work.shape[1] / w
    small_img = work
    gx = cv2.Sobel(small_img, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small_img, cv2.CV_32F, 0, 1, ksize=3)
    k = (9, 9)
    mag = cv2.boxFilter(cv2.magnitude(gx, gy), -1, k)
    thr = max(40.0, float(np.percentile(mag[::3, ::3], 90)))
    mask: Any = (mag > thr).astype(np.uint8) * 255
    mask = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    )
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out: list[Region] = []
    min_area = 0.002 * small_img.shape[0] * small_img.shape[1]
    for c in contours:
        area = cv2.contourArea(c)
        if area < min_area:
            continue
        (cx, cy), (rw, rh), ang = cv2.minAreaRect(c)
        x, y, bw, bh = cv2.boundingRect(c)
        sl = np.s_[y : y + bh, x : x + bw]
        bx, by = gx[sl], gy[sl]
        sxx = float(np.mean(bx * bx))
        syy = float(np.mean(by * by))
        sxy = float(np.mean(bx * by))
        theta = 0.5 * math.degrees(math.atan2(2 * sxy, sxx - syy))
        coh = math.sqrt((sxx - syy) ** 2 + 4 * sxy * sxy) / (sxx + syy + 1e-6)
        score = float(mag[sl].mean()) * math.sqrt(area)
        out.append(Region((cx / s, cy / s), (rw / s, rh / s), ang, theta, coh, score))
    out.sort(key=lambda r: -r.score)
    return out[:limit]


# --------------------------------------------------------------------------- image variants


@dataclass
class Variant:
    """An image derived from the frame and the affine map from its pixels to the frame's."""

    name: str
    image: np.ndarray
    to_frame: np.ndarray  # 2x3

    def map_points(self, pts: Iterable[Point]) -> tuple[Point, ...]:
        arr = np.asarray(list(pts), np.float64)
        if arr.size == 0:
            return ()
        mapped = arr @ self.to_frame[:, :2].T + self.to_frame[:, 2]
        return tuple((round(float(x), 1), round(float(y), 1)) for x, y in mapped)


def _identity() -> np.ndarray:
    return np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def scaled(grey: np.ndarray, factor: float, name: str) -> Variant:
    """Resize the whole frame; area interpolation when shrinking keeps thin bars."""
    interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    img = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=interp)
    inv = np.array([[1.0 / factor, 0.0, 0.0], [0.0, 1.0 / factor, 0.0]])
    return Variant(name, img, inv)


def region_crop(
    grey: np.ndarray,
    region: Region,
    *,
    rotate_by: float,
    margin: float = 0.25,
    name: str = "crop",
    max_scale: float = 2.0,
    tight: bool = False,
    linear: bool = False,
) -> Variant:
    """Cut ``region`` out of the frame, rotated by ``rotate_by`` degrees and upscaled.

    Small regions are upscaled (up to ``max_scale``) so a 1D code reaches ~3 px per
    module, which zbar needs; ``max_scale=1`` keeps the frame's native resolution.
    ``tight`` crops the turned region's extent instead of a square around it; ``linear``
    interpolates linearly (half the time of cubic, enough at native scale).
    """
    (cx, cy), (rw, rh) = region.center, region.size
    side = max(rw, rh) * (1 + 2 * margin)
    side = max(side, 48.0)
    scale = float(np.clip(900.0 / side, 1.0, max(1.0, max_scale)))
    out_w = out_h = int(min(side * scale, 1800))
    m = cv2.getRotationMatrix2D((cx, cy), rotate_by, scale)
    if tight:
        # The turned region's own extent plus the margin: a long 1D code gives a strip.
        ext = (region.corners() - np.array((cx, cy), np.float32)) @ m[:, :2].T
        span = np.ptp(ext, axis=0) * (1 + 2 * margin) + 24 * scale
        out_w, out_h = (int(min(float(v), 1800)) for v in span)
    m[0, 2] += out_w / 2 - cx
    m[1, 2] += out_h / 2 - cy
    interp = cv2.INTER_LINEAR if linear else cv2.INTER_CUBIC
    img = cv2.warpAffine(grey, m, (out_w, out_h), flags=interp, borderMode=cv2.BORDER_REPLICATE)
    inv = cv2.invertAffineTransform(m)
    return Variant(name, img, inv)


def stretch(grey: np.ndarray) -> np.ndarray:
    """Stretch the 1st-99th percentile to the full range (low-contrast labels)."""
    lo, hi = np.percentile(grey, (1, 99))
    if hi - lo < 8:
        return grey
    lut = np.clip((np.arange(256) - lo) * 255.0 / (hi - lo), 0, 255).astype(np.uint8)
    return cv2.LUT(grey, lut)


def sharpen(grey: np.ndarray, sigma: float = 1.5, amount: float = 1.2) -> np.ndarray:
    """Unsharp mask: restores bar edges softened by defocus."""
    blur = cv2.GaussianBlur(grey, (0, 0), sigma)
    return cv2.addWeighted(grey, 1 + amount, blur, -amount, 0)


# --------------------------------------------------------------------------- the ladder


@dataclass
class _Vote:
    text: str
    symbology: str
    points: tuple[Point, ...]
    engines: set[str] = field(default_factory=set)
    variants: set[str] = field(default_factory=set)
    stage: str = ""

    @property
    def confirmed(self) -> bool:
        if self.symbology not in NEEDS_AGREEMENT:
            return True
        # Two reads by one engine of variants of one frame repeat the same mistake; only
        # the other engine is an independent opinion (repeats across frames are counted
        # by acceptance).
        return len(self.engines) >= 2


class _Pass:
    """State of one decode() call: votes so far, regions, deadline."""

    def __init__(self, grey: np.ndarray, symbologies: frozenset[str], deadline: float) -> None:
        self.grey = grey
        self.symbologies = symbologies
        self.deadline = deadline
        self.votes: dict[tuple[str, str], _Vote] = {}
        self.regions: list[Region] | None = None
        self.small: Variant | None = None
        self.stage_ms: dict[str, float] = {}
        self.confirm_tried: set[tuple[str, str]] = set()

    def time_left(self) -> float:
        return self.deadline - time.perf_counter()

    def run(self, engine: Engine, variant: Variant, stage: str) -> int:
        """Decode one variant with one engine; returns how many reads it gave."""
        reads = engine.read(variant.image, self.symbologies)
        for r in reads:
            key = (r.symbology, r.text)
            vote = self.votes.get(key)
            if vote is None:
                vote = _Vote(r.text, r.symbology, variant.map_points(r.points), stage=stage)
                self.votes[key] = vote
            vote.engines.add(engine.name)
            vote.variants.add(variant.name)
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


Stage = Callable[["Decoder", _Pass], None]


def _transposed(v: Variant, name: str) -> Variant:
    """The variant turned by 90 degrees: zxing then scans 1D codes that stand upright.

    Cheaper than zxing's own try_rotate, which scans the unturned image a second time.
    """
    swap = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    to_frame = (np.vstack([v.to_frame, [0, 0, 1]]) @ swap)[:2]
    return Variant(name, np.ascontiguousarray(v.image.T), to_frame)


def _stage_fast(dec: Decoder, p: _Pass) -> None:
    """zxing on a frame downscaled to ~960 px, no rotation: ~2 ms at 1080p."""
    h, w = p.grey.shape
    factor = min(1.0, dec.fast_side / max(h, w))
    v = scaled(p.grey, factor, "fast") if factor < 0.9 else Variant("fast", p.grey, _identity())
    p.small = v
    p.run(dec.zxing_upright, v, "fast")


def _stage_turned(dec: Decoder, p: _Pass) -> None:
    """The small frame turned 90 degrees, for upright 1D codes."""
    if p.small is None:
        _stage_fast(dec, p)
        if p.votes:
            return
    assert p.small is not None
    p.run(dec.zxing_upright, _transposed(p.small, "fast-T"), "turned")


def _stage_full(dec: Decoder, p: _Pass) -> None:
    """zxing with a fixed threshold on the full frame: small codes, blur and glare.

    On the corpus the fixed threshold reads more than zxing's local average at full size
    (blurred bars keep their centre line) and costs about two thirds of it.
    """
    p.run(dec.zxing_fixed, Variant("full", p.grey, _identity()), "full")


def _stage_full_local(dec: Decoder, p: _Pass) -> None:
    """zxing's local-average binarizer on the full frame: uneven light across the label."""
    p.run(dec.zxing, Variant("full-local", p.grey, _identity()), "full-local")


def _stage_regions(dec: Decoder, p: _Pass, regions: list[Region] | None = None) -> None:
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
            # likely cost (the last read's): the p95 time is what the budget protects.
            if p.time_left() <= 0.5 * last_cost:
                return
            t0 = time.perf_counter()
            if enhanced:
                if v_sharp is None:
                    v_sharp = Variant(v.name + "-sharp", sharpen(stretch(v.image)), v.to_frame)
                target = v_sharp
            else:
                target = v
            found = p.run(engine, target, "regions")
            last_cost = time.perf_counter() - t0
            if found:
                break


def _stage_zbar_full(dec: Decoder, p: _Pass) -> None:
    """zbar on the frame at up to 960 px: good on low contrast and glare."""
    if p.small is None:
        h, w = p.grey.shape
        factor = min(1.0, dec.fast_side / max(h, w))
        p.small = (
            scaled(p.grey, factor, "fast") if factor < 0.9 else Variant("fast", p.grey, _identity())
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


def _stage_others(dec: Decoder, p: _Pass) -> None:
    """After a read: native-resolution views of textured regions no read covers yet.

    A stage that read one code says nothing about the others (a downscaled pass reads a
    big QR and loses a fine Code 128 beside it); the region finder points at the rest
    cheaply, and zxing on a native view reads what the downscale lost.
    """
    stop = p.deadline
    max_px = float("inf")
    if dec.others_ms is not None:
        stop = min(stop, time.perf_counter() + dec.others_ms / 1000.0)
        # On a camera frame a region this large is most of the frame: big modules the
        # downscaled pass saw, or a block of text.
        max_px = dec.others_max_pixels
    for reg in p.uncovered_regions():
        if time.perf_counter() >= stop:
            return
        if reg.size[0] * reg.size[1] > max_px:
            continue
        p.run(dec.zxing_fixed_upright, _native_view(p.grey, reg), "others")


# Ordered by codes found per millisecond on the corpus (bench_decode.py prints the yield).
STAGES: tuple[tuple[str, Stage], ...] = (
    ("fast", _stage_fast),
    ("turned", _stage_turned),
    ("full", _stage_full),
    ("zbar", _stage_zbar_full),
    ("regions", _stage_regions),
    ("full-local", _stage_full_local),
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


def _confirm(dec: Decoder, p: _Pass) -> None:
    """Second opinion for EAN/UPC read by one engine: the other engine on a crop."""
    for key, vote in list(p.votes.items()):
        if vote.confirmed or len(vote.points) < 3 or key in p.confirm_tried:
            continue
        p.confirm_tried.add(key)
        v = _axis_crop(p.grey, vote.points)
        other = dec.zbar if "zbar" not in vote.engines else dec.zxing
        p.run(other, v, vote.stage)
        if not vote.confirmed:
            p.run(other, Variant("confirm-sharp", sharpen(v.image), v.to_frame), vote.stage)


def _conflicts(votes: list[_Vote]) -> set[int]:
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
        p = _Pass(grey, self.symbologies, time.perf_counter() + budget / 1000.0)
        for name, stage in STAGES:
            if p.time_left() <= 0:
                break
            self._timed(p, name, stage)
            if p.votes and self.require_agreement:
                with contextlib.suppress(cv2.error):
                    self._timed(p, "confirm", _confirm)
            # A lone unconfirmed EAN/UPC read is not an answer: later stages (zbar among
            # them) may give the second opinion, or read what stands beside it.
            if any(v.confirmed or not self.require_agreement for v in p.votes.values()):
                # A still must give every code in it, not just the first stage's.
                if p.time_left() > 0:
                    self._timed(p, "others", _stage_others)
                break
        return self._finish(p)

    def decode_live(self, image: object) -> list[DecodedCode]:
        """Fast pass, then the next ladder stage in turn (one per frame)."""
        grey = self._prepare(image)
        if grey is None:
            return []
        p = _Pass(grey, self.symbologies, time.perf_counter() + self.live_budget_ms / 1000.0)
        self._timed(p, "fast", _stage_fast)
        if p.votes:
            # Another label in view that the downscale loses (fine bars beside a QR).
            self._timed(p, "others", _stage_others)
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

    def _timed(self, p: _Pass, name: str, stage: Stage) -> None:
        t0 = time.perf_counter()
        stage(self, p)
        p.stage_ms[name] = p.stage_ms.get(name, 0.0) + (time.perf_counter() - t0) * 1000

    def _finish(self, p: _Pass) -> list[DecodedCode]:
        if self.require_agreement and any(not v.confirmed for v in p.votes.values()):
            with contextlib.suppress(cv2.error):
                _confirm(self, p)
        votes = list(p.votes.values())
        bad = _conflicts(votes)
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
