"""The summary's shift-lead sign-off for a mismatch: a reason, badge or ID, then PIN.

A serial/IMEI mismatch (14.3) and a product code mismatch (16.1) both hold the item for
review: the lead types the reason in the field shown above badge/ID and PIN.

Only asks; the core decides (app/mismatch.py through InspectionSession.sign_off_mismatch:
the PIN check, the role check, the audit line). The check runs off the GUI thread (scrypt).
The fields keep their own keys: a badge scanned into the ID field ends with Enter, which
moves to the PIN instead of confirming the inspection.

Signals:
    signed(object): the core's SignOff, once a shift lead's credentials were accepted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import DomainError
from app.mismatch import SignOff
from app.workflow import InspectionSession
from ui.flow_step_page import EnterField  # Enter is the field's, never the confirm
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, WARN_COLOUR, heading_font


class SignOffBox(QFrame):
    """Shown on the summary while a mismatch waits for a shift lead's sign-off."""

    signed = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.session: InspectionSession | None = None
        self.busy = False
        self.reason_needed = False
        self.product = False  # a product code mismatch (else a serial/IMEI one)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"SignOffBox {{ border: 2px solid {ERROR_COLOUR}; }}")
        root = QVBoxLayout(self)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.title.setFont(heading_font(self.font(), 1.1))
        root.addWidget(self.title)
        self.reason_edit = EnterField(self)  # a product code mismatch needs the lead's reason
        self.reason_edit.setMinimumHeight(44)
        self.reason_edit.hide()
        root.addWidget(self.reason_edit)
        row = QHBoxLayout()
        self.who_edit = EnterField(self)
        self.pin_edit = EnterField(self)
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_button = QPushButton(self)
        for w in (self.who_edit, self.pin_edit, self.sign_button):
            w.setMinimumHeight(44)
        row.addWidget(self.who_edit, 2)
        row.addWidget(self.pin_edit, 1)
        row.addWidget(self.sign_button)
        root.addLayout(row)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        root.addWidget(self.status)
        self.who_edit.returnPressed.connect(
            lambda: self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason))
        self.reason_edit.returnPressed.connect(
            lambda: self.who_edit.setFocus(Qt.FocusReason.OtherFocusReason))
        self.pin_edit.returnPressed.connect(self.sign)
        self.sign_button.clicked.connect(self.sign)
        self.retranslate_ui()
        self.hide()

    def show_for(self, session: InspectionSession, needed: bool, *,
                 reason_needed: bool = False, product: bool = False) -> None:
        """Show (or hide) the box for this session; a new session starts unsigned."""
        if session is not self.session:
            self.session = session
            self.who_edit.clear()
            self.pin_edit.clear()
            self.reason_edit.clear()
            self.status.clear()
        self.reason_needed = reason_needed
        self.product = product
        self.reason_edit.setVisible(reason_needed)
        self.retranslate_ui()
        if needed and session.mismatch_sign_off is not None and not session.sign_off_holds():
            self.status.setStyleSheet(f"QLabel {{ color: {WARN_COLOUR}; }}")
            self.status.setText(self.tr("Scanned again after the sign-off: a shift lead must "
                                        "sign off again."))
        self.setVisible(needed)
        self._sync_enabled()

    def satisfied(self) -> bool:
        """True when no sign-off is needed or one is held (the core checks again)."""
        s = self.session
        return self.isHidden() or (s is not None and s.sign_off_holds())

    def _sync_enabled(self) -> None:
        done = self.session is not None and self.session.sign_off_holds()
        for w in (self.who_edit, self.pin_edit, self.sign_button, self.reason_edit):
            w.setEnabled(not done and not self.busy)

    def sign(self) -> None:
        s = self.session
        if s is None or self.busy or s.sign_off_holds():
            return
        who, pin, reason = self.who_edit.text().strip(), self.pin_edit.text(), \
            self.reason_edit.text()
        if not who or not pin:
            self.status.setStyleSheet(f"QLabel {{ color: {WARN_COLOUR}; }}")
            self.status.setText(self.tr("Enter the shift lead's badge or ID and PIN."))
            (self.pin_edit if who else self.who_edit).setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.busy = True
        self._sync_enabled()
        self.status.setText(self.tr("Checking…"))
        self.services.run_in_background(lambda: s.sign_off_mismatch(who, pin, reason), self._done,
                                        self._failed, writes=True)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.pin_edit.clear()
        assert isinstance(result, SignOff)
        self.status.setStyleSheet(f"QLabel {{ color: {OK_COLOUR}; }}")
        self.status.setText(self.tr("Signed off by shift lead %1.").replace("%1", result.lead_id))
        self._sync_enabled()
        self.signed.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.pin_edit.clear()
        lang = self.services.ctx.settings.language
        text = exc.message(lang) if isinstance(exc, DomainError) else str(exc)
        self.status.setStyleSheet(f"QLabel {{ color: {ERROR_COLOUR}; }}")
        self.status.setText(text)
        self._sync_enabled()
        if isinstance(exc, DomainError) and exc.key in ("gtin_sign_off_needs_reason",
                                                         "serial_sign_off_needs_reason"):
            self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        # Most often another person comes to sign: a badge scan replaces the old ID.
        self.who_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.who_edit.selectAll()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        if self.product:
            self.title.setText(self.tr("Product code mismatch: the item is held for review. A "
                                       "shift lead must sign off with a reason before you can "
                                       "confirm."))
        else:
            self.title.setText(self.tr("Serial/IMEI mismatch: the item is held for review. A "
                                       "shift lead must sign off with a reason before you can "
                                       "confirm."))
        self.reason_edit.setPlaceholderText(self.tr("Shift lead's reason (required)"))
        self.who_edit.setPlaceholderText(self.tr("Shift lead: scan badge or type ID"))
        self.pin_edit.setPlaceholderText(self.tr("PIN"))
        self.sign_button.setText(self.tr("Sign off"))
