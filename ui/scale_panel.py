"""The weight step's scale row: reads the bench scale off the GUI thread and answers the step.

Shown on the weight step (app/weight.py) when the station has a scale (setting
`scale_port`). Showing the step starts a read; the button reads again. The read runs on
the background pool with the scale's own deadline (app/scale.py), so a silent or unplugged
scale ends in a message, never a frozen screen; from then on the weight may be typed
(app/weight.py `scale_failed`: typing is the fallback when the scale does not answer).

Signals:
    weighed(): the step was answered from the scale (the flow refreshes its page).
    message(str, bool): text for the inspector, and whether it is an error.
    typing_offered(): the scale failed; the page lets the weight be typed now.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.domain import ChecklistStep, DomainError
from app.messages import t
from app.scale import read_from_settings
from app.weight import WEIGHT_STEP_ID, scale_configured, scale_failed, weigh
from app.workflow import InspectionSession
from ui.i18n import error_text
from ui.services import Services
from ui.widgets import BigButton


class ScalePanel(QWidget):
    weighed = Signal()
    message = Signal(str, bool)
    typing_offered = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.session: InspectionSession | None = None
        self.reading = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.read_button = BigButton(parent=self)
        self.read_button.setObjectName("read_scale")
        self.read_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.read_button.clicked.connect(self.read)
        row.addWidget(self.read_button)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.retranslate_ui()
        self.hide()

    def _language(self) -> str:
        return self.services.ctx.settings.language

    def has_scale(self) -> bool:
        return scale_configured(self.services.ctx.settings)

    def set_step(self, session: InspectionSession, step: ChecklistStep) -> None:
        """Show on the weight step with a scale; a first read starts when nothing is weighed."""
        on_weight = step.step_id == WEIGHT_STEP_ID and self.has_scale()
        self.session = session if on_weight else None
        self.setVisible(on_weight)
        if on_weight and session.answer_of(step.step_id) is None:
            self.read()

    def read(self) -> None:
        session = self.session
        if session is None or self.reading:
            return
        self.reading = True
        self.read_button.setEnabled(False)
        self.status.setText(t(self._language(), "scale_reading"))
        settings = self.services.ctx.settings

        def done(reading: Any) -> None:
            self._finished()
            if session is not self.session or session.current is None \
                    or session.current.step_id != WEIGHT_STEP_ID:
                return  # the inspector moved on meanwhile: the reading is not for this page
            try:
                weigh(session, reading.grams, "scale")
            except DomainError as exc:
                self._failed(session, exc)
                return
            self.status.setText(self.tr("Scale: %1 g").replace("%1", f"{reading.grams:g}"))
            self.weighed.emit()

        self.services.run_in_background(lambda: read_from_settings(settings), done,
                                        lambda exc: self._failed(session, exc))

    def _finished(self) -> None:
        self.reading = False
        self.read_button.setEnabled(True)

    def _failed(self, session: InspectionSession, exc: BaseException) -> None:
        self._finished()
        scale_failed(session)  # the scale did not answer: typing is the fallback now
        if session is not self.session:
            return  # the inspector moved on meanwhile: not this page's message
        text = error_text(exc, self._language())
        self.status.setText(text)
        self.message.emit(text, True)
        self.typing_offered.emit()

    def retranslate_ui(self) -> None:
        self.read_button.setText(self.tr("Read the scale"))
