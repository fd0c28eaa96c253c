"""Station settings for the shift lead: the settings app/config.py declares with a label.

Values are validated by the core (Settings.replace raises ConfigError naming the key)
before anything is written; the file and the token are written off the GUI thread.

Signals:
    settings_saved(object): the new Settings, once the file is written.
"""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import SETTINGS, ConfigError, Input, Setting, Settings
from app.lead_actions import save_station_settings
from app.operators import require_shift_lead
from ui.i18n import LANGUAGES, error_text
from ui.services import Services
from ui.widgets import ERROR_COLOUR, OK_COLOUR, FlashLabel

RESOLUTIONS = ((1280, 720), (1920, 1080), (2560, 1440), (3840, 2160))
# The camera's width and height are one row: a resolution picked from the usual ones.
RESOLUTION_KEYS = ("camera_width", "camera_height")
_W = TypeVar("_W", bound=QWidget)


def option_text(option: str) -> str:
    """How a choice reads in its combo box (the value saved stays the option itself)."""
    translate = QCoreApplication.translate
    names = {
        "none": translate("SettingsDialog", "none (no label)"),
        "zpl": translate("SettingsDialog", "ZPL printer (Zebra-type, raw TCP)"),
        "page": translate("SettingsDialog", "page printer (the system print queue)"),
        "4x6in": translate("SettingsDialog", "4 × 6 in"),
        "100x150mm": translate("SettingsDialog", "100 × 150 mm"),
        "continuous": translate("SettingsDialog", "continuously, by itself"),
        "request": translate("SettingsDialog", "on request"),
    }
    return LANGUAGES.get(option) or names.get(option, option)


class SettingField:
    """The editor of one declared setting: its widget follows the parser's input kind.

    Number boxes are much wider than the declared range on purpose: the core's parser
    says what is allowed (its message names the key and the range), not a silent clamp.
    """

    def __init__(self, setting: Setting, settings: Settings, parent: QWidget) -> None:
        self.setting = setting
        self.editor: QWidget
        self.widget: QWidget  # what the form row holds (the editor, or the editor and a button)
        value = getattr(settings, setting.key)
        match setting.parse.input:
            case Input.FLAG:
                box = QCheckBox(parent)
                box.setChecked(bool(value))
                self.editor = box
            case Input.WHOLE:
                spin = QSpinBox(parent)
                lo, hi = setting.bounds or (0, 1_000_000)
                spin.setRange(min(0, int(lo)), 10 * int(hi))
                spin.setValue(int(value))
                self.editor = spin
            case Input.NUMBER:
                dspin = QDoubleSpinBox(parent)
                lo, hi = setting.bounds or (0.0, 1_000_000.0)
                dspin.setRange(min(0.0, lo), 10 * hi)
                dspin.setValue(float(value))
                self.editor = dspin
            case Input.CHOICE:
                combo = QComboBox(parent)
                for option in setting.parse.options:
                    combo.addItem(option_text(option), option)
                combo.setCurrentIndex(combo.findData(value))
                self.editor = combo
            case Input.TEXT | Input.FILE:
                # A list setting (the identity gate's categories, 16.1) reads "a, b".
                text = ", ".join(value) if isinstance(value, tuple) else str(value)
                self.editor = QLineEdit(text, parent)
        self.widget = self.editor
        self.browse: QPushButton | None = None
        if setting.parse.input is Input.FILE:
            row = QWidget(parent)
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            self.editor.setParent(row)
            self.browse = QPushButton(row)
            layout.addWidget(self.editor, 1)
            layout.addWidget(self.browse)
            self.widget = row

    def changes(self) -> dict[str, Any]:
        """{key: value as typed}; the core's parser checks it."""
        editor = self.editor
        if isinstance(editor, QCheckBox):
            value: Any = editor.isChecked()
        elif isinstance(editor, QSpinBox | QDoubleSpinBox):
            value = editor.value()
        elif isinstance(editor, QComboBox):
            value = editor.currentData()
        else:
            assert isinstance(editor, QLineEdit)
            value = editor.text().strip()
        return {self.setting.key: value}

    def retranslate(self, language: str) -> None:
        _, help_text = self.setting.text(language)
        self.editor.setToolTip(help_text)
        if isinstance(self.editor, QComboBox) and self.setting.parse.input is Input.CHOICE:
            for i in range(self.editor.count()):
                self.editor.setItemText(i, option_text(str(self.editor.itemData(i))))
        if isinstance(self.editor, QLineEdit):
            self.editor.setPlaceholderText(help_text)


class ResolutionField(SettingField):
    """Camera width and height as one choice of the usual resolutions (and the current one)."""

    def __init__(self, setting: Setting, settings: Settings, parent: QWidget) -> None:
        self.setting = setting
        self.browse = None
        combo = QComboBox(parent)
        current = (settings.camera_width, settings.camera_height)
        for w, h in (*RESOLUTIONS, *(() if current in RESOLUTIONS else (current,))):
            combo.addItem(f"{w} × {h}", f"{w}x{h}")
        combo.setCurrentIndex(combo.findData("{}x{}".format(*current)))
        self.editor = self.widget = self.combo = combo

    def changes(self) -> dict[str, Any]:
        width, height = (int(v) for v in str(self.combo.currentData()).split("x"))
        return dict(zip(RESOLUTION_KEYS, (width, height), strict=True))


class RowsArea(QScrollArea):
    """The dialog's rows: as tall as they are, scrolling only where the screen is shorter.

    (A plain QScrollArea asks for a fixed few hundred pixels and would scroll even on a
    screen with room to spare; the 17 rows of issue 16 take about 520 px of 768.)
    """

    RESERVED = 170  # what the message, the buttons, the margins and a title bar take

    def sizeHint(self) -> QSize:
        rows = self.widget()
        inner = rows.sizeHint() if rows is not None else QSize(0, 0)
        screen = self.screen()
        room = (screen.availableGeometry().height() - self.RESERVED if screen is not None
                else inner.height())
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.width() + bar, max(120, min(inner.height(), room)))


class SettingsDialog(QDialog):
    """Edit and save the station settings; refuses to open for anyone but a shift lead.

    Its rows are the settings declared with a label in app/config.py, in declaration
    order, plus the station token (a secret kept apart from the file).
    """

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
        rows = QWidget(self)
        form = QFormLayout(rows)
        form.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        self.fields: dict[str, SettingField] = {}

        def add(key: str, widget: QWidget) -> None:
            label = QLabel(self)
            self.labels[key] = label
            form.addRow(label, widget)

        self.token_edit = QLineEdit(self)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        for setting in SETTINGS:
            if setting.label is None:
                continue
            make = ResolutionField if setting.key == RESOLUTION_KEYS[0] else SettingField
            self.fields[setting.key] = found = make(setting, s, self)
            add(setting.key, found.widget)
            if setting.key == "ca_bundle":
                add("token", self.token_edit)
        self.url_edit = self._editor("api_base_url", QLineEdit)
        self.ca_edit = self._editor("ca_bundle", QLineEdit)
        self.camera_edit = self._editor("camera_source", QLineEdit)
        self.resolution_combo = self._editor("camera_width", QComboBox)
        self.language_combo = self._editor("language", QComboBox)
        self.photo_spin = self._editor("photo_max_px", QSpinBox)
        self.quality_spin = self._editor("photo_jpeg_quality", QSpinBox)
        ca_browse = self.fields["ca_bundle"].browse
        assert ca_browse is not None
        self.ca_browse = ca_browse
        self.ca_browse.clicked.connect(self._browse_ca)
        self.rows_area = RowsArea(self)
        self.rows_area.setWidgetResizable(True)
        self.rows_area.setFrameShape(QFrame.Shape.NoFrame)
        self.rows_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rows_area.setWidget(rows)
        layout.addWidget(self.rows_area, 1)
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
        self.setMinimumWidth(860)  # wide enough for the help shown in the empty text fields
        self.retranslate_ui()
        # Qt sizes a new window to at most 2/3 of the screen: the rows ask for their height
        # (or what the screen has room for) so that they scroll only when they must. Set
        # before the dialog is shown, so that it is placed with about its real height, and
        # again when shown (Chinese labels are a few pixels taller once their font is found).
        self.ensurePolished()
        self._fit_rows()

    def _fit_rows(self) -> None:
        self.rows_area.setMinimumHeight(self.rows_area.sizeHint().height())

    def showEvent(self, event: QShowEvent) -> None:
        self._fit_rows()
        super().showEvent(event)

    def _editor(self, key: str, kind: type[_W]) -> _W:
        """The editor of a declared setting, as the widget its declaration makes."""
        editor = self.fields[key].editor
        assert isinstance(editor, kind), f"{key}: {type(editor).__name__}, not {kind.__name__}"
        return editor

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("CA bundle"), self.ca_edit.text(),
            self.tr("Certificates (*.pem *.crt);;All files (*)"))
        if path:
            self.ca_edit.setText(path)

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for found in self.fields.values():
            out.update(found.changes())
        return out

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
        language = self.services.settings.language
        self.setWindowTitle(self.tr("Station settings"))
        for key, found in self.fields.items():
            self.labels[key].setText(found.setting.text(language)[0])
            found.retranslate(language)
        self.labels["token"].setText(self.tr("Station token"))
        self.token_edit.setPlaceholderText(self.tr("leave empty to keep the stored token"))
        self.ca_browse.setText(self.tr("Browse…"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.save_button.setText(self.tr("Save"))
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft)
