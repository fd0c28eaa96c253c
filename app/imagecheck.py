"""Image bombs: read an image's size from its header and refuse huge ones before decoding.

A PNG of 875 kB can declare 30000x30000 pixels; decoding it takes gigabytes and tens
of seconds. Pillow opens lazily (it reads only the header), so the pixel count is known
before OpenCV decodes anything.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

DEFAULT_MAX_MEGAPIXELS = 50.0


class ImageRefused(ValueError):
    """The image is refused before decoding; str() is a plain message for a person."""


class ImageTooLarge(ImageRefused):
    """More pixels than the limit (width/height are None when Pillow refused it outright)."""

    def __init__(self, width: int | None, height: int | None, limit: float) -> None:
        super().__init__(_too_large_text(width, height, limit))
        self.width, self.height, self.limit = width, height, limit


def check_image_header(data: bytes, max_megapixels: float = DEFAULT_MAX_MEGAPIXELS
                       ) -> tuple[int, int]:
    """(width, height) from the header; ImageRefused when too large or not an image."""
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning: our limit is lower and says it in plain words.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
    except Image.DecompressionBombError:
        raise ImageTooLarge(None, None, max_megapixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageRefused(f"not a picture that can be read ({type(exc).__name__})") from None
    if width * height > max_megapixels * 1_000_000:
        raise ImageTooLarge(width, height, max_megapixels)
    return width, height


def _too_large_text(width: int | None, height: int | None, limit: float) -> str:
    size = f"{width}x{height} pixels ({width * height / 1e6:.0f} MP)" if width and height \
        else "more pixels than any camera makes"
    return (f"the picture has {size}, more than the limit of {limit:g} MP "
            "(setting image_max_megapixels); it was not opened")
