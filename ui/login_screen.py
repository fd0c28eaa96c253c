"""The login screen: badge scan, or operator ID plus PIN; the first start asks for a shift lead.

Checking a PIN (scrypt) and writing the audit line run on the database thread, so the
screen never freezes; the result comes back as `logged_in`. A badge counts only from a
scanner burst (or the camera); a shift lead then enters the PIN too. After failed
attempts the core says until when to wait; the screen shows it and holds the button,
it never sleeps.

Signals:
    logged_in(object): the Operator who just logged in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import DomainError, Operator, Role, utcnow
from app.scanning.events import ScanEvent, ScanSource
from app.scanning.wedge import WedgeDetector
from ui.services import Services
from ui.widgets import (
    ERROR_COLOUR,
    INFO_COLOUR,
    BigButton,
    FlashLabel,
    button_row_right,
    heading_font,
)

log = logging.getLogger("station.ui.login")


class LoginScreen(QWidget):
    logged_in = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._busy = False
        self._has_lead = False  # once a shift lead exists, logins never ask for the first one
        self.clock: Callable[[], float] = time.monotonic  # key timing (tests inject one)
        # A person needs 80 ms or more per key; a scanner a few ms (measured 0-17 ms through
        # X). 45 ms leaves room for a loaded machine without letting a fast typist through.
        self._wedge = WedgeDetector(max_gap=0.045)
        self._badge_scanned = False
        self._key_times: list[float] = []
        self._pending_badge: str | None = None  # a badge read, waiting for its PIN
        self._trying_badge: str | None = None
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self._retry_allowed)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        self.title = QLabel(self)
        self.title.setFont(heading_font(self.font(), 2.0))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.title)
        self.station_label = QLabel(self)
        self.station_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.station_label.setFont(heading_font(self.font(), 1.2, bold=False))
        self.station_label.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.station_label)
        self.sync_label = QLabel(self)
        self.sync_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sync_label.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.sync_label)
        outer.addSpacing(16)

        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)
        self.pages.addWidget(self._build_login_page())
        self.pages.addWidget(self._build_first_lead_page())

        self.message = FlashLabel(self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.message)
        self.retranslate_ui()

    # --- building -----------------------------------------------------------------------------

    def _build_login_page(self) -> QWidget:
        page = QWidget(self)
        grid = QGridLayout(page)
        grid.setHorizontalSpacing(32)
        self.badge_box = QGroupBox(page)
        badge_layout = QVBoxLayout(self.badge_box)
        self.badge_hint = QLabel(self.badge_box)
        self.badge_hint.setWordWrap(True)
        badge_layout.addWidget(self.badge_hint)
        self.badge_edit = QLineEdit(self.badge_box)
        self.badge_edit.setObjectName("badge_edit")
        self.badge_edit.setMinimumHeight(56)
        self.badge_edit.setFont(heading_font(self.font(), 1.5))
        self.badge_edit.setEchoMode(QLineEdit.EchoMode.Password)  # a badge code is a secret
        self.badge_edit.installEventFilter(self)  # key timing tells a scanner from a hand
        self.badge_edit.returnPressed.connect(self._submit_badge)
        badge_layout.addWidget(self.badge_edit)
        grid.addWidget(self.badge_box, 0, 0)

        self.pin_box = QGroupBox(page)
        form = QFormLayout(self.pin_box)
        self.id_edit = QLineEdit(self.pin_box)
        self.id_edit.setObjectName("id_edit")
        self.id_edit.setMinimumHeight(44)
        self.pin_edit = QLineEdit(self.pin_box)
        self.pin_edit.setObjectName("pin_edit")
        self.pin_edit.setMinimumHeight(44)
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.id_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self._submit_pin)
        self.id_label = QLabel(self.pin_box)
        self.pin_label = QLabel(self.pin_box)
        form.addRow(self.id_label, self.id_edit)
        form.addRow(self.pin_label, self.pin_edit)
        self.pin_button = BigButton("", self.pin_box, primary=True)
        self.pin_button.clicked.connect(self._submit_pin)
        form.addRow(self.pin_button)
        grid.addWidget(self.pin_box, 0, 1)
        grid.setRowStretch(1, 1)  # the boxes keep their natural height
        return page

    def _build_first_lead_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.first_hint = QLabel(page)
        self.first_hint.setWordWrap(True)
        layout.addWidget(self.first_hint)
        form = QFormLayout()
        self.new_id = QLineEdit(page)
        self.new_id.setObjectName("new_id")
        self.new_name = QLineEdit(page)
        self.new_name.setObjectName("new_name")
        self.new_pin = QLineEdit(page)
        self.new_pin.setObjectName("new_pin")
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_pin2 = QLineEdit(page)
        self.new_pin2.setObjectName("new_pin2")
        self.new_pin2.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_badge = QLineEdit(page)
        self.new_badge.setObjectName("new_badge")
        self.new_badge.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_labels = [QLabel(page) for _ in range(5)]
        for label, edit in zip(self.new_labels, (self.new_id, self.new_name, self.new_pin,
                                                 self.new_pin2, self.new_badge), strict=True):
            edit.setMinimumHeight(40)
            form.addRow(label, edit)
        for a, b in ((self.new_id, self.new_name), (self.new_name, self.new_pin),
                     (self.new_pin, self.new_pin2), (self.new_pin2, self.new_badge)):
            a.returnPressed.connect(b.setFocus)
        self.new_badge.returnPressed.connect(self._create_first_lead)
        layout.addLayout(form)
        self.create_button = BigButton("", page, primary=True)
        self.create_button.clicked.connect(self._create_first_lead)
        layout.addLayout(button_row_right(self.create_button))
        layout.addStretch(1)
        return page

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.title.setText(self.tr("Return inspection"))
        self.station_label.setText(self.tr("Station {0}").format(
            self.services.settings.station_id))
        self.badge_box.setTitle(self.tr("Scan your badge"))
        self.badge_hint.setText(self.tr("Hold your badge under the scanner or the camera. "
                                        "Shift leads then enter their PIN."))
        self.pin_box.setTitle(self.tr("Or sign in with your ID and PIN"))
        self.id_label.setText(self.tr("Operator ID"))
        self.pin_label.setText(self.tr("PIN"))
        self.pin_button.setText(self.tr("Sign in"))
        self.first_hint.setText(self.tr(
            "This station has no shift lead yet. Create the first shift lead: they can then "
            "add inspectors and change the settings."))
        for label, text in zip(self.new_labels, (
                self.tr("Operator ID"), self.tr("Name"),
                self.tr("PIN ({0}-12 digits)").format(
                    self.services.ctx.operators.policy.pin_min_length_lead
                    if self.services.ready else 6),
                self.tr("PIN again"), self.tr("Badge code (optional)")), strict=True):
            label.setText(text)
        self.create_button.setText(self.tr("Create shift lead"))

    # --- state --------------------------------------------------------------------------------

    @property
    def first_start(self) -> bool:
        return self.pages.currentIndex() == 1

    def activate(self) -> None:
        """Called whenever the screen is shown: clear secrets, choose the page, focus."""
        for edit in (self.badge_edit, self.pin_edit, self.id_edit, self.new_pin, self.new_pin2):
            edit.clear()
        self._set_pending_badge(None)
        self._wedge.reset()
        self.station_label.setText(self.tr("Station {0}").format(
            self.services.settings.station_id))
        self.pages.setCurrentIndex(0)
        self.badge_edit.setFocus()
        self.services.when_ready(self._choose_page)

    def _choose_page(self) -> None:
        """The first shift lead's page on an empty station, else the login page.

        Only an empty station asks the database (at start, before the window is used); a
        logout must not make the GUI thread wait on it. At start-up the window shows before
        the database is open: this then runs once it is.
        """
        needs_lead = not self._has_lead and self.services.ctx.operators.needs_first_shift_lead()
        self._has_lead = not needs_lead
        if needs_lead and not self.first_start:
            self.retranslate_ui()  # the lead PIN length comes from the open station
            self.pages.setCurrentIndex(1)
            self.new_id.setFocus()

    def set_sync_text(self, text: str, colour: str = INFO_COLOUR) -> None:
        self.sync_label.setText(text)
        if self.sync_label.styleSheet() != f"color: {colour};":
            self.sync_label.setStyleSheet(f"color: {colour};")

    def focus_input(self) -> None:
        if self.first_start:
            self.new_id.setFocus()
        elif not (self.id_edit.hasFocus() or self.pin_edit.hasFocus()):
            self.badge_edit.setFocus()

    def handle_scan(self, event: ScanEvent) -> None:
        """A badge held under the camera logs in like a handheld scan."""
        if not self.first_start and not self._busy and event.kind == "badge":
            self._badge_login(event.text, event.source is not ScanSource.TYPED)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.badge_edit and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            key = "Enter" if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                else "Backspace" if event.key() == Qt.Key.Key_Backspace else event.text()
            now = self.clock()
            self._key_times.append(now)
            scan = self._wedge.feed(key, now)
            if key == "Enter":
                gaps = [round(b - a, 3) for a, b in pairwise(self._key_times)]
                log.debug("badge field: %d keys, gaps %s", len(self._key_times), gaps)
                self._key_times.clear()
                self._badge_scanned = scan is not None and scan.source is ScanSource.WEDGE
        return super().eventFilter(watched, event)

    # --- actions ------------------------------------------------------------------------------

    def _submit_badge(self) -> None:
        code = self.badge_edit.text().strip()
        self.badge_edit.clear()
        scanned, self._badge_scanned = self._badge_scanned, False
        if not code or self._busy:
            return
        self._badge_login(code, scanned)

    def _badge_login(self, code: str, scanned: bool) -> None:
        services = self.services
        self._set_pending_badge(None)
        self._trying_badge = code  # kept for its PIN when the core answers PinRequired
        self._login(lambda: services.ctx.operators.login_badge(code, scanned=scanned))

    def _set_pending_badge(self, code: str | None) -> None:
        self._pending_badge = code
        self.id_edit.setEnabled(code is None)
        self.id_edit.setPlaceholderText(self.tr("Badge read") if code else "")

    def _submit_pin(self) -> None:
        operator_id, pin = self.id_edit.text().strip(), self.pin_edit.text()
        self.pin_edit.clear()
        if self._busy:
            return
        badge = self._pending_badge
        services = self.services
        if badge is not None and pin:
            self._set_pending_badge(None)
            self._login(lambda: services.ctx.operators.login_badge(badge, pin))
            return
        if not operator_id or not pin:
            self.message.show_message(self.tr("Enter your operator ID and PIN."), ERROR_COLOUR)
            (self.id_edit if not operator_id else self.pin_edit).setFocus()
            return
        self._login(lambda: services.ctx.operators.login_pin(operator_id, pin))

    def _login(self, attempt: Callable[[], Operator]) -> None:
        """Check on the database thread; a login typed while the station still opens waits."""
        self._busy = True
        self.message.show_message(
            self.tr("Checking…") if self.services.ready else
            self.tr("The station is still opening: you are signed in as soon as it is ready."),
            INFO_COLOUR)
        self.services.when_ready(lambda: self.services.run_in_background(
            attempt, self._on_login, self._on_login_failed, writes=True))

    def _on_login(self, operator: object) -> None:
        self._busy = False
        assert isinstance(operator, Operator)
        self.message.show_message("", INFO_COLOUR)
        self.logged_in.emit(operator)

    def _on_login_failed(self, exc: BaseException) -> None:
        from app.operators import (  # loaded with the store, after the first window
            AuthError,
            BadgeNotScanned,
            LoginLocked,
            LoginRefused,
            PinRequired,
        )

        self._busy = False
        if isinstance(exc, PinRequired) and self._trying_badge is not None:
            self._set_pending_badge(self._trying_badge)
            self._trying_badge = None
            self.message.show_message(self.tr("Badge read. Enter your PIN to sign in."),
                                      INFO_COLOUR)
            self.pin_edit.setFocus()
            return
        self._set_pending_badge(None)
        if isinstance(exc, LoginRefused):
            self._hold_until(exc.until)
            at = exc.until.astimezone().strftime("%H:%M:%S")
            if isinstance(exc, LoginLocked):
                text = self.tr("Locked after too many wrong attempts, until {0}. A shift lead "
                               "can unlock it sooner.").format(at)
            else:
                text = self.tr("Too many wrong attempts. Try again at {0}.").format(at)
        elif isinstance(exc, BadgeNotScanned):
            text = self.tr("A badge must be scanned, not typed. To type, use your operator ID "
                           "and PIN.")
        elif isinstance(exc, AuthError):
            text = self.tr("Not recognised. Scan your badge again, or check your ID and PIN.")
        else:
            log.error("login failed: %s", exc)
            text = self.tr("Login is not possible right now: {0}").format(exc)
        self.message.show_message(text, ERROR_COLOUR, flash=True)
        self.focus_input()

    def _hold_until(self, until: datetime) -> None:
        """The sign-in button rests until the core's time; a timer, never a sleep."""
        wait_ms = int((until - utcnow()).total_seconds() * 1000)
        if wait_ms > 0:
            self.pin_button.setEnabled(False)
            self._retry_timer.start(min(wait_ms, 3_600_000))

    def _retry_allowed(self) -> None:
        self.pin_button.setEnabled(True)

    def _create_first_lead(self) -> None:
        if self._busy:
            return
        operator_id, name = self.new_id.text().strip(), self.new_name.text().strip()
        pin, pin2, badge = self.new_pin.text(), self.new_pin2.text(), self.new_badge.text().strip()
        if pin != pin2:
            self.message.show_message(self.tr("The two PINs differ. Enter them again."),
                                      ERROR_COLOUR, flash=True)
            self.new_pin.clear()
            self.new_pin2.clear()
            self.new_pin.setFocus()
            return
        ops = self.services.ctx.operators

        def create() -> Operator:
            ops.add(operator_id, name, Role.SHIFT_LEAD, pin, badge or None, by=None)
            return ops.login_pin(operator_id, pin)

        self._busy = True
        self.services.run_in_background(create, self._on_login, self._on_create_failed,
                                        writes=True)

    def _on_create_failed(self, exc: BaseException) -> None:
        self._busy = False
        if isinstance(exc, DomainError):
            self.message.show_message(exc.message(self.services.settings.language),
                                      ERROR_COLOUR, flash=True)
        else:
            log.error("creating the first shift lead failed: %s", exc)
            self.message.show_message(self.tr("Could not save: {0}").format(exc), ERROR_COLOUR,
                                      flash=True)
        self.new_id.setFocus()
