"""The inspection flow: one step at a time, keyboard first, saved at once, then the summary.

All decisions come from app/workflow.py (InspectionSession over the core Wizard): this
widget loads the session, switches between its pages, turns buttons into session calls
and shows the core's blocker messages. Every answer is written on the database thread as
soon as it is made. Its parts: ui/flow_header.py (item, progress, mismatch banner),
ui/flow_step_page.py (one step), ui/flow_summary_page.py (suggestion and override) and
ui/flow_input.py (keys and scans through the router).

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
from typing import Any, assert_never

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import ChecklistStep, DomainError, Result
from app.input_router import Do
from app.scanning.events import ScanEvent
from app.workflow import InspectionSession, ValueEntered
from ui.flow_header import FlowHeader
from ui.flow_input import FlowInput
from ui.flow_step_page import StepPage
from ui.flow_summary_page import SummaryPage
from ui.i18n import error_text
from ui.services import Services
from ui.widgets import (
    ERROR_COLOUR,
    INFO_COLOUR,
    OK_COLOUR,
    WARN_COLOUR,
    BigButton,
    FlashLabel,
)

log = logging.getLogger("station.ui.flow")


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
        self.leave_box: QMessageBox | None = None
        self.input = FlowInput(self)
        self.keys = self.input.keys
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

        self.head = FlowHeader(lambda sec: self.step_page.section_name(sec), self)
        self.leave_button = QPushButton(self)
        self.leave_button.setMinimumHeight(44)
        self.leave_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.leave_button.clicked.connect(self.leave)
        self.head.top.addWidget(self.leave_button)
        root.addWidget(self.head)

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
        self.step_page = StepPage(self.services, self)
        self.step_page.answer_chosen.connect(self.answer)
        self.pages.addWidget(self.step_page)
        # The fields and panel the flow's actions read (tests and other screens use them too).
        self.value_edit = self.step_page.value_edit
        self.value_edit.returnPressed.connect(self.value_entered)
        self.note_edit = self.step_page.note_edit
        self.note_edit.editingFinished.connect(self.note_finished)
        self.note_edit.returnPressed.connect(self._note_return)
        self.photos = self.step_page.photos
        self.photos.message.connect(self._photo_message)
        self.step_page.scale.message.connect(self._photo_message)
        self.step_page.scale.weighed.connect(self._show_current)
        self.photos.photos_changed.connect(self._refresh)
        self.summary_page = SummaryPage(self.services, self)
        self.summary_page.override_changed.connect(self._update_nav)
        self.summary_page.confirm_requested.connect(self.request_confirm)
        self.pages.addWidget(self.summary_page)
        self.reason_edit = self.summary_page.reason_edit
        self.sign_off_box = self.summary_page.sign_off_box
        self.sign_off_box.signed.connect(self._signed_off)

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

    # --- starting -----------------------------------------------------------------------

    def start(self, inspection_id: str) -> None:
        """Load the draft (in the background) and show the step it was left at."""
        self.inspection_id = inspection_id
        self.session = self.summary_page.session = None
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
            self.session = self.summary_page.session = session
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

    def language(self) -> str:
        return self.services.ctx.settings.language

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
        if self.step_page.show_step(s, step):
            self.value_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.value_edit.selectAll()
        else:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refresh(self) -> None:
        """Selected results, range notice, identity banner, progress and the Next gate."""
        s = self.session
        if s is None:
            return
        self.head.refresh(s)
        step = s.current
        if step is not None:
            answer = s.answer_of(step.step_id)
            self.step_page.refresh(s, step)
            blocker = s.wizard.next_blocker_error()
            if blocker and answer is not None and not s.wizard.gate_open(step.step_id):
                self.message.show_message(blocker.message(self.language()), WARN_COLOUR)
        self._update_nav()

    @property
    def mismatch_shown(self) -> bool:
        return self.head.mismatch_shown

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
            self.confirm_button.setEnabled(self.summary_page.override_ok() and not self.confirming
                                           and self.sign_off_box.satisfied())

    def _show_summary(self) -> None:
        s = self.session
        assert s is not None
        self.pages.setCurrentWidget(self.summary_page)
        self.summary_page.show_summary(s)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.services.router.summary_shown()  # Confirm waits until it could be read

    # --- actions ------------------------------------------------------------------------

    def _error(self, exc: BaseException) -> None:
        self.message.show_message(error_text(exc, self.language()), ERROR_COLOUR, flash=True)

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

    def value_entered(self) -> None:
        """Enter in the value field: the session records the value and says what follows."""
        s = self.session
        if s is None or s.current is None or self.confirming:
            return
        try:
            then = s.enter_value(self.value_edit.text(), note=self.note_edit.text())
        except DomainError as exc:
            self._error(exc)
            return
        if then is not ValueEntered.NEEDS_VALUE:
            self.message.show_message("")
            self._refresh()  # the value, its range notice, the mismatch banner
        match then:
            case ValueEntered.NEXT:
                self.go_next()
            case ValueEntered.NEEDS_VALUE:
                self.message.show_message(
                    self.tr("Type a value, or press N/A."), WARN_COLOUR, flash=True)
            case ValueEntered.HOLD:  # the identity gate (16.1)
                self.message.show_message(
                    self.tr("Product code mismatch: the item is held for review. Check the "
                            "item; press Enter again to continue."), ERROR_COLOUR, flash=True)
                self.value_edit.selectAll()
            case ValueEntered.MISMATCH:  # stop here: the inspector must see the banner
                self.message.show_message(
                    self.tr("Serial mismatch. Check the item; press Enter again to continue."),
                    ERROR_COLOUR, flash=True)
                self.value_edit.selectAll()
            case ValueEntered.STAY:
                self.setFocus(Qt.FocusReason.OtherFocusReason)  # Space takes the photo now
            case unknown:
                assert_never(unknown)

    def note_finished(self) -> None:
        s = self.session
        if s is None or s.current is None:
            return
        try:
            s.set_note(self.note_edit.text())
        except DomainError as exc:
            self._error(exc)

    def _note_return(self) -> None:
        self.note_finished()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_next(self) -> None:
        s = self.session
        if s is None or s.current is None or self.confirming:
            return
        if self.note_edit.hasFocus():
            self.note_finished()
        try:
            s.next()
        except DomainError as exc:
            self.message.show_message(error_text(exc, self.language()), WARN_COLOUR,
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
            self.message.show_message(error_text(exc, self.language()), WARN_COLOUR,
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
            plan = s.prepare_confirm(self.summary_page.chosen_classification(),
                                     self.reason_edit.text())
        except DomainError as exc:
            self._error(exc)
            if exc.key in ("gtin_needs_sign_off", "gtin_sign_off_stale",
                           "mismatch_needs_sign_off", "sign_off_stale"):  # the reason first (16.1)
                self.sign_off_box.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            elif not self.reason_edit.text().strip():
                self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.confirming = True
        self._update_nav()
        self.message.show_message(self.tr("Saving the result…"), INFO_COLOUR)
        iid = s.inspection_id

        codes = self.input.where().case_codes

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
        self.note_finished()
        self.left.emit(self.inspection_id)

    # --- input: keys, scans and clicks through the router ---------------------------------

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
        self.input.carry_out(self.services.router.scan(event, self.input.where()))

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
            self.step_page.retranslate(s, s.current)
        else:
            self.summary_page.retranslate()
        self._refresh()
