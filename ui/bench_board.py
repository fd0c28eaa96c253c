"""The shift lead's bench board (F4): today's figures, refreshed by itself.

The figures come from app/benchboard.py (which also refuses inspectors); this page only
shows them. A timer asks for a new board while the page is on screen; the store is read on
a worker thread through `Services.run_in_background`, never on the GUI thread, and a
refresh that is still running is not started twice.

Signals:
    refreshed(object): a new BenchBoard is on screen (tests wait for it).
    closed(): the user left the board (Esc or the back button).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.benchboard import BenchBoard, SyncHealth, compute_board
from app.messages import t, value_label
from ui.i18n import error_text
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, WARN_COLOUR, FlashLabel, heading_font, page_header

REFRESH_MS = 30_000
_HEALTH_COLOURS = {SyncHealth.OK: OK_COLOUR, SyncHealth.BEHIND: WARN_COLOUR,
                   SyncHealth.OFFLINE: ERROR_COLOUR, SyncHealth.PAUSED: ERROR_COLOUR}


class BenchBoardScreen(QWidget):
    refreshed = Signal(object)
    closed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None, *,
                 interval_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self.services = services
        self.board: BenchBoard | None = None
        self.busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self._build()
        self.retranslate_ui()

    # --- building -----------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        top, self.back_button, self.title = page_header(self, self.closed.emit)
        self.updated = QLabel(self)
        top.addWidget(self.updated)
        root.addLayout(top)

        tiles = QGridLayout()
        self.tile_names: dict[str, QLabel] = {}
        self.tile_values: dict[str, QLabel] = {}
        for i, key in enumerate(("total", "overdue", "due_soon", "attention", "unsent",
                                 "sync")):
            box = QGroupBox(self)
            lay = QVBoxLayout(box)
            name, value = QLabel(box), QLabel(box)
            value.setFont(heading_font(self.font(), 1.6))
            value.setWordWrap(True)
            lay.addWidget(name)
            lay.addWidget(value)
            self.tile_names[key], self.tile_values[key] = name, value
            if key == "total":
                self.breakdown = QLabel(box)
                self.breakdown.setWordWrap(True)
                lay.addWidget(self.breakdown)
            tiles.addWidget(box, i // 3, i % 3)
        root.addLayout(tiles)

        lists = QHBoxLayout()
        self.deadlines = self._table(3)
        self.people = self._table(3)
        self.deadline_box, self.people_box = QGroupBox(self), QGroupBox(self)
        for box, table in ((self.deadline_box, self.deadlines), (self.people_box, self.people)):
            QVBoxLayout(box).addWidget(table)
            lists.addWidget(box, 1)
        root.addLayout(lists, 1)
        self.message = FlashLabel(self)
        root.addWidget(self.message)

    def _table(self, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns, self)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    # --- refreshing ---------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        """Ask for a new board on a worker thread (skipped while one is on its way)."""
        if self.busy:
            return
        ctx, sync = self.services.ctx, self.services.sync
        store, by = ctx.store, ctx.operator
        connection = sync.status.connection_state()[0] if sync is not None else "online"
        self.busy = True
        self.services.run_in_background(
            lambda: compute_board(store, by, connection=connection), self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.message.show_message(error_text(exc, self.services.ctx.settings.language),
                                  ERROR_COLOUR, flash=True)

    def _show(self, board: object) -> None:
        self.busy = False
        assert isinstance(board, BenchBoard)
        self.board = board
        self._fill()
        self.refreshed.emit(board)

    def _fill(self) -> None:
        b = self.board
        if b is None:
            return
        lang = self.services.ctx.settings.language
        self.updated.setText(self.tr("Updated %1").replace(
            "%1", b.now.astimezone().strftime("%H:%M:%S")))
        values = self.tile_values
        values["total"].setText(str(b.total))
        self.breakdown.setText(" · ".join(
            f"{value_label(lang, c)} {n}" for c, n in b.by_classification.items()))
        values["overdue"].setText(str(len(b.overdue)))
        values["due_soon"].setText(str(len(b.due_soon)))
        values["attention"].setText(str(b.needs_attention))
        oldest = b.oldest_unsent_minutes
        values["unsent"].setText(str(b.unsent) if oldest is None else str(b.unsent) + "\n"
                                 + self.tr("oldest %1 min").replace("%1", str(oldest)))
        values["sync"].setText(t(lang, b.health.value))
        values["sync"].setStyleSheet(f"color: {_HEALTH_COLOURS[b.health]}")
        for key, colour in (("overdue", ERROR_COLOUR), ("attention", ERROR_COLOUR),
                            ("due_soon", WARN_COLOUR)):
            count = int(values[key].text())
            values[key].setStyleSheet(f"color: {colour}" if count else "")

        due = (*b.overdue, *b.due_soon)
        self.deadlines.setRowCount(len(due))
        for row, d in enumerate(due):
            for col, text in enumerate((d.rma, d.sku, d.wording(lang, b.now))):
                self.deadlines.setItem(row, col, QTableWidgetItem(text))
        self.people.setRowCount(len(b.inspectors))
        for row, f in enumerate(b.inspectors):
            for col, text in enumerate((f.name, str(f.count), f"{f.median_minutes:.1f}")):
                self.people.setItem(row, col, QTableWidgetItem(text))

    # --- words --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.title.setText(self.tr("Bench board"))
        self.back_button.setText(self.tr("Back to scanning (Esc)"))
        names = {
            "total": self.tr("Inspected today"),
            "overdue": self.tr("Past the 24 h deadline"),
            "due_soon": self.tr("Due within 2 hours"),
            "attention": self.tr("Needs attention"),
            "unsent": self.tr("Not yet sent"),
            "sync": self.tr("Sync"),
        }
        for key, label in self.tile_names.items():
            label.setText(names[key])
        self.deadline_box.setTitle(self.tr("Deadlines"))
        self.people_box.setTitle(self.tr("Inspectors today"))
        self.deadlines.setHorizontalHeaderLabels([self.tr("RMA"), self.tr("SKU"),
                                                  self.tr("State")])
        self.people.setHorizontalHeaderLabels([self.tr("Inspector"), self.tr("Items"),
                                               self.tr("Median minutes per item")])
        self._fill()
