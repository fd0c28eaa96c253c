"""GUI entry point: `run_gui(args)` starts the station window; `build_main_window` serves tests.

Order of start-up (and, reversed, of shutdown): logging and the faulthandler crash
file, the QApplication, the crash hooks, translations, the main window's frame and login
screen, then, on a background thread, the station context (database, templates, rules;
demo mode when no case API is configured) and the libraries it needs (SQLAlchemy,
OpenCV, requests: about a second together), and last, back on the GUI thread, the rest
of the window with its camera and sync threads. A person sees the login screen while the
station opens; a login typed meanwhile waits for it. Everything started registers its own
shutdown with the context.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

# Only what every start needs: the rest is imported where it is used, so the first
# window (setup or login) appears without waiting for reports, history or preview code.
from app import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from app.config import Settings
    from app.context import StationContext
    from app.demo import DemoBackend
    from app.paths import Paths
    from ui.camera_worker import CameraWorker
    from ui.crash import CrashHandler
    from ui.i18n import Translations
    from ui.main_window import MainWindow
    from ui.sync_bridge import SyncBridge

log = logging.getLogger("station.ui")


def configure_interpreter() -> None:
    """Hand the GIL over every 1 ms instead of 5 ms.

    Capture, preview, decoding and sync threads all run Python code; with the default
    5 ms slice the GUI thread can wait several slices for the GIL before serving an
    event (measured: 10 ms timer p99 lateness 33 ms at the default, 11 ms with 1 ms).
    """
    sys.setswitchinterval(0.001)


def build_main_window(
    ctx: StationContext,
    *,
    camera: CameraWorker | None = None,
    sync: SyncBridge | None = None,
    translations: Translations | None = None,
    start: bool = True,
    idle_check_ms: int = 5000,
) -> MainWindow:
    """The whole window over an open context, without exec() (tests, benchmarks).

    Needs a QApplication. With `start`, the camera and the outbox worker are started.
    """
    from ui.i18n import Translations
    from ui.main_window import MainWindow
    from ui.services import Services

    services = Services(ctx)
    translations = translations or Translations()
    if ctx.settings.language != "en":
        translations.switch(ctx.settings.language)
    window = MainWindow(services, camera=camera, sync=sync, translations=translations,
                        idle_check_ms=idle_check_ms)
    if start:
        window.start()
    return window


def _application() -> QApplication:
    from PySide6.QtGui import QFont, QFontDatabase, QIcon
    from PySide6.QtWidgets import QApplication

    from app.resources import resource_path

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Inspection Station")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("ReturnsOps")
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.png"))))
    # Chinese case text needs a font with CJK glyphs; the bundled fallback covers it.
    for name in ("DejaVuSans.ttf", "DroidSansFallbackFull.ttf"):
        path = resource_path("fonts", name)
        if path.exists():
            QFontDatabase.addApplicationFont(str(path))
    font = QFont("DejaVu Sans", 11)
    font.setFamilies(["DejaVu Sans", "Droid Sans Fallback"])
    app.setFont(font)
    return app


def run_gui(args: argparse.Namespace) -> int:
    """The `gui` subcommand: returns the process exit code."""
    from app.config import ConfigError, load_settings
    from app.firstrun import needs_setup
    from app.logs import enable_crash_file, pending_crash_report, setup_logging
    from app.paths import resolve_paths

    paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "config", None))
    paths.ensure()
    setup_logging(paths.log_dir, verbose=bool(getattr(args, "verbose", False)))
    app = _application()
    from ui.single_instance import SingleInstance

    instance = SingleInstance(paths.data_dir)
    if not instance.acquire():
        print(f"The station is already running on {paths.data_dir}: its window was brought "
              "forward.", file=sys.stderr)
        log.info("already running on %s: asked it to come forward", paths.data_dir)
        return 0
    crash_text = pending_crash_report(paths.crash_file)  # read before re-arming the file
    enable_crash_file(paths.crash_file)
    configure_interpreter()
    from PySide6.QtWidgets import QMessageBox

    from ui.crash import CrashHandler
    from ui.i18n import Translations

    crash = CrashHandler()
    crash.install()
    try:
        try:
            settings = load_settings(paths.config_file)
        except ConfigError as exc:
            QMessageBox.critical(None, "Inspection station",
                                 f"The settings cannot be used:\n{exc}")
            return 2
        translations = Translations()
        if settings.language != "en":
            translations.switch(settings.language)
        runner = _Runner(app, paths, translations, crash, crash_text, args.demo_backend,
                         exit_when_shown=bool(getattr(args, "exit_when_shown", False)))
        instance.raise_requested.connect(runner.bring_forward)
        forced = bool(getattr(args, "demo", False) or getattr(args, "training", False))
        if not forced and needs_setup(paths):
            runner.show_setup()
        else:
            runner.start_station(forced or settings.demo_mode, settings)
        return int(app.exec())
    finally:
        if "runner" in locals():
            runner.close()
        crash.uninstall()
        instance.release()


class _Runner:
    """The windows of one GUI run: the setup screen, then the station; one context."""

    def __init__(self, app: QApplication, paths: Paths, translations: Translations,
                 crash: CrashHandler, crash_text: str | None,
                 demo_backend: Callable[[], DemoBackend], *, exit_when_shown: bool) -> None:
        self.app, self.paths, self.translations = app, paths, translations
        self.demo_backend = demo_backend
        self.crash, self.crash_text = crash, crash_text
        self.exit_when_shown = exit_when_shown
        self.ctx: StationContext | None = None
        self.front: QWidget | None = None
        self._setup: QWidget | None = None
        self._watch: object | None = None

    def show_setup(self) -> None:
        from ui.setup_screen import SetupScreen

        setup = SetupScreen(self.paths, self.translations)
        setup.finished.connect(self._setup_finished)
        self._setup = setup
        self._show(setup, "setup")

    def _setup_finished(self, mode: str) -> None:
        from app.config import load_settings

        assert self._setup is not None
        lead = getattr(self._setup, "lead", None)
        self.start_station(mode == "training", load_settings(self.paths.config_file), lead=lead)
        self._setup.close()
        self._setup.deleteLater()
        self._setup = None

    def start_station(self, training: bool, settings: Settings, *, lead: object = None) -> None:
        """Show the window's login screen now; open the station (training: the demo in its
        own folder) on a background thread once it has painted, then finish the window."""
        from ui.main_window import MainWindow
        from ui.services import Services

        services = Services(None, settings=settings)
        window = MainWindow(services, translations=self.translations, training=training)
        self.crash._parent_widget = lambda: window
        paths, name = self.paths, "training" if training else "station"

        def opened(ctx: object) -> None:
            from app.context import StationContext

            assert isinstance(ctx, StationContext)
            self.ctx = ctx
            services.attach(ctx)
            window.start()  # the camera and the outbox: their threads come last
            log.info("station %s started%s", ctx.settings.station_id,
                     " (training)" if training else "")
            if self.exit_when_shown:
                print(f"station ready: {name}", flush=True)
                self.app.quit()

        def failed(exc: BaseException) -> None:
            if not explain_start_failure(exc, settings):  # a defect: the crash dialog's job
                self.crash.report(type(exc), exc, exc.__traceback__)
            window.close()
            self.app.exit(2)

        demo = self.demo_backend if training else None

        def open_in_background() -> None:
            services.run_in_background(lambda: _open_context(paths, settings, demo, lead),
                                       opened, failed, writes=True)

        self._show(window, name, then=open_in_background, quit_after=False)
        if self.crash_text:
            self.crash.offer_crash_file(self.crash_text)

    def _show(self, window: QWidget, name: str, *,
              then: Callable[[], None] | None = None, quit_after: bool = True) -> None:
        self.front = window
        self._watch = _first_paint(window, name, self.app, then=then,
                                   announce=self.exit_when_shown,
                                   quit_after=self.exit_when_shown and quit_after)
        if name == "setup":
            window.show()
        else:
            window.showMaximized()  # on the screen it opens on, inside the work area

    def bring_forward(self) -> None:
        from PySide6.QtCore import Qt

        if self.front is None:
            return
        self.front.setWindowState(self.front.windowState() & ~Qt.WindowState.WindowMinimized)
        self.front.show()
        self.front.raise_()
        self.front.activateWindow()

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None


def _open_context(paths: Paths, settings: Settings,
                  demo_backend: Callable[[], DemoBackend] | None,
                  lead: object) -> StationContext:
    """On a worker thread: open the station, with the first lead from setup in training
    (the reference server is loaded here too, off the GUI thread)."""
    from app.context import StationContext

    training = demo_backend is not None
    ctx = StationContext.open(paths, settings,
                              demo=demo_backend() if demo_backend is not None else None)
    if training and lead is not None:  # the new lead may train too; demo ids stay
        from app.firstrun import FirstLead, SetupError, add_first_lead

        assert isinstance(lead, FirstLead)
        with contextlib.suppress(SetupError):
            add_first_lead(ctx.store, lead)
    # Loaded here, off the GUI thread, for the rest of the window built next.
    import ui.case_screen
    import ui.inspection_flow
    import ui.scan_screen  # noqa: F401
    return ctx


def open_station(paths: Paths, settings: Settings, *,
                 demo: DemoBackend | None) -> StationContext | None:
    """The station context, or None after a dialog saying why it cannot start."""
    from app.context import StationContext

    try:
        return StationContext.open(paths, settings, demo=demo)
    except Exception as exc:
        if not explain_start_failure(exc, settings):
            raise
    return None


def explain_start_failure(exc: BaseException, settings: Settings) -> bool:
    """A dialog saying why the station cannot start; False for a failure it does not know.

    A broken checklist template or disposition table is a site's file: the dialog names
    the file, the step and the problem (a windowed build has no console for a traceback).
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from app.checklists import TemplateError
    from app.rules import RulesError
    from app.store.db import StoreError

    title = QCoreApplication.translate("StationStart", "Inspection station")
    if isinstance(exc, TemplateError):
        log.error("a checklist template cannot be used: %s", exc)
        QMessageBox.critical(None, title, QCoreApplication.translate(
            "StationStart",
            "A checklist template cannot be used, so the station cannot start.\n\n"
            "File: {0}\nStep: {1}\nProblem: {2}\n\n"
            "Correct the file (or put back the one that came with the station), then start "
            "the station again.").format(exc.source, exc.where or "—", exc.problem))
    elif isinstance(exc, RulesError):
        log.error("the disposition rules cannot be used: %s", exc)
        QMessageBox.critical(None, title, QCoreApplication.translate(
            "StationStart",
            "The disposition rules cannot be used, so the station cannot start.\n\n{0}\n\n"
            "Correct the file, then start the station again.").format(str(exc)))
    elif isinstance(exc, StoreError | OSError):
        from ui.start_problem import show_start_problem

        show_start_problem(exc, settings.language)  # plain words; nothing is rebuilt
    else:
        return False
    return True


def _first_paint(window: QWidget, name: str, app: QApplication, *,
                 then: Callable[[], None] | None, announce: bool, quit_after: bool) -> object:
    """Once `window` has painted: run `then`. For `--exit-when-shown` (tests, benchmarks):
    with `announce` print "first window: NAME (title)" first, with `quit_after` quit after
    `then` (the station window quits once the station is open: "station ready: NAME")."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and obj is window:
                window.removeEventFilter(self)
                log.info("first window painted: %s", name)
                if announce:
                    print(f"first window: {name} ({window.windowTitle()})", flush=True)
                if then is not None:
                    QTimer.singleShot(0, then)
                if quit_after:
                    QTimer.singleShot(0, app.quit)
            return False

    watch = Watch(window)
    window.installEventFilter(watch)
    return watch


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], *,
             demo_backend: Callable[[], DemoBackend]) -> None:
    """The `gui` subcommand, a plug-in the composition root (app/__main__.py) hands to
    app/cli.py; `demo_backend` loads the reference server when training mode starts."""
    gui = sub.add_parser("gui", help="start the station GUI (the default)")
    gui.add_argument("--demo", action="store_true",
                     help="training (demo) mode even when a case API is configured")
    gui.add_argument("--training", action="store_true",
                     help="start training mode at once (skips the setup screen)")
    gui.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    gui.set_defaults(func=run_gui, demo_backend=demo_backend)
