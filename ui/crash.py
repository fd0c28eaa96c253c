"""One crash path: exceptions from any thread become one dialog on the GUI thread.

`sys.excepthook` and `threading.excepthook` only format the error and emit a signal;
the dialog is built by the slot, which Qt runs on the GUI thread. A native crash
(OpenCV, zbar, Qt) leaves a faulthandler file that the next start offers to show.

Signals:
    CrashHandler.crashed(str): formatted details of an uncaught exception.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import __version__

log = logging.getLogger("station.ui.crash")


def format_exception(exc_type: type[BaseException], exc: BaseException,
                     tb: TracebackType | None, thread_name: str | None = None) -> str:
    head = f"Inspection station {__version__}, Python {sys.version.split()[0]}"
    if thread_name:
        head += f", thread {thread_name}"
    return head + "\n\n" + "".join(traceback.format_exception(exc_type, exc, tb))


class CrashDialog(QDialog):
    """Says plainly that something went wrong, with the details one click from the clipboard."""

    def __init__(self, details: str, parent: QWidget | None = None, *,
                 native: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.setMinimumSize(640, 420)
        layout = QVBoxLayout(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        if native:
            self.message.setText(self.tr(
                "The station stopped unexpectedly last time. Your saved answers and photos "
                "are safe. Please send these details to IT."))
        else:
            self.message.setText(self.tr(
                "An unexpected error happened. Everything saved so far is safe; you can "
                "usually carry on. Please send these details to IT."))
        layout.addWidget(self.message)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlainText(details)
        layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("Copy details"), self)
        self.copy_button.clicked.connect(self.copy_details)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.clicked.connect(self.accept)
        self.close_button.setDefault(True)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def add_details(self, details: str) -> None:
        self.details.appendPlainText("\n" + "-" * 60 + "\n" + details)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class CrashHandler(QObject):
    """Installs the hooks; shows at most one dialog at a time (later errors are appended)."""

    crashed = Signal(str)

    def __init__(self, parent_widget: Callable[[], QWidget | None] = lambda: None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._parent_widget = parent_widget
        self.dialog: CrashDialog | None = None
        self._old_sys: Any = None
        self._old_thread: Any = None
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._old_sys = sys.excepthook
        self._old_thread = threading.excepthook
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._old_sys is not None:
            sys.excepthook = self._old_sys
            threading.excepthook = self._old_thread
            self._old_sys = self._old_thread = None

    def _sys_hook(self, exc_type: type[BaseException], exc: BaseException,
                  tb: TracebackType | None) -> None:
        self.report(exc_type, exc, tb, threading.current_thread().name)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else None
        self.report(args.exc_type, args.exc_value, args.exc_traceback, name)

    def report(self, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None, thread_name: str | None = None) -> None:
        """Callable from any thread: logs, then hands the text to the GUI thread."""
        if issubclass(exc_type, KeyboardInterrupt):
            return
        details = format_exception(exc_type, exc, tb, thread_name)
        log.error("uncaught exception\n%s", details)
        self.crashed.emit(details)

    @Slot(str)
    def _show(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_details(details)
            return
        self.dialog = CrashDialog(details, self._parent_widget())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dialog.open()

    def offer_crash_file(self, text: str) -> CrashDialog:
        """The faulthandler file of the last run, shown once at start."""
        dialog = CrashDialog(text, self._parent_widget(), native=True)
        self.dialog = dialog
        dialog.open()
        return dialog
