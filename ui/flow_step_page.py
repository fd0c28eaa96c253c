"""The step page of the inspection flow: one checklist step, its result buttons and fields.

It only shows the session's current step (ui/inspection_flow.py decides when, and turns
clicks and keys into session calls): the prompt in the station's language, the hint, the
pass/fail/N-A or option buttons, the value field, the note and the photo panel beside it.

Signals:
    answer_chosen(object, object): a result button was clicked: (Result, value or None).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import ChecklistStep, Result, Section, StepKind
from app.weight import WEIGHT_STEP_ID, typing_allowed
from app.workflow import InspectionSession, prompt_for
from ui.photo_widgets import PhotoPanel
from ui.scale_panel import ScalePanel
from ui.services import Services
from ui.widgets import ERROR_COLOUR, INFO_COLOUR, BigButton, heading_font

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


class EnterField(QLineEdit):
    """A line edit that keeps Enter: returnPressed handles it, the flow must not see it again."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in _ENTER:
            event.accept()


class StepPage(QWidget):
    """Shows one step of an InspectionSession; the flow connects its fields and buttons."""

    answer_chosen = Signal(object, object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._build()

    def _build(self) -> None:
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout()
        columns.addLayout(layout, 3)
        self.step_counter = QLabel(self)
        layout.addWidget(self.step_counter)
        self.prompt = QLabel(self)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.prompt.setFont(heading_font(self.font(), 1.7))
        self.prompt.setMinimumHeight(70)
        layout.addWidget(self.prompt)
        self.hint = QLabel(self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # holds the case's expected serial
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        # Result buttons (pass/fail/N/A, choice options) share one row.
        self.result_row = QHBoxLayout()
        self.result_group = QButtonGroup(self)
        self.result_group.setExclusive(True)
        self.pass_button = self._result_button(self, "#2e7d32")
        self.fail_button = self._result_button(self, ERROR_COLOUR)
        self.na_button = self._result_button(self, "#546e7a")
        self.pass_button.clicked.connect(lambda: self.answer_chosen.emit(Result.PASS, None))
        self.fail_button.clicked.connect(lambda: self.answer_chosen.emit(Result.FAIL, None))
        self.na_button.clicked.connect(lambda: self.answer_chosen.emit(Result.NA, None))
        self.option_box = QWidget(self)
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
        self.value_edit = EnterField(self)
        self.value_edit.setMinimumHeight(52)
        self.value_edit.setFont(heading_font(self.font(), 1.4, bold=False))
        value_row.addWidget(self.value_edit, 1)
        self.unit_label = QLabel(self)
        self.unit_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unit_label.setFont(heading_font(self.font(), 1.3, bold=False))
        value_row.addWidget(self.unit_label)
        layout.addLayout(value_row)
        self.range_label = QLabel(self)
        self.range_label.setTextFormat(Qt.TextFormat.PlainText)
        self.range_label.setWordWrap(True)
        self.range_label.setFont(heading_font(self.font(), 1.15))
        layout.addWidget(self.range_label)
        self.scale = ScalePanel(self.services, self)  # the weight step's scale (16.2)
        self.scale.typing_offered.connect(self._typing_offered)
        layout.addWidget(self.scale)

        note_row = QHBoxLayout()
        self.note_label = QLabel(self)
        note_row.addWidget(self.note_label)
        self.note_edit = EnterField(self)
        self.note_edit.setMinimumHeight(44)
        note_row.addWidget(self.note_edit, 1)
        layout.addLayout(note_row)
        self.keep_photo_row = QWidget(self)  # "keep the refused photo" goes here (16.3)
        self.keep_photo_layout = QVBoxLayout(self.keep_photo_row)
        self.keep_photo_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.keep_photo_row)

        layout.addStretch(1)
        # Photos sit beside the step (a 1366x768 screen has width to spare, not height).
        self.photos = PhotoPanel(self.services, self)
        columns.addWidget(self.photos, 2)
        self.keep_photo_layout.addWidget(self.photos.keep_row)

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

    def _language(self) -> str:
        return self.services.ctx.settings.language

    def section_name(self, section: Section) -> str:
        return {
            Section.APPEARANCE: self.tr("Appearance"),
            Section.FUNCTION: self.tr("Function"),
            Section.ACCESSORIES: self.tr("Accessories"),
        }[section]

    def show_step(self, s: InspectionSession, step: ChecklistStep) -> bool:
        """Fill the page for `step`; True when it has a value field (which should take focus)."""
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
                b.clicked.connect(
                    lambda _=False, o=option: self.answer_chosen.emit(Result.VALUE, o))
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
        self.scale.set_step(s, step)
        self.retranslate(s, step)
        return has_value

    def retranslate(self, s: InspectionSession, step: ChecklistStep) -> None:
        self.prompt.setText(prompt_for(step, self._language()))
        self.step_counter.setText(
            self.tr("%1 · step %2 of %3").replace("%1", self.section_name(step.section))
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
        typed = step.step_id != WEIGHT_STEP_ID or typing_allowed(s)
        self.value_edit.setReadOnly(not typed)  # a working scale's figure is not typed over
        if step.step_id == WEIGHT_STEP_ID and self.scale.has_scale():
            hint = (self.tr("The scale did not answer: type the grams and press Enter (or "
                            "read the scale again)") if typed else
                    self.tr("Put the item on the scale: it is read by itself; Enter takes "
                            "its reading"))
        if step.capture == "gtin":  # the identity gate (16.1)
            hint = (self.tr("Scan the barcode on the product (EAN/UPC/GTIN or GS1 DataMatrix); "
                            "the case expects: %1 · N: the product has no barcode")
                    .replace("%1", s.expected_gtin or self.tr("(no product code on the case)")))
        elif step.capture:
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

    def _typing_offered(self) -> None:
        s = self.scale.session
        if s is not None and s.current is not None:
            self.retranslate(s, s.current)

    def refresh(self, s: InspectionSession, step: ChecklistStep) -> None:
        """The chosen result's button checked, and the range notice of a number step."""
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
        if step.kind is not StepKind.NUMBER:
            self.range_label.hide()
            return
        lo, hi = _fmt(step.min), _fmt(step.max)
        if step.min is None and step.max is None:  # e.g. a weight with nothing to compare
            self.range_label.hide()
            return
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
