"""Writes app.png and app.ico: the station icon (a barcode on a check-mark badge), via Pillow."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw


def draw_icon(size: int = 256) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 256
    d.rounded_rectangle((8 * s, 8 * s, 248 * s, 248 * s), radius=40 * s, fill=(21, 101, 192))
    d.rounded_rectangle((36 * s, 44 * s, 220 * s, 150 * s), radius=10 * s, fill=(255, 255, 255))
    widths = [6, 3, 9, 3, 6, 12, 3, 6, 3, 9, 6, 3, 12, 3, 6, 9, 3]
    x = 48 * s
    for i, w in enumerate(widths):
        if i % 2 == 0:
            d.rectangle((x, 56 * s, x + w * s - 1, 138 * s), fill=(20, 20, 20))
        x += w * s + 2 * s
    d.line([(76 * s, 190 * s), (112 * s, 222 * s), (184 * s, 164 * s)], fill=(255, 255, 255),
           width=int(20 * s), joint="curve")
    return img


if __name__ == "__main__":
    here = Path(__file__).parent
    icon = draw_icon(256)
    icon.save(here / "app.png")
    icon.save(here / "app.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64),
                                       (128, 128), (256, 256)])
    print(here / "app.png", here / "app.ico")
