"""The setup screen on a real offscreen window: first lead, connection test, site or training."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.config import load_settings
from app.firstrun import needs_setup
from app.operators import Operators
from app.paths import Paths, resolve_paths
from app.store.store import Store
from app.sync.token import load_token
from refserver import RunningServer
from tests.ui_helpers import TOKEN, screenshot, wait_until
from ui.i18n import Translations
from ui.setup_screen import SetupScreen


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "station", None, env={})


@pytest.fixture
def translations(qm_dir: Path) -> Iterator[Translations]:
    """Switching the language installs a translator on the application: undo it after."""
    loaded = Translations(qm_dir)
    yield loaded
    loaded.switch("en")


def _screen(qtbot: Any, paths: Paths, translations: Translations) -> SetupScreen:
    screen = SetupScreen(paths, translations)
    qtbot.addWidget(screen)
    screen.show()
    return screen


def _lead(qtbot: Any, screen: SetupScreen, pin: str = "246810", again: str = "246810") -> None:
    qtbot.keyClicks(screen.lead_id, "E7001")
    qtbot.keyClicks(screen.lead_name, "Wang Fang")
    qtbot.keyClicks(screen.lead_pin, pin)
    qtbot.keyClicks(screen.lead_pin_again, again)
    qtbot.keyClick(screen.lead_pin_again, Qt.Key.Key_Return)


def _lead_in_store(paths: Paths) -> bool:
    store = Store(paths.db_file, paths.photos_dir)
    try:
        return Operators(store).login_pin("E7001", "246810").is_shift_lead
    finally:
        store.close()


def test_a_short_lead_pin_is_refused_on_the_screen(qtbot: Any, paths: Paths,
                                                   translations: Translations) -> None:
    screen = _screen(qtbot, paths, translations)
    _lead(qtbot, screen, pin="1234", again="1234")
    assert screen.pages.currentIndex() == 0
    assert "at least 6 digits" in screen.message.text()


def test_connect_to_the_site_after_a_connection_test(qtbot: Any, paths: Paths,
                                                     translations: Translations,
                                                     ui_refserver: RunningServer) -> None:
    screen = _screen(qtbot, paths, translations)
    _lead(qtbot, screen)
    assert screen.pages.currentIndex() == 1
    qtbot.keyClicks(screen.url, ui_refserver.url)
    qtbot.keyClicks(screen.station_id, "WH1-BENCH-04")
    qtbot.keyClicks(screen.token, "wrong-token")
    with qtbot.waitSignal(screen.tested, timeout=30_000):
        qtbot.mouseClick(screen.test_button, Qt.MouseButton.LeftButton)
    assert "401" in screen.test_result.text() and screen.test_button.isEnabled()
    screen.token.clear()
    qtbot.keyClicks(screen.token, TOKEN)
    with qtbot.waitSignal(screen.tested, timeout=30_000):
        qtbot.mouseClick(screen.test_button, Qt.MouseButton.LeftButton)
    assert "Connected" in screen.test_result.text()
    screenshot(screen, "setup-site")
    with qtbot.waitSignal(screen.finished, timeout=10_000) as done:
        qtbot.mouseClick(screen.connect_button, Qt.MouseButton.LeftButton)
    assert done.args == ["site"]
    settings = load_settings(paths.config_file, env={})
    assert settings.api_base_url == ui_refserver.url and settings.station_id == "WH1-BENCH-04"
    assert load_token(settings, paths.token_file) == TOKEN
    assert _lead_in_store(paths) and not needs_setup(paths)


def test_training_in_chinese(qtbot: Any, paths: Paths, translations: Translations) -> None:
    screen = _screen(qtbot, paths, translations)
    screen.language.setCurrentIndex(screen.language.findData("zh_CN"))
    wait_until(qtbot, lambda: screen.title.text() == "设置本工作台", what="Chinese title")
    _lead(qtbot, screen, again="246811")
    assert "不一致" in screen.message.text()  # the core's message, in Chinese
    screen.lead_pin_again.clear()
    qtbot.keyClicks(screen.lead_pin_again, "246810")
    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)
    assert screen.pages.currentIndex() == 1
    assert screen.training_button.text() == "进入培训模式"
    screenshot(screen, "setup-training-zh")
    with qtbot.waitSignal(screen.finished, timeout=10_000) as done:
        qtbot.mouseClick(screen.training_button, Qt.MouseButton.LeftButton)
    assert done.args == ["training"]
    settings = load_settings(paths.config_file, env={})
    assert settings.demo_mode and settings.language == "zh_CN"
    assert _lead_in_store(paths)
