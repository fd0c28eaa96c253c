"""The GUI against hostile input (issue 12): GS1 separators from a scanner, broken templates."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.scanning.events import ScanEvent
from app.scanning.labels import Interpretation, Kind
from tests.ui_helpers import (
    Station,
    login_pin,
)


def test_ctrl_bracket_from_a_scanner_separates_gs1_lot_and_serial(station: Station,
                                                                   qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w)
    seen: list[ScanEvent] = []
    w.scan_screen.handle_scan = seen.append  # what the scan screen would act on
    ticks = itertools.count()
    w.scan_screen.clock = lambda: next(ticks) * 0.004  # scanner speed, whatever the load
    field = w.scan_screen.scan_edit
    qtbot.keyClicks(field, "010950600013435210ABC123")
    qtbot.keyClick(field, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "21SN998877")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert len(seen) == 1
    got = seen[0].interpretation
    assert isinstance(got, Interpretation) and got.kind is Kind.GS1
    assert (got.gtin, got.lot, got.serial) == ("09506000134352", "ABC123", "SN998877")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_broken_site_template_shows_a_dialog_naming_file_step_and_problem(
        tmp_path: Path, qtbot: Any, qm_dir: Path, monkeypatch: pytest.MonkeyPatch,
        language: str) -> None:
    import app.context
    from app.config import Settings
    from app.paths import Paths
    from app.resources import resource_path
    from ui.i18n import Translations
    from ui.main import open_station

    site = tmp_path / "checklists"
    shutil.copytree(resource_path("checklists"), site)
    doc = json.loads((site / "audio.json").read_text(encoding="utf-8"))
    doc["sections"][0]["steps"][1]["kind"] = "slider"  # a site's typo
    (site / "audio.json").write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(app.context, "resource_path",
                        lambda *parts: site if parts == ("checklists",) else resource_path(*parts))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda _parent, title, text: shown.append((title, text)))
    translations = Translations(qm_dir)
    translations.switch(language)
    try:
        base = tmp_path / "station"
        paths = Paths(data_dir=base, config_file=base / "config.toml", log_dir=base / "logs")
        assert open_station(paths, Settings(language=language), demo=None) is None
    finally:
        translations.switch("en")
    ((_title, text),) = shown
    assert "audio.json" in text and "app-shell" in text and "unknown kind 'slider'" in text
    assert ("checklist template cannot be used" in text) == (language == "en")
    assert ("检验模板" in text) == (language == "zh_CN")
    assert not (base / "station.db").exists()  # nothing was opened before the check


def test_status_bar_names_another_sender_and_the_next_try(
        tmp_path: Path, qtbot: Any, ui_refserver: Any, empty_video: Path, qm_dir: Path,
        no_thread_leaks: None) -> None:
    from datetime import timedelta

    from app.domain import utcnow
    from app.sync.cli import sender_lock
    from app.sync.status import SyncSnapshot
    from tests.ui_helpers import close_station, make_context, open_window, wait_until

    ctx = make_context(tmp_path, api_url=ui_refserver.url, camera_source=str(empty_video))
    other = sender_lock(ctx.paths)
    assert other.acquire()  # `sync` runs in a terminal on the same data folder
    w = open_window(ctx, qtbot, qm_dir)
    try:
        wait_until(qtbot, lambda: "another program sends" in w.online_label.text(),
                   what="another sender shown")
        other.release()
        w.sync.wake()  # a new result confirmed: the worker looks again and takes over
        wait_until(qtbot, lambda: "another program" not in w.online_label.text(),
                   what="took over")
        assert other.acquire() is False  # the GUI's worker holds the lock now
        nxt = utcnow() + timedelta(minutes=4)
        w._show_sync(SyncSnapshot(online=False, queue_depth=1, next_attempt_at=nxt,
                                  oldest_pending_at=utcnow() - timedelta(minutes=2)))
        assert w.oldest_label.text() == (
            f"Oldest waiting: 2 min · next try {nxt.astimezone():%H:%M:%S}")
    finally:
        other.release()
        close_station(ctx, w)
