"""The main window: one stack of screens, keyboard shortcuts, the status bar and idle logout.

Screens: login → scan → case → inspection flow → back to scan, plus history. The
window owns the camera worker and the sync bridge (both started here and registered
with the station context for shutdown), routes camera scans to the screen on top, and
logs the operator out after the configured idle time.

At start-up the window paints before the station context is open (the database, and the
camera and decoder libraries, take a second or more to load): the frame and the login
screen come first, and the other screens, the camera and the sync worker are built by
`_attach` once `Services.station_ready` arrives. Built over an open context (tests), the
window is whole when the constructor returns.

Keys: F4 bench board (shift lead), F5 history, F6 unfinished inspections, F8 operators and
F9 settings (shift lead), F12 log out.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import Restart, Settings, restarts
from app.domain import Case, CaseItem, DomainError, Operator, Role, utcnow
from app.input_router import Do, Screen, Where
from app.resources import resource_path
from app.scanning.events import ScanEvent
from ui.handover import clear_for_handover
from ui.i18n import Translations
from ui.login_screen import LoginScreen
from ui.services import Services
from ui.widgets import (
    ERROR_COLOUR,
    OK_COLOUR,
    WARN_COLOUR,
    BigButton,
    FlashLabel,
    heading_font,
)

if TYPE_CHECKING:  # loaded by `_attach`, after the first window (they pull in the store,
    # OpenCV and requests)
    from app.context import StationContext
    from ui.bench_board import BenchBoardScreen
    from ui.camera_worker import CameraWorker
    from ui.case_screen import CaseScreen
    from ui.history_screen import HistoryScreen
    from ui.inspection_flow import InspectionFlow
    from ui.label_printing import LabelFailureBar, LabelPrinting
    from ui.scan_screen import ScanScreen
    from ui.sync_bridge import SyncBridge

log = logging.getLogger("station.ui.main")

_ACTIVITY = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
             QEvent.Type.Wheel)


def _set_style(widget: QWidget, sheet: str) -> None:
    """setStyleSheet re-polishes the widget even for the same sheet: skip no-op changes."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def _age_text(seconds: float) -> tuple[int, int]:
    minutes = int(seconds // 60)
    return divmod(minutes, 60)


class MainWindow(QMainWindow):
    """The station window. `camera` and `sync` may be injected (tests, benchmarks)."""

    # Built by `_attach` once the station context is open.
    camera: CameraWorker
    sync: SyncBridge
    scan_screen: ScanScreen
    case_screen: CaseScreen
    flow: InspectionFlow
    labels: LabelPrinting
    label_bar: LabelFailureBar

    def __init__(self, services: Services, *, camera: CameraWorker | None = None,
                 sync: SyncBridge | None = None, translations: Translations | None = None,
                 idle_check_ms: int = 5000, training: bool = False) -> None:
        super().__init__()
        self.services = services
        self.translations = translations or Translations()
        self._given = (camera, sync)
        self._idle_check_ms = idle_check_ms
        self._attached = False
        self.tamper_box: QMessageBox | None = None  # shown to shift leads: audit log edited
        self._applied = services.settings  # what the camera and sync were started with
        self.last_scan_to_case_ms: float | None = None
        self.case_shown_count = 0
        self._closed = False
        self._handing_over = False  # a key is being handed to the scan field
        self._starting = False  # an inspection is being created on the database thread
        self.setWindowIcon(QIcon(str(resource_path("icons", "app.png"))))
        self.resize(1366, 768)

        central = QWidget(self)
        root = QVBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.top_bar = QWidget(central)
        bar = QHBoxLayout(self.top_bar)
        bar.setContentsMargins(12, 6, 12, 6)
        self.operator_label = QLabel(self.top_bar)
        self.operator_label.setTextFormat(Qt.TextFormat.PlainText)
        self.operator_label.setFont(heading_font(self.font(), 1.2))
        bar.addWidget(self.operator_label, 1)
        self.history_button = BigButton("", self.top_bar)
        self.operators_button = BigButton("", self.top_bar)
        self.settings_button = BigButton("", self.top_bar)
        self.logout_button = BigButton("", self.top_bar)
        for button, slot in ((self.history_button, self.show_history),
                             (self.operators_button, self.show_operators),
                             (self.settings_button, self.show_settings),
                             (self.logout_button, self.logout)):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            bar.addWidget(button)
        root.addWidget(self.top_bar)
        self.training_banner: QLabel | None = None
        self._training = services.ctx.demo is not None if services.ready else training
        if self._training:  # training: said on every screen
            from ui.training import TrainingBanner

            self.training_banner = TrainingBanner(central)
            root.addWidget(self.training_banner)

        self.stack = QStackedWidget(central)
        root.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.login_screen = LoginScreen(services, self.stack)
        self.stack.addWidget(self.login_screen)
        self.history: HistoryScreen | None = None
        self.board: BenchBoardScreen | None = None
        self._build_status_bar()
        if services.ready:
            self._attach()
        else:
            services.station_ready.connect(self._attach)
        self.retranslate_ui()
        self.go_login()

    @property
    def ctx(self) -> StationContext:
        return self.services.ctx

    def _attach(self) -> None:
        """The rest of the window, once the station context is open."""
        from ui.camera_worker import CameraWorker
        from ui.case_screen import CaseScreen
        from ui.scan_screen import ScanScreen
        from ui.sync_bridge import SyncBridge

        camera, sync = self._given
        self._given = (None, None)
        self.camera = camera if camera is not None else CameraWorker(self.ctx.settings)
        self.sync = sync if sync is not None else SyncBridge(self.ctx)
        self.services.camera = self.camera
        self.services.sync = self.sync
        self.services.lookup = self.sync.lookup
        self._reset_idle(self.ctx.settings)
        self._applied = self.ctx.settings
        self.scan_screen = ScanScreen(self.services, self.stack)
        self.case_screen = CaseScreen(self.services, self.stack)
        self.flow = self._make_flow()
        for page in (self.scan_screen, self.case_screen, self.flow):
            self.stack.addWidget(page)
        self._connect()
        self._shortcuts()
        self._attach_labels()

        self._idle_timer = QTimer(self)
        self._idle_timer.setInterval(self._idle_check_ms)
        self._idle_timer.timeout.connect(self._check_idle)
        self._idle_timer.start()
        self._status_timer = QTimer(self)
        # Once a second: "oldest pending" ages and a hanging request's wait grows even when
        # no status change arrives.
        self._status_timer.setInterval(1_000)
        self._status_timer.timeout.connect(lambda: self._show_sync(self.sync.snapshot))
        self._status_timer.start()
        # While the outbox drains, the status changes many times a second: show at most
        # four updates a second so the GUI thread stays free for the camera and the keys.
        self._sync_pending = False
        self._queue_seen: tuple[object, ...] = ()
        self._sync_throttle = QTimer(self)
        self._sync_throttle.setSingleShot(True)
        self._sync_throttle.setInterval(250)
        self._sync_throttle.timeout.connect(self._sync_flush)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._attached = True
        if self.services.ready and self.stack.currentWidget() is self.login_screen:
            self.retranslate_ui()  # the status bar now has a camera and a sync state

    # --- building ---------------------------------------------------------------------------

    def _attach_labels(self) -> None:
        """The next-location label (16.5): printed after a confirm; a failure shows a strip
        under the screens with a retry, and never holds up the next scan."""
        from ui.label_printing import LabelFailureBar, LabelPrinting

        self.labels = LabelPrinting(self.services, self)
        central = self.centralWidget()
        layout = central.layout() if central is not None else None
        assert central is not None and layout is not None
        self.label_bar = LabelFailureBar(central)
        layout.addWidget(self.label_bar)
        self.labels.failed.connect(self.label_bar.show_failure)
        self.labels.printed.connect(self.label_bar.printed)
        self.label_bar.retry_requested.connect(self.labels.print_label)

    def _reset_idle(self, settings: Settings) -> None:
        from app.operators import IdleTimer

        self.idle = IdleTimer(settings.idle_logout_minutes)

    def _make_flow(self) -> InspectionFlow:
        from ui.inspection_flow import InspectionFlow

        flow = InspectionFlow(self.services, self.stack)
        flow.confirmed.connect(self._flow_confirmed)
        flow.left.connect(self._flow_left)
        return flow

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.online_label = QLabel(self)
        self.queue_label = QLabel(self)
        self.oldest_label = QLabel(self)
        self.camera_label = QLabel(self)
        self.status_operator = QLabel(self)
        for label in (self.online_label, self.queue_label, self.oldest_label, self.camera_label,
                      self.status_operator):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setContentsMargins(8, 2, 8, 2)
            bar.addPermanentWidget(label, 1 if label is self.status_operator else 0)

    def _connect(self) -> None:
        self.login_screen.logged_in.connect(self._logged_in)
        self.scan_screen.case_found.connect(self._case_found)
        self.scan_screen.start_unverified.connect(self._start_unverified)
        self.scan_screen.resume_requested.connect(self.open_inspection)
        self.case_screen.start_requested.connect(self._start_case)
        self.case_screen.resume_requested.connect(self.open_inspection)
        self.case_screen.back_requested.connect(self.go_scan)
        self.case_screen.reprint_requested.connect(self.reprint)
        self.case_screen.lookup_requested.connect(self._lookup_from_case)
        self.camera.frame_ready.connect(self._frame)
        self.camera.codes_seen.connect(self.scan_screen.show_codes)
        self.camera.scanned.connect(self.route_scan)
        self.camera.state_changed.connect(self._camera_state)
        self.sync.status_changed.connect(self._sync_changed)
        self.services.operator_changed.connect(self._operator_changed)
        self.services.task_failed.connect(self._task_failed)

    def _shortcuts(self) -> None:
        for key, slot in ((Qt.Key.Key_F4, self.show_board),
                          (Qt.Key.Key_F5, self.show_history), (Qt.Key.Key_F8, self.show_operators),
                          (Qt.Key.Key_F9, self.show_settings), (Qt.Key.Key_F12, self.logout)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def start(self) -> None:
        """Start the camera and the sync worker (separate from __init__ so tests can wait)."""
        self.sync.start()
        self._show_sync(self.sync.snapshot)
        if not self.camera.start():
            self._camera_state(self.camera.state, self.camera.message)
        self.ctx.on_close(self.shutdown)
        # The report fonts (0.2-0.3 s, mostly the CJK face) load now, off the GUI thread,
        # so the shift's first report or label does not wait for them.
        self.services.run_in_background(_load_report_fonts, None, lambda exc: log.warning(
            "report fonts could not be loaded: %s", exc))

    # --- language ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Return inspection — {0}").format(
            self.services.settings.station_id) + (self.tr(" — TRAINING") if self._training
                                                  else ""))
        self.history_button.setText(self.tr("History (F5)"))
        self.operators_button.setText(self.tr("Operators (F8)"))
        self.settings_button.setText(self.tr("Settings (F9)"))
        self.logout_button.setText(self.tr("Log out (F12)"))
        self._operator_changed(self.services.operator)
        if self._attached:
            self._show_sync(self.sync.snapshot)
            self._camera_state(self.camera.state, self.camera.message)
        else:
            self.online_label.setText(self.tr("Starting…"))

    def set_language(self, language: str) -> bool:
        """Switch the interface language now; every screen retranslates itself."""
        ok = self.translations.switch(language)
        # LanguageChange reaches every widget; our screens also retranslate explicitly so the
        # switch is complete when this returns.
        pages = (self.login_screen, self.scan_screen, self.case_screen) if self._attached \
            else (self.login_screen,)
        for page in pages:
            page.retranslate_ui()
        self.retranslate_ui()
        return ok

    # --- navigation -------------------------------------------------------------------------

    def current_screen(self) -> QWidget:
        page = self.stack.currentWidget()
        assert page is not None
        return page

    def _show(self, page: QWidget) -> None:
        if self._attached and self.stack.currentWidget() is self.case_screen \
                and page is not self.case_screen:
            self.case_screen.leave()
        self.stack.setCurrentWidget(page)
        logged_in = self.services.operator is not None
        self.top_bar.setVisible(logged_in)
        if self._attached:
            self.camera.set_decoding(page in (self.login_screen, self.scan_screen, self.case_screen,
                                          self.flow))

    def go_login(self) -> None:
        self._show(self.login_screen)
        self.login_screen.activate()

    def go_scan(self) -> None:
        if self.services.operator is None:
            self.go_login()
            return
        self._show(self.scan_screen)
        self.scan_screen.activate()

    def route_scan(self, event: object) -> None:
        """Camera reads: the core input router decides per screen (app/input_router.py)."""
        assert isinstance(event, ScanEvent)
        page = self.current_screen()
        if page is self.flow:
            self.flow.handle_scan(event)
            return
        where = {self.login_screen: Where(Screen.LOGIN), self.scan_screen: Where(Screen.SCAN),
                 self.case_screen: self.case_screen.where()}.get(page, Where(Screen.OTHER))
        outcome = self.services.router.scan(event, where)
        if outcome.do is Do.BADGE:
            self.login_screen.handle_scan(event)
        elif outcome.do is Do.LOOKUP and page is self.scan_screen:
            self.scan_screen.handle_scan(event)

    def _lookup_from_case(self, code: str) -> None:
        """A handheld scan of another label on the case screen: look that one up."""
        self.go_scan()
        self.scan_screen.lookup_text(code)

    def _logged_in(self, operator: object) -> None:
        assert isinstance(operator, Operator)
        self.services.set_operator(operator)
        self._reset_idle(self.ctx.settings)
        self.go_scan()
        check = self.ctx.audit_check
        if operator.role is Role.SHIFT_LEAD and check is not None and not check.ok:
            self._warn_tamper(check.first_bad_seq, check.entries)

    def _warn_tamper(self, seq: int | None, entries: int) -> None:
        """Not modal: the lead can work on, but has seen it (and the log has it too)."""
        if self.tamper_box is None:
            self.tamper_box = QMessageBox(QMessageBox.Icon.Warning, "", "", parent=self)
            self.tamper_box.setWindowModality(Qt.WindowModality.NonModal)
        self.tamper_box.setWindowTitle(self.tr("Audit log changed"))
        self.tamper_box.setText(self.tr(
            "The audit log of this station was changed outside the station: entry {0} of {1} "
            "does not verify. Records from that entry on cannot be trusted. Keep this "
            "station's data folder as it is and tell IT; run `doctor` for details.").format(
                seq, entries))
        self.tamper_box.show()

    def logout(self, reason: str = "user") -> None:
        operator = self.services.operator
        if operator is None:
            return
        page = self.stack.currentWidget()
        if page is self.flow and self.flow.inspection_id:
            log.info("logout during an inspection: the draft stays and can be resumed")
        self.services.set_operator(None)
        if self.tamper_box is not None:
            self.tamper_box.close()
        # No dialog, message, recent scan or search text stays for whoever walks up next.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        clear_for_handover(self)
        ops = self.ctx.operators
        self.services.run_in_background(lambda: ops.logout(operator, reason), writes=True)
        self.go_login()
        if reason == "idle":
            self.login_screen.message.show_message(
                self.tr("Logged out after {0} minutes without activity.").format(
                    self.ctx.settings.idle_logout_minutes), WARN_COLOUR)

    def _check_idle(self) -> None:
        if self.services.operator is not None and self.idle.expired():
            log.info("idle logout of %s", self.services.operator.operator_id)
            self.logout("idle")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.idle.touch()
            if (event.type() == QEvent.Type.KeyPress
                    and self.stack.currentWidget() is self.scan_screen
                    and not self.scan_screen.scan_edit.hasFocus()
                    and isinstance(watched, QWidget) and watched.window() is self
                    and watched is not self.scan_screen.scan_edit
                    and QApplication.activeModalWidget() is None):
                # The scan field always holds the focus: a scanner's first key must not be lost.
                # The key was addressed to the old focus widget, so hand it to the field too.
                # A key the field ignores goes on to its parents: never hand it over twice.
                if self._handing_over:
                    return False
                self.scan_screen.focus_input()
                self._handing_over = True
                try:
                    QApplication.sendEvent(self.scan_screen.scan_edit, event)
                finally:
                    self._handing_over = False
                return True
        return False

    # --- cases and inspections ----------------------------------------------------------

    def _case_found(self, case: object, from_cache: bool, code: str) -> None:
        assert isinstance(case, Case)
        operator = self.services.operator
        store = self.ctx.store
        started = self.scan_screen.scan_started_at

        def drafts() -> tuple[list[Any], dict[str, str]]:
            return (store.open_drafts(operator.operator_id if operator else None),
                    store.completed_lines(case.case_id))

        def show(found: object) -> None:
            assert isinstance(found, tuple)
            if self.services.operator != operator or self.current_screen() is not self.scan_screen:
                return  # logged out or moved on (history, another screen) meanwhile
            self._show(self.case_screen)
            self.case_screen.show_case(case, from_cache=from_cache, drafts=found[0],
                                       completed=found[1], scanned_code=code)
            self.case_shown_count += 1
            if started is not None:
                self.last_scan_to_case_ms = (time.perf_counter() - started) * 1000

        self.services.run_in_background(drafts, show)

    def _start_case(self, case: object, item: object, code: str) -> None:
        assert isinstance(case, Case) and isinstance(item, CaseItem)
        ctx = self.ctx
        from app.workflow import start_inspection

        self._start(lambda: start_inspection(ctx, case, item, code))

    def _start_unverified(self, code: str, category: str) -> None:
        from app.workflow import start_inspection

        ctx = self.ctx
        self._start(lambda: start_inspection(ctx, None, None, code, category=category))

    def _start(self, create: Any) -> None:
        if self._starting:
            return  # a second Enter while the first start runs must not make a second draft
        self._starting = True

        def started(inspection_id: object) -> None:
            self._starting = False
            self.open_inspection(inspection_id)

        def failed(exc: BaseException) -> None:
            self._starting = False
            log.error("starting the inspection failed: %s", exc)
            self.go_scan()
            self.scan_screen.message.show_message(
                self.tr("The inspection could not start: {0}").format(exc), ERROR_COLOUR,
                flash=True)

        self.services.run_in_background(create, started, failed, writes=True)

    def open_inspection(self, inspection_id: object) -> None:
        """Show the flow for a draft (new or resumed); it resumes at the saved step."""
        assert isinstance(inspection_id, str)
        if self.services.operator is None:
            return  # logged out while the draft was being created: it stays resumable
        self._show(self.flow)
        self.flow.start(inspection_id)

    def _flow_confirmed(self, inspection_id: str) -> None:
        self.sync.wake()
        self.labels.print_label(inspection_id)
        self.go_scan()
        self.scan_screen.message.show_message(
            self.tr("Result saved. It is sent to the case server in the background. "
                    "Scan the next label."), OK_COLOUR, flash=True)

    def _flow_left(self, inspection_id: str) -> None:
        self.go_scan()
        self.scan_screen.message.show_message(
            self.tr("The inspection is kept as a draft: press F6 to continue it."), WARN_COLOUR)

    # --- history and settings ---------------------------------------------------------------

    def show_history(self) -> None:
        if self.services.operator is None:
            return
        if self.history is None:
            from ui.history_screen import HistoryScreen

            history = HistoryScreen(self.services, self.stack)
            history.closed.connect(self.go_scan)
            self.stack.addWidget(history)
            self.history = history
        self._show(self.history)
        self.history.refresh()
        self.history.setFocus()

    def refuse(self, text: str) -> None:
        """A refusal where it is seen: the status bar's message area is taken by its fields."""
        self.statusBar().showMessage(text, 5000)
        message = getattr(self.current_screen(), "message", None)
        if isinstance(message, FlashLabel):
            message.show_message(text, WARN_COLOUR, flash=True)

    def show_board(self) -> BenchBoardScreen | None:
        """F4, shift lead: the bench board (an inspector is refused by the core's check)."""
        from app.benchboard import require_board_access  # loaded after the first window

        try:
            require_board_access(self.services.operator)
        except DomainError as exc:
            if self.services.operator is not None:
                self.refuse(exc.message(self.ctx.settings.language))
            return None
        if self.board is None:
            from ui.bench_board import BenchBoardScreen

            self.board = BenchBoardScreen(self.services, self.stack)
            self.board.closed.connect(self.go_scan)
            self.stack.addWidget(self.board)
        self._show(self.board)
        self.board.refresh()
        self.board.setFocus()
        return self.board

    def reprint(self, inspection_id: str) -> None:
        """An inspected line on the case screen: its report again, from the history."""
        store = self.ctx.store
        self.show_history()
        history = self.history
        if history is None:
            return
        self.services.run_in_background(lambda: store.record(inspection_id),
                                        history.preview_record)

    def show_settings(self) -> QWidget | None:
        operator = self.services.operator
        if operator is None or not operator.is_shift_lead:
            if operator is not None:
                self.refuse(self.tr("Only a shift lead can change the settings."))
            return None
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.services, self)
        dialog.settings_saved.connect(self.apply_settings)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_operators(self) -> QWidget | None:
        """Shift lead: add operators or import the roster (refused in the core otherwise)."""
        operator = self.services.operator
        if operator is None or not operator.is_shift_lead:
            if operator is not None:
                self.refuse(self.tr("Only a shift lead can manage operators."))
            return None
        from ui.operators_dialog import OperatorsDialog

        dialog = OperatorsDialog(self.services, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def apply_settings(self, new: object) -> None:
        """Put saved settings into effect: language now, camera and sync restarted if changed."""
        assert isinstance(new, Settings)
        previous = self._applied
        self._applied = new
        self.ctx.settings = new
        if new.language != self.translations.language:
            self.set_language(new.language)
        restart = restarts(previous, new)  # the core knows which setting restarts what
        if Restart.CAMERA in restart:
            self.camera.restart(new)
        if Restart.SYNC in restart:
            self.sync.restart()
        self._reset_idle(new)
        self.retranslate_ui()
        self.services.settings_applied.emit(new)

    # --- status bar ----------------------------------------------------------------------

    def _operator_changed(self, operator: object) -> None:
        if isinstance(operator, Operator):
            role = self.tr("shift lead") if operator.is_shift_lead else self.tr("inspector")
            text = f"{operator.name} ({operator.operator_id}, {role})"
            self.operator_label.setText(text)
            self.status_operator.setText(self.tr("Operator: {0}").format(text))
            self.settings_button.setVisible(operator.is_shift_lead)
            self.operators_button.setVisible(operator.is_shift_lead)
        else:
            self.operator_label.setText("")
            self.status_operator.setText(self.tr("Nobody logged in"))

    def _sync_changed(self, _snap: object) -> None:
        if self._sync_throttle.isActive():
            self._sync_pending = True
            return
        self._show_sync(self.sync.snapshot)
        self._sync_throttle.start()

    def _sync_flush(self) -> None:
        if self._sync_pending:
            self._sync_pending = False
            self._show_sync(self.sync.snapshot)
            self._sync_throttle.start()

    def _show_sync(self, snap: object) -> None:
        from app.sync.status import SyncSnapshot

        assert isinstance(snap, SyncSnapshot)
        queue_state = (snap.queue_depth, snap.needs_attention, snap.last_success_at)
        if queue_state != self._queue_seen:
            self._queue_seen = queue_state
            # The history on screen shows each inspection's sync state: keep it current.
            if self.history is not None and self.current_screen() is self.history:
                self.history.refresh()
        state, waited = self.sync.status.connection_state()
        if state == "paused":
            online, colour = self.tr("Sync paused: the server refused this station"), ERROR_COLOUR
        elif snap.other_sender:
            online, colour = self.tr("Sync waiting: another program sends from this data "
                                     "folder"), WARN_COLOUR
        elif state == "no_answer":
            online, colour = self.tr("No answer from the case API for {0} s").format(
                int(waited or 0)), WARN_COLOUR
        elif state == "online":
            online, colour = self.tr("Online"), OK_COLOUR
        elif state == "offline":
            online, colour = self.tr("Offline"), WARN_COLOUR
        else:
            online, colour = self.tr("Connecting…"), WARN_COLOUR
        if self.online_label.text() != online:
            self.online_label.setText(online)
        _set_style(self.online_label, f"color: {colour}; font-weight: bold;")
        queue = self.tr("Queue: {0}").format(snap.unsent)  # every result not yet accepted
        if snap.needs_attention:
            queue += self.tr(", {0} need attention").format(snap.needs_attention)
        self.queue_label.setText(queue)
        _set_style(self.queue_label, f"color: {ERROR_COLOUR};" if snap.needs_attention else "")
        age = snap.oldest_pending_age_s(utcnow())
        if age is None:
            self.oldest_label.setText(self.tr("Nothing waiting"))
        else:
            hours, minutes = _age_text(age)
            oldest = self.tr("Oldest waiting: {0} h {1} min").format(
                hours, minutes) if hours else self.tr("Oldest waiting: {0} min").format(minutes)
            nxt = snap.next_attempt_at
            if nxt is not None and nxt > utcnow():  # a retry is scheduled: say when
                oldest += self.tr(" · next try {0}").format(nxt.astimezone().strftime("%H:%M:%S"))
            self.oldest_label.setText(oldest)
        self.login_screen.set_sync_text(self.tr("Case server: {0} · {1}").format(online, queue),
                                        colour)

    def _camera_state(self, state: str, message: str) -> None:
        words = {
            "running": self.tr("Camera: on"),
            "opening": self.tr("Camera: starting"),
            "reconnecting": self.tr("Camera: reconnecting…"),
            "failed": self.tr("Camera: not available"),
            "ended": self.tr("Camera: video ended"),
            "stopped": self.tr("Camera: off"),
        }
        self.camera_label.setText(words.get(state, state))
        self.camera_label.setToolTip(message)
        _set_style(self.camera_label,
                   f"color: {OK_COLOUR};" if state == "running" else f"color: {WARN_COLOUR};")
        self.scan_screen.camera_state(state, message)

    def _frame(self, image: QImage, size: QSize) -> None:
        page = self.stack.currentWidget()
        if page is self.scan_screen:
            self.scan_screen.show_frame(image, size)
        elif page is self.flow:
            self.flow.photos.show_frame(image)  # the live view on photo steps

    def _task_failed(self, message: str) -> None:
        self.statusBar().showMessage(self.tr("A background task failed: {0}").format(message),
                                     10_000)

    # --- shutdown ------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop the camera and sync threads and wait for background tasks; idempotent."""
        if self._closed:
            return
        self._closed = True
        if not self._attached:  # closed while the station was still opening
            self.services.wait_idle(15_000)
            return
        self._idle_timer.stop()
        self._status_timer.stop()
        self._sync_throttle.stop()
        self.case_screen.leave()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.camera.stop()
        self.sync.stop()
        self.services.wait_idle(15_000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


def _load_report_fonts() -> None:
    from app.reports import fonts  # ReportLab: not before the window is up (issue 13.4)

    fonts.register_fonts()
