"""Shift lead: add an operator, import the roster from a CSV file (all or nothing), or
lift a login lockout (the ID in the first field).

Signals:
    roster_changed(int): operators were added (how many).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import Role
from app.operators import require_shift_lead
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, FlashLabel


class OperatorsDialog(QDialog):
    """Add one operator or import a roster; refuses to open for anyone but a shift lead."""

    roster_changed = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        require_shift_lead(services.ctx.operator, "manage operators")
        super().__init__(parent)
        self.services = services
        self._pending = 0  # additions or imports still being written
        self._close_with: int | None = None  # closing was asked for meanwhile
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.labels = [QLabel(self) for _ in range(5)]
        self.id_edit = QLineEdit(self)
        self.name_edit = QLineEdit(self)
        self.role_combo = QComboBox(self)
        self.role_combo.addItem("", Role.INSPECTOR.value)
        self.role_combo.addItem("", Role.SHIFT_LEAD.value)
        self.pin_edit = QLineEdit(self)
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.badge_edit = QLineEdit(self)
        for label, widget in zip(self.labels, (self.id_edit, self.name_edit, self.role_combo,
                                               self.pin_edit, self.badge_edit), strict=True):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.message = FlashLabel(self)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.import_button = QPushButton(self)
        self.add_button = QPushButton(self)
        self.unlock_button = QPushButton(self)
        self.close_button = QPushButton(self)
        for b in (self.import_button, self.unlock_button, self.add_button, self.close_button):
            b.setMinimumHeight(48)
            row.addWidget(b)
        self.import_button.clicked.connect(lambda: self.import_csv())
        self.add_button.clicked.connect(self.add_operator)
        self.unlock_button.clicked.connect(self.unlock)
        self.close_button.clicked.connect(self.accept)
        layout.addLayout(row)
        self.retranslate_ui()

    def _run(self, work: Any, ok_text: str, clear: bool) -> None:
        def done(count: Any) -> None:
            self._pending -= 1
            self.message.show_message(ok_text.replace("%1", str(count)), OK_COLOUR)
            if clear:
                for edit in (self.id_edit, self.name_edit, self.pin_edit, self.badge_edit):
                    edit.clear()
            self.roster_changed.emit(int(count))
            self._close_if_asked()

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            self.message.show_message(str(exc), ERROR_COLOUR, flash=True)
            self._close_if_asked()

        self._pending += 1
        self.services.run_in_background(work, done, failed, writes=True)

    def done(self, result: int) -> None:
        """Closing (Close, Esc, logout) waits for the writes this dialog started."""
        if self._pending:
            self._close_with = result
            return
        super().done(result)

    def _close_if_asked(self) -> None:
        if not self._pending and self._close_with is not None:
            self.done(self._close_with)

    def add_operator(self) -> None:
        ops, by = self.services.ctx.operators, self.services.ctx.operator
        assert by is not None
        args = (self.id_edit.text().strip(), self.name_edit.text(),
                Role(self.role_combo.currentData()), self.pin_edit.text().strip(),
                self.badge_edit.text().strip() or None)

        def work() -> int:
            ops.add(*args, by=by)
            return 1

        self._run(work, self.tr("Operator added."), True)

    def unlock(self) -> None:
        """Lift the lockout of the ID typed in the first field (audited in the core)."""
        ops, by, operator_id = (self.services.ctx.operators, self.services.ctx.operator,
                                self.id_edit.text().strip())
        assert by is not None
        if not operator_id:
            self.message.show_message(self.tr("Enter the operator ID to unlock."),
                                      ERROR_COLOUR, flash=True)
            return

        def done(lifted: Any) -> None:
            text = self.tr("%1 unlocked: they can sign in again.") if lifted \
                else self.tr("%1 was not locked.")
            self.message.show_message(text.replace("%1", operator_id), OK_COLOUR)

        def failed(exc: BaseException) -> None:
            self.message.show_message(str(exc), ERROR_COLOUR, flash=True)

        self.services.run_in_background(lambda: ops.unlock(operator_id, by=by), done, failed,
                                        writes=True)

    def import_csv(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import roster"), str(Path.home()), self.tr("CSV files (*.csv)"))
            if not path:
                return
        ops, by, file = self.services.ctx.operators, self.services.ctx.operator, Path(path)
        assert by is not None

        def work() -> int:
            return ops.import_csv(file.read_text(encoding="utf-8-sig"), by=by)

        self._run(work, self.tr("%1 operator(s) imported."), False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Operators"))
        policy = self.services.ctx.operators.policy
        pin = self.tr("PIN (%1-12 digits; shift lead %2-12)").replace(
            "%1", str(policy.pin_min_length_inspector)).replace(
            "%2", str(policy.pin_min_length_lead))
        for label, text in zip(self.labels, (self.tr("Operator ID"), self.tr("Name"),
                                             self.tr("Role"), pin,
                                             self.tr("Badge code (optional)")), strict=True):
            label.setText(text)
        self.role_combo.setItemText(0, self.tr("Inspector"))
        self.role_combo.setItemText(1, self.tr("Shift lead"))
        self.import_button.setText(self.tr("Import roster CSV…"))
        self.add_button.setText(self.tr("Add operator"))
        self.unlock_button.setText(self.tr("Unlock login"))
        self.close_button.setText(self.tr("Close"))
