"""GUI entry point: `run_gui(args)` starts the station window; `build_main_window` serves tests.

Order of start-up (and, reversed, of shutdown): logging and the faulthandler crash
file, the QApplication, the crash hooks, the station context (demo mode when no case
API is configured), translations, then the main window with its camera and sync
threads. Everything started registers its own shutdown with the context.
"""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.config import ConfigError, load_settings
from app.context import StationContext
from app.logs import enable_crash_file, pending_crash_report, setup_logging
from app.paths import resolve_paths
from app.resources import resource_path
from app.store.db import StoreError
from ui.camera_worker import CameraWorker
from ui.crash import CrashHandler
from ui.i18n import Translations
from ui.main_window import MainWindow
from ui.services import Services
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
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Inspection Station")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("ReturnsOps")
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.png"))))
    # Chinese case text needs a font with CJK glyphs; the bundled fallback covers it.
    from PySide6.QtGui import QFontDatabase

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
    paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "config", None))
    paths.ensure()
    setup_logging(paths.log_dir, verbose=bool(getattr(args, "verbose", False)))
    crash_text = pending_crash_report(paths.crash_file)  # read before re-arming the file
    enable_crash_file(paths.crash_file)
    app = _application()
    configure_interpreter()
    crash = CrashHandler()
    crash.install()
    try:
        settings = load_settings(paths.config_file)
    except ConfigError as exc:
        QMessageBox.critical(None, "Inspection station", f"The settings cannot be used:\n{exc}")
        return 2
    demo = bool(getattr(args, "demo", False)) or settings.demo_mode
    try:
        ctx = StationContext.open(paths, settings, demo=demo)
    except (StoreError, OSError) as exc:
        from ui.start_problem import show_start_problem

        show_start_problem(exc, settings.language)  # refuses in plain words, rebuilds nothing
        return 2
    try:
        window = build_main_window(ctx)
        crash._parent_widget = lambda: window
        window.show()
        if crash_text:
            crash.offer_crash_file(crash_text)
        log.info("station %s started%s", ctx.settings.station_id, " (demo)" if demo else "")
        return int(app.exec())
    finally:
        ctx.close()
        crash.uninstall()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `gui` subcommand (app/cli.py loads this module as a plug-in)."""
    gui = sub.add_parser("gui", help="start the station GUI (the default)")
    gui.add_argument("--demo", action="store_true",
                     help="demo mode even when a case API is configured")
    gui.set_defaults(func=run_gui)
