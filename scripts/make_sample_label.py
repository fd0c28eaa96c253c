"""Generate resources/samples/label_rma.png: the return label the self-test decodes.

A Code 128 of an RMA number and a QR code of its case id, drawn by zxing-cpp (no
system library needed) on a white label with a little text. Re-run after changing
the values; the self-test reads SAMPLE_* below, so keep them in step with
app/selftest.py.

    .venv/bin/python scripts/make_sample_label.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

SAMPLE_RMA = "RMA-2026-0001234"
SAMPLE_QR = "C-000123"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "samples" / "label_rma.png"
FONT = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"


def _symbol(text: str, fmt: zxingcpp.BarcodeFormat, scale: int) -> Image.Image:
    barcode = zxingcpp.create_barcode(text, fmt)
    return Image.fromarray(np.asarray(barcode.to_image(scale=scale, add_quiet_zones=True)))


def make_label() -> Image.Image:
    """A 1000x560 greyscale label: header, Code 128 with its text, QR in the corner."""
    label = Image.new("L", (1000, 560), 255)
    draw = ImageDraw.Draw(label)
    big: ImageFont.FreeTypeFont | ImageFont.ImageFont
    small: ImageFont.FreeTypeFont | ImageFont.ImageFont
    try:
        big = ImageFont.truetype(str(FONT), 30)
        small = ImageFont.truetype(str(FONT), 22)
    except OSError:  # fonts not there: still a valid label, just plainer text
        big = small = ImageFont.load_default()
    draw.rectangle((4, 4, 995, 555), outline=0, width=3)
    draw.text((30, 24), "RETURN - inspection station sample label", fill=0, font=big)
    code128 = _symbol(SAMPLE_RMA, zxingcpp.BarcodeFormat.Code128, 3)
    label.paste(code128.resize((code128.width, 170)), (30, 90))
    draw.text((40, 270), SAMPLE_RMA, fill=0, font=big)
    qr = _symbol(SAMPLE_QR, zxingcpp.BarcodeFormat.QRCode, 7)
    label.paste(qr, (1000 - qr.width - 30, 300))
    draw.text((30, 360), f"Case {SAMPLE_QR}", fill=0, font=small)
    draw.text((30, 400), "Not a real return. Used by `inspection-station --self-test`.",
              fill=0, font=small)
    return label


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    make_label().save(OUT, optimize=True)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
