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
