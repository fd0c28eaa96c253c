"""Evidence photos before they are stored: checked, downscaled and stripped of metadata.

Pure functions on bytes and frames (no store, no session), so any thread may call them;
the session (app/workflow.py) stores what comes out.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from app.domain import WorkflowError
from app.imagecheck import (
    DEFAULT_MAX_MEGAPIXELS,
    ImageRefused,
    ImageTooLarge,
    check_image_header,
)

__all__ = ["MAX_PHOTO_FILE_BYTES", "PhotoError", "PhotoTooLarge", "prepare_photo"]

# A phone photo is a few MB; anything far larger is not an evidence photo.
MAX_PHOTO_FILE_BYTES = 60 * 1024 * 1024


class PhotoError(WorkflowError):
    """A picture that cannot be used as evidence (not an image, damaged, empty)."""


class PhotoTooLarge(PhotoError):
    """An image bomb (or a panorama): more pixels than image_max_megapixels, never decoded."""

    def __init__(self, refused: ImageTooLarge) -> None:
        super().__init__(f"This file cannot be used as a photo: {refused}.")
        self.width, self.height, self.limit = refused.width, refused.height, refused.limit


def prepare_photo(
    source: np.ndarray[Any, Any] | bytes, max_px: int, quality: int,
    max_megapixels: float = DEFAULT_MAX_MEGAPIXELS,
) -> tuple[bytes, int, int]:
    """Evidence JPEG: long edge at most `max_px`, EXIF and other metadata dropped.

    `source` is a BGR frame from the camera or the bytes of an image file. Re-encoding
    with OpenCV writes no metadata, so GPS positions and device names in a file's EXIF
    never leave the station; OpenCV applies the EXIF orientation when decoding, so the
    picture stays upright.
    """
    if max_px < 1 or not 1 <= quality <= 100:
        raise ValueError("max_px must be positive and quality 1..100")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if not data:
            raise PhotoError(key="photo_empty")
        if len(data) > MAX_PHOTO_FILE_BYTES:
            raise PhotoError(key="photo_file_large", mb=MAX_PHOTO_FILE_BYTES // (1024 * 1024))
        try:
            check_image_header(data, max_megapixels)  # an image bomb is never decoded
        except ImageTooLarge as exc:
            raise PhotoTooLarge(exc) from None
        except ImageRefused as exc:
            raise PhotoError(key="photo_refused", detail=str(exc)) from None
        buf = np.frombuffer(data, dtype=np.uint8)
        try:
            image = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        except cv2.error:
            image = None
        if image is None:
            raise PhotoError(key="photo_unreadable_file")
    elif isinstance(source, np.ndarray):
        image = source
    else:
        raise PhotoError(key="photo_not_a_picture")
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim != 3 or image.shape[2] != 3 or image.size == 0:
        raise PhotoError(key="photo_no_pixels")
    if image.dtype != np.uint8:
        raise PhotoError(key="photo_not_8bit")
    height, width = image.shape[:2]
    long_edge = max(height, width)
    if long_edge > max_px:
        scale = max_px / long_edge
        width = max(1, round(width * scale))
        height = max(1, round(height * scale))
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise PhotoError(key="photo_no_jpeg")
    return encoded.tobytes(), int(width), int(height)
