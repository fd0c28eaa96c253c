"""Keys, scans and clicks of the inspection flow, through the core input router.

The router (app/input_router.py) decides what an input means where the inspector is
(`where`); `carry_out` is the only place one of its outcomes becomes an action of the
flow (ui/inspection_flow.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, assert_never

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLineEdit

from app.domain import Result, StepKind
from app.input_router import Do, Outcome, Screen, Where, case_codes, message
from ui.input_keys import KeyFeed
from ui.widgets import ERROR_COLOUR, INFO_COLOUR

if TYPE_CHECKING:
    from ui.inspection_flow import InspectionFlow


class FlowInput(QObject):
    """Turns the router's outcomes into the flow's actions (answer, next, photo, note...)."""

    def __init__(self, flow: InspectionFlow) -> None:
        super().__init__(flow)
        self.flow = flow
        self.keys = KeyFeed(flow.services.router, self.where, self.carry_out, self)

    def where(self) -> Where:
        """Where the inspector is now, as the router needs to know it."""
        flow = self.flow
        s = flow.session
        if s is None or flow.confirming or flow.pages.currentWidget() is flow.loading_page:
            return Where(Screen.OTHER)
        focus = flow.focusWidget()
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
                     expected_serial=s.expected_gtin if step.capture == "gtin"
                     else s.expected_serial, options=len(step.options))

    def carry_out(self, outcome: Outcome) -> None:
        """Do what the router decided; the only place an input becomes an action."""
        flow = self.flow
        s = flow.session
        if s is None:
            return
        match outcome.do:
            case Do.NOTHING | Do.TYPE | Do.LOOKUP | Do.BADGE:
                pass  # the last two belong to other screens; the router never sends them here
            case Do.REFUSE:
                assert outcome.refusal is not None
                flow.message.show_message(message(outcome.refusal, flow.language()),
                                          ERROR_COLOUR, flash=True)
                flow.services.tones.error()
            case Do.ANSWER:
                assert outcome.result is not None
                self._answer_and_advance(outcome.result)
            case Do.CHOOSE:
                if s.current is not None and 0 <= outcome.index < len(s.current.options):
                    flow.answer(Result.VALUE, s.current.options[outcome.index])
            case Do.FILL_SERIAL:
                self._fill_serial(outcome.code, outcome.commit)
            case Do.NEXT:
                flow.go_next()
            case Do.BACK:
                flow.go_back()
            case Do.PHOTO:
                flow.take_photo()
            case Do.NOTE:
                self.toggle_note()
            case Do.CONFIRM:
                flow.confirm()
            case Do.ASK_LEAVE:
                flow.ask_leave()
            case unknown:
                assert_never(unknown)

    def _answer_and_advance(self, result: Result) -> None:
        flow = self.flow
        s = flow.session
        assert s is not None
        step = s.current
        if not flow.answer(result):
            return
        if (step is not None and step.kind is StepKind.PASS_FAIL
                and flow.services.ctx.settings.auto_advance and s.current is step
                and s.wizard.can_next()):
            flow.go_next()  # nothing else is needed here: save the inspector a key

    def _fill_serial(self, code: str, commit: bool) -> None:
        flow = self.flow
        s = flow.session
        if s is None or s.current is None or not s.current.capture:
            return
        flow.value_edit.setText(code)
        if commit:
            flow.value_entered()
            return
        flow.value_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        flow.value_edit.selectAll()
        flow.message.show_message(
            self.tr("The camera read %1. Press Enter to use it.").replace("%1", code),
            INFO_COLOUR)

    def toggle_note(self) -> None:
        """F2: into the note field, and back to the step (its value field, if it has one)."""
        flow = self.flow
        s = flow.session
        if s is None or s.current is None:
            return
        keep = flow.photos.keep_note  # a refused photo's note comes first (16.3)
        if keep.isVisible() and not keep.hasFocus():
            keep.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if flow.note_edit.hasFocus() or keep.hasFocus():
            flow.note_finished()
            if s.current.kind in (StepKind.NUMBER, StepKind.TEXT):
                flow.value_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                flow.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            flow.note_edit.setFocus(Qt.FocusReason.OtherFocusReason)
