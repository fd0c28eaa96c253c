"""The Qt part of `--self-test`: platform plugin, fonts, image formats, multimedia, print, PDF.

Runs in a child process started by app.selftest (a Qt platform plugin that fails to
load aborts the whole process), so it may create the QApplication itself. Each
module the station uses is exercised once, so a bundle that lost a plugin or a
library fails here rather than on a bench.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.resources import resource_path

REPORT_DPI = 150  # ReportLab barcodes decode from 150 dpi renderings, not from 100


def check_qt(pdf: Path | None = None, png: Path | None = None) -> tuple[bool, str]:
    """(ok, detail). With `pdf`, its first page is rendered through QtPdf into `png`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QTranslator
    from PySide6.QtGui import (
        QColor,
        QFontDatabase,
        QGuiApplication,
        QIcon,
        QImage,
        QImageReader,
        QPainter,
    )
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["inspection-station-selftest"])
    problems: list[str] = []
    facts = [f"platform {QGuiApplication.platformName()}", f"PySide6 {pyside_version}"]

    for name in ("DejaVuSans.ttf", "DroidSansFallbackFull.ttf"):
        if QFontDatabase.addApplicationFont(str(resource_path("fonts", name))) < 0:
            problems.append(f"font {name} does not load")
    facts.append(f"{len(QFontDatabase.families())} font families")

    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    missing = {"jpeg", "png"} - formats
    if missing:
        problems.append(f"no image plugin for {', '.join(sorted(missing))}")
    if QIcon(str(resource_path("icons", "app.png"))).isNull():
        problems.append("the app icon does not load")

    image = QImage(320, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.drawText(10, 40, "RMA-2026-0001234 退货")
    finally:
        painter.end()

    qm_files = sorted(resource_path("translations").glob("*.qm"))
    bad_qm = [p.name for p in qm_files if not QTranslator().load(str(p))]
    if bad_qm:
        problems.append(f"translations do not load: {', '.join(bad_qm)}")
    facts.append(f"{len(qm_files) - len(bad_qm)} translations")

    facts.append(_signal_refcounts(problems))
    facts.append(_multimedia(problems))
    facts.append(_printing(problems))
    if pdf is not None:
        facts.append(_pdf_page(pdf, png, problems))
    del app  # the process ends right after; no exec() needed
    if problems:
        return False, "; ".join(problems)
    return True, ", ".join(facts)


def _signal_refcounts(problems: list[str]) -> str:
    """A binding that miscounts references on emit aborts a station within minutes."""
    from ui.qt_refcheck import emit_refcount_drift, refcounts_hold

    result = emit_refcount_drift(20_000)
    if not refcounts_hold(result):
        problems.append(f"signal emits change Python refcounts {result['drift']}: this Qt "
                        "binding would crash the station; install the pinned PySide6")
    return f"{result['emits']} signal emits keep refcounts"


def _multimedia(problems: list[str]) -> str:
    try:
        from PySide6.QtCore import QUrl
        from PySide6.QtMultimedia import QSoundEffect
    except ImportError as exc:  # on Linux usually libpulse0 missing
        problems.append(f"QtMultimedia does not import ({exc})")
        return "no multimedia"
    # The scan beep is the station's only use of Qt Multimedia (the camera goes through
    # OpenCV), so the bundle ships no media backend: QSoundEffect works without one.
    beep = QSoundEffect()
    beep.setSource(QUrl.fromLocalFile(str(resource_path("sounds", "beep.wav"))))
    return "QSoundEffect"


def _printing(problems: list[str]) -> str:
    try:
        from PySide6.QtPrintSupport import QPrinter
    except ImportError as exc:
        problems.append(f"QtPrintSupport does not import ({exc})")
        return "no printing"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    return "print support"


def _pdf_page(pdf: Path, png: Path | None, problems: list[str]) -> str:
    try:
        from PySide6.QtCore import QSize
        from PySide6.QtGui import QColor, QImage, QPainter
        from PySide6.QtPdf import QPdfDocument
    except ImportError as exc:
        problems.append(f"QtPdf does not import ({exc})")
        return "no PDF preview"
    doc = QPdfDocument()
    error = doc.load(str(pdf))
    if error != QPdfDocument.Error.None_ or doc.pageCount() < 1:
        problems.append(f"QtPdf cannot open the report ({error})")
        return "no PDF preview"
    points = doc.pagePointSize(0)
    size = QSize(round(points.width() * REPORT_DPI / 72), round(points.height() * REPORT_DPI / 72))
    page = doc.render(0, size)
    # The rendering is transparent: paint it onto white before anyone decodes it.
    white = QImage(page.size(), QImage.Format.Format_RGB32)
    white.fill(QColor("white"))
    painter = QPainter(white)
    try:
        painter.drawImage(0, 0, page)
    finally:
        painter.end()
    if png is not None and not white.save(str(png)):
        problems.append(f"cannot save the rendered page to {png}")
    return f"QtPdf renders the report ({doc.pageCount()} page(s))"
