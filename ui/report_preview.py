"""Preview a report PDF (QtPdf) and print it (QPrinter), remembering the last printer.

Rendering the PDF runs in the background (`render_and_preview`); the dialog only
shows and prints a finished file. Printing draws each page as an image at the
printer's resolution on a white background (QPdfDocument renders transparent pages).
"print to a PDF file" works without any installed printer.

Signals (ReportPreviewDialog):
    printed(str): the printer name or the PDF file written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.reports.printer import PrinterMemory
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, FlashLabel

log = logging.getLogger("station.ui.reports")


PRINT_DPI = 300


class PrintError(RuntimeError):
    """Printing failed; the message is for a person."""


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint every page of `document` onto `printer`; returns the number of pages."""
    pages = document.pageCount()
    if pages <= 0:
        raise PrintError(QCoreApplication.translate("ReportPreviewDialog",
                                                    "The report has no pages."))
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(QCoreApplication.translate("ReportPreviewDialog",
                                                    "The printer could not be started."))
    try:
        # 300 dpi is plenty for text, barcodes and thumbnails; 1200 dpi pages take seconds.
        dpi = min(printer.resolution(), PRINT_DPI)
        for index in range(pages):
            if index:
                printer.newPage()
            target = painter.viewport()
            points = document.pagePointSize(index)
            size = QSize(max(1, round(points.width() / 72 * dpi)),
                         max(1, round(points.height() / 72 * dpi)))
            image = document.render(index, size)
            page = QImage(image.size(), QImage.Format.Format_RGB32)
            page.fill(QColor("white"))
            inner = QPainter(page)
            try:
                inner.drawImage(QPointF(0, 0), image)
            finally:
                inner.end()
            fitted = page.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, fitted.width(), fitted.height()), page)
    finally:
        painter.end()
    return pages


class ReportPreviewDialog(QDialog):
    """A finished report: page view, Print…, Print again, Save as PDF."""

    printed = Signal(str)

    def __init__(self, services: Services, pdf_path: Path | str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.pdf_path = Path(pdf_path)
        self.memory = PrinterMemory(services.ctx.paths.data_dir)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        self.message = FlashLabel(self)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.print_button = QPushButton(self)
        self.again_button = QPushButton(self)
        self.pdf_button = QPushButton(self)
        self.close_button = QPushButton(self)
        for b in (self.print_button, self.again_button, self.pdf_button, self.close_button):
            b.setMinimumHeight(52)
            row.addWidget(b)
        row.insertStretch(3, 1)
        layout.addLayout(row)
        self.pages_label = QLabel(self)
        row.insertWidget(0, self.pages_label)
        self.print_button.clicked.connect(self.print_with_dialog)
        self.again_button.clicked.connect(self.print_again)
        self.pdf_button.clicked.connect(lambda: self.save_pdf_as())
        self.close_button.clicked.connect(self.accept)
        self.resize(1000, 720)
        error = self.document.load(str(self.pdf_path))
        self.load_error = error
        self.retranslate_ui()
        if error != QPdfDocument.Error.None_:
            self.message.show_message(
                self.tr("The report could not be opened (%1).").replace("%1", error.name),
                ERROR_COLOUR)

    # --- state --------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def last_printer(self) -> str | None:
        return self.memory.last()

    # --- printing -----------------------------------------------------------------------

    def _new_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.pdf_path.stem)
        printer.setFullPage(True)
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        return printer

    def print_to(self, printer: QPrinter) -> bool:
        """Print on a configured printer; remember it when it is a real one."""
        try:
            pages = print_pdf(self.document, printer)
        except PrintError as exc:
            self.message.show_message(str(exc), ERROR_COLOUR, flash=True)
            return False
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            where = printer.outputFileName()
        else:
            where = printer.printerName()
            if where:
                self.memory.remember(where)
        self.message.show_message(
            self.tr("Printed %1 page(s) to %2.").replace("%1", str(pages)).replace("%2", where),
            OK_COLOUR)
        self.retranslate_ui()
        self.printed.emit(where)
        return True

    def print_with_dialog(self) -> None:
        printer = self._new_printer()
        last = self.memory.last()
        if last:
            printer.setPrinterName(last)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print report"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_again(self) -> bool:
        """One click: the last printer, no dialog."""
        name = self.memory.last()
        if not name:
            return False
        if name not in QPrinterInfo.availablePrinterNames():
            self.message.show_message(
                self.tr("The printer %1 is not available; use Print… to choose another.")
                .replace("%1", name), ERROR_COLOUR, flash=True)
            return False
        printer = self._new_printer()
        printer.setPrinterName(name)
        return self.print_to(printer)

    def save_pdf_as(self, path: Path | str | None = None) -> bool:
        """Print to a PDF file (works with no printer installed)."""
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the report as PDF"), str(Path.home() / self.pdf_path.name),
                self.tr("PDF files (*.pdf)"))
            if not chosen:
                return False
            path = chosen
        printer = self._new_printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return self.print_to(printer)

    # --- words --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Report preview: %1").replace("%1", self.pdf_path.name))
        self.print_button.setText(self.tr("Print…"))
        last = self.memory.last()
        self.again_button.setEnabled(bool(last))
        self.again_button.setText(
            self.tr("Print again on %1").replace("%1", last) if last else self.tr("Print again"))
        self.pdf_button.setText(self.tr("Save as PDF…"))
        self.close_button.setText(self.tr("Close"))
        self.pages_label.setText(self.tr("%1 page(s)").replace("%1", str(self.page_count)))


def render_and_preview(
    services: Services,
    render: Callable[[Path], Any],
    out: Path,
    parent: QWidget | None,
    on_ready: Callable[[ReportPreviewDialog], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> None:
    """Render the PDF to `out` on a worker thread, then open the preview on the GUI thread.

    `on_ready` gets the dialog (shown non-modally); tests use it to drive the dialog.
    """

    def done(_: Any) -> None:
        dialog = ReportPreviewDialog(services, out, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        if on_ready is not None:
            on_ready(dialog)

    def failed(exc: BaseException) -> None:
        log.error("report rendering failed: %s", exc)
        if on_error is not None:
            on_error(str(exc))

    services.run_in_background(lambda: render(out), done, failed)
