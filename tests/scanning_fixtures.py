"""Generated label images and videos for the scanning tests (no dependency on ../shared)."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import segno
from barcode import EAN13, Code128
from barcode.writer import ImageWriter
from PIL import Image

DATA = Path(__file__).parent / "data" / "scanning"


def code128_image(text: str, module_px: int = 3) -> np.ndarray:
    """A greyscale Code 128 symbol with quiet zones, drawn by python-barcode."""
    buf = io.BytesIO()
    Code128(text, writer=ImageWriter()).write(
        buf,
        {
            "module_width": 0.1 * module_px,
            "module_height": 12.0,
            "dpi": 254,
            "quiet_zone": 4.0,
            "write_text": False,
        },
    )
    buf.seek(0)
    return np.array(Image.open(buf).convert("L"))


def ean13_image(digits12: str, module_px: int = 3) -> np.ndarray:
    buf = io.BytesIO()
    EAN13(digits12, writer=ImageWriter()).write(
        buf,
        {
            "module_width": 0.1 * module_px,
            "module_height": 15.0,
            "dpi": 254,
            "quiet_zone": 4.0,
            "write_text": False,
        },
    )
    buf.seek(0)
    return np.array(Image.open(buf).convert("L"))


def qr_image(text: str, scale: int = 6) -> np.ndarray:
    buf = io.BytesIO()
    segno.make_qr(text).save(buf, kind="png", scale=scale, border=4)
    buf.seek(0)
    return np.array(Image.open(buf).convert("L"))


def label_frame(
    symbol: np.ndarray,
    size: tuple[int, int] = (1280, 720),
    at: tuple[int, int] = (200, 200),
    noise: float = 3.0,
    seed: int = 1,
) -> np.ndarray:
    """A BGR camera-like frame: grey desk, white label with the symbol, a little noise."""
    w, h = size
    rng = np.random.default_rng(seed)
    frame = np.full((h, w), 110, np.float32)
    sh, sw = symbol.shape
    x, y = at
    frame[y - 30 : y + sh + 30, x - 30 : x + sw + 30] = 235
    frame[y : y + sh, x : x + sw] = symbol.astype(np.float32) * (225 / 255) + 10
    frame += rng.normal(0, noise, frame.shape)
    grey = np.clip(frame, 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def empty_frame(size: tuple[int, int] = (1280, 720), seed: int = 2) -> np.ndarray:
    w, h = size
    rng = np.random.default_rng(seed)
    grey = np.clip(rng.normal(120, 6, (h, w)), 0, 255).astype(np.uint8)
    cv2.putText(grey, "FRAGILE - THIS SIDE UP", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 2, 30, 4)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def write_mjpg(path: Path, frames: list[np.ndarray], fps: float = 25.0) -> Path:
    """Write frames as an MJPG .avi with OpenCV (the format the headless wheel writes)."""
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (w, h))
    assert writer.isOpened(), "OpenCV cannot write MJPG here"
    try:
        for f in frames:
            writer.write(f)
    finally:
        writer.release()
    return path
