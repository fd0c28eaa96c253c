"""The pictures the ladder hands the engines: input checks (``as_grey``), candidate
regions (textured patches that may hold a label) and image variants (scaled, cropped,
deskewed views that map their reads back to frame coordinates)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from app.scanning.symbols import DecodeError, Point

# Frames larger than this (either side) are refused rather than decoded for seconds.
MAX_SIDE = 12000
MIN_SIDE = 8


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


def identity() -> np.ndarray:
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

