"""Shared report layout: paper sizes, paragraph styles, local times, page footer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from app.messages import t
from app.reports.fonts import SANS, SANS_BOLD, font_runs, markup, needs_cjk, register_fonts

PAPERS: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}
MARGIN = 14 * mm
GRID = colors.HexColor("#b0b0b0")
HEAD_BG = colors.HexColor("#e8e8e8")


def paper_size(paper: str) -> tuple[float, float]:
    try:
        return PAPERS[paper.lower()]
    except KeyError:
        raise ValueError(f"unknown paper {paper!r}; use a4 or letter") from None


def to_local(ts: datetime, tz: tzinfo | None) -> datetime:
    """The station's local time (tz None: this computer's zone, DST-aware)."""
    return ts.astimezone(tz)


def fmt_time(ts: datetime | None, tz: tzinfo | None, *, seconds: bool = False) -> str:
    if ts is None:
        return "—"
    local = to_local(ts, tz)
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    total = round(seconds)
    sign = "-" if total < 0 else ""
    total = abs(total)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{sign}{h}:{m:02d}:{s:02d}" if h else f"{sign}{m}:{s:02d}"


def fmt_share(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{100.0 * part / whole:.1f}%"


@dataclass(frozen=True, slots=True)
class Styles:
    language: str
    body: ParagraphStyle
    small: ParagraphStyle
    bold: ParagraphStyle
    title: ParagraphStyle
    h2: ParagraphStyle
    mono: ParagraphStyle

    def para(self, text: object, style: ParagraphStyle | None = None) -> Paragraph:
        """A paragraph of untrusted text (escaped, font chosen per run)."""
        st = style or self.body
        value = "" if text is None else str(text)
        if needs_cjk(value):
            st = ParagraphStyle(st.name + "-cjk", parent=st, wordWrap="CJK")
        return Paragraph(markup(value), st)


def make_styles(language: str) -> Styles:
    register_fonts()
    wrap = "CJK" if language == "zh_CN" else None
    body = ParagraphStyle("body", fontName=SANS, fontSize=8.5, leading=11, wordWrap=wrap)
    return Styles(
        language=language,
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=7, leading=8.5),
        bold=ParagraphStyle("bold", parent=body, fontName=SANS_BOLD),
        title=ParagraphStyle("title", parent=body, fontName=SANS_BOLD, fontSize=15,
                             leading=19, spaceAfter=4),
        h2=ParagraphStyle("h2", parent=body, fontName=SANS_BOLD, fontSize=10.5, leading=14,
                          spaceBefore=8, spaceAfter=3, keepWithNext=1),
        mono=ParagraphStyle("mono", parent=body, fontSize=7.5, leading=9.5),
    )


def drawing(width: float, height: float) -> Drawing:
    """A graphics canvas whose initial font is ours (else ReportLab adds a bare Helvetica)."""
    d = Drawing(width, height)
    d.__dict__["initialFontName"] = SANS  # read by renderbase.StateTracker(defaultObj=...)
    return d


def table(data: list[list[Any]], **kw: Any) -> Table:
    """A Table whose cells use our font (ReportLab sets Helvetica per cell otherwise)."""
    tbl = Table(data, **kw)
    tbl.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS)]))
    return tbl


def grid_table(rows: list[list[Any]], widths: list[float], *, header: bool = True,
               zebra: bool = False) -> Table:
    """A bordered table; the first row is a repeated header when `header`."""
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    cmds0: list[tuple[Any, ...]] = [("FONTNAME", (0, 0), (-1, -1), SANS)]
    cmds: list[tuple[Any, ...]] = [
        *cmds0,
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_BG))
    if zebra:
        for i in range(2, len(rows), 2):
            cmds.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f6f6f6")))
    table.setStyle(TableStyle(cmds))
    return table


def draw_text(canvas: Any, x: float, y: float, text: str, size: float, *,
              align: str = "left") -> None:
    """Canvas text with per-run fonts (page headers and footers)."""
    runs = font_runs(text)
    width = sum(canvas.stringWidth(r, f, size) for f, r in runs)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    for font, run in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += canvas.stringWidth(run, font, size)


def footer(language: str, left: str, generated: datetime,
           tz: tzinfo | None, *, training: bool = False) -> Callable[[Any, Any], None]:
    """onPage callback: who/what on the left, generation time and page number on the right.

    With `training`, every page also carries a TRAINING line at the top, so a report
    from a training station can never pass for a real inspection.
    """
    stamp = f"{t(language, 'generated')}: {fmt_time(generated, tz)}"

    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        width, height = doc.pagesize
        if training:
            canvas.setFillColorRGB(0.75, 0.1, 0.1)
            draw_text(canvas, width / 2, height - MARGIN / 2 - 4, t(language, "training"), 11,
                      align="center")
            canvas.setFillColorRGB(0, 0, 0)
        y = MARGIN / 2
        canvas.setStrokeColor(GRID)
        canvas.line(MARGIN, y + 9, width - MARGIN, y + 9)
        draw_text(canvas, MARGIN, y, left, 7)
        draw_text(canvas, width - MARGIN, y,
                  f"{stamp}   {t(language, 'page', n=doc.page)}", 7, align="right")
        canvas.restoreState()

    return draw


def shift_label(start: datetime, end: datetime, tz: tzinfo | None) -> str:
    """'2024-05-02 22:00 – 2024-05-03 06:00' (the end date shown when it differs)."""
    a, b = to_local(start, tz), to_local(end, tz)
    right = b.strftime("%H:%M") if a.date() == b.date() else b.strftime("%Y-%m-%d %H:%M")
    return f"{a.strftime('%Y-%m-%d %H:%M')} – {right}"
