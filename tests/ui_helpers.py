"""Fixtures for the GUI tests: a real station (SQLite, reference server, video camera) and a window.

Its fixtures are registered for every test module by tests/conftest.py (`pytest_plugins`):
name them as parameters, do not import them. Everything is real: the station database is a file in
tmp_path, the case API is the reference server on 127.0.0.1, the camera is an MJPG video
played through cv2.VideoCapture, translations are compiled from the .ts in the repo.
"""

from __future__ import annotations

import contextlib
import gc
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread, QThreadPool
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem, QWidget

from app.config import Settings
from app.context import StationContext
from app.demo import seed_demo_operators, write_label_video
from app.domain import Role
from app.paths import Paths
from app.sync.token import write_token_file
from refserver import RunningServer, start_server

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "build" / "screenshots"
TOKEN = "ui-test-token"
RMA = "RMA-2026-0001234"  # demo case C-000101: one item line (audio), serial HX2-00931877
AMBIGUOUS_ORDER = "SO-88812"


def wait_until(qtbot: Any, predicate: Callable[[], object], timeout: float = 10.0,
               what: str = "") -> None:
    """qtbot.waitUntil with a message: fail naming `what` after `timeout` seconds."""
    from pytestqt.exceptions import TimeoutError as WaitTimeout

    try:
        qtbot.waitUntil(lambda: bool(predicate()), timeout=int(timeout * 1000))
    except WaitTimeout:
        raise AssertionError(
            f"timed out after {timeout} s waiting for {what or predicate}") from None


# Process-wide helpers that live as long as the process by design (one per process, not per
# station): app.sync.client's deadline watchdog for HTTP calls.
PROCESS_THREADS = frozenset({"http-deadlines"})


def _live_threads() -> set[threading.Thread]:
    # Dummy threads are Qt pool threads Python saw once; the pools are checked separately.
    return {t for t in threading.enumerate()
            if not isinstance(t, threading._DummyThread) and t.name not in PROCESS_THREADS}


def _running_qthreads() -> list[QThread]:
    app = QApplication.instance()
    main = app.thread() if app is not None else None
    return [o for o in gc.get_objects()
            if isinstance(o, QThread) and o is not main and o.isRunning()]


@pytest.fixture
def no_thread_leaks() -> Iterator[None]:
    """Fail the test if it leaves a Python thread, a QThread or a pool task running.

    Every tests/test_ui_* module has this check already (conftest.py, autouse); the fixture
    stays for UI tests elsewhere.
    """
    with threads_checked():
        yield


@contextlib.contextmanager
def threads_checked() -> Iterator[None]:
    """The body must not leave a Python thread, a QThread or a pool task running."""
    before = _live_threads()
    yield
    deadline = time.monotonic() + 10
    while True:
        extra = _live_threads() - before
        qthreads = _running_qthreads()
        pool_busy = QThreadPool.globalInstance().activeThreadCount()
        if not extra and not qthreads and not pool_busy:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"threads outlived the test: {sorted(t.name for t in extra)}, "
                                 f"QThreads {qthreads}, global pool busy {pool_busy}")
        time.sleep(0.02)


@pytest.fixture(scope="session")
def label_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MJPG video with the demo RMA label in view (after a short empty bench)."""
    folder = tmp_path_factory.mktemp("video")
    return write_label_video(folder / "labels.avi", [RMA], fps=15, seconds_each=3.0,
                             gap_seconds=0.5, size=(1280, 720))


@pytest.fixture(scope="session")
def empty_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MJPG video of an empty bench: a running camera that never reads a code."""
    return _empty_video(tmp_path_factory.mktemp("video-empty") / "empty.avi")


def _empty_video(path: Path) -> Path:
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 15, (1280, 720))
    frame = np.full((720, 1280, 3), 90, dtype=np.uint8)
    for _ in range(30):
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture(scope="session")
def qm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .qm files compiled from resources/translations/*.ts (as the setup script does)."""
    out = tmp_path_factory.mktemp("qm")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_translations.py"),
                    "--out", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture
def ui_refserver(tmp_path: Path) -> Iterator[RunningServer]:
    """The reference server with the demo cases and the UI tests' token (the server tests'
    own `refserver`, in tests/refserver_fixtures.py, serves one sample template)."""
    server = start_server(tmp_path / "ref" / "cases.db", tmp_path / "ref" / "photos",
                          tokens={TOKEN}, seed_demo=True)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Station:
    ctx: StationContext
    server: RunningServer | None
    window: Any  # ui.main_window.MainWindow


def make_context(tmp_path: Path, *, api_url: str, camera_source: str,
                 seed: bool = True, **settings: Any) -> StationContext:
    base = tmp_path / "station"
    paths = Paths(data_dir=base, config_file=base / "config.toml", log_dir=base / "logs")
    paths.ensure()
    values: dict[str, Any] = {"station_id": "UI-BENCH-01", "token_source": "file",
                              "camera_source": camera_source, "sound": False,
                              "api_base_url": api_url}
    values.update(settings)
    ctx = StationContext.open(paths, Settings().replace(**values))
    write_token_file(paths.token_file, TOKEN)  # after: a token beside no database is evidence
    if seed:
        seed_demo_operators(ctx.store)
    return ctx


def open_window(ctx: StationContext, qtbot: Any, qm_folder: Path | None = None, *,
                register: bool = True, **kwargs: Any) -> Any:
    from ui.i18n import Translations
    from ui.main import build_main_window

    window = build_main_window(ctx, translations=Translations(qm_folder), **kwargs)
    if register:  # pytest-qt closes it after the test (unless the test destroys it)
        qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def close_station(ctx: StationContext, window: Any) -> None:
    window.close()
    window.shutdown()
    ctx.close()


@pytest.fixture
def station(tmp_path: Path, qtbot: Any, ui_refserver: RunningServer, empty_video: Path,
            qm_dir: Path, no_thread_leaks: None) -> Iterator[Station]:
    """A logged-out station window over the reference server, camera on an empty bench."""
    ctx = make_context(tmp_path, api_url=ui_refserver.url, camera_source=str(empty_video))
    window = open_window(ctx, qtbot, qm_dir)
    try:
        yield Station(ctx, ui_refserver, window)
    finally:
        close_station(ctx, window)


def login_pin(qtbot: Any, window: Any, operator_id: str = "E1001", pin: str = "1234") -> None:
    screen = window.login_screen
    qtbot.keyClicks(screen.id_edit, operator_id)
    qtbot.keyClicks(screen.pin_edit, pin)
    from PySide6.QtCore import Qt

    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: window.current_screen() is window.scan_screen, what="scan screen")


def type_scan(qtbot: Any, window: Any, text: str, *, delay_ms: int = -1) -> None:
    """Type into the scan field and press Enter (delay -1: a scanner-speed burst).

    A burst is timed by a scanner's clock (4 ms a key), not the machine's: on a loaded
    machine real key gaps can pass for a person's and the test would measure the load.
    """
    from PySide6.QtCore import Qt

    from tests.flow_helpers import PacedClock

    screen = window.scan_screen
    field = screen.scan_edit
    real = screen.clock
    if delay_ms < 0:  # from now on, so event times still compare with the camera's
        screen.clock = PacedClock(0.004, start=time.monotonic())
    try:
        qtbot.keyClicks(field, text, delay=delay_ms)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    finally:
        screen.clock = real


def screenshot(widget: QWidget, name: str) -> Path:
    """Save a readable screenshot (the window at its 1366x768 size) for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path


def add_inspector(ctx: StationContext, operator_id: str, pin: str) -> None:
    lead = ctx.operators.login_pin("E2001", "9876")
    ctx.operators.add(operator_id, operator_id, Role.INSPECTOR, pin, None, by=lead)


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The table's item there; the test fails, naming the place, where there is none."""
    item = table.item(row, column)
    assert item is not None, f"no item at row {row}, column {column}"
    return item
