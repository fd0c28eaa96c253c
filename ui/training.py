"""The TRAINING banner: a training station says so on every screen, in both languages.

It sits in the main window above the screen stack, so login, scan, case, checklist and
history all show it; the window title says TRAINING too (task bar, dialogs' parent).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui.widgets import heading_font


class TrainingBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_banner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setFont(heading_font(self.font(), 1.1))
        self.setStyleSheet("background: #b71c1c; color: white; padding: 4px;")
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setText(self.tr("TRAINING — practice data only, nothing is sent to the case "
                             "system"))
