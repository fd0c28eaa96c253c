"""The top of the inspection flow: which item, how far along, and the serial-mismatch banner.

Shown above both the step page and the summary page; ui/inspection_flow.py refreshes it
after every answer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from app.domain import Section
from app.product_code import ProductCheck
from app.wizard import IdentityCheck
from app.workflow import InspectionSession
from ui.widgets import ERROR_COLOUR, ElidedLabel, heading_font


class FlowHeader(QWidget):
    """Item line, progress per section, and the loud warning for a swapped item."""

    def __init__(self, section_name: Callable[[Section], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._section_name = section_name
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(8)
        self.top = QHBoxLayout()  # the flow adds its leave button at the right
        self.header = ElidedLabel(self)
        self.header.setFont(heading_font(self.font(), 1.2))
        self.top.addWidget(self.header, 1)
        root.addLayout(self.top)

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

    def refresh(self, s: InspectionSession | None) -> None:
        if s is None:
            self.header.setText("")
            return
        p = s.wizard.progress
        self.progress.setMaximum(max(1, p.total))
        self.progress.setValue(p.done)
        self.progress.setFormat(f"{p.done}/{p.total}")
        self.sections_label.setText("   ".join(
            f"{self._section_name(sec)} {sp.done}/{sp.total}" for sec, sp in p.sections.items()))
        if s.case is not None and s.item is not None:
            text = f"{s.case.rma} · {s.item.title} ({s.item.sku})"
        else:
            text = self.tr("UNVERIFIED (offline) · %1 · %2").replace(
                "%1", s.scanned_code or "?").replace("%2", s.category)
        self.header.setText(text)
        self._refresh_identity(s)

    def _refresh_identity(self, s: InspectionSession) -> None:
        lines: list[str] = []
        if s.identity() is IdentityCheck.MISMATCH:
            lines.append(self.tr("SERIAL MISMATCH: scanned %1, the case expects %2. "
                                 "Possible swapped item: check the item and the label. "
                                 "The item is held for review.")
                         .replace("%1", s.wizard.captured_serial() or "")
                         .replace("%2", s.expected_serial or ""))
        if s.product_check() is ProductCheck.MISMATCH:  # the identity gate (16.1)
            lines.append(self.tr("PRODUCT CODE MISMATCH: scanned %1, the case expects %2. "
                                 "Another product in the box? The item is held for review.")
                         .replace("%1", s.wizard.captured_gtin() or "")
                         .replace("%2", s.expected_gtin or ""))
        self.identity_banner.setText("\n".join(lines))
        self.identity_banner.setVisible(bool(lines))

    @property
    def mismatch_shown(self) -> bool:
        return not self.identity_banner.isHidden()
