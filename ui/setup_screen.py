"""The setup screen: the first start of a station that nobody has configured yet.

Page one creates the first shift lead; page two either connects the station to the
site's case API (with a "test connection" that says in plain words why it fails) or
starts training mode. The rules and the writes are app/firstrun.py and
app/connection.py; this screen only collects the entries and shows the answers. The
connection test runs on its own thread so the window never freezes.

Signals:
    finished(str): "site" or "training", after the settings and the lead are written.
    tested(object): an app.connection.ConnectionResult (delivered on the GUI thread).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.firstrun import (
    FirstLead,
    SetupError,
    add_first_lead,
    check_first_lead,
    site_settings,
    write_site_settings,
    write_training_settings,
)
from app.paths import Paths
from ui.i18n import LANGUAGES, Translations
from ui.widgets import (
    ERROR_COLOUR,
    INFO_COLOUR,
    OK_COLOUR,
    BigButton,
    FlashLabel,
    button_row_right,
    heading_font,
)

if TYPE_CHECKING:  # the store (SQLAlchemy) and requests load when used, not to paint
    from app.operators import Operator

log = logging.getLogger("station.ui.setup")


class SetupScreen(QWidget):
    finished = Signal(str)
    tested = Signal(object)

    def __init__(self, paths: Paths, translations: Translations,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup_screen")
        self.paths = paths
        self.translations = translations
        self.lead: FirstLead | None = None
        self._lead_operator: Operator | None = None
        self.mode: str | None = None
        self._test_thread: threading.Thread | None = None
        self.resize(1366, 768)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 24, 48, 24)
        head = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setFont(heading_font(self.font(), 2.0))
        head.addWidget(self.title, 1)
        self.language_label = QLabel(self)
        head.addWidget(self.language_label)
        self.language = QComboBox(self)
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(translations.language)))
        self.language.currentIndexChanged.connect(self._language_changed)
        head.addWidget(self.language)
        outer.addLayout(head)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        outer.addWidget(self.intro)
        outer.addSpacing(12)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_lead_page())
        self.pages.addWidget(self._build_choice_page())
        outer.addWidget(self.pages, 1)
        self.message = FlashLabel(self)
        outer.addWidget(self.message)
        self.tested.connect(self._show_test)
        self.retranslate_ui()
        self.lead_id.setFocus()

    # --- building -------------------------------------------------------------------------

    def _build_lead_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.lead_box = QGroupBox(page)
        form = QFormLayout(self.lead_box)
        self.lead_id = QLineEdit(self.lead_box)
        self.lead_name = QLineEdit(self.lead_box)
        self.lead_pin = QLineEdit(self.lead_box)
        self.lead_pin_again = QLineEdit(self.lead_box)
        for pin in (self.lead_pin, self.lead_pin_again):
            pin.setEchoMode(QLineEdit.EchoMode.Password)
            pin.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.lead_labels = [QLabel(self.lead_box) for _ in range(4)]
        for label, field in zip(self.lead_labels, (self.lead_id, self.lead_name, self.lead_pin,
                                                   self.lead_pin_again), strict=True):
            form.addRow(label, field)
        self.lead_pin_again.returnPressed.connect(self.next_page)
        layout.addWidget(self.lead_box)
        self.next_button = BigButton("", page, primary=True)
        self.next_button.clicked.connect(self.next_page)
        layout.addLayout(button_row_right(self.next_button))
        layout.addStretch(1)
        return page

    def _build_choice_page(self) -> QWidget:
        page = QWidget(self)
        layout = QHBoxLayout(page)
        layout.setSpacing(32)
        self.site_box = QGroupBox(page)
        site = QVBoxLayout(self.site_box)
        form = QFormLayout()
        self.url = QLineEdit(self.site_box)
        self.url.setPlaceholderText("https://cases.example/api/v1")
        self.station_id = QLineEdit(self.site_box)
        self.station_id.setPlaceholderText("WH1-BENCH-04")
        self.token = QLineEdit(self.site_box)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_bundle = QLineEdit(self.site_box)
        self.site_labels = [QLabel(self.site_box) for _ in range(4)]
        for label, field in zip(self.site_labels, (self.url, self.station_id, self.token,
                                                   self.ca_bundle), strict=True):
            form.addRow(label, field)
        site.addLayout(form)
        buttons = QHBoxLayout()
        self.test_button = BigButton("", self.site_box)
        self.test_button.clicked.connect(self.test_connection)
        self.connect_button = BigButton("", self.site_box, primary=True)
        self.connect_button.clicked.connect(self.connect_site)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.connect_button)
        site.addLayout(buttons)
        self.test_result = QLabel(self.site_box)
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        site.addWidget(self.test_result)
        site.addStretch(1)
        layout.addWidget(self.site_box, 3)

        self.training_box = QGroupBox(page)
        training = QVBoxLayout(self.training_box)
        self.training_text = QLabel(self.training_box)
        self.training_text.setWordWrap(True)
        training.addWidget(self.training_text)
        training.addStretch(1)
        self.training_button = BigButton("", self.training_box)
        self.training_button.clicked.connect(self.start_training)
        training.addWidget(self.training_button)
        layout.addWidget(self.training_box, 2)
        return page

    # --- actions --------------------------------------------------------------------------

    @property
    def language_code(self) -> str:
        return str(self.language.currentData())

    def next_page(self) -> None:
        try:
            self.lead = check_first_lead(self.lead_id.text(), self.lead_name.text(),
                                         self.lead_pin.text(), self.lead_pin_again.text())
        except SetupError as exc:
            self.message.show_message(exc.message(self.language_code), ERROR_COLOUR,
                                      flash=True)
            return
        self.message.show_message("", INFO_COLOUR)
        self.pages.setCurrentIndex(1)
        self.url.setFocus()

    def test_connection(self) -> None:
        if self._test_thread is not None and self._test_thread.is_alive():
            return
        entries = (self.url.text().strip(), self.station_id.text().strip(), self.token.text(),
                   self.ca_bundle.text().strip())
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Testing the connection…"))
        self.test_result.setStyleSheet(f"color: {INFO_COLOUR};")

        def run() -> None:
            # Imported here: requests is not needed to paint the first window.
            from app.connection import ConnectionResult, Failure, check_connection

            url, station, token, ca = entries
            try:
                result = check_connection(url, station, token, ca_bundle=ca)
            except Exception as exc:  # never leave the button disabled
                log.exception("connection test failed")
                result = ConnectionResult(Failure.NETWORK, str(exc))
            self.tested.emit(result)

        self._test_thread = threading.Thread(target=run, name="setup-test", daemon=True)
        self._test_thread.start()

    def wait_for_test(self, timeout: float = 30.0) -> None:
        """Join the connection test thread (tests, closing the window)."""
        if self._test_thread is not None:
            self._test_thread.join(timeout)

    def _show_test(self, result: object) -> None:
        from app.connection import ConnectionResult

        assert isinstance(result, ConnectionResult)
        self.test_button.setEnabled(True)
        self.test_result.setText(result.message(self.language_code))
        self.test_result.setStyleSheet(f"color: {OK_COLOUR if result.ok else ERROR_COLOUR};")

    def connect_site(self) -> None:
        try:
            settings = site_settings(url=self.url.text(),
                                     station_id=self.station_id.text().strip(),
                                     ca_bundle=self.ca_bundle.text().strip(),
                                     language=self.language_code)
            # The token is stored on the first shift lead's authority: create the lead first.
            lead = self._lead_operator or self._add_lead()
            if lead is None:
                return
            write_site_settings(self.paths, settings, token=self.token.text(), by=lead)
        except (SetupError, ValueError) as exc:
            text = exc.message(self.language_code) if isinstance(exc, SetupError) else str(exc)
            self.message.show_message(text, ERROR_COLOUR, flash=True)
            return
        self._finish("site")

    def start_training(self) -> None:
        write_training_settings(self.paths, language=self.language_code)
        self._finish("training")

    def _add_lead(self) -> Operator | None:
        """The first shift lead in the station's database (once), or None with a message."""
        from app.store import Store

        assert self.lead is not None
        self.paths.ensure()
        store = Store(self.paths.db_file, self.paths.photos_dir)
        try:
            self._lead_operator = add_first_lead(store, self.lead)
        except SetupError as exc:
            self.message.show_message(exc.message(self.language_code), ERROR_COLOUR,
                                      flash=True)
            return None
        finally:
            store.close()
        return self._lead_operator

    def _finish(self, mode: str) -> None:
        if self._lead_operator is None and self._add_lead() is None:
            return
        self.mode = mode
        log.info("setup finished: %s", mode)
        self.finished.emit(mode)

    # --- words ----------------------------------------------------------------------------

    def _language_changed(self) -> None:
        self.translations.switch(self.language_code)
        self.retranslate_ui()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Inspection station — setup"))
        self.title.setText(self.tr("Set up this station"))
        self.language_label.setText(self.tr("Language:"))
        self.intro.setText(self.tr(
            "Nobody has set up this station yet. First create the shift lead who manages it; "
            "then connect it to the site's case system, or start training mode."))
        self.lead_box.setTitle(self.tr("1. The first shift lead"))
        for label, text in zip(self.lead_labels, (
                self.tr("Badge / ID:"), self.tr("Name:"), self.tr("PIN (at least 6 digits):"),
                self.tr("PIN again:")), strict=True):
            label.setText(text)
        self.next_button.setText(self.tr("Next"))
        self.site_box.setTitle(self.tr("2a. Connect to the site's case API"))
        for label, text in zip(self.site_labels, (
                self.tr("Case API URL:"), self.tr("Station ID:"), self.tr("Station token:"),
                self.tr("Site CA bundle (optional):")), strict=True):
            label.setText(text)
        self.test_button.setText(self.tr("Test connection"))
        self.connect_button.setText(self.tr("Connect and start"))
        self.training_box.setTitle(self.tr("2b. Training mode"))
        self.training_text.setText(self.tr(
            "Practice on demo cases with a built-in case server on this computer. Every "
            "screen and every report says TRAINING; nothing is sent to a real case system. "
            "Training keeps its own data folder."))
        self.training_button.setText(self.tr("Start training mode"))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wait_for_test(1.0)
        super().closeEvent(event)
