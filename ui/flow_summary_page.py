"""The summary page of the inspection flow: the suggestion, why, and the override.

It shows what the session suggests (classification, disposition, the steps that led to
it, missing accessories, the serial check and the lead's sign-off box) and lets the
inspector choose another classification with a reason. Confirming is the flow's job
(ui/inspection_flow.py); whether an override may be confirmed is the session's
(InspectionSession.override_ok).

Signals:
    override_changed(): the chosen classification or the reason changed (the flow re-gates
        Confirm).
    confirm_requested(): Enter in the reason field.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QVBoxLayout, QWidget

from app.domain import Classification
from app.messages import value_title
from app.product_code import ProductCheck
from app.wizard import IdentityCheck
from app.workflow import InspectionSession, prompt_for
from ui.flow_step_page import EnterField
from ui.mismatch_signoff import SignOffBox
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, WARN_COLOUR, heading_font


class SummaryPage(QWidget):
    """The last page of an inspection, for one InspectionSession at its summary."""

    override_changed = Signal()
    confirm_requested = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.session: InspectionSession | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary_title = QLabel(self)
        self.summary_title.setFont(heading_font(self.font(), 1.4))
        layout.addWidget(self.summary_title)
        self.suggested_label = QLabel(self)
        self.suggested_label.setTextFormat(Qt.TextFormat.PlainText)
        self.suggested_label.setFont(heading_font(self.font(), 1.8))
        layout.addWidget(self.suggested_label)
        self.disposition_label = QLabel(self)
        self.disposition_label.setTextFormat(Qt.TextFormat.PlainText)
        self.disposition_label.setFont(heading_font(self.font(), 1.4))
        layout.addWidget(self.disposition_label)
        self.because_label = QLabel(self)
        self.because_label.setTextFormat(Qt.TextFormat.PlainText)
        self.because_label.setWordWrap(True)
        layout.addWidget(self.because_label)
        self.missing_label = QLabel(self)
        self.missing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.missing_label.setWordWrap(True)
        layout.addWidget(self.missing_label)
        self.untested_label = QLabel(self)  # 16.4: the function tests not done
        self.untested_label.setTextFormat(Qt.TextFormat.PlainText)
        self.untested_label.setWordWrap(True)
        layout.addWidget(self.untested_label)
        self.identity_label = QLabel(self)
        self.identity_label.setTextFormat(Qt.TextFormat.PlainText)
        self.identity_label.setWordWrap(True)
        layout.addWidget(self.identity_label)
        self.sign_off_box = SignOffBox(self.services, self)  # a mismatch needs a lead (14.3)
        layout.addWidget(self.sign_off_box)

        box = QFrame(self)
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
        self.reason_edit = EnterField(box)
        self.reason_edit.setMinimumHeight(48)
        self.reason_edit.textChanged.connect(self._override_changed)
        self.reason_edit.returnPressed.connect(self.confirm_requested)
        form.addWidget(self.reason_edit)
        self.chosen_disposition = QLabel(box)
        form.addWidget(self.chosen_disposition)
        layout.addWidget(box)
        layout.addStretch(1)

    def _language(self) -> str:
        return self.services.ctx.settings.language

    def classification_name(self, c: Classification) -> str:
        return value_title(self._language(), c.value)

    def disposition_name(self, d: StrEnum | str | None) -> str:
        if d is None and self.session is not None and self.session.on_hold:
            return value_title(self._language(), "hold")  # a serial or product mismatch (16.1)
        return value_title(self._language(), str(d) if d else None)

    def grade_name(self, c: Classification) -> str:
        """The classification, and "untested" for an intact item with tests not done (16.4)."""
        s = self.session
        if c is Classification.INTACT and s is not None and s.suggestion().untested:
            return self.tr("%1, untested").replace("%1", self.classification_name(c))
        return self.classification_name(c)

    def show_summary(self, s: InspectionSession) -> None:
        """Start from the suggestion, with no reason typed."""
        self.session = s
        sug = s.suggestion()
        index = self.classification_combo.findData(sug.classification.value)
        self.classification_combo.blockSignals(True)
        self.classification_combo.setCurrentIndex(index)
        self.classification_combo.blockSignals(False)
        self.reason_edit.clear()
        self.retranslate()

    def retranslate(self) -> None:
        s = self.session
        if s is None or s.current is not None:
            return
        sug = s.suggestion()
        lang = self._language()
        self.summary_title.setText(self.tr("Summary"))  # the headline: _override_changed
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
        if sug.untested:
            prompts = {st.step_id: prompt_for(st, lang) for st in s.template.steps}
            self.untested_label.setText(self.tr("Not tested (N/A or skipped): %1").replace(
                "%1", "; ".join(prompts.get(sid, sid) for sid in sug.untested)))
        else:
            self.untested_label.setText("")
        identity = s.identity()
        texts = {
            IdentityCheck.MATCH: self.tr("Serial/IMEI matches the case."),
            IdentityCheck.MISMATCH: self.tr("Serial/IMEI does NOT match the case: held for "
                                            "review."),
            IdentityCheck.NOT_CAPTURED: self.tr("Serial/IMEI not captured."),
            IdentityCheck.NO_REFERENCE: self.tr("The case lists no serial to compare with."),
            IdentityCheck.NO_CAPTURE_STEP: "",
        }
        product = {  # the identity gate (16.1)
            ProductCheck.MATCH: self.tr("Product code matches the case."),
            ProductCheck.MISMATCH: self.tr("Product code does NOT match the case: held for "
                                           "review."),
            ProductCheck.NOT_CAPTURED: self.tr("Product code not scanned (N/A)."),
            ProductCheck.NO_REFERENCE: self.tr("The case gives no product code to compare with."),
            ProductCheck.NO_GATE: "",
        }
        self.identity_label.setText("\n".join(
            t for t in (texts[identity], product[s.product_check()]) if t))
        self.sign_off_box.show_for(s, s.on_hold, reason_needed=s.on_hold,
                                   product=s.product_check() is ProductCheck.MISMATCH)
        self.override_label.setText(self.tr("Classification"))
        self.reason_label.setText(self.tr("Override reason"))
        self.reason_edit.setPlaceholderText(self.tr("required when you change the classification"))
        for i in range(self.classification_combo.count()):
            c = Classification(self.classification_combo.itemData(i))
            self.classification_combo.setItemText(i, self.classification_name(c))
        self._override_changed()

    def chosen_classification(self) -> Classification:
        return Classification(self.classification_combo.currentData())

    def override_ok(self) -> bool:
        """The session's Confirm gate for the chosen classification and the typed reason."""
        s = self.session
        return s is not None and s.override_ok(self.chosen_classification(),
                                                self.reason_edit.text())

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
                "%1", self.grade_name(chosen)).replace(
                "%2", self.grade_name(suggested.classification)))
        else:
            self.suggested_label.setText(self.tr("Suggested: %1").replace(
                "%1", self.grade_name(chosen)))
        colour = OK_COLOUR if shown is Classification.INTACT else ERROR_COLOUR
        if colour == OK_COLOUR and (s.on_hold or suggested.untested):
            colour = WARN_COLOUR  # held for review (16.1) or not fully tested (16.4)
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
        self.override_changed.emit()
