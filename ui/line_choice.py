"""The shift lead picks the item line of an offline inspection whose case has resolved.

Each line of the case is listed with the core's verdict (app/line_match.py): whether it
fits and why (category, SKU, serial). The dialog only returns the line chosen; the history
screen hands it to the core (app/workflow.choose_line), which checks the role and sends.

Signals:
    chosen(str): the line id the lead picked (the dialog then closes).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.line_match import LineMatch
from app.store.store import InspectionRecord
from ui.widgets import ERROR_COLOUR, OK_COLOUR, BigButton


class LineChoiceDialog(QDialog):
    """Lines of the resolved case, why each fits or not, and "Use this line"."""

    chosen = Signal(str)

    def __init__(self, record: InspectionRecord, match: LineMatch, language: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert record.candidate_case is not None
        self.record = record
        self.language = language
        self.match = match
        self.setWindowTitle(self.tr("Choose the item line"))
        self.resize(1100, 420)
        root = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        self.intro.setText(
            self.tr("Case %1 has several item lines. This inspection was done offline as "
                    "%2, serial scanned: %3. Which line was inspected?")
            .replace("%1", record.candidate_case.rma).replace("%2", record.category)
            .replace("%3", record.serial_scanned or "—"))
        root.addWidget(self.intro)
        self.table = QTableWidget(len(self.match.lines), 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Line"), self.tr("Item"), self.tr("Fits"), self.tr("Why")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(56)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        for row, fit in enumerate(self.match.lines):
            it = fit.item
            cells = [it.line_id, f"{it.sku} / {it.title}",
                     self.tr("yes") if fit.fits else self.tr("no"),
                     "\n".join(fit.reasons(language))]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, it.line_id)
                if col == 2:
                    cell.setForeground(QBrush(QColor(OK_COLOUR if fit.fits else ERROR_COLOUR)))
                self.table.setItem(row, col, cell)
        # One text line per reason (four with a product code, 16.1): every one is seen.
        spacing = self.table.fontMetrics().lineSpacing()
        for row, fit in enumerate(self.match.lines):
            lines = len(fit.reasons(language))
            self.table.setRowHeight(row, max(56, lines * spacing + 12))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.use_selected())
        root.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setMinimumHeight(56)
        self.cancel_button.clicked.connect(self.reject)
        self.use_button = BigButton(self.tr("Use this line"), self, primary=True)
        self.use_button.clicked.connect(self.use_selected)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.use_button)
        root.addLayout(buttons)
        self._selection_changed()

    def selected_line(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def select_line(self, line_id: str) -> bool:
        for row, fit in enumerate(self.match.lines):
            if fit.item.line_id == line_id:
                self.table.selectRow(row)
                return True
        return False

    def _selection_changed(self) -> None:
        self.use_button.setEnabled(self.selected_line() is not None)

    def use_selected(self) -> None:
        line = self.selected_line()
        if line is None:
            return
        self.chosen.emit(line)
        self.accept()
