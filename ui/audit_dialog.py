"""Shift lead: the audit trail, filtered by inspection, operator and action, with the
verdict of the keyed chain (and the first broken entry marked in red).

Reading and the shift-lead check happen in the core (app/audit_trail.py), off the GUI
thread.

Signals:
    loaded(int): the entries were (re)loaded; this many are shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
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

from app.audit_trail import AuditTrail, chain_verdict, read_audit
from app.domain import DomainError, require_shift_lead
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, FlashLabel

AUDIT_COLUMNS = 6


class AuditDialog(QDialog):
    """The audit log for a shift lead; refuses to open for anyone else."""

    loaded = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 inspection: str = "") -> None:
        require_shift_lead(services.ctx.operator, "read the audit log")
        super().__init__(parent)
        self.services = services
        self.trail: AuditTrail | None = None
        layout = QVBoxLayout(self)
        self.verdict = QLabel(self)
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        filters = QHBoxLayout()
        self.inspection_edit = QLineEdit(inspection, self)
        self.operator_edit = QLineEdit(self)
        self.action_combo = QComboBox(self)
        self.action_combo.addItem("", "")
        self.filter_button = QPushButton(self)
        self.filter_button.setDefault(True)
        for w in (self.inspection_edit, self.operator_edit, self.action_combo,
                  self.filter_button):
            w.setMinimumHeight(40)
            filters.addWidget(w, 2 if isinstance(w, QLineEdit) else 1)
        for edit in (self.inspection_edit, self.operator_edit):
            edit.returnPressed.connect(self.reload)
        self.filter_button.clicked.connect(self.reload)
        self.action_combo.activated.connect(lambda _i: self.reload())
        layout.addLayout(filters)
        self.table = QTableWidget(0, AUDIT_COLUMNS, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.message = FlashLabel(self)
        layout.addWidget(self.message)
        self.close_button = QPushButton(self)
        self.close_button.setAutoDefault(False)
        self.close_button.setMinimumHeight(44)
        self.close_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.retranslate_ui()
        self.reload()

    def reload(self) -> None:
        ctx = self.services.ctx
        by, store = ctx.operator, ctx.store
        inspection, operator = self.inspection_edit.text(), self.operator_edit.text()
        action = str(self.action_combo.currentData() or "")

        def read() -> AuditTrail:
            return read_audit(store, by=by, inspection=inspection or None,
                              operator=operator or None, action=action or None)

        self.services.run_for(self, read, self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        text = exc.message(self.services.ctx.settings.language) \
            if isinstance(exc, DomainError) else str(exc)
        self.message.show_message(text, ERROR_COLOUR, flash=True)

    def _show(self, trail: Any) -> None:
        assert isinstance(trail, AuditTrail)
        self.trail = trail
        chosen = self.action_combo.currentData()
        self.action_combo.clear()
        self.action_combo.addItem(self.tr("all actions"), "")
        for action in trail.actions:
            self.action_combo.addItem(action, action)
        self.action_combo.setCurrentIndex(max(0, self.action_combo.findData(chosen)))
        self.table.setRowCount(len(trail.entries))
        broken = QBrush(QColor(ERROR_COLOUR))
        for row, e in enumerate(trail.entries):
            values = (str(e.seq), e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), e.actor,
                      e.action, e.subject, e.details)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if trail.is_broken_at(e.seq):
                    item.setForeground(broken)
                    item.setToolTip(self.tr("The chain breaks at this entry."))
                self.table.setItem(row, col, item)
        self._show_verdict()
        self.loaded.emit(len(trail.entries))

    def _show_verdict(self) -> None:
        if self.trail is None:
            return
        check = self.trail.check
        self.verdict.setText(chain_verdict(check, self.services.ctx.settings.language))
        self.verdict.setStyleSheet(f"color: {OK_COLOUR if check.ok else ERROR_COLOUR}; "
                                   "font-weight: bold;")

    def broken_row(self) -> int | None:
        """The table row of the first entry whose link does not verify (tests)."""
        if self.trail is None:
            return None
        return next((i for i, e in enumerate(self.trail.entries)
                     if self.trail.is_broken_at(e.seq)), None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Audit log"))
        self.inspection_edit.setPlaceholderText(self.tr("Inspection ID"))
        self.operator_edit.setPlaceholderText(self.tr("Operator ID"))
        self.action_combo.setItemText(0, self.tr("all actions"))
        self.filter_button.setText(self.tr("Filter"))
        self.close_button.setText(self.tr("Close"))
        self.table.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("Time"), self.tr("Who"), self.tr("Action"),
            self.tr("Subject"), self.tr("Details")])
        self._show_verdict()
