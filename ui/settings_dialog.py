"""Station settings for the shift lead: API, CA bundle, token, camera, language, photo size.

Values are validated by the core (Settings.replace raises ConfigError naming the key)
before anything is written; the file and the token are written off the GUI thread.

Signals:
    settings_saved(object): the new Settings, once the file is written.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import ConfigError, Settings
from app.lead_actions import save_station_settings
from app.operators import require_shift_lead
from ui.i18n import error_text
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, FlashLabel

LANGUAGES = (("en", "English"), ("zh_CN", "简体中文"))
RESOLUTIONS = ((1280, 720), (1920, 1080), (2560, 1440), (3840, 2160))


class SettingsDialog(QDialog):
    """Edit and save the station settings; refuses to open for anyone but a shift lead."""

    settings_saved = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        # Checked in the core: raises PermissionDenied for an inspector.
        require_shift_lead(services.ctx.operator, "change the station settings")
        super().__init__(parent)
        self.services = services
        self.saving = False
        self._close_with: int | None = None  # closing was asked for while saving
        s = services.ctx.settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.labels: dict[str, QLabel] = {}

        def add(key: str, widget: QWidget) -> None:
            label = QLabel(self)
            self.labels[key] = label
            form.addRow(label, widget)

        self.url_edit = QLineEdit(s.api_base_url, self)
        add("api_base_url", self.url_edit)
        ca_row = QWidget(self)
        ca_layout = QHBoxLayout(ca_row)
        ca_layout.setContentsMargins(0, 0, 0, 0)
        self.ca_edit = QLineEdit(s.ca_bundle, ca_row)
        self.ca_browse = QPushButton(ca_row)
        self.ca_browse.clicked.connect(self._browse_ca)
        ca_layout.addWidget(self.ca_edit, 1)
        ca_layout.addWidget(self.ca_browse)
        add("ca_bundle", ca_row)
        self.token_edit = QLineEdit(self)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        add("token", self.token_edit)
        self.camera_edit = QLineEdit(s.camera_source, self)
        add("camera_source", self.camera_edit)
        self.resolution_combo = QComboBox(self)
        for w, h in RESOLUTIONS:
            self.resolution_combo.addItem(f"{w} × {h}", f"{w}x{h}")
        if (s.camera_width, s.camera_height) not in RESOLUTIONS:
            self.resolution_combo.addItem(f"{s.camera_width} × {s.camera_height}",
                                          f"{s.camera_width}x{s.camera_height}")
        self.resolution_combo.setCurrentIndex(
            self.resolution_combo.findData(f"{s.camera_width}x{s.camera_height}"))
        add("resolution", self.resolution_combo)
        self.language_combo = QComboBox(self)
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(self.language_combo.findData(s.language))
        add("language", self.language_combo)
        # Wide spin boxes: the core's range check (320..8000) gives the message, not the box.
        self.photo_spin = QSpinBox(self)
        self.photo_spin.setRange(1, 100_000)
        self.photo_spin.setValue(s.photo_max_px)
        self.photo_spin.setSuffix(" px")
        add("photo_max_px", self.photo_spin)
        self.quality_spin = QSpinBox(self)
        self.quality_spin.setRange(1, 100)
        self.quality_spin.setValue(s.photo_jpeg_quality)
        add("photo_jpeg_quality", self.quality_spin)
        # The bench scale (16.2): its port, and how it sends weights.
        self.scale_edit = QLineEdit(s.scale_port, self)
        add("scale_port", self.scale_edit)
        self.scale_combo = QComboBox(self)
        for code in ("continuous", "request"):
            self.scale_combo.addItem("", code)
        self.scale_combo.setCurrentIndex(self.scale_combo.findData(s.scale_protocol))
        add("scale_protocol", self.scale_combo)
        layout.addLayout(form)
        self.message = FlashLabel(self)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton(self)
        self.save_button = QPushButton(self)
        for b in (self.cancel_button, self.save_button):
            b.setMinimumHeight(48)
            row.addWidget(b)
        self.save_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        layout.addLayout(row)
        self.retranslate_ui()

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("CA bundle"), self.ca_edit.text(),
            self.tr("Certificates (*.pem *.crt);;All files (*)"))
        if path:
            self.ca_edit.setText(path)

    def changes(self) -> dict[str, Any]:
        width, height = (int(v) for v in str(self.resolution_combo.currentData()).split("x"))
        return {
            "api_base_url": self.url_edit.text(),
            "ca_bundle": self.ca_edit.text(),
            "camera_source": self.camera_edit.text().strip(),
            "camera_width": width,
            "camera_height": height,
            "language": self.language_combo.currentData(),
            "photo_max_px": self.photo_spin.value(),
            "photo_jpeg_quality": self.quality_spin.value(),
            "scale_port": self.scale_edit.text().strip(),
            "scale_protocol": self.scale_combo.currentData(),
        }

    def validate(self) -> Settings | None:
        """The validated settings, or None with the core's message shown."""
        try:
            return self.services.ctx.settings.replace(**self.changes())
        except ConfigError as exc:
            self.message.show_message(str(exc), ERROR_COLOUR, flash=True)
            return None

    def save(self) -> None:
        if self.saving:
            return
        new = self.validate()
        if new is None:
            return
        self.saving = True
        self.save_button.setEnabled(False)
        ctx, changes, token = self.services.ctx, self.changes(), self.token_edit.text().strip()
        by = ctx.operator

        def work() -> Settings:
            saved = save_station_settings(ctx, changes, by)
            if token:
                from app.sync.token import store_token

                store_token(token, saved, ctx.paths.token_file, by=by)
            return saved

        def done(saved: Any) -> None:
            self.saving = False
            self.save_button.setEnabled(True)
            self.token_edit.clear()
            self.services.ctx.settings = saved
            self.message.show_message(self.tr("Saved."), OK_COLOUR)
            self.settings_saved.emit(saved)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.saving = False
            self.save_button.setEnabled(True)
            self.message.show_message(
                self.tr("Not saved: %1").replace(
                    "%1", error_text(exc, self.services.settings.language)),
                ERROR_COLOUR, flash=True)
            if self._close_with is not None:
                self.done(self._close_with)

        self.services.run_in_background(work, done, failed, writes=True)

    def done(self, result: int) -> None:
        """Every way of closing (Cancel, Esc, the window's X, logout) ends here.

        While the file is being written the dialog stays until the save has finished:
        saved settings must still be put into effect, and that needs this dialog.
        """
        if self.saving:
            self._close_with = result
            return
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Station settings"))
        names = {
            "api_base_url": self.tr("Case API URL"),
            "ca_bundle": self.tr("CA bundle (PEM)"),
            "token": self.tr("Station token"),
            "camera_source": self.tr("Camera (index, file or URL)"),
            "resolution": self.tr("Camera resolution"),
            "language": self.tr("Language"),
            "photo_max_px": self.tr("Photo size (long edge)"),
            "photo_jpeg_quality": self.tr("Photo JPEG quality"),
            "scale_port": self.tr("Scale port"),
            "scale_protocol": self.tr("Scale sends"),
        }
        for key, label in self.labels.items():
            label.setText(names[key])
        self.url_edit.setPlaceholderText(self.tr("empty: demo mode"))
        self.ca_edit.setPlaceholderText(self.tr("empty: the system certificates"))
        self.token_edit.setPlaceholderText(self.tr("leave empty to keep the stored token"))
        self.ca_browse.setText(self.tr("Browse…"))
        self.scale_edit.setPlaceholderText(self.tr("empty: no scale, weights are typed"))
        self.scale_combo.setItemText(0, self.tr("continuously"))
        self.scale_combo.setItemText(1, self.tr("when asked (request-response)"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.save_button.setText(self.tr("Save"))
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft)
