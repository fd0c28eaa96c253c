"""Embedded TrueType fonts for reports, and markup that picks a font per run of text.

Helvetica lacks Chinese and even Ł or ř, so every report text goes through `markup`:
Latin (with accents) is drawn with DejaVu Sans, CJK characters with Droid Sans Fallback.
Both fonts ship in resources/fonts with their licences and are registered once.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import resource_path

FONT_DIR: Path = resource_path("fonts")  # source tree, installed package or frozen bundle

SANS = "StationSans"
SANS_BOLD = "StationSans-Bold"
CJK = "StationCJK"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "DroidSansFallbackFull.ttf",
}
_lock = threading.Lock()
_registered = threading.Event()  # set once the fonts are registered in this process


class FontError(RuntimeError):
    """A report font file is missing or unreadable (the install is incomplete)."""


def register_fonts() -> None:
    """Register the report fonts with ReportLab once per process (thread-safe)."""
    if _registered.is_set():
        return
    with _lock:
        if _registered.is_set():
            return
        for name, file_name in _FILES.items():
            path = FONT_DIR / file_name
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except Exception as exc:  # ReportLab raises TTFError or OSError
                raise FontError(f"report font {path} cannot be loaded: {exc}") from exc
        # <b> inside paragraphs: DejaVu has a bold face; Droid has none, so it maps to itself.
        addMapping(SANS, 0, 0, SANS)
        addMapping(SANS, 1, 0, SANS_BOLD)
        addMapping(SANS, 0, 1, SANS)
        addMapping(SANS, 1, 1, SANS_BOLD)
        addMapping(SANS_BOLD, 0, 0, SANS_BOLD)
        addMapping(SANS_BOLD, 1, 0, SANS_BOLD)
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(CJK, bold, italic, CJK)
        _registered.set()


@lru_cache(maxsize=4)
def _coverage(name: str) -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def font_runs(text: str) -> list[tuple[str, str]]:
    """Split text into (font name, run): Latin font where it has the glyph, else the CJK one."""
    latin, cjk = _coverage(SANS), _coverage(CJK)
    runs: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        font = CJK if code not in latin and code in cjk else SANS
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def needs_cjk(text: str) -> bool:
    return any(font == CJK for font, _ in font_runs(text))


def markup(text: object) -> str:
    """Paragraph markup for untrusted text: XML-escaped, CJK runs in the CJK font."""
    value = "" if text is None else str(text)
    parts: list[str] = []
    for font, run in font_runs(value):
        esc = escape(run).replace("\n", "<br/>")
        parts.append(f'<font face="{CJK}">{esc}</font>' if font == CJK else esc)
    return "".join(parts)


def label_font(texts: list[str]) -> str:
    """One font for a set of chart labels (graphics strings take a single font)."""
    return CJK if any(needs_cjk(t) for t in texts) else SANS
