"""Each command imports only what it needs: no Qt for the console commands, no ReportLab
before a report is made (the GUI's first window appears sooner for it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.store import Store

REPO = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys
from app.__main__ import main
code = main(sys.argv[1:])
watched = {'PySide6', 'ui', 'reportlab', 'cv2', 'refserver'}
loaded = sorted({m.split('.')[0] for m in sys.modules} & watched)
print('LOADED ' + json.dumps({'code': code, 'loaded': loaded}))
"""


def _run(tmp_path: Path, *argv: str) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", PROBE, "--data-dir", str(tmp_path / "d"), *argv],
                          capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED ")), None)
    assert line is not None, proc.stdout + proc.stderr
    result: dict[str, object] = json.loads(line[len("LOADED "):])
    return result


@pytest.mark.parametrize(("argv", "allowed"), [
    (("decode", str(REPO / "resources" / "samples" / "label_rma.png")), {"cv2"}),
    (("sync", "--status", "--json"), set()),
    (("photo-check", str(REPO / "tests" / "data" / "scanning" / "frames"
                         / "1080p_clean_code128_rma_0.jpg")), {"cv2"}),
    (("export", "--date", "2026-11-22", "--format", "csv", "--out", "x.csv"), {"reportlab", "cv2"}),
    (("report", "shift", "--date", "2026-11-22", "--from", "08:00", "--to", "12:00",
      "--out", "x.pdf"), {"reportlab", "cv2"}),
])
def test_console_commands_load_neither_qt_nor_the_gui(tmp_path: Path, argv: tuple[str, ...],
                                                      allowed: set[str]) -> None:
    Store(tmp_path / "d" / "station.db", tmp_path / "d" / "photos").close()
    result = _run(tmp_path, *argv)
    assert result["code"] == 0
    loaded = set(result["loaded"])  # type: ignore[call-overload]
    assert "PySide6" not in loaded and "ui" not in loaded
    assert loaded <= allowed


@pytest.mark.slow
def test_the_gui_first_window_loads_no_reportlab(tmp_path: Path) -> None:
    result = _run(tmp_path, "gui", "--exit-when-shown")
    assert result["code"] == 0
    assert "PySide6" in result["loaded"]  # type: ignore[operator]
    assert "reportlab" not in result["loaded"]  # type: ignore[operator]
    assert "refserver" not in result["loaded"]  # type: ignore[operator]


@pytest.mark.slow
def test_only_training_mode_loads_the_reference_server(tmp_path: Path) -> None:
    result = _run(tmp_path, "gui", "--training", "--exit-when-shown")
    assert result["code"] == 0
    assert "refserver" in result["loaded"]  # type: ignore[operator]


FIRST_WINDOW_PROBE = """
import json, sys
HEAVY = {'sqlalchemy', 'cv2', 'numpy', 'requests', 'pydantic', 'reportlab', 'urllib3'}
real = sys.stdout
seen = {}
class Tap:
    def write(self, text):
        if text.startswith('first window:'):
            seen['at_first_window'] = sorted({m.split('.')[0] for m in sys.modules} & HEAVY)
        return real.write(text)
    def flush(self):
        real.flush()
sys.stdout = Tap()
from app.__main__ import main
code = main(sys.argv[1:])
seen['at_exit'] = sorted({m.split('.')[0] for m in sys.modules} & HEAVY)
real.write('SEEN ' + json.dumps({'code': code, **seen}) + '\\n')
"""


def _first_window_probe(tmp_path: Path, data: Path) -> tuple[dict[str, object], str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO),
           "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "home" / "c"),
           "XDG_DATA_HOME": str(tmp_path / "home" / "d")}
    proc = subprocess.run([sys.executable, "-c", FIRST_WINDOW_PROBE, "--data-dir", str(data),
                           "gui", "--exit-when-shown"], capture_output=True, text=True,
                          timeout=240, env=env, cwd=tmp_path)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("SEEN ")), None)
    assert line is not None, proc.stdout + proc.stderr[-3000:]
    seen: dict[str, object] = json.loads(line[len("SEEN "):])
    assert seen["code"] == 0
    return seen, proc.stdout


@pytest.mark.slow
def test_the_login_screen_paints_before_the_database_camera_and_network_libraries(
        tmp_path: Path) -> None:
    """The station opens (SQLAlchemy, OpenCV, requests) after its first window has painted,
    and the process still reaches a ready station ("station ready") before it exits."""
    from app.config import Settings, save_settings

    site = tmp_path / "d"
    save_settings(Settings().replace(api_base_url="http://127.0.0.1:9/api/v1",
                                     token_source="file"), site / "config.toml")
    seen, out = _first_window_probe(tmp_path, site)
    assert "first window: station" in out and "station ready: station" in out
    assert seen["at_first_window"] == []
    at_exit = seen["at_exit"]
    assert isinstance(at_exit, list) and {"sqlalchemy", "cv2", "requests"} <= set(at_exit)


@pytest.mark.slow
def test_the_setup_screen_paints_without_the_store(tmp_path: Path) -> None:
    seen, out = _first_window_probe(tmp_path, tmp_path / "fresh")
    assert "first window: setup" in out
    assert seen["at_first_window"] == []
