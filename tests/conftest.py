"""Suite-wide test setup: offscreen Qt, isolated data folders, no real keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.store import Store

# The shared fixtures, registered once for every test module (no per-module imports).
pytest_plugins = ["tests.flow_helpers", "tests.refserver_fixtures", "tests.ui_helpers"]

# Without a display Qt aborts the whole run unless told to render offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's or CI's real keyring.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


@pytest.fixture(autouse=True)
def _isolated_station(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read or write the platform's real data, config or log folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INSPECTION_STATION_DATA", str(home / "station-data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    for key in list(os.environ):
        if key.startswith("INSPECTION_STATION_") and key != "INSPECTION_STATION_DATA":
            monkeypatch.delenv(key)


@pytest.fixture(autouse=True)
def _ui_tests_leave_no_threads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every UI test (tests/test_ui_*) fails if it leaves a thread, a QThread or a pool
    task running: a window's camera, sync or background task outliving its test."""
    if not request.module.__name__.rsplit(".", 1)[-1].startswith("test_ui_"):
        yield
        return
    from tests.ui_helpers import threads_checked  # Qt only for the UI tests

    with threads_checked():
        yield


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A test that switched the interface to Chinese leaves no translator behind.

    Translators are installed on the one QApplication of the session; a test whose window
    (or setup screen) spoke Chinese would otherwise turn every later test's text Chinese.
    Only acts once some test has created the QApplication (Qt-free tests never import Qt).
    """
    yield
    import sys

    if "PySide6.QtCore" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in app.findChildren(QTranslator):
        app.removeTranslator(translator)
        translator.deleteLater()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "station"
    folder.mkdir()
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A station store in a fresh folder (modules may define their own)."""
    s = Store(tmp_path / "station.db", tmp_path / "photos")
    yield s
    s.close()


@pytest.fixture
def proxy(server: Any) -> Iterator[Any]:
    """A fault-injecting proxy in front of the module's `server` fixture."""
    from tests.faults import FaultProxy

    with FaultProxy(server.url) as p:
        yield p
