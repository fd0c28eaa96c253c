"""Photo thumbnails for reports: small JPEGs, verified against the recorded SHA-256, cached.

ReportLab embeds JPEGs as they are, so reports embed thumbnails, never the originals.
A thumbnail is only made from a file whose SHA-256 matches what was recorded (a report
is evidence: it must not show a different picture), and the cache is keyed by that hash,
so a cached thumbnail always belongs to the recorded photo.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.atomic import atomic_write

THUMB_PX = 400
THUMB_QUALITY = 72


def cache_dir_for(data_dir: Path) -> Path:
    """Where a station keeps report thumbnails (safe to delete at any time)."""
    return data_dir / "cache" / "thumbs"


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """JPEG bytes of a thumbnail, or None with the reason (missing, unreadable, mismatch)."""

    jpeg: bytes | None
    width: int = 0
    height: int = 0
    problem: str | None = None  # "photo_missing" | "photo_unreadable" | "photo_mismatch"


def _make(data: bytes, max_px: int) -> tuple[bytes, int, int]:
    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (max_px, max_px))  # JPEG: decode at 1/2, 1/4 or 1/8 scale (fast)
        img.load()
        rgb = img.convert("RGB")
    rgb.thumbnail((max_px, max_px), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", quality=THUMB_QUALITY, optimize=False)
    return buf.getvalue(), rgb.width, rgb.height


def _size_of(jpeg: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(jpeg)) as img:
        return img.width, img.height


def thumbnail(
    path: Path | None,
    sha256: str | None,
    *,
    cache_dir: Path | None = None,
    max_px: int = THUMB_PX,
) -> Thumbnail:
    """A thumbnail of the photo at `path`; problems become a reason, never an exception."""
    if path is None:
        return Thumbnail(None, problem="photo_missing")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Thumbnail(None, problem="photo_missing")
    except OSError:
        return Thumbnail(None, problem="photo_unreadable")
    if sha256 and hashlib.sha256(data).hexdigest() != sha256.lower():
        return Thumbnail(None, problem="photo_mismatch")
    cached = cache_dir / f"{sha256.lower()}-{max_px}.jpg" if cache_dir and sha256 else None
    if cached is not None:
        try:
            jpeg = cached.read_bytes()
            w, h = _size_of(jpeg)
            return Thumbnail(jpeg, w, h)
        except (OSError, UnidentifiedImageError, ValueError):
            pass  # absent or damaged cache entry: make it again
    try:
        jpeg, w, h = _make(data, max_px)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return Thumbnail(None, problem="photo_unreadable")
    if cached is not None:
        _store(cached, jpeg)
    return Thumbnail(jpeg, w, h)


def _store(target: Path, data: bytes) -> None:
    """Best effort (a cache): write to a temp name and rename, so readers never see half."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, durable=False)  # a full disk leaves no temp file behind
    except OSError:
        pass
