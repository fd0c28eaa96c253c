"""The real `python -m app` GUI start, as a process: which first window, one per data folder.

Each start runs offscreen with `--exit-when-shown`, which prints "first window: NAME"
once the window has painted and then quits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings, save_settings
from ui.single_instance import LOCK_NAME, SingleInstance

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTION_STATION_")}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO), HOME=str(home),
               XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"))
    return env


def _start(tmp_path: Path, *argv: str,
           data: Path | None = None) -> subprocess.CompletedProcess[str]:
    where = ["--data-dir", str(data)] if data is not None else []
    return subprocess.run([sys.executable, "-m", "app", *where, "gui", *argv],
                          capture_output=True, text=True, timeout=240, env=_env(tmp_path),
                          cwd=tmp_path)


def _first_window(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("first window: ")), "")
    assert line, proc.stdout + proc.stderr[-3000:]
    return line.removeprefix("first window: ")


def test_an_unconfigured_station_starts_on_the_setup_screen(tmp_path: Path) -> None:
    """Empty HOME and XDG folders, no --data-dir: what a fresh install does."""
    shown = _first_window(_start(tmp_path, "--exit-when-shown"))
    assert shown.startswith("setup")
    assert not (tmp_path / "home" / "config" / "InspectionStation" / "config.toml").exists()


def test_training_flag_and_a_configured_station_skip_setup(tmp_path: Path) -> None:
    data = tmp_path / "station"
    assert _first_window(_start(tmp_path, "--training", "--exit-when-shown",
                                data=data)).startswith("training (")
    assert "TRAINING" in _first_window(_start(tmp_path, "--training", "--exit-when-shown",
                                              data=data))
    site = tmp_path / "site"
    save_settings(Settings().replace(api_base_url="http://127.0.0.1:9/api/v1",
                                     token_source="file"), site / "config.toml")
    shown = _first_window(_start(tmp_path, "--exit-when-shown", data=site))
    assert shown.startswith("station (") and "TRAINING" not in shown


def test_a_second_start_on_the_same_folder_brings_the_first_forward(
        tmp_path: Path, qtbot: Any) -> None:
    """The running station is this test process; the second start is the real command."""
    data = tmp_path / "station"
    running = SingleInstance(data)
    assert running.acquire()
    try:
        with qtbot.waitSignal(running.raise_requested, timeout=120_000):
            second = subprocess.Popen(
                [sys.executable, "-m", "app", "--data-dir", str(data), "gui",
                 "--exit-when-shown"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, env=_env(tmp_path), cwd=tmp_path)
        out, err = second.communicate(timeout=120)
    finally:
        running.release()
    assert second.returncode == 0
    assert "already running" in err and "first window" not in out
    assert not (data / "config.toml").exists()  # it did not get as far as any setup


def test_a_lock_left_by_a_crashed_run_does_not_block(tmp_path: Path) -> None:
    data = tmp_path / "station"
    crash = ("import os, signal, sys\n"
             "from pathlib import Path\n"
             "from PySide6.QtCore import QCoreApplication\n"
             "from ui.single_instance import SingleInstance\n"
             "app = QCoreApplication([])\n"
             "held = SingleInstance(Path(sys.argv[1]))\n"
             "assert held.acquire()\n"
             "os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", crash, str(data)], env=_env(tmp_path),
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert (data / LOCK_NAME).exists()  # the crashed run left its lock behind
    assert _first_window(_start(tmp_path, "--exit-when-shown", data=data)).startswith("setup")
