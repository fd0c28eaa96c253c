"""Today's inspections with their sync state, search, a read-only result view and reports.

A shift lead also resolves items that need attention here (retry, or mark handled with a
note); the permission is checked in the core (app/workflow.py), the buttons are only
hidden for inspectors.

Signals:
    loaded(int): the list was (re)loaded with this many rows.
    report_ready(object): a ReportPreviewDialog was opened (tests drive it).
    exported(str): a CSV export was written to this path.
    label_done(str, bool): a label reprint finished (inspection id, printed or not).
    closed(): the user left the history (Esc or the back button).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import Classification, Disposition
from app.lead_actions import choose_line, mark_handled, retry_needs_attention
from app.line_match import LineMatch, match_line
from app.messages import value_label, value_title
from app.mismatch import is_mismatch, mismatches_only
from app.step_text import report_prompts
from app.store.store import InspectionRecord, OutboxState
from ui.i18n import error_text
from ui.line_choice import LineChoiceDialog
from ui.report_preview import ReportPreviewDialog, render_and_preview
from ui.services import Services
from ui.widgets import ERROR_COLOUR, INFO_COLOUR, OK_COLOUR, WARN_COLOUR, FlashLabel, page_header

_STATE_COLOURS = {
    OutboxState.SENT: OK_COLOUR,
    OutboxState.PENDING: WARN_COLOUR,
    OutboxState.ATTENTION: ERROR_COLOUR,
    OutboxState.HANDLED: INFO_COLOUR,
}

COLUMNS = 7


def _local_day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time()).astimezone()
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time()).astimezone()


class HistoryScreen(QWidget):
    """The day's completed inspections, newest first."""

    loaded = Signal(int)
    report_ready = Signal(object)
    exported = Signal(str)
    label_done = Signal(str, bool)
    closed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.records: list[InspectionRecord] = []
        self.loaded_records: list[InspectionRecord] = []  # before the mismatch filter
        self.line_dialog: LineChoiceDialog | None = None
        self.day = date.today()
        self.searching = ""
        self._said_empty = False
        self._build()
        self.retranslate_ui()
        services.operator_changed.connect(lambda _op: self._update_role())

    # --- building -----------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        top, self.back_button, self.title = page_header(self, self.closed.emit)
        self.audit_button = QPushButton(self)  # shift leads only (_update_role)
        self.audit_button.clicked.connect(self.show_audit)
        top.insertWidget(2, self.audit_button)  # beside the title, before the stretch
        self.search_edit = QLineEdit(self)
        self.search_edit.setMinimumHeight(44)
        self.search_edit.setMinimumWidth(280)
        self.search_edit.returnPressed.connect(self.search)
        top.addWidget(self.search_edit)
        self.search_button = QPushButton(self)
        self.today_button = QPushButton(self)
        for b in (self.search_button, self.today_button):
            b.setMinimumHeight(44)
            top.addWidget(b)
        self.search_button.clicked.connect(self.search)
        self.today_button.clicked.connect(self.show_today)
        self.mismatch_filter = QCheckBox(self)  # serial/IMEI or product code mismatches (16.1)
        self.mismatch_filter.toggled.connect(lambda _on: self._show_records(self.loaded_records))
        top.addWidget(self.mismatch_filter)
        root.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.table = QTableWidget(0, COLUMNS, split)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(36)
        # Columns fit their words (display names are longer than codes); the last takes the rest.
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        split.addWidget(self.table)
        self.detail = QPlainTextEdit(split)
        self.detail.setReadOnly(True)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        root.addWidget(split, 1)

        self.message = FlashLabel(self)
        root.addWidget(self.message)

        bottom = QHBoxLayout()
        self.lead_box = QGroupBox(self)
        lead = QHBoxLayout(self.lead_box)
        self.retry_button = QPushButton(self.lead_box)
        self.choose_line_button = QPushButton(self.lead_box)
        self.choose_line_button.clicked.connect(self.choose_line_for_selected)
        lead.addWidget(self.choose_line_button)
        self.note_edit = QLineEdit(self.lead_box)
        self.note_edit.setMinimumHeight(40)
        self.handled_button = QPushButton(self.lead_box)
        lead.addWidget(self.retry_button)
        lead.addWidget(self.note_edit, 1)
        lead.addWidget(self.handled_button)
        self.retry_button.clicked.connect(self.retry_selected)
        self.handled_button.clicked.connect(self.mark_selected_handled)
        bottom.addWidget(self.lead_box, 3)

        self.report_box = QGroupBox(self)
        rep = QHBoxLayout(self.report_box)
        self.inspection_report_button = QPushButton(self.report_box)
        self.inspection_report_button.clicked.connect(self.preview_inspection_report)
        rep.addWidget(self.inspection_report_button)
        self._build_label_reprint(rep)
        self.date_edit = QDateEdit(QDate.currentDate(), self.report_box)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        rep.addWidget(self.date_edit)
        self.shift_combo = QComboBox(self.report_box)
        rep.addWidget(self.shift_combo)
        self.shift_report_button = QPushButton(self.report_box)
        self.shift_report_button.clicked.connect(self.preview_shift_report)
        rep.addWidget(self.shift_report_button)
        self.day_csv_button = QPushButton(self.report_box)
        self.day_csv_button.clicked.connect(lambda: self.export_csv(whole_day=True))
        rep.addWidget(self.day_csv_button)
        self.shift_csv_button = QPushButton(self.report_box)
        self.shift_csv_button.clicked.connect(lambda: self.export_csv(whole_day=False))
        rep.addWidget(self.shift_csv_button)
        bottom.addWidget(self.report_box, 4)
        for b in (self.retry_button, self.handled_button, self.inspection_report_button,
                  self.label_button,
                  self.shift_report_button, self.choose_line_button, self.day_csv_button,
                  self.shift_csv_button, self.audit_button):
            b.setMinimumHeight(44)
        root.addLayout(bottom)
        self._fill_shifts()
        self._update_role()
        self._selection_changed()

    def _fill_shifts(self) -> None:
        current = self.shift_combo.currentData()
        self.shift_combo.clear()
        for shift in self.services.ctx.settings.shifts:
            name = value_title(self.services.ctx.settings.language, shift.name)
            label = f"{name} {shift.start:%H:%M}–{shift.end:%H:%M}"
            self.shift_combo.addItem(label, shift.name)
        if current is not None:
            self.shift_combo.setCurrentIndex(max(0, self.shift_combo.findData(current)))

    def _update_role(self) -> None:
        op = self.services.ctx.operator
        self.lead_box.setVisible(op is not None and op.is_shift_lead)
        self.audit_button.setVisible(op is not None and op.is_shift_lead)

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload today's list (or the current search) in the background."""
        store = self.services.ctx.store
        if self.searching:
            needle = self.searching

            def load() -> list[InspectionRecord]:
                return store.search(needle)
        else:
            start, end = _local_day_window(self.day)

            def load() -> list[InspectionRecord]:
                return sorted(store.completed_between(start, end),
                              key=lambda r: r.completed_at, reverse=True)

        self.services.run_in_background(load, self._show_records, self._failed)

    def show_today(self) -> None:
        self.searching = ""
        self.search_edit.clear()
        self.refresh()

    def search(self) -> None:
        self.searching = self.search_edit.text().strip()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(error_text(exc, self.services.ctx.settings.language),
                                  ERROR_COLOUR, flash=True)

    def state_name(self, state: str) -> str:
        return value_label(self.services.ctx.settings.language, state)

    def classification_name(self, c: Classification) -> str:
        return value_title(self.services.ctx.settings.language, c.value)

    def disposition_name(self, d: Disposition | None) -> str:
        return value_title(self.services.ctx.settings.language, d.value) if d else ""

    def record_disposition(self, r: InspectionRecord) -> str:
        """The disposition, or "Hold for review" for a mismatch's null one (16.1)."""
        if r.disposition is None and is_mismatch(r):
            return value_title(self.services.ctx.settings.language, "hold")
        return self.disposition_name(r.disposition)

    def rma_text(self, r: InspectionRecord) -> str:
        """The RMA, or what the offline inspection was scanned as: never an internal id."""
        if r.rma:
            return r.rma
        if r.candidate_case is not None:
            return self.tr("%1: choose the line").replace("%1", r.candidate_case.rma)
        return self.tr("unverified: %1").replace("%1", r.scanned_code)

    def class_text(self, r: InspectionRecord) -> str:
        text = self.classification_name(r.classification) + ("*" if r.override_reason else "")
        if r.serial_mismatch:
            text += " · " + self.tr("serial mismatch")
        if r.gtin_mismatch:  # 16.1
            text += " · " + self.tr("on hold: product code")
        if r.untested_steps:  # 16.4
            text += " · " + self.tr("untested")
        return text

    def _show_records(self, records: Any) -> None:
        selected = self.selected()
        self.loaded_records = list(records)
        self.records = mismatches_only(self.loaded_records, self.mismatch_filter.isChecked())
        self.table.setRowCount(len(self.records))
        for row, r in enumerate(self.records):
            values = [
                r.completed_at.astimezone().strftime("%H:%M"),
                self.rma_text(r),
                r.item_text(),
                r.inspector_id,
                self.class_text(r),
                self.record_disposition(r),
                self.state_name(r.sync_state),
            ]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # narrow columns elide the item and the flag
                item.setData(Qt.ItemDataRole.UserRole, r.inspection_id)
                if col == COLUMNS - 1:
                    item.setForeground(QBrush(QColor(_STATE_COLOURS.get(r.sync_state,
                                                                          INFO_COLOUR))))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        if selected is not None:
            self.select(selected.inspection_id)
        self._selection_changed()
        self._update_title()
        if not self.records:
            self.message.show_message(
                self.tr("Nothing found for “%1”.").replace("%1", self.searching)
                if self.searching else self.tr("No inspections completed today yet."),
                INFO_COLOUR)
            self._said_empty = True
        elif self._said_empty:  # only our own "nothing found" goes; other messages stay
            self.message.show_message("")
            self._said_empty = False
        self.loaded.emit(len(self.records))

    def _update_title(self) -> None:
        self.title.setText(self.tr("Inspections matching “%1”").replace("%1", self.searching)
                           if self.searching else self.tr("Today's inspections"))

    # --- selection and the read-only view ---------------------------------------------

    def selected(self) -> InspectionRecord | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        index = rows[0].row()
        return self.records[index] if 0 <= index < len(self.records) else None

    def select(self, inspection_id: str) -> bool:
        for row, r in enumerate(self.records):
            if r.inspection_id == inspection_id:
                self.table.selectRow(row)
                return True
        return False

    def row_state(self, inspection_id: str) -> str | None:
        """The sync status text shown for an inspection (tests and screen readers)."""
        for row, r in enumerate(self.records):
            if r.inspection_id == inspection_id:
                item = self.table.item(row, COLUMNS - 1)
                return item.text() if item else None
        return None

    def _selection_changed(self) -> None:
        record = self.selected()
        attention = record is not None and record.sync_state == OutboxState.ATTENTION
        self.retry_button.setEnabled(attention)
        self.handled_button.setEnabled(attention)
        self.choose_line_button.setEnabled(attention and record is not None
                                           and record.candidate_case is not None)
        self.inspection_report_button.setEnabled(record is not None)
        self.label_button.setEnabled(record is not None)
        self.detail.setPlainText(self.describe(record) if record else "")

    def describe(self, r: InspectionRecord) -> str:
        """The recorded result as plain text (never rich text: it holds scanned data)."""
        lang = self.services.ctx.settings.language
        prompts = report_prompts(self.services.ctx, r, lang)
        lines = [
            self.tr("Inspection %1").replace("%1", r.inspection_id),
            self.tr("RMA: %1   order: %2").replace("%1", self.rma_text(r)).replace(
                "%2", r.order_id or "-"),
            self.tr("Item: %1").replace("%1", r.item_text()),
            self.tr("Inspector: %1   completed: %2").replace("%1", r.inspector_id).replace(
                "%2", r.completed_at.astimezone().strftime("%Y-%m-%d %H:%M")),
            self.tr("Customer reason: %1").replace(
                "%1", value_label(lang, r.customer_reason) if r.customer_reason else "-"),
            self.tr("Classification: %1 (suggested %2)").replace(
                "%1", self.classification_name(r.classification)).replace(
                "%2", self.classification_name(r.classification_suggested)),
        ]
        if r.override_reason:
            lines.append(self.tr("Override reason: %1").replace("%1", r.override_reason))
        lines.append(self.tr("Disposition: %1").replace(
            "%1", self.record_disposition(r) or "-"))
        if r.missing_accessories:
            lines.append(self.tr("Missing: %1").replace("%1", ", ".join(r.missing_accessories)))
        lines.append(self.tr("Serial expected / scanned: %1 / %2").replace(
            "%1", r.serial_expected or "-").replace("%2", r.serial_scanned or "-"))
        if r.serial_mismatch:
            lines.append(self.tr("SERIAL/IMEI MISMATCH, held; signed off by: %1 (%2)").replace(
                "%1", r.mismatch_signed_by or self.tr("nobody (found when the case resolved)"))
                .replace("%2", r.mismatch_sign_off_reason or "-"))
        if r.gtin_scanned or r.gtin_mismatch:  # the identity gate (16.1)
            lines.append(self.tr("Product code expected / scanned: %1 / %2").replace(
                "%1", r.gtin_expected or "-").replace("%2", r.gtin_scanned or "-"))
        if r.gtin_mismatch:
            lines.append(self.tr("PRODUCT CODE MISMATCH, held; signed off by: %1 (%2)").replace(
                "%1", r.gtin_signed_by or self.tr("nobody (found when the case resolved)"))
                .replace("%2", r.gtin_sign_off_reason or "-"))
        if r.untested_steps:  # 16.4
            lines.append(self.tr("Tests not done: %1").replace("%1", ", ".join(
                prompts.get(sid, sid) for sid in r.untested_steps)))
        lines.append(self.tr("Sync: %1").replace("%1", self.state_name(r.sync_state)))
        if r.attention_reason:
            lines.append(self.tr("Needs attention because: %1").replace(
                "%1", r.attention_reason))
        if r.unverified:
            lines.append(self.tr("Unverified: scanned %1 while offline").replace(
                "%1", r.scanned_code))
        if r.candidate_case is not None:
            lines += self._line_fits(r, lang)
        lines.append("")
        for a in r.answers:
            value = f" = {a.value}" if a.value is not None else ""
            note = f"  ({a.note})" if a.note else ""
            photos = ("  [" + self.tr("%1 photo(s)").replace("%1", str(len(a.photo_ids))) + "]"
                      if a.photo_ids else "")
            lines.append(f"{value_label(lang, a.result.value)} · "
                         f"{prompts.get(a.step_id, a.step_id)}{value}{note}{photos}")
        return "\n".join(lines)

    # --- shift-lead actions -------------------------------------------------------------

    def retry_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        ctx, iid, by = self.services.ctx, record.inspection_id, self.services.ctx.operator
        self.services.run_in_background(
            lambda: retry_needs_attention(ctx, iid, by), lambda _: self._done(
                self.tr("Queued to be sent again.")), self._failed, writes=True)

    @staticmethod
    def line_match(r: InspectionRecord) -> LineMatch:
        """The core's verdict on each line of the case an offline inspection resolved to."""
        assert r.candidate_case is not None
        return match_line(r.candidate_case, category=r.category, serial=r.serial_scanned,
                          sku=r.sku, gtin=r.gtin_scanned)

    def _line_fits(self, r: InspectionRecord, lang: str) -> list[str]:
        """Why each line of the resolved case fits or not (the core's rule, app/line_match)."""
        assert r.candidate_case is not None
        match = self.line_match(r)
        out = [self.tr("Case %1 resolved; choose the line (shift lead):").replace(
            "%1", r.candidate_case.rma)]
        for fit in match.lines:
            verdict = self.tr("fits") if fit.fits else self.tr("does not fit")
            out.append(f"  {fit.item.line_id} {fit.item.sku} / {fit.item.title}: {verdict}")
            out += [f"      {why}" for why in fit.reasons(lang)]
        return out

    def choose_line_for_selected(self) -> None:
        """Open the line choice for the selected item; the core checks and sends it."""
        record = self.selected()
        if record is None or record.candidate_case is None or self.line_dialog is not None:
            return
        dialog = LineChoiceDialog(record, self.line_match(record),
                                  self.services.ctx.settings.language, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.line_dialog = dialog
        ctx, iid, by = self.services.ctx, record.inspection_id, self.services.ctx.operator

        def chosen(line_id: str) -> None:
            self.services.run_in_background(
                lambda: choose_line(ctx, iid, line_id, by), lambda _: self._done(
                    self.tr("Line %1 chosen: queued to be sent.").replace("%1", line_id)),
                self._failed, writes=True)

        def finished(_result: int) -> None:
            self.line_dialog = None
            dialog.deleteLater()

        dialog.chosen.connect(chosen)
        dialog.finished.connect(finished)
        dialog.open()

    def mark_selected_handled(self) -> None:
        record = self.selected()
        if record is None:
            return
        ctx, iid, note = self.services.ctx, record.inspection_id, self.note_edit.text()
        by = ctx.operator
        if not note.strip():
            self.message.show_message(self.tr("Write how the item was handled first."),
                                      WARN_COLOUR, flash=True)
            self.note_edit.setFocus()
            return
        self.services.run_in_background(
            lambda: mark_handled(ctx, iid, note, by),
            lambda _: self._done(self.tr("Marked as handled.")), self._failed, writes=True)

    def _done(self, text: str) -> None:
        self.note_edit.clear()
        self.message.show_message(text, OK_COLOUR)
        self.refresh()
        if self.services.sync is not None:
            self.services.sync.wake()  # a retried item goes out now

    # --- reports ------------------------------------------------------------------------

    def _reports_dir(self) -> Path:
        return self.services.ctx.paths.data_dir / "reports"

    def _opened(self, dialog: ReportPreviewDialog) -> None:
        self.message.show_message("")
        self.report_ready.emit(dialog)

    def preview_inspection_report(self) -> None:
        record = self.selected()
        if record is not None:
            self.preview_record(record)

    def preview_record(self, record: InspectionRecord) -> None:
        """Render and preview one inspection's report (also the case screen's reprint)."""
        from app.reports.inspection import render_inspection_report

        ctx = self.services.ctx
        lang = ctx.settings.language
        prompts = report_prompts(ctx, record, lang)
        iid = record.inspection_id

        def render(out: Path) -> None:
            render_inspection_report(ctx.store, iid, out, station_id=ctx.settings.station_id,
                                     language=lang, prompts=prompts,
                                     cache_dir=ctx.paths.data_dir / "thumbs")

        self.message.show_message(self.tr("Preparing the report…"), INFO_COLOUR)
        render_and_preview(self.services, render, self._reports_dir() / f"inspection-{iid}.pdf",
                           self, self._opened, lambda msg: self._failed(RuntimeError(msg)))

    def preview_shift_report(self) -> None:
        from app.reports.shift import render_shift_report
        from app.reports.stats import shift_window

        ctx = self.services.ctx
        name = self.shift_combo.currentData()
        if name is None:
            return
        shift = ctx.settings.shift(str(name))
        qd = self.date_edit.date()
        day = date(qd.year(), qd.month(), qd.day())
        start, end = shift_window(day, shift, None)
        lang = ctx.settings.language
        title = self.tr("Shift %1, %2").replace("%1", value_title(lang, shift.name)).replace(
            "%2", day.isoformat())

        def render(out: Path) -> None:
            render_shift_report(ctx.store, start, end, out, title=title,
                                station_id=ctx.settings.station_id, language=lang)

        self.message.show_message(self.tr("Preparing the report…"), INFO_COLOUR)
        out = self._reports_dir() / f"shift-{day.isoformat()}-{shift.name}.pdf"
        render_and_preview(self.services, render, out, self, self._opened,
                           lambda msg: self._failed(RuntimeError(msg)))

    # --- the next-location label (16.5) -------------------------------------------------

    def _build_label_reprint(self, row: QHBoxLayout) -> None:
        """A button beside the report and the table's context menu; the core decides who."""
        from ui.label_printing import LabelPrinting

        self.labels = LabelPrinting(self.services, self)
        self.labels.printed.connect(self._label_printed)
        self.labels.failed.connect(self._label_failed)
        self.label_button = QPushButton(self.report_box)
        self.label_button.clicked.connect(self.reprint_label)
        row.addWidget(self.label_button)
        self.label_action = QAction(self.table)
        self.label_action.triggered.connect(self.reprint_label)
        self.table.addAction(self.label_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def reprint_label(self) -> None:
        record = self.selected()
        if record is not None and self.labels.print_label(record.inspection_id, reprint=True):
            self.message.show_message(self.tr("Printing the label…"), INFO_COLOUR)

    def _label_printed(self, inspection_id: str, where: str) -> None:
        self.message.show_message(self.tr("Label printed on %1.").replace("%1", where),
                                  OK_COLOUR)
        self.label_done.emit(inspection_id, True)

    def _label_failed(self, inspection_id: str, reason: str) -> None:
        self.message.show_message(self.tr("The label did not print: %1").replace("%1", reason),
                                  ERROR_COLOUR, flash=True)
        self.label_done.emit(inspection_id, False)

    # --- CSV export and the audit log (14.4) ---------------------------------------------

    def export_csv(self, *, whole_day: bool, out: Path | None = None) -> None:
        """The chosen day (or shift of that day) as CSV, written by the CLI's exporter
        (formula-safe cells) off the GUI thread; `out` skips the save dialog (tests)."""
        from app.reports.export import write_csv
        from app.reports.stats import day_window, shift_window

        ctx = self.services.ctx
        qd = self.date_edit.date()
        day = date(qd.year(), qd.month(), qd.day())
        if whole_day:
            start, end = day_window(day, None)
            name = f"inspections-{day.isoformat()}.csv"
        else:
            shift_name = self.shift_combo.currentData()
            if shift_name is None:
                return
            shift = ctx.settings.shift(str(shift_name))
            start, end = shift_window(day, shift, None)
            name = f"inspections-{day.isoformat()}-{shift.name}.csv"
        if out is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export CSV"), str(Path.home() / name),
                self.tr("CSV files (*.csv)"))
            if not chosen:
                return
            out = Path(chosen)
        store, target = ctx.store, out

        def work() -> int:
            return write_csv(store.completed_between(start, end), target)

        def done(rows: Any) -> None:
            self.message.show_message(self.tr("%1 inspection(s) exported to %2").replace(
                "%1", str(rows)).replace("%2", str(target)), OK_COLOUR)
            self.exported.emit(str(target))

        self.message.show_message(self.tr("Exporting…"), INFO_COLOUR)
        self.services.run_in_background(work, done, self._failed)

    def show_audit(self) -> QWidget | None:
        """Shift lead: the audit log, filtered on the selected inspection if there is one."""
        from ui.audit_dialog import AuditDialog

        op = self.services.ctx.operator
        if op is None or not op.is_shift_lead:
            return None
        record = self.selected()
        dialog = AuditDialog(self.services, self,
                             inspection=record.inspection_id if record else "")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.resize(1200, 640)
        dialog.open()
        return dialog

    # --- words --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self._update_title()
        self.back_button.setText(self.tr("Back to scanning (Esc)"))
        self.search_edit.setPlaceholderText(self.tr("Search by RMA or serial"))
        self.search_button.setText(self.tr("Search"))
        self.today_button.setText(self.tr("Today"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Time"), self.tr("RMA"), self.tr("Item"), self.tr("Inspector"),
            self.tr("Classification"), self.tr("Disposition"), self.tr("Sync"),
        ])
        self.lead_box.setTitle(self.tr("Needs attention (shift lead)"))
        self.retry_button.setText(self.tr("Retry"))
        self.choose_line_button.setText(self.tr("Choose line…"))
        self.mismatch_filter.setText(self.tr("Mismatches only"))
        self.note_edit.setPlaceholderText(self.tr("How was it handled?"))
        self.handled_button.setText(self.tr("Mark handled"))
        self.report_box.setTitle(self.tr("Reports"))
        self.inspection_report_button.setText(self.tr("Inspection report…"))
        self.label_button.setText(self.tr("Reprint label"))
        self.label_action.setText(self.tr("Reprint label"))
        self.shift_report_button.setText(self.tr("Shift report…"))
        self.day_csv_button.setText(self.tr("Day CSV…"))
        self.shift_csv_button.setText(self.tr("Shift CSV…"))
        self.audit_button.setText(self.tr("Audit log…"))
        self._fill_shifts()
        for row, r in enumerate(self.records):
            for col, text in ((1, self.rma_text(r)), (4, self.class_text(r)),
                              (5, self.disposition_name(r.disposition)),
                              (COLUMNS - 1, self.state_name(r.sync_state))):
                item = self.table.item(row, col)
                if item is not None:
                    item.setText(text)
        record = self.selected()
        self.detail.setPlainText(self.describe(record) if record else "")
