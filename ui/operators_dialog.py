"""Shift lead: the roster (name, role, badge, active, last login, locked), add, edit,
deactivate/reactivate, PIN reset, unlock, and roster import from a CSV file.

Every action is checked and audited in the core (app/operators.py); this dialog only
shows what the core answered. Enter in the form presses Add (or Save changes when an
operator is selected), never the roster import.

Signals:
    roster_changed(int): operators were added (how many) or changed (0).
    roster_loaded(int): the list was (re)loaded with this many operators.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import DomainError, Role
from app.operators import OperatorInfo, require_shift_lead
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, FlashLabel

ROSTER_COLUMNS = 7
INACTIVE_COLOUR = "#757575"  # deactivated operators stay listed, greyed


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else ""


class OperatorsDialog(QDialog):
    """The roster and its actions; refuses to open for anyone but a shift lead."""

    roster_changed = Signal(int)
    roster_loaded = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        require_shift_lead(services.ctx.operator, "manage operators")
        super().__init__(parent)
        self.services = services
        self.people: list[OperatorInfo] = []
        self._pending = 0  # additions or imports still being written
        self._close_with: int | None = None  # closing was asked for meanwhile
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, ROSTER_COLUMNS, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the name
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
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
        self.new_button = QPushButton(self)
        self.add_button = QPushButton(self)
        self.save_button = QPushButton(self)
        self.active_button = QPushButton(self)
        self.pin_button = QPushButton(self)
        self.unlock_button = QPushButton(self)
        self.import_button = QPushButton(self)
        self.close_button = QPushButton(self)
        rows = ((self.new_button, self.add_button, self.save_button, self.active_button),
                (self.pin_button, self.unlock_button, self.import_button, self.close_button))
        for buttons in rows:
            row = QHBoxLayout()
            for b in buttons:
                b.setMinimumHeight(48)
                b.setAutoDefault(False)  # Enter goes to the default button only
                row.addWidget(b)
            layout.addLayout(row)
        self.new_button.clicked.connect(self.new_operator)
        self.add_button.clicked.connect(self.add_operator)
        self.save_button.clicked.connect(self.save_operator)
        self.active_button.clicked.connect(self.toggle_active)
        self.pin_button.clicked.connect(self.reset_pin)
        self.unlock_button.clicked.connect(self.unlock)
        self.import_button.clicked.connect(lambda: self.import_csv())
        self.close_button.clicked.connect(self.accept)
        self.retranslate_ui()
        self._selection_changed()
        self.resize(1100, 660)  # the whole roster row readable on the 1366x768 bench screen
        self.reload()

    # --- the list -----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the roster again in the background (after every change)."""
        ops, by = self.services.ctx.operators, self.services.ctx.operator
        self.services.run_for(self, lambda: ops.roster(by=by), self._show_roster,
                              self._failed)

    def _show_roster(self, people: Any) -> None:
        chosen = self.selected()
        self.people = list(people)
        self.table.setRowCount(len(self.people))
        for row in range(len(self.people)):
            for col in range(ROSTER_COLUMNS):
                self.table.setItem(row, col, QTableWidgetItem())
        self._fill_rows()
        if chosen is not None:
            self.select(chosen.operator_id)
        self._selection_changed()  # the form shows the selected operator as now stored
        self.roster_loaded.emit(len(self.people))

    def _fill_rows(self) -> None:
        for row, p in enumerate(self.people):
            values = (p.operator_id, p.name, self.role_name(p.role), p.badge_code or "",
                      self.tr("active") if p.active else self.tr("deactivated"),
                      _when(p.last_login),
                      self.tr("until %1").replace("%1", _when(p.locked_until))
                      if p.locked_until else "")
            for col, text in enumerate(values):
                item = self.table.item(row, col)
                if item is not None:
                    item.setText(text)
                    if not p.active:
                        item.setForeground(QBrush(QColor(INACTIVE_COLOUR)))

    def role_name(self, role: Role) -> str:
        return self.tr("Shift lead") if role is Role.SHIFT_LEAD else self.tr("Inspector")

    def selected(self) -> OperatorInfo | None:
        rows = self.table.selectionModel().selectedRows()
        index = rows[0].row() if rows else -1
        return self.people[index] if 0 <= index < len(self.people) else None

    def select(self, operator_id: str) -> bool:
        for row, p in enumerate(self.people):
            if p.operator_id == operator_id:
                self.table.selectRow(row)
                return True
        return False

    def row_texts(self, operator_id: str) -> list[str]:
        """What the list shows for one operator (tests and screen readers)."""
        for row, p in enumerate(self.people):
            if p.operator_id == operator_id:
                items = (self.table.item(row, c) for c in range(ROSTER_COLUMNS))
                return [item.text() if item is not None else "" for item in items]
        return []

    def _selection_changed(self) -> None:
        """A selected operator fills the form for editing; Enter then saves the changes."""
        p = self.selected()
        editing = p is not None
        self.id_edit.setReadOnly(editing)
        for b in (self.save_button, self.active_button, self.pin_button):
            b.setEnabled(editing)
        self.add_button.setEnabled(not editing)
        (self.save_button if editing else self.add_button).setDefault(True)
        (self.add_button if editing else self.save_button).setDefault(False)
        if p is not None:
            self.id_edit.setText(p.operator_id)
            self.name_edit.setText(p.name)
            self.role_combo.setCurrentIndex(self.role_combo.findData(p.role.value))
            self.badge_edit.setText(p.badge_code or "")
            self.pin_edit.clear()
        self._retranslate_active()

    def new_operator(self) -> None:
        """Back to an empty form for adding someone."""
        self.table.clearSelection()
        for edit in (self.id_edit, self.name_edit, self.pin_edit, self.badge_edit):
            edit.clear()
        self.role_combo.setCurrentIndex(0)
        self.id_edit.setFocus()

    # --- actions (all checked in the core) ------------------------------------------------

    def _error_text(self, exc: BaseException) -> str:
        if isinstance(exc, DomainError):
            return exc.message(self.services.ctx.settings.language)
        return str(exc)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(self._error_text(exc), ERROR_COLOUR, flash=True)

    def _run(self, work: Any, ok_text: str, clear: bool) -> None:
        def done(count: Any) -> None:
            self._pending -= 1
            self.message.show_message(ok_text.replace("%1", str(count)), OK_COLOUR)
            if clear:
                for edit in (self.id_edit, self.name_edit, self.pin_edit, self.badge_edit):
                    edit.clear()
            self.roster_changed.emit(int(count))
            self.reload()
            self._close_if_asked()

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            self._failed(exc)
            self._close_if_asked()

        self._pending += 1
        self.services.run_for(self, work, done, failed, writes=True)

    def done(self, result: int) -> None:
        """Closing (Close, Esc, logout) waits for the writes this dialog started."""
        if self._pending:
            self._close_with = result
            return
        super().done(result)

    def _close_if_asked(self) -> None:
        if not self._pending and self._close_with is not None:
            self.done(self._close_with)

    def _form(self) -> tuple[str, str, Role, str, str | None]:
        return (self.id_edit.text().strip(), self.name_edit.text(),
                Role(self.role_combo.currentData()), self.pin_edit.text().strip(),
                self.badge_edit.text().strip() or None)

    def add_operator(self) -> None:
        ops, by = self.services.ctx.operators, self.services.ctx.operator
        operator_id, name, role, pin, badge = self._form()

        def work() -> int:
            ops.add(operator_id, name, role, pin, badge, by=by)
            return 1

        self._run(work, self.tr("Operator added."), True)

    def save_operator(self) -> None:
        """Name, role and badge of the selected operator; a PIN typed in goes with them
        (a new shift lead needs one)."""
        if self.selected() is None:
            return
        ops, by = self.services.ctx.operators, self.services.ctx.operator
        operator_id, name, role, pin, badge = self._form()

        def work() -> int:
            ops.edit(operator_id, name, role, badge, by=by, pin=pin or None)
            return 0

        self._run(work, self.tr("Changes saved for %1.").replace("%1", operator_id), False)
        self.pin_edit.clear()

    def toggle_active(self) -> None:
        p = self.selected()
        if p is None:
            return
        ops, by, now_active = self.services.ctx.operators, self.services.ctx.operator, \
            not p.active

        def work() -> int:
            ops.set_active(p.operator_id, now_active, by=by)
            return 0

        text = (self.tr("%1 reactivated: they can log in again.") if now_active
                else self.tr("%1 deactivated: they can no longer log in."))
        self._run(work, text.replace("%1", p.operator_id), False)

    def reset_pin(self) -> None:
        p = self.selected()
        if p is None:
            return
        pin = self.pin_edit.text().strip()
        if not pin:
            self.message.show_message(self.tr("Type the new PIN first."), ERROR_COLOUR,
                                      flash=True)
            self.pin_edit.setFocus()
            return
        ops, by = self.services.ctx.operators, self.services.ctx.operator

        def work() -> int:
            ops.reset_pin(p.operator_id, pin, by=by)
            return 0

        self._run(work, self.tr("New PIN set for %1.").replace("%1", p.operator_id), False)
        self.pin_edit.clear()

    def unlock(self) -> None:
        """Lift the lockout of the ID in the first field (audited in the core)."""
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
            self.reload()

        self.services.run_for(self, lambda: ops.unlock(operator_id, by=by), done,
                              self._failed, writes=True)

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

    # --- words --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _retranslate_active(self) -> None:
        p = self.selected()
        self.active_button.setText(self.tr("Reactivate") if p is not None and not p.active
                                   else self.tr("Deactivate"))

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
        self.table.setHorizontalHeaderLabels([
            self.tr("ID"), self.tr("Name"), self.tr("Role"), self.tr("Badge"),
            self.tr("Status"), self.tr("Last login"), self.tr("Locked")])
        self.role_combo.setItemText(0, self.tr("Inspector"))
        self.role_combo.setItemText(1, self.tr("Shift lead"))
        self.new_button.setText(self.tr("New operator"))
        self.add_button.setText(self.tr("Add operator"))
        self.save_button.setText(self.tr("Save changes"))
        self.pin_button.setText(self.tr("Reset PIN"))
        self.import_button.setText(self.tr("Import roster CSV…"))
        self.unlock_button.setText(self.tr("Unlock login"))
        self.close_button.setText(self.tr("Close"))
        self._retranslate_active()
        self._fill_rows()
