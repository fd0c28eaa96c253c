"""The case screen: what was returned and why, the deadline, and the item line to inspect.

Keyboard: Up/Down or 1-9 choose the item line, Enter starts (or resumes) the inspection,
Esc goes back to scanning; keys go through the core input router, so a scanner's burst
never picks a line or starts. Before any step the case status gate (app/case_gate.py)
refuses closed, cancelled and inspected lines; a line this station inspected offers its
report again. Every text from the case API is shown as plain text, long text elided.

Signals:
    start_requested(object, object, str): (Case, CaseItem, the code scanned to find the case)
        to inspect.
    resume_requested(str): the id of an open draft for this case to continue.
    back_requested(): back to the scan screen.
    reprint_requested(str): the inspection id of the report to print again.
    lookup_requested(str): a handheld scan of another label: look it up instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.case_gate import (
    LineAction,
    choose_line_action,
    gate_message,
)
from app.domain import Case, CaseItem, CustomerReason, Inspection, utcnow
from app.input_router import Do, Outcome, Screen, Where, case_codes
from app.input_router import message as refusal_message
from app.messages import value_title
from ui.input_keys import KeyFeed
from ui.services import Services
from ui.widgets import (
    ERROR_COLOUR,
    OK_COLOUR,
    WARN_COLOUR,
    BigButton,
    ElidedLabel,
    FlashLabel,
    heading_font,
    shorten_words,
)


class _Plain(QLabel):
    """Wrapped plain text whose long words (codes) are shortened: it never widens the window."""

    def setText(self, text: str) -> None:
        shown = shorten_words(text)
        super().setText(shown)
        self.setToolTip(text if shown != text else "")


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class CaseScreen(QWidget):
    start_requested = Signal(object, object, str)
    resume_requested = Signal(str)
    back_requested = Signal()
    reprint_requested = Signal(str)
    lookup_requested = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.case: Case | None = None
        self.from_cache = False
        self.scanned_code = ""  # what found the case: the new draft records it
        self.drafts: list[Inspection] = []
        self.completed: dict[str, str] = {}  # line_id -> inspection confirmed here
        self.shown_at: float | None = None
        self.keys = KeyFeed(services.router, self.where, self.carry_out, self)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        self.rma_label = ElidedLabel(self)
        self.rma_label.setObjectName("rma_label")
        self.rma_label.setFont(heading_font(self.font(), 2.0))
        outer.addWidget(self.rma_label)
        self.cache_label = FlashLabel(self)
        outer.addWidget(self.cache_label)

        body = QHBoxLayout()
        outer.addLayout(body, 1)
        left = QVBoxLayout()
        body.addLayout(left, 3)
        form = QFormLayout()
        self.caption_labels = [QLabel(self) for _ in range(5)]
        self.order_value = _plain(_Plain(self))
        self.reason_value = _plain(_Plain(self))
        self.comment_value = _plain(_Plain(self))
        self.comment_value.setObjectName("comment_value")
        self.received_value = _plain(_Plain(self))
        self.deadline_value = _plain(_Plain(self))
        self.deadline_value.setObjectName("deadline_value")
        self.deadline_value.setFont(heading_font(self.font(), 1.2))
        for caption, value in zip(self.caption_labels, (
                self.order_value, self.reason_value, self.comment_value, self.received_value,
                self.deadline_value), strict=True):
            form.addRow(caption, value)
        left.addLayout(form)
        self.items_caption = QLabel(self)
        self.items_caption.setFont(heading_font(self.font(), 1.2))
        left.addWidget(self.items_caption)
        self.items = QListWidget(self)
        self.items.setObjectName("items")
        self.items.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.items.currentRowChanged.connect(self._item_changed)
        self.items.installEventFilter(self)
        left.addWidget(self.items, 1)

        right = QVBoxLayout()
        body.addLayout(right, 2)
        self.item_caption = QLabel(self)
        self.item_caption.setFont(heading_font(self.font(), 1.2))
        right.addWidget(self.item_caption)
        item_form = QFormLayout()
        self.item_captions = [QLabel(self) for _ in range(3)]
        self.item_title = _plain(_Plain(self))
        self.serial_value = _plain(_Plain(self))
        self.serial_value.setObjectName("serial_value")
        self.serial_value.setFont(heading_font(self.font(), 1.2))
        self.accessories_value = _plain(_Plain(self))
        self.accessories_value.setObjectName("accessories_value")
        for caption, value in zip(self.item_captions, (
                self.item_title, self.serial_value, self.accessories_value), strict=True):
            item_form.addRow(caption, value)
        right.addLayout(item_form)
        right.addStretch(1)
        self.draft_label = FlashLabel(self)
        right.addWidget(self.draft_label)

        buttons = QHBoxLayout()
        self.back_button = BigButton("", self)
        self.back_button.clicked.connect(self.back_requested.emit)
        self.start_button = BigButton("", self, primary=True)
        self.start_button.setObjectName("start_button")
        self.start_button.clicked.connect(self._start)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        for button in (self.back_button, self.start_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the item list
        outer.addLayout(buttons)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_deadline)
        self.retranslate_ui()

    # --- language -------------------------------------------------------------------------------

    def reason_text(self, reason: CustomerReason) -> str:
        return value_title(self.services.ctx.settings.language, reason.value)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        for label, text in zip(self.caption_labels, (
                self.tr("Order"), self.tr("Customer reason"), self.tr("Customer comment"),
                self.tr("Received"), self.tr("Inspect by")), strict=True):
            label.setText(text)
        self.items_caption.setText(self.tr("Item lines (choose with ↑ ↓ or 1-9)"))
        self.item_caption.setText(self.tr("Selected item"))
        for label, text in zip(self.item_captions, (
                self.tr("Item"), self.tr("Expected serial"), self.tr("Expected accessories")),
                strict=True):
            label.setText(text)
        self.back_button.setText(self.tr("Back (Esc)"))
        if self.case is not None:
            self._fill()
        else:
            self.start_button.setText(self.tr("Start inspection (Enter)"))

    # --- showing ----------------------------------------------------------------------------

    def show_case(self, case: Case, *, from_cache: bool = False,
                  drafts: list[Inspection] | None = None,
                  completed: dict[str, str] | None = None, scanned_code: str = "") -> None:
        """Fill the screen for a looked-up case; `drafts` are open drafts of this case,
        `completed` its lines confirmed on this station (Store.completed_lines),
        `scanned_code` what was scanned to find it (passed on with start_requested)."""
        self.case = case
        self.from_cache = from_cache
        self.scanned_code = scanned_code
        self.drafts = [d for d in (drafts or []) if d.case_id == case.case_id]
        self.completed = dict(completed or {})
        self.items.blockSignals(True)
        self.items.clear()
        self.items.blockSignals(False)
        self._fill()
        self.items.setCurrentRow(self._first_open_row())
        self._tick.start()
        self.items.setFocus()

    def _first_open_row(self) -> int:
        """Several lines: preselect the first not being inspected here, else the first."""
        assert self.case is not None
        draft_lines = {d.line_id for d in self.drafts}
        for i, item in enumerate(self.case.items):
            if item.line_id not in draft_lines:
                return i
        return 0

    def _fill(self) -> None:
        case = self.case
        assert case is not None
        self.rma_label.setText(case.rma)
        self.order_value.setText(case.order_id)
        self.reason_value.setText(self.reason_text(case.customer_reason))
        self.comment_value.setText(case.customer_comment or "—")
        self.received_value.setText(_local(case.received_at))
        if self.from_cache:
            self.cache_label.show_message(self.tr(
                "Offline: this case comes from the station's recent lookups."), WARN_COLOUR)
        else:
            self.cache_label.show_message("", OK_COLOUR)
        row = self.items.currentRow()
        self.items.blockSignals(True)
        self.items.clear()
        for i, item in enumerate(case.items, 1):
            text = self.tr("{0}. {1}  ·  SKU {2}  ·  {3}  ·  qty {4}").format(
                i, item.title, item.sku, item.category, item.quantity)
            if any(d.line_id == item.line_id for d in self.drafts):
                text += "  ·  " + self.tr("inspection in progress")
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.line_id)
            self.items.addItem(entry)
        self.items.blockSignals(False)
        if row >= 0:
            self.items.setCurrentRow(row)
        self._update_deadline()
        self._item_changed(self.items.currentRow())

    def selected_item(self) -> CaseItem | None:
        if self.case is None:
            return None
        row = self.items.currentRow()
        if not 0 <= row < len(self.case.items):
            return None
        return self.case.items[row]

    def draft_for(self, item: CaseItem | None) -> Inspection | None:
        if item is None:
            return None
        return next((d for d in self.drafts if d.line_id == item.line_id), None)

    def _item_changed(self, _row: int) -> None:
        item = self.selected_item()
        if item is None:
            self.item_title.setText("")
            self.serial_value.setText("")
            self.accessories_value.setText("")
            self.start_button.setEnabled(False)
            return
        self.start_button.setEnabled(True)
        self.item_title.setText(f"{item.title} ({item.sku})")
        self.serial_value.setText(item.serial_number or self.tr("none recorded"))
        self.accessories_value.setText(
            "\n".join(f"• {a}" for a in item.expected_accessories) or self.tr("none"))
        assert self.case is not None
        choice = choose_line_action(self.case, item, self.drafts, self.completed)
        match choice.action:
            case LineAction.REPRINT | LineAction.REFUSE:
                assert choice.refusal is not None
                language = self.services.ctx.settings.language
                self.draft_label.show_message(gate_message(choice.refusal, language),
                                              ERROR_COLOUR)
                if choice.action is LineAction.REPRINT:
                    self.start_button.setText(self.tr("Print its report again (Enter)"))
                else:
                    self.start_button.setText(self.tr("Cannot be inspected"))
                    self.start_button.setEnabled(False)
            case LineAction.RESUME:
                draft = self.draft_for(item)
                assert draft is not None
                self.start_button.setText(self.tr("Resume inspection (Enter)"))
                self.draft_label.show_message(self.tr(
                    "This item has an unfinished inspection (started {0}); Enter continues it."
                ).format(_local(draft.started_at)), WARN_COLOUR)
            case LineAction.START:
                self.start_button.setText(self.tr("Start inspection (Enter)"))
                self.draft_label.show_message("", OK_COLOUR)
            case unknown:
                assert_never(unknown)

    def countdown_text(self, now: datetime | None = None) -> tuple[str, bool]:
        """('due in 3 h 20 min' or 'overdue by 1 h 5 min', overdue?)."""
        assert self.case is not None
        left = (self.case.inspect_by - (now or utcnow())).total_seconds()
        minutes = int(abs(left) // 60)
        days, rem = divmod(minutes, 24 * 60)
        hours, mins = divmod(rem, 60)
        if days:
            span = self.tr("{0} d {1} h").format(days, hours)
        elif hours:
            span = self.tr("{0} h {1} min").format(hours, mins)
        else:
            span = self.tr("{0} min").format(mins)
        if left < 0:
            return self.tr("overdue by {0}").format(span), True
        return self.tr("due in {0}").format(span), False

    def _update_deadline(self) -> None:
        if self.case is None:
            return
        text, overdue = self.countdown_text()
        self.deadline_value.setText(f"{_local(self.case.inspect_by)}  ({text})")
        self.deadline_value.setStyleSheet(f"color: {ERROR_COLOUR if overdue else OK_COLOUR};")
        self.deadline_value.setProperty("overdue", overdue)

    def is_overdue(self) -> bool:
        return bool(self.deadline_value.property("overdue"))

    @property
    def message(self) -> FlashLabel:
        """The screen's message line (where the window shows a refusal, as on other screens)."""
        return self.draft_label

    def leave(self) -> None:
        self._tick.stop()
        self.keys.cancel()

    # --- keys -------------------------------------------------------------------------------

    def where(self) -> Where:
        case = self.case
        if case is None:
            return Where(Screen.OTHER)
        return Where(Screen.CASE, options=len(case.items),
                     case_codes=case_codes(case.rma, case.order_id, case.tracking_numbers))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.items and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self.keys.key(event)
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.keys.key(event):
            super().keyPressEvent(event)

    def carry_out(self, outcome: Outcome) -> None:
        """Enter starts, Esc goes back, 1-9 pick a line, another label's scan is looked up."""
        if outcome.do is Do.NEXT:
            self._start()
        elif outcome.do is Do.BACK:
            self.back_requested.emit()
        elif outcome.do is Do.CHOOSE and self.case is not None:
            if 0 <= outcome.index < len(self.case.items):
                self.items.setCurrentRow(outcome.index)
        elif outcome.do is Do.LOOKUP:
            self.lookup_requested.emit(outcome.code)
        elif outcome.do is Do.REFUSE and outcome.refusal is not None:
            self.draft_label.show_message(
                refusal_message(outcome.refusal, self.services.ctx.settings.language),
                ERROR_COLOUR, flash=True)
            self.services.tones.error()

    def _start(self) -> None:
        item = self.selected_item()
        if self.case is None or item is None:
            return
        choice = choose_line_action(self.case, item, self.drafts, self.completed)
        match choice.action:
            case LineAction.RESUME:
                assert choice.inspection_id is not None
                self.resume_requested.emit(choice.inspection_id)
            case LineAction.REPRINT:
                assert choice.inspection_id is not None
                self.reprint_requested.emit(choice.inspection_id)
            case LineAction.REFUSE:
                assert choice.refusal is not None
                self.draft_label.show_message(
                    gate_message(choice.refusal, self.services.ctx.settings.language),
                    ERROR_COLOUR, flash=True)
                self.services.tones.error()
            case LineAction.START:
                self.start_requested.emit(self.case, item, self.scanned_code)
            case unknown:
                assert_never(unknown)


def _local(ts: datetime) -> str:
    return ts.astimezone().strftime("%Y-%m-%d %H:%M")
