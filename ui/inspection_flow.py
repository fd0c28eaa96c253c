"""The checklist wizard and summary page: one step at a time, keyboard first, saved at once.

All decisions come from app/workflow.py (InspectionSession over the core Wizard): this
widget shows the current step, forwards keys and buttons, and shows the core's blocker
messages. Every answer is written on the database thread as soon as it is made.

Every key, scan and click goes through the core input router (app/input_router.py,
via ui/input_keys.py): a scanner's burst is never an answer. Keys (when no text field has
the focus): P pass, F fail, N not applicable (on a pass/fail step each moves on by itself
when nothing else is needed, site setting `auto_advance`), 1-9 choose an option, Space
photo, Enter next, Backspace back, F2 to the note field and back, Esc asks whether to
keep the draft and leave. On the summary: Enter or Ctrl+Enter confirms once the summary
has been on screen long enough to be read. In a text or number field Enter records the
value and moves on.

Signals:
    confirmed(str): the inspection id, after the result is on disk.
    left(str): the inspection id, when the inspector leaves it as a draft (resumable).
    ready(): the session is loaded and the first page shown (tests and the shell wait on it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import (
    ChecklistStep,
    Classification,
    DomainError,
    Result,
    Section,
    StepKind,
)
from app.input_router import Do, Outcome, Screen, Where, case_codes, message
from app.messages import value_title
from app.scanning.events import ScanEvent
from app.wizard import IdentityCheck
from app.workflow import InspectionSession, prompt_for
from ui.i18n import error_text
from ui.input_keys import KeyFeed
from ui.mismatch_signoff import SignOffBox
from ui.photo_widgets import PhotoPanel
from ui.services import Services
from ui.widgets import (
    ERROR_COLOUR,
    INFO_COLOUR,
    OK_COLOUR,
    WARN_COLOUR,
    BigButton,
    ElidedLabel,
    FlashLabel,
    heading_font,
)

log = logging.getLogger("station.ui.flow")

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


class _Field(QLineEdit):
    """A line edit that keeps Enter: returnPressed handles it, the flow must not see it again."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in _ENTER:
            event.accept()


class InspectionFlow(QWidget):
    """Checklist steps, then the summary with the suggestion, override and confirm."""

    confirmed = Signal(str)
    left = Signal(str)
    ready = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.session: InspectionSession | None = None
        self.inspection_id: str | None = None
        self.confirming = False
        self._pending_writes = 0
        self._mismatch_ack: tuple[str, str] | None = None
        self.leave_box: QMessageBox | None = None
        self.keys = KeyFeed(services.router, self.where, self.carry_out, self)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        for field in (self.value_edit, self.note_edit, self.reason_edit):
            field.installEventFilter(self)
        self.retranslate_ui()

    # --- building -----------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(8)

        top = QHBoxLayout()
        self.header = ElidedLabel(self)
        self.header.setFont(heading_font(self.font(), 1.2))
        top.addWidget(self.header, 1)
        self.leave_button = QPushButton(self)
        self.leave_button.setMinimumHeight(44)
        self.leave_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.leave_button.clicked.connect(self.leave)
        top.addWidget(self.leave_button)
        root.addLayout(top)

        prog = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setMinimumHeight(22)
        self.progress.setTextVisible(True)
        prog.addWidget(self.progress, 2)
        self.sections_label = QLabel(self)
        prog.addWidget(self.sections_label, 3)
        root.addLayout(prog)

        # The loud warning: a scanned serial/IMEI that is not the expected one.
        self.identity_banner = QLabel(self)
        self.identity_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.identity_banner.setWordWrap(True)
        self.identity_banner.setFont(heading_font(self.font(), 1.3))
        self.identity_banner.setStyleSheet(
            f"QLabel {{ background: {ERROR_COLOUR}; color: white; padding: 10px;"
            " border-radius: 6px; }")
        self.identity_banner.hide()
        root.addWidget(self.identity_banner)

        self.pages = QStackedWidget(self)
        # The body scrolls when it is taller than the screen; the buttons below never do.
        self.body = QScrollArea(self)
        self.body.setWidgetResizable(True)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body.setWidget(self.pages)
        root.addWidget(self.body, 1)
        self.loading_page = QLabel(self)
        self.loading_page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.loading_page)
        self.step_page = self._build_step_page()
        self.pages.addWidget(self.step_page)
        self.summary_page = self._build_summary_page()
        self.pages.addWidget(self.summary_page)

        self.message = FlashLabel(self)
        root.addWidget(self.message)

        nav = QHBoxLayout()
        self.back_button = BigButton(parent=self)
        self.next_button = BigButton(parent=self, primary=True)
        self.confirm_button = BigButton(parent=self, primary=True)
        for b in (self.back_button, self.next_button, self.confirm_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setAutoDefault(False)
            b.setDefault(False)
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        nav.addWidget(self.confirm_button)
        root.addLayout(nav)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.confirm_button.clicked.connect(self.request_confirm)

        # Ctrl+Enter confirms from anywhere in the flow, even from the reason field.
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._ctrl_enter)

    def _build_step_page(self) -> QWidget:
        page = QWidget(self)
        columns = QHBoxLayout(page)
        columns.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout()
        columns.addLayout(layout, 3)
        self.step_counter = QLabel(page)
        layout.addWidget(self.step_counter)
        self.prompt = QLabel(page)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.prompt.setFont(heading_font(self.font(), 1.7))
        self.prompt.setMinimumHeight(70)
        layout.addWidget(self.prompt)
        self.hint = QLabel(page)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # holds the case's expected serial
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        # Result buttons (pass/fail/N/A, choice options) share one row.
        self.result_row = QHBoxLayout()
        self.result_group = QButtonGroup(page)
        self.result_group.setExclusive(True)
        self.pass_button = self._result_button(page, "#2e7d32")
        self.fail_button = self._result_button(page, ERROR_COLOUR)
        self.na_button = self._result_button(page, "#546e7a")
        self.pass_button.clicked.connect(lambda: self.answer(Result.PASS))
        self.fail_button.clicked.connect(lambda: self.answer(Result.FAIL))
        self.na_button.clicked.connect(lambda: self.answer(Result.NA))
        self.option_box = QWidget(page)
        self.option_layout = QGridLayout(self.option_box)
        self.option_layout.setContentsMargins(0, 0, 0, 0)
        self.option_buttons: list[QPushButton] = []
        self.result_row.addWidget(self.pass_button)
        self.result_row.addWidget(self.fail_button)
        self.result_row.addWidget(self.option_box)
        self.result_row.addWidget(self.na_button)
        layout.addLayout(self.result_row)

        # Value field: numbers and text, and the serial/IMEI scan (wedge scanners type here).
        value_row = QHBoxLayout()
        self.value_edit = _Field(page)
        self.value_edit.setMinimumHeight(52)
        self.value_edit.setFont(heading_font(self.font(), 1.4, bold=False))
        self.value_edit.returnPressed.connect(self._value_entered)
        value_row.addWidget(self.value_edit, 1)
        self.unit_label = QLabel(page)
        self.unit_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unit_label.setFont(heading_font(self.font(), 1.3, bold=False))
        value_row.addWidget(self.unit_label)
        layout.addLayout(value_row)
        self.range_label = QLabel(page)
        self.range_label.setTextFormat(Qt.TextFormat.PlainText)
        self.range_label.setWordWrap(True)
        self.range_label.setFont(heading_font(self.font(), 1.15))
        layout.addWidget(self.range_label)

        note_row = QHBoxLayout()
        self.note_label = QLabel(page)
        note_row.addWidget(self.note_label)
        self.note_edit = _Field(page)
        self.note_edit.setMinimumHeight(44)
        self.note_edit.editingFinished.connect(self._note_finished)
        self.note_edit.returnPressed.connect(self._note_return)
        note_row.addWidget(self.note_edit, 1)
        layout.addLayout(note_row)

        layout.addStretch(1)
        # Photos sit beside the step (a 1366x768 screen has width to spare, not height).
        self.photos = PhotoPanel(self.services, page)
        self.photos.message.connect(self._photo_message)
        self.photos.photos_changed.connect(self._refresh)
        columns.addWidget(self.photos, 2)
        return page

    def _result_button(self, parent: QWidget, colour: str) -> QPushButton:
        button = BigButton(parent=parent)
        button.setCheckable(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumHeight(72)
        button.setStyleSheet(
            "QPushButton { border: 2px solid #90a4ae; border-radius: 8px; padding: 6px 18px; }"
            f"QPushButton:checked {{ background: {colour}; color: white;"
            f" border: 3px solid {colour}; }}")
        self.result_group.addButton(button)
        return button

    def _build_summary_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary_title = QLabel(page)
        self.summary_title.setFont(heading_font(self.font(), 1.4))
        layout.addWidget(self.summary_title)
        self.suggested_label = QLabel(page)
        self.suggested_label.setTextFormat(Qt.TextFormat.PlainText)
        self.suggested_label.setFont(heading_font(self.font(), 1.8))
        layout.addWidget(self.suggested_label)
        self.disposition_label = QLabel(page)
        self.disposition_label.setTextFormat(Qt.TextFormat.PlainText)
        self.disposition_label.setFont(heading_font(self.font(), 1.4))
        layout.addWidget(self.disposition_label)
        self.because_label = QLabel(page)
        self.because_label.setTextFormat(Qt.TextFormat.PlainText)
        self.because_label.setWordWrap(True)
        layout.addWidget(self.because_label)
        self.missing_label = QLabel(page)
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_label.setWordWrap(True)
        layout.addWidget(self.missing_label)
        self.identity_label = QLabel(page)
        self.identity_label.setTextFormat(Qt.TextFormat.PlainText)
        self.identity_label.setWordWrap(True)
        layout.addWidget(self.identity_label)
        self.sign_off_box = SignOffBox(self.services, page)  # a mismatch needs a lead (14.3)
        self.sign_off_box.signed.connect(self._signed_off)
        layout.addWidget(self.sign_off_box)

        box = QFrame(page)
        box.setFrameShape(QFrame.Shape.StyledPanel)
        form = QVBoxLayout(box)  # labels above their fields: nothing clipped at 1366 px
        self.override_label = QLabel(box)
        form.addWidget(self.override_label)
        self.classification_combo = QComboBox(box)
        self.classification_combo.setMinimumHeight(48)
        self.classification_combo.setFont(heading_font(self.font(), 1.2, bold=False))
        for c in Classification:
            self.classification_combo.addItem(c.value, c.value)
        self.classification_combo.currentIndexChanged.connect(self._override_changed)
        form.addWidget(self.classification_combo)
        self.reason_label = QLabel(box)
        form.addWidget(self.reason_label)
        self.reason_edit = _Field(box)
        self.reason_edit.setMinimumHeight(48)
        self.reason_edit.textChanged.connect(self._override_changed)
        self.reason_edit.returnPressed.connect(self.request_confirm)
        form.addWidget(self.reason_edit)
        self.chosen_disposition = QLabel(box)
        form.addWidget(self.chosen_disposition)
        layout.addWidget(box)
        layout.addStretch(1)
        return page

    # --- starting -----------------------------------------------------------------------

    def start(self, inspection_id: str) -> None:
        """Load the draft (in the background) and show the step it was left at."""
        self.inspection_id = inspection_id
        self.session = None
        self.confirming = False
        self.pages.setCurrentWidget(self.loading_page)
        self.message.show_message("")
        self._update_nav()
        ctx = self.services.ctx
        persist = self._persist

        def load() -> InspectionSession:
            return InspectionSession(ctx, inspection_id, persist=persist)

        def done(session: Any) -> None:
            if inspection_id != self.inspection_id:
                return  # another inspection was started meanwhile
            self.session = session
            self._show_current()  # gives the focus to the value field or the flow itself
            self.ready.emit()

        def failed(exc: BaseException) -> None:
            self.message.show_message(
                self.tr("This inspection cannot be opened: %1").replace("%1", str(exc)),
                ERROR_COLOUR)

        self.services.run_in_background(load, done, failed)

    def _persist(self, write: Callable[[], None]) -> None:
        """Queue one write on the database thread (order kept); a failure reloads the draft."""
        self._pending_writes += 1

        def done(_: Any) -> None:
            self._pending_writes -= 1

        def failed(exc: BaseException) -> None:
            self._pending_writes -= 1
            log.error("saving failed: %s", exc)
            iid = self.inspection_id
            self.message.show_message(
                self.tr("Not saved: %1. The screen now shows what is saved.").replace(
                    "%1", str(exc)), ERROR_COLOUR, flash=True)
            if iid is not None and not self.confirming:
                self.start(iid)

        self.services.run_in_background(write, done, failed, writes=True)

    @property
    def saving(self) -> bool:
        return self._pending_writes > 0

    # --- showing ------------------------------------------------------------------------

    def _language(self) -> str:
        return self.services.ctx.settings.language

    def _section_name(self, section: Section) -> str:
        return {
            Section.APPEARANCE: self.tr("Appearance"),
            Section.FUNCTION: self.tr("Function"),
            Section.ACCESSORIES: self.tr("Accessories"),
        }[section]

    def classification_name(self, c: Classification) -> str:
        return value_title(self._language(), c.value)

    def disposition_name(self, d: Any) -> str:
        return value_title(self._language(), getattr(d, "value", d) or None)

    def _show_current(self) -> None:
        s = self.session
        if s is None:
            return
        step = s.current
        if step is None:
            self._show_summary()
        else:
            self._show_step(step)
        self._refresh()

    def _show_step(self, step: ChecklistStep) -> None:
        s = self.session
        assert s is not None
        self.services.router.summary_hidden()
        self.pages.setCurrentWidget(self.step_page)
        answer = s.answer_of(step.step_id)
        kind = step.kind
        self.prompt.setText(prompt_for(step, self._language()))
        self.pass_button.setVisible(kind is StepKind.PASS_FAIL)
        self.fail_button.setVisible(kind is StepKind.PASS_FAIL)
        self.option_box.setVisible(kind is StepKind.CHOICE)
        for b in self.option_buttons:
            self.result_group.removeButton(b)
            b.setParent(None)
            b.deleteLater()
        self.option_buttons = []
        if kind is StepKind.CHOICE:
            for i, option in enumerate(step.options):
                b = self._result_button(self.option_box, INFO_COLOUR)
                b.setText(f"{i + 1}  {option}" if i < 9 else option)
                b.clicked.connect(lambda _=False, o=option: self.answer(Result.VALUE, o))
                self.option_layout.addWidget(b, i // 4, i % 4)
                self.option_buttons.append(b)
        has_value = kind in (StepKind.NUMBER, StepKind.TEXT)
        self.value_edit.setVisible(has_value)
        self.unit_label.setVisible(kind is StepKind.NUMBER)
        self.unit_label.setText(step.unit or "")
        value = answer.value if answer is not None and answer.result is Result.VALUE else None
        self.value_edit.setText("" if value is None else
                                (_fmt(value) if isinstance(value, float) else str(value)))
        self.note_edit.setText(answer.note if answer else "")
        self.photos.set_step(s, step.step_id)
        self._retranslate_step(step)
        if has_value:
            self.value_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.value_edit.selectAll()
        else:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _retranslate_step(self, step: ChecklistStep) -> None:
        s = self.session
        assert s is not None
        self.step_counter.setText(
            self.tr("%1 · step %2 of %3").replace("%1", self._section_name(step.section))
            .replace("%2", str(s.wizard.index + 1)).replace("%3", str(len(s.template.steps)))
            + ("" if step.required else self.tr(" (optional)")))
        hints = {
            StepKind.PASS_FAIL: self.tr("P pass · F fail · N not applicable · Enter next"),
            StepKind.CHOICE: self.tr("1-9 choose · N not applicable · Enter next"),
            StepKind.NUMBER: self.tr("Type the reading and press Enter"),
            StepKind.TEXT: self.tr("Type or scan, then press Enter"),
            StepKind.PHOTO: self.tr("Space takes the photo · N not applicable · Enter next"),
        }
        hint = hints[step.kind]
        if step.capture:
            expected = s.expected_serial
            hint = (self.tr("Scan the %1 label; expected: %2")
                    .replace("%1", "IMEI" if step.capture == "imei" else self.tr("serial"))
                    .replace("%2", expected or self.tr("(no serial on the case)")))
        if step.photo_on_fail:
            hint += "  " + self.tr("A fail needs a photo.")
        self.hint.setText(hint)
        self.pass_button.setText(self.tr("Pass (P)"))
        self.fail_button.setText(self.tr("Fail (F)"))
        self.na_button.setText(self.tr("N/A (N)"))
        self.note_label.setText(self.tr("Note"))
        self.note_edit.setPlaceholderText(self.tr("optional note"))

    def _refresh(self) -> None:
        """Selected results, range notice, identity banner, progress and the Next gate."""
        s = self.session
        if s is None:
            return
        p = s.wizard.progress
        self.progress.setMaximum(max(1, p.total))
        self.progress.setValue(p.done)
        self.progress.setFormat(f"{p.done}/{p.total}")
        self.sections_label.setText("   ".join(
            f"{self._section_name(sec)} {sp.done}/{sp.total}" for sec, sp in p.sections.items()))
        self._refresh_header()
        self._refresh_identity()
        step = s.current
        if step is not None:
            answer = s.answer_of(step.step_id)
            chosen: QPushButton | None = None
            if answer is not None:
                if answer.result is Result.PASS and step.kind is StepKind.PASS_FAIL:
                    chosen = self.pass_button
                elif answer.result is Result.FAIL:
                    chosen = self.fail_button
                elif answer.result is Result.NA:
                    chosen = self.na_button
                elif step.kind is StepKind.CHOICE and answer.value in step.options:
                    chosen = self.option_buttons[step.options.index(str(answer.value))]
            self.result_group.setExclusive(False)
            for b in (self.pass_button, self.fail_button, self.na_button, *self.option_buttons):
                b.setChecked(b is chosen)
            self.result_group.setExclusive(True)
            if step.kind is StepKind.NUMBER:
                lo, hi = _fmt(step.min), _fmt(step.max)
                if s.out_of_range():
                    self.range_label.setText(
                        self.tr("Out of range (%1 to %2 %3): this counts as a FAIL.")
                        .replace("%1", lo or "…").replace("%2", hi or "…")
                        .replace("%3", step.unit or "")
                        + (" " + self.tr("Take a photo.") if step.photo_on_fail else ""))
                    self.range_label.setStyleSheet(f"QLabel {{ color: {ERROR_COLOUR}; }}")
                else:
                    self.range_label.setText(
                        self.tr("Accepted range: %1 to %2 %3").replace("%1", lo or "…")
                        .replace("%2", hi or "…").replace("%3", step.unit or ""))
                    self.range_label.setStyleSheet("")
                self.range_label.show()
            else:
                self.range_label.hide()
            blocker = s.wizard.next_blocker_error()
            if blocker and answer is not None and not s.wizard.gate_open(step.step_id):
                self.message.show_message(blocker.message(self._language()), WARN_COLOUR)
        self._update_nav()

    def _refresh_header(self) -> None:
        s = self.session
        if s is None:
            self.header.setText("")
            return
        if s.case is not None and s.item is not None:
            text = f"{s.case.rma} · {s.item.title} ({s.item.sku})"
        else:
            text = self.tr("UNVERIFIED (offline) · %1 · %2").replace(
                "%1", s.scanned_code or "?").replace("%2", s.category)
        self.header.setText(text)

    def _refresh_identity(self) -> None:
        s = self.session
        if s is None or s.identity() is not IdentityCheck.MISMATCH:
            self.identity_banner.hide()
            return
        scanned = s.wizard.captured_serial() or ""
        self.identity_banner.setText(
            self.tr("SERIAL MISMATCH: scanned %1, the case expects %2. "
                    "Possible swapped item: check the item and the label.")
            .replace("%1", scanned).replace("%2", s.expected_serial or ""))
        self.identity_banner.show()

    @property
    def mismatch_shown(self) -> bool:
        return not self.identity_banner.isHidden()

    def _signed_off(self, _signed: object) -> None:
        self.message.show_message("")  # the "needs a sign-off" refusal no longer holds
        self._update_nav()

    def _update_nav(self) -> None:
        s = self.session
        at_summary = s is not None and s.current is None
        self.next_button.setVisible(not at_summary)
        self.confirm_button.setVisible(at_summary)
        self.back_button.setEnabled(s is not None and s.wizard.index > 0 and not self.confirming)
        self.next_button.setEnabled(s is not None and s.wizard.can_next())
        if at_summary:
            self.confirm_button.setEnabled(self.override_ok() and not self.confirming
                                           and self.sign_off_box.satisfied())

    def _show_summary(self) -> None:
        s = self.session
        assert s is not None
        self.pages.setCurrentWidget(self.summary_page)
        sug = s.suggestion()
        index = self.classification_combo.findData(sug.classification.value)
        self.classification_combo.blockSignals(True)
        self.classification_combo.setCurrentIndex(index)
        self.classification_combo.blockSignals(False)
        self.reason_edit.clear()
        self._retranslate_summary()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.services.router.summary_shown()  # Confirm waits until it could be read

    def _retranslate_summary(self) -> None:
        s = self.session
        if s is None or s.current is not None:
            return
        sug = s.suggestion()
        lang = self._language()
        self.summary_title.setText(self.tr("Summary"))
        self.suggested_label.setText(
            self.tr("Suggested: %1").replace("%1", self.classification_name(sug.classification)))
        colour = OK_COLOUR if sug.classification is Classification.INTACT else ERROR_COLOUR
        self.suggested_label.setStyleSheet(f"QLabel {{ color: {colour}; }}")
        self.disposition_label.setText(
            self.tr("Disposition: %1").replace("%1", self.disposition_name(sug.disposition)))
        because = s.because_texts(lang)
        if because:
            self.because_label.setText(self.tr("Because:") + "\n" + "\n".join(
                f"  • {text}" for text in because))
        else:
            self.because_label.setText(self.tr("Because: no step failed."))
        if sug.missing_accessories:
            self.missing_label.setText(self.tr("Missing accessories: %1").replace(
                "%1", ", ".join(sug.missing_accessories)))
        else:
            self.missing_label.setText(self.tr("Missing accessories: none"))
        identity = s.identity()
        texts = {
            IdentityCheck.MATCH: self.tr("Serial/IMEI matches the case."),
            IdentityCheck.MISMATCH: self.tr("Serial/IMEI does NOT match the case."),
            IdentityCheck.NOT_CAPTURED: self.tr("Serial/IMEI not captured."),
            IdentityCheck.NO_REFERENCE: self.tr("The case lists no serial to compare with."),
            IdentityCheck.NO_CAPTURE_STEP: "",
        }
        self.identity_label.setText(texts[identity])
        self.sign_off_box.show_for(s, identity is IdentityCheck.MISMATCH)
        self.override_label.setText(self.tr("Classification"))
        self.reason_label.setText(self.tr("Override reason"))
        self.reason_edit.setPlaceholderText(self.tr("required when you change the classification"))
        for i in range(self.classification_combo.count()):
            c = Classification(self.classification_combo.itemData(i))
            self.classification_combo.setItemText(i, self.classification_name(c))
        self.confirm_button.setText(self.tr("Confirm (Enter)"))
        self._override_changed()

    def chosen_classification(self) -> Classification:
        return Classification(self.classification_combo.currentData())

    def override_ok(self) -> bool:
        """Keeping the suggestion needs nothing; overriding needs a reason."""
        s = self.session
        if s is None or s.current is not None:
            return False
        if self.chosen_classification() is s.suggestion().classification:
            return True
        return bool(self.reason_edit.text().strip())

    def _override_changed(self) -> None:
        s = self.session
        if s is None or s.current is not None:
            return
        chosen = self.chosen_classification()
        suggested = s.suggestion()
        overriding = chosen is not suggested.classification
        self.reason_edit.setEnabled(True)
        # The headline always says what will happen to the item: the override, once chosen.
        shown = chosen if overriding else suggested.classification
        if overriding:
            self.suggested_label.setText(self.tr("Override: %1 (suggested: %2)").replace(
                "%1", self.classification_name(chosen)).replace(
                "%2", self.classification_name(suggested.classification)))
        else:
            self.suggested_label.setText(self.tr("Suggested: %1").replace(
                "%1", self.classification_name(chosen)))
        colour = OK_COLOUR if shown is Classification.INTACT else ERROR_COLOUR
        self.suggested_label.setStyleSheet(f"QLabel {{ color: {colour}; }}")
        self.disposition_label.setText(self.tr("Disposition: %1").replace(
            "%1", self.disposition_name(s.disposition_for(shown) if overriding
                                        else suggested.disposition)))
        if overriding:
            self.chosen_disposition.setText(
                self.tr("Override: %1 → disposition %2").replace(
                    "%1", self.classification_name(chosen)).replace(
                    "%2", self.disposition_name(s.disposition_for(chosen))))
            if not self.reason_edit.text().strip():
                self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.chosen_disposition.setText("")
        self._update_nav()

    # --- actions ------------------------------------------------------------------------

    def _error(self, exc: BaseException) -> None:
        self.message.show_message(error_text(exc, self._language()), ERROR_COLOUR, flash=True)

    def answer(self, result: Result, value: float | str | None = None) -> bool:
        s = self.session
        if s is None or s.current is None or self.confirming:
            return False
        try:
            s.answer(result, value, note=self.note_edit.text())
        except DomainError as exc:
            self._error(exc)
            return False
        self.message.show_message("")
        if result is Result.NA:
            self.value_edit.clear()
        self._refresh()
        return True

    def _value_entered(self) -> None:
        """Enter in the value field: record the value, then move on unless something is wrong."""
        s = self.session
        if s is None or s.current is None:
            return
        step = s.current
        text = self.value_edit.text().strip()
        if not text:
            if step.step_id in s.wizard.answers or not step.required:
                self.go_next()
            else:
                self.message.show_message(
                    self.tr("Type a value, or press N/A."), WARN_COLOUR, flash=True)
            return
        if self._mismatch_ack == (step.step_id, text):
            self.go_next()  # second Enter on the same mismatching value: seen, go on
            return
        if not self.answer(Result.VALUE, text):
            return
        if step.capture and s.identity() is IdentityCheck.MISMATCH:
            # Stop here: the inspector must see the banner before going on.
            self.message.show_message(
                self.tr("Serial mismatch. Check the item; press Enter again to continue."),
                ERROR_COLOUR, flash=True)
            self.value_edit.selectAll()
            self._mismatch_ack = (step.step_id, text)
            return
        if s.out_of_range() and not s.wizard.can_next():
            self.setFocus(Qt.FocusReason.OtherFocusReason)  # Space takes the photo now
            return
        self.go_next()

    def _note_finished(self) -> None:
        s = self.session
        if s is None or s.current is None:
            return
        try:
            s.set_note(self.note_edit.text())
        except DomainError as exc:
            self._error(exc)

    def _note_return(self) -> None:
        self._note_finished()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_next(self) -> None:
        s = self.session
        if s is None or s.current is None or self.confirming:
            return
        if self.note_edit.hasFocus():
            self._note_finished()
        try:
            s.next()
        except DomainError as exc:
            self.message.show_message(error_text(exc, self._language()), WARN_COLOUR,
                                      flash=True)
            return
        self.message.show_message("")
        self._show_current()

    def go_back(self) -> None:
        s = self.session
        if s is None or self.confirming:
            return
        try:
            s.back()
        except DomainError as exc:
            self.message.show_message(error_text(exc, self._language()), WARN_COLOUR,
                                      flash=True)
            return
        self.message.show_message("")
        self._show_current()

    def take_photo(self) -> None:
        self.photos.take_photo()

    def _photo_message(self, text: str, error: bool) -> None:
        self.message.show_message(text, ERROR_COLOUR if error else INFO_COLOUR, flash=error)

    def confirm(self) -> None:
        """Check the override (core), write the result on the DB thread, then emit confirmed."""
        s = self.session
        if s is None or s.current is not None or self.confirming:
            return
        try:
            plan = s.prepare_confirm(self.chosen_classification(), self.reason_edit.text())
        except DomainError as exc:
            self._error(exc)
            if exc.key in ("mismatch_needs_sign_off", "sign_off_stale"):
                self.sign_off_box.who_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            elif not self.reason_edit.text().strip():
                self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.confirming = True
        self._update_nav()
        self.message.show_message(self.tr("Saving the result…"), INFO_COLOUR)
        iid = s.inspection_id

        codes = self.where().case_codes

        def done(_: Any) -> None:
            self.message.show_message(self.tr("Result saved."), OK_COLOUR)
            # The label is still under the camera: it must not reopen this case at once.
            self.services.router.quiet(codes, 60.0)
            self.confirmed.emit(iid)

        def failed(exc: BaseException) -> None:
            self.confirming = False
            self._update_nav()
            self.message.show_message(
                self.tr("The result was NOT saved: %1").replace("%1", str(exc)),
                ERROR_COLOUR, flash=True)

        self.services.run_in_background(lambda: s.commit(plan), done, failed, writes=True)

    def leave(self) -> None:
        """Keep the draft and go back to the scan screen; it resumes from the same step."""
        if self.inspection_id is None or self.confirming:
            return
        self._note_finished()
        self.left.emit(self.inspection_id)

    # --- input: keys, scans and clicks through the router ---------------------------------

    def where(self) -> Where:
        """Where the inspector is now, as the router needs to know it."""
        s = self.session
        if s is None or self.confirming or self.pages.currentWidget() is self.loading_page:
            return Where(Screen.OTHER)
        focus = self.focusWidget()
        text_focus = isinstance(focus, QLineEdit) and focus.isVisible()
        codes: frozenset[str] = frozenset()
        if s.case is not None:
            codes = case_codes(s.case.rma, s.case.order_id, s.case.tracking_numbers)
        if s.scanned_code:
            codes = codes | case_codes(s.scanned_code, None, ())
        step = s.current
        if step is None:
            return Where(Screen.SUMMARY, text_focus=text_focus, case_codes=codes)
        return Where(Screen.CHECKLIST, step_kind=step.kind, capture=step.capture,
                     text_focus=text_focus, case_codes=codes,
                     expected_serial=s.expected_serial, options=len(step.options))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.session is not None and self.keys.key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(watched, QLineEdit)
                and self.session is not None):
            assert isinstance(event, QKeyEvent)
            return self.keys.key(event, watched)
        return super().eventFilter(watched, event)

    def handle_scan(self, event: ScanEvent) -> None:
        """A camera read: the router decides (offer a serial, or nothing at all)."""
        self.carry_out(self.services.router.scan(event, self.where()))

    def carry_out(self, outcome: Outcome) -> None:
        """Do what the router decided; the only place an input becomes an action."""
        s = self.session
        do = outcome.do
        if s is None or do in (Do.NOTHING, Do.TYPE):
            return
        if do is Do.REFUSE:
            assert outcome.refusal is not None
            self.message.show_message(message(outcome.refusal, self._language()),
                                      ERROR_COLOUR, flash=True)
            self.services.tones.error()
        elif do is Do.ANSWER:
            assert outcome.result is not None
            self._answer_and_advance(outcome.result)
        elif do is Do.CHOOSE and s.current is not None:
            if 0 <= outcome.index < len(s.current.options):
                self.answer(Result.VALUE, s.current.options[outcome.index])
        elif do is Do.FILL_SERIAL:
            self._fill_serial(outcome.code, outcome.commit)
        elif do is Do.NEXT:
            self.go_next()
        elif do is Do.BACK:
            self.go_back()
        elif do is Do.PHOTO:
            self.take_photo()
        elif do is Do.NOTE:
            self.toggle_note()
        elif do is Do.CONFIRM:
            self.confirm()
        elif do is Do.ASK_LEAVE:
            self.ask_leave()

    def _answer_and_advance(self, result: Result) -> None:
        s = self.session
        assert s is not None
        step = s.current
        if not self.answer(result):
            return
        if (step is not None and step.kind is StepKind.PASS_FAIL
                and self.services.ctx.settings.auto_advance and s.current is step
                and s.wizard.can_next()):
            self.go_next()  # nothing else is needed here: save the inspector a key

    def _fill_serial(self, code: str, commit: bool) -> None:
        s = self.session
        if s is None or s.current is None or not s.current.capture:
            return
        self.value_edit.setText(code)
        if commit:
            self._value_entered()
            return
        self.value_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.value_edit.selectAll()
        self.message.show_message(
            self.tr("The camera read %1. Press Enter to use it.").replace("%1", code),
            INFO_COLOUR)

    def toggle_note(self) -> None:
        """F2: into the note field, and back to the step (its value field, if it has one)."""
        s = self.session
        if s is None or s.current is None:
            return
        if self.note_edit.hasFocus():
            self._note_finished()
            if s.current.kind in (StepKind.NUMBER, StepKind.TEXT):
                self.value_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.note_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def request_confirm(self) -> None:
        """The Confirm button, Enter in the reason field, Ctrl+Enter: gated by the router."""
        if self.services.router.click(Do.CONFIRM).do is Do.CONFIRM:
            self.confirm()

    def _ctrl_enter(self) -> None:
        s = self.session
        if s is not None and s.current is None:
            self.request_confirm()

    def ask_leave(self) -> None:
        """Esc: ask whether to keep the draft and leave (never leaves by itself)."""
        if self.inspection_id is None or self.confirming or self.leave_box is not None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Leave the inspection?"),
                          self.tr("Keep this inspection as a draft and go back to the scan "
                                  "screen? It continues from this step later (F6)."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Keep draft and leave"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Stay"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.leave_box = box

        def finished(result: int) -> None:
            self.leave_box = None
            box.deleteLater()
            if result == QMessageBox.StandardButton.Yes:
                self.leave()
            else:
                self.setFocus(Qt.FocusReason.OtherFocusReason)

        box.finished.connect(finished)
        box.open()

    # --- words --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.leave_button.setText(self.tr("Keep as draft and leave"))
        self.loading_page.setText(self.tr("Opening the inspection…"))
        self.back_button.setText(self.tr("Back (⌫)"))
        self.next_button.setText(self.tr("Next (Enter)"))
        self.confirm_button.setText(self.tr("Confirm (Enter)"))
        self.photos.retranslate_ui()
        s = self.session
        if s is None:
            return
        if s.current is not None:
            self._retranslate_step(s.current)
            self.prompt.setText(prompt_for(s.current, self._language()))
        else:
            self._retranslate_summary()
        self._refresh()
