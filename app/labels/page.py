"""The label as a one-page PDF (4x6 in or 100x150 mm) for the OS print queue.

Drawn with ReportLab on a canvas, with the report fonts (app/reports/fonts.py), so Chinese
titles and captions render. The inspection id is a vector Code 128 down the right edge,
0.8 pt (0.28 mm) a module: scannable on the printed label and from a 300 dpi rendering.
"""

from __future__ import annotations

import io

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from app.labels.content import LabelContent
from app.reports.fonts import SANS, SANS_BOLD, font_runs, register_fonts
from app.reports.layout import draw_text, make_styles

SIZES: dict[str, tuple[float, float]] = {"4x6in": (4 * inch, 6 * inch),
                                         "100x150mm": (100 * mm, 150 * mm)}
MARGIN = 12.0
BAR_WIDTH = 0.8  # points per module
BAR_HEIGHT = 40.0
BARCODE_COLUMN = 56.0  # the bars plus a gap


def _width(text: str, size: float, *, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(sum(stringWidth(run, SANS_BOLD if bold and font == SANS else font, size)
                     for font, run in font_runs(text)))


def _fitted(text: str, size: float, width: float, *, bold: bool = False) -> float:
    """The largest size up to `size` at which the text fits on one line (at least 5 pt)."""
    while size > 5 and _width(text, size, bold=bold) > width:
        size -= 0.5
    return size


def _line(canvas: Canvas, x: float, y: float, text: str, size: float, width: float, *,
          bold: bool = False) -> None:
    size = _fitted(text, size, width, bold=bold)
    if bold:
        x0 = x
        for font, run in font_runs(text):
            face = SANS_BOLD if font == SANS else font
            canvas.setFont(face, size)
            canvas.drawString(x0, y, run)
            x0 += canvas.stringWidth(run, face, size)
    else:
        draw_text(canvas, x, y, text, size)


def build_label_pdf(content: LabelContent, size: str = "4x6in") -> bytes:
    """The PDF bytes of one label page."""
    try:
        page_w, page_h = SIZES[size]
    except KeyError:
        raise ValueError(f"unknown label size {size!r}; use one of {', '.join(SIZES)}") from None
    register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(page_w, page_h), initialFontName=SANS, pageCompression=1)
    canvas.setTitle(f"{content.rma} {content.code}")
    canvas.setSubject(content.inspection_id)
    canvas.setAuthor(content.station or "inspection station")
    x = MARGIN
    col = page_w - 2 * MARGIN - BARCODE_COLUMN
    top = page_h - MARGIN
    c = content.caption

    def caption(y: float, key: str) -> None:
        canvas.setFillGray(0.35)
        _line(canvas, x, top - y, c(key), 7, col)
        canvas.setFillGray(0)

    if content.training:
        canvas.setFillColorRGB(0.75, 0.1, 0.1)
        _line(canvas, x, top - 6, c("label_training"), 7, col)
        canvas.setFillGray(0)
    caption(18, "rma")
    _line(canvas, x, top - 36, content.rma, 16, col, bold=True)
    caption(52, "item")
    _line(canvas, x, top - 66, content.sku, 12, col, bold=True)
    st = make_styles(content.language)
    desc = st.para(content.description[:160], st.body)
    _, h = desc.wrapOn(canvas, col, 40)
    if h > 34:  # at most three lines: a long title is cut, the SKU says which item it is
        desc = st.para(content.description[:70] + "…", st.body)
        _, h = desc.wrapOn(canvas, col, 40)
    desc.drawOn(canvas, x, top - 72 - h)
    caption(122, "classification")
    _line(canvas, x, top - 138, content.classification, 13, col, bold=True)
    caption(156, "disposition")
    _line(canvas, x, top - 222, content.code, 72, col, bold=True)
    name: Paragraph = st.para(content.disposition, st.h2)
    _, h = name.wrapOn(canvas, col, 40)
    name.drawOn(canvas, x, top - 232 - h)
    if content.reprint:
        _line(canvas, x, top - 298, c("label_reprint"), 20, col, bold=True)
    caption(352, "inspection_id")
    _line(canvas, x, top - 364, content.inspection_id, 7.5, col)
    _line(canvas, x, top - 382, f"{c('station')}: {content.station}", 9, col)
    _line(canvas, x, top - 396, f"{c('completed')}: {content.time}", 9, col)

    # Code 128 of the inspection id, reading top to bottom along the right edge.
    bar = Code128(content.inspection_id, barWidth=BAR_WIDTH, barHeight=BAR_HEIGHT,
                  humanReadable=False)
    canvas.saveState()
    canvas.translate(page_w - MARGIN, top)
    canvas.rotate(-90)
    bar.drawOn(canvas, 0, 0)
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return buf.getvalue()
