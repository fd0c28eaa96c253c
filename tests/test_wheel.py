"""A plain (not editable) install works: the wheel carries resources/ and runs from a venv.

The wheel is built from a copy of the sources (so the worktree gets no build/ or
egg-info), installed with --no-deps into a fresh venv that sees this .venv's
site-packages through a .pth line for its dependencies (no network, a few seconds),
and `doctor` and the GUI then run from there, outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from app import __version__

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

SHIPPED = ("checklists/audio.json", "dispositions.toml", "translations/station_zh_CN.qm",
           "fonts/DroidSansFallbackFull.ttf", "icons/app.png", "sounds/beep.wav",
           "samples/label_rma.png", "openapi/case-api.yaml")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in ("app", "ui", "refserver", "resources", "scripts"):
        shutil.copytree(REPO / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(REPO / name, src / name)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                           "-w", str(base / "dist"), str(src)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The one version source (app/__init__.py) names the wheel.
    (found,) = (base / "dist").glob(f"inspection_station-{__version__}-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True,
                   timeout=120)
    python = root / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c",
                                "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies come from this .venv; its editable finder is not loaded from a
    # .pth-added folder, so `app` can only come from the wheel.
    (site / "station-deps.pth").write_text(sysconfig.get_path("purelib") + "\n",
                                           encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--no-index", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return python


def _run(venv: Path, tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("INSPECTION_STATION_") and k != "PYTHONPATH"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([str(venv), *argv], capture_output=True, text=True, timeout=300,
                          env=env, cwd=tmp_path)


def test_the_wheel_carries_the_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for item in SHIPPED:
        assert f"app/_resources/{item}" in names, item
    assert "refserver/server.py" in names  # training mode needs the reference server
    # The console script runs the composition root, which wires the GUI and the server in.
    (entry_points,) = (n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "inspection-station = app.__main__:main" in text
    assert not any(n.endswith(".py") and "_resources" in n for n in names)


def test_installed_package_reads_its_own_resources(venv: Path, tmp_path: Path) -> None:
    proc = _run(venv, tmp_path, "-c",
                "import app, app.resources as r; print(app.__file__); print(r.resources_dir())")
    assert proc.returncode == 0, proc.stderr
    module, resources = proc.stdout.split()
    assert str(venv.parent.parent) in module and str(REPO) not in module
    assert resources.endswith("app/_resources") and str(REPO) not in resources


def test_doctor_from_the_wheel_loads_templates_and_rules(venv: Path, tmp_path: Path) -> None:
    proc = _run(venv, tmp_path, "-m", "app", "--data-dir", str(tmp_path / "d"), "doctor")
    lines = {ln.split(":")[0].split(None, 1)[1]: ln for ln in proc.stdout.splitlines()
             if ln[:4] in ("OK  ", "FAIL")}
    assert "Traceback" not in proc.stderr, proc.stderr
    for name in ("templates", "disposition rules", "database", "data folder", "zbar"):
        assert lines[name].startswith("OK"), lines
    assert "_resources" in lines["templates"]


def test_gui_from_the_wheel_reaches_setup_and_training(venv: Path, tmp_path: Path) -> None:
    data = tmp_path / "d"
    setup = _run(venv, tmp_path, "-m", "app", "--data-dir", str(data), "gui",
                 "--exit-when-shown")
    assert setup.returncode == 0 and "first window: setup" in setup.stdout, setup.stderr[-2000:]
    training = _run(venv, tmp_path, "-m", "app", "--data-dir", str(data), "gui", "--training",
                    "--exit-when-shown")
    assert training.returncode == 0, training.stderr[-2000:]
    assert "first window: training" in training.stdout and "TRAINING" in training.stdout
