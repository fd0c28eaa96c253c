"""Prints the next-location label after a confirm, and again on request (issue 16.5).

The store read, the raw-TCP send and the page PDF run on worker threads; only a finished
page PDF is handed to the OS print queue on the GUI thread, as reports are
(ui/report_preview.print_pdf). The inspection is already stored when any of this starts,
so a failed label loses nothing: `LabelFailureBar` says so and offers to print again.

Signals (LabelPrinting):
    printed(str, str): the inspection id and where the label went (host:port or printer).
    failed(str, str): the inspection id and why the label did not print, for a person.

Signals (LabelFailureBar):
    retry_requested(str): the inspection id whose label should be printed again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMarginsF, QObject, QSizeF, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.i18n import error_text
from ui.report_preview import PrintError, print_pdf
from ui.services import Services
from ui.widgets import ERROR_COLOUR

if TYPE_CHECKING:
    from app.labels.content import LabelContent

log = logging.getLogger("station.ui.labels")

PrinterFactory = Callable[[str], QPrinter]
PAGE_SIZES = {"4x6in": (QSizeF(4, 6), QPageSize.Unit.Inch),
              "100x150mm": (QSizeF(100, 150), QPageSize.Unit.Millimeter)}


def queue_printer(name: str) -> QPrinter:
    """A QPrinter on the OS print queue `name` (empty: the default printer)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(name or QPrinterInfo.defaultPrinterName())
    return printer


class LabelPrinting(QObject):
    """One label at a time per inspection; results come back as signals on the GUI thread."""

    printed = Signal(str, str)
    failed = Signal(str, str)

    def __init__(self, services: Services, parent: QObject | None = None, *,
                 printer_factory: PrinterFactory | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.printer_factory = printer_factory or queue_printer
        self.busy: set[str] = set()  # a second click while one is printing does nothing

    @property
    def configured(self) -> bool:
        return self.services.ctx.settings.label_printer != "none"

    def print_label(self, inspection_id: str, *, reprint: bool = False) -> bool:
        """Start printing; False when nothing started (no printer on a confirm, or busy).

        A reprint with no printer set up is refused by the core, with a message.
        """
        ctx = self.services.ctx
        settings = ctx.settings
        if (not reprint and not self.configured) or inspection_id in self.busy:
            return False
        # ReportLab comes with the first label, not with the first window.
        from app.labels.printing import ZPL, load_label, send_zpl_label, write_page_label

        self.busy.add(inspection_id)
        store, by = ctx.store, ctx.operator

        def load() -> LabelContent:
            return load_label(store, inspection_id, settings, reprint=reprint, by=by)

        def loaded(content: LabelContent) -> None:
            if settings.label_printer == ZPL:
                self.services.run_in_background(
                    lambda: send_zpl_label(content, settings),
                    lambda where: self._done(inspection_id, str(where)),
                    lambda exc: self._failed(inspection_id, exc))
            else:
                out = ctx.paths.data_dir / "labels" / f"label-{inspection_id}.pdf"
                self.services.run_in_background(
                    lambda: write_page_label(content, settings, out),
                    lambda path: self._print_page(inspection_id, Path(path)),
                    lambda exc: self._failed(inspection_id, exc))

        # A reprint writes its audit entry: on the database thread, in order.
        self.services.run_in_background(load, loaded,
                                        lambda exc: self._failed(inspection_id, exc),
                                        writes=reprint)
        return True

    def _print_page(self, inspection_id: str, pdf: Path) -> None:
        """Pick the queue here; render and paint on a worker (a 300 dpi page took 240 ms)."""
        settings = self.services.ctx.settings
        printer = self.printer_factory(settings.label_printer_queue)
        # Qt falls back to PDF output when it knows no printer: only a named file is one.
        is_file = (printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
                   and bool(printer.outputFileName()))
        name = (printer.outputFileName() if is_file
                else printer.printerName() or settings.label_printer_queue)
        if not is_file and name not in QPrinterInfo.availablePrinterNames():
            self._failed(inspection_id, PrintError(
                self.tr("The label printer %1 is not available.").replace("%1", name)
                if name else self.tr("No printer is installed on this computer.")))
            return
        size, unit = PAGE_SIZES[settings.label_size]
        printer.setPageLayout(QPageLayout(QPageSize(size, unit),
                                          QPageLayout.Orientation.Portrait,
                                          QMarginsF(0, 0, 0, 0)))
        printer.setFullPage(True)
        printer.setDocName(f"label-{inspection_id}")
        unreadable = self.tr("The label PDF could not be opened.")

        def paint() -> str:
            document = QPdfDocument()  # lives and dies on this worker thread
            try:
                if document.load(str(pdf)) != QPdfDocument.Error.None_:
                    raise PrintError(unreadable)
                print_pdf(document, printer)
            finally:
                document.close()
            return name

        self.services.run_in_background(paint, lambda where: self._done(inspection_id, where),
                                        lambda exc: self._failed(inspection_id, exc))

    def _done(self, inspection_id: str, where: str) -> None:
        self.busy.discard(inspection_id)
        log.info("label for %s printed on %s", inspection_id, where)
        self.printed.emit(inspection_id, where)

    def _failed(self, inspection_id: str, exc: BaseException) -> None:
        self.busy.discard(inspection_id)
        text = error_text(exc, self.services.ctx.settings.language)
        log.warning("label for %s did not print: %s", inspection_id, text)
        self.failed.emit(inspection_id, text)


class LabelFailureBar(QFrame):
    """A strip under the screens: the last label did not print; print it again or dismiss.

    The result is stored either way, so the strip never stops the next scan.
    """

    retry_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inspection_id: str | None = None
        self.reason = ""
        self.setStyleSheet(f"LabelFailureBar {{ background: #fdecea; border-top: 2px solid "
                           f"{ERROR_COLOUR}; }}")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # the reason may hold a host name
        self.text.setWordWrap(True)
        self.text.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        row.addWidget(self.text, 1)
        self.retry_button = QPushButton(self)
        self.dismiss_button = QPushButton(self)
        for b in (self.retry_button, self.dismiss_button):
            b.setMinimumHeight(44)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the keys
            row.addWidget(b)
        self.retry_button.clicked.connect(self._retry)
        self.dismiss_button.clicked.connect(self.clear)
        self.retranslate_ui()
        self.hide()

    def show_failure(self, inspection_id: str, reason: str) -> None:
        self.inspection_id, self.reason = inspection_id, reason
        self.retranslate_ui()
        self.show()

    def printed(self, inspection_id: str, _where: str = "") -> None:
        if inspection_id == self.inspection_id:
            self.clear()

    def clear(self) -> None:
        self.inspection_id, self.reason = None, ""
        self.hide()

    def _retry(self) -> None:
        if self.inspection_id is not None:
            self.retry_requested.emit(self.inspection_id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.text.setText(self.tr("The label did not print: %1 The result is saved.")
                          .replace("%1", self.reason))
        self.retry_button.setText(self.tr("Print the label again"))
        self.dismiss_button.setText(self.tr("Dismiss"))
