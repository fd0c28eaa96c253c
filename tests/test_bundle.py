"""The built PyInstaller bundle: starts, passes its self-test offscreen, carries what it must.

These tests need a bundle built by `bash scripts/dev.sh bundle` (about a minute); they
run when STATION_TEST_BUNDLE=1 (then a missing bundle is an error) or when
dist/inspection-station exists, and are skipped otherwise so a plain `pytest` on a
fresh clone does not have to build one. STATION_BUNDLE may point at another folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = Path(os.environ.get("STATION_BUNDLE", ROOT / "dist" / "inspection-station"))
EXE = BUNDLE / ("inspection-station-console.exe" if sys.platform == "win32"
                else "inspection-station")
REQUIRED = os.environ.get("STATION_TEST_BUNDLE") == "1"
MAX_SIZE_MIB = 300e6 / 2**20  # issue 13: under 300 MB (286.1 MiB; README, "Bundle size")

# Libraries the bundle leaves to the station (README.md, "Installing on a station", lists
# their packages):
# X11 window support and Wayland client libraries that the build machine may not have.
SYSTEM_PROVIDED = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libwayland-cursor.so.0",
                   "libwayland-egl.so.1", "libwayland-client.so.0"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REQUIRED and not EXE.exists(),
                       reason="no bundle built: run `bash scripts/dev.sh bundle`, or set "
                              "STATION_TEST_BUNDLE=1 to make its absence an error"),
]


@pytest.fixture(scope="module")
def exe() -> Path:
    assert EXE.is_file(), f"{EXE} missing: build it with `bash scripts/dev.sh bundle`"
    return EXE


def _station_env(home: Path) -> dict[str, str]:
    """No display, a fresh home, no --data-dir: the bundle uses the platform folders."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("INSPECTION_STATION_")
           and k not in {"DISPLAY", "WAYLAND_DISPLAY", "PYTHONPATH", "QT_QPA_PLATFORM"}}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return env


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*")}


def test_version_is_the_package_version(exe: Path) -> None:
    """The one version source (app/__init__.py, which pyproject reads) is what ships."""
    from app import __version__

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "app.__version__"}
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["inspection-station", __version__]


def test_self_test_passes_offscreen_and_writes_nothing_in_the_bundle(
        exe: Path, tmp_path: Path) -> None:
    """QT_QPA_PLATFORM unset and no display: the self-test must choose offscreen itself."""
    before = _snapshot(BUNDLE)
    proc = subprocess.run([str(exe), "--self-test"], env=_station_env(tmp_path),
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("OK", "FAIL"))]
    assert len(lines) == 11 and all(line.startswith("OK") for line in lines), proc.stdout
    zbar = next(line for line in lines if line.startswith("OK   zbar:"))
    if sys.platform != "win32":  # the runtime hook made pyzbar load the bundled library
        assert str(BUNDLE.resolve()) in zbar, zbar
    data = next(line for line in lines if line.startswith("OK   data folder:"))
    assert str(tmp_path) in data
    assert _snapshot(BUNDLE) == before, "the bundle wrote into its own folder"


def test_unused_parts_are_left_out(exe: Path) -> None:
    from PyInstaller.archive.readers import CArchiveReader, ZlibArchiveReader

    archive = CArchiveReader(str(BUNDLE / ("inspection-station.exe" if sys.platform == "win32"
                                           else "inspection-station")))
    with tempfile.TemporaryDirectory() as tmp:
        pyz = Path(tmp) / "PYZ.pyz"
        pyz.write_bytes(archive.extract("PYZ.pyz"))
        modules = set(ZlibArchiveReader(str(pyz)).toc)
    assert {"app.selftest", "ui.main", "ui.selftest_qt", "app.scanning.decoder",
            "reportlab.graphics.barcode.code128", "reportlab.graphics.barcode.qr",
            "refserver.server", "ui.setup_screen", "ui.single_instance"} <= modules
    unwanted = ("pytest", "_pytest", "hypothesis", "schemathesis",
                "PySide6.QtWebEngine", "PySide6.Qt3D", "PySide6.QtQuick", "PySide6.QtQml",
                "PySide6.QtCharts")
    assert not {m for m in modules if m.startswith(unwanted)}
    files = {p.name for p in BUNDLE.rglob("*")}
    assert not {f for f in files if f.startswith(("libQt6WebEngine", "libQt6Quick", "libQt63D",
                                                  "libQt6Qml", "Qt6WebEngine", "Qt6Quick"))}
    assert (BUNDLE / "_internal" / "resources" / "samples" / "label_rma.png").is_file()


def test_frozen_gui_on_empty_user_folders_reaches_the_setup_screen(exe: Path,
                                                                  tmp_path: Path) -> None:
    """What a site's IT person does first after unpacking: start it, nothing configured."""
    env = {**_station_env(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([str(exe), "gui", "--exit-when-shown"], env=env, capture_output=True,
                          text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "first window: setup" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr


def test_frozen_training_mode_starts_the_reference_server(exe: Path, tmp_path: Path) -> None:
    env = {**_station_env(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([str(exe), "gui", "--training", "--exit-when-shown"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "first window: training" in proc.stdout and "TRAINING" in proc.stdout
    demo = tmp_path / "data" / "InspectionStation" / "demo"
    assert (demo / "TRAINING").is_file()
    # No camera here: training plays the demo labels as an MJPEG video, written and read by
    # the bundle's own (lean) OpenCV, whose only video codec is OpenCV's MJPEG reader.
    video = demo / "demo-labels.avi"
    assert video.is_file(), proc.stdout
    read = subprocess.run([str(exe), "decode", "--every", "5", str(video)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert read.returncode == 0, read.stdout + read.stderr[-3000:]
    assert "RMA-" in read.stdout, read.stdout


def test_doctor_names_the_capture_backends_and_never_prints_a_camera_password(
        exe: Path, tmp_path: Path) -> None:
    """A stream URL with credentials: doctor's camera check fails (nothing listens) in plain
    words, names the stream without its password, and a build without FFmpeg says so."""
    env = {**_station_env(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "INSPECTION_STATION_CAMERA_SOURCE": "rtsp://user:secret@127.0.0.1:9/cam"}
    proc = subprocess.run([str(exe), "doctor"], env=env, capture_output=True, text=True,
                          timeout=180, check=False)
    lines = proc.stdout.splitlines()
    opencv = next(line for line in lines if " opencv:" in line)
    assert opencv.startswith("OK") and "CV_MJPEG" in opencv, opencv
    camera = next(line for line in lines if " camera:" in line)
    assert camera.startswith("FAIL") and "stream rtsp://127.0.0.1:9/cam" in camera, camera
    # The bundle's OpenCV is the lean build (scripts/dev.sh): no FFmpeg, said in plain words.
    assert "FFMPEG" not in opencv and "V4L2" in opencv, opencv
    assert "built without FFmpeg" in camera, camera
    assert "secret" not in proc.stdout + proc.stderr
    assert proc.returncode == 1  # the camera check failed, and doctor says so


def test_bundle_is_under_the_size_target(exe: Path) -> None:
    files = [p for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.lstat().st_size for p in files)
    largest = sorted(files, key=lambda p: p.lstat().st_size, reverse=True)[:10]
    # Printed for the CI log (pytest -s or -rA shows it): what to cut next.
    print(f"\nbundle: {size / 2**20:.1f} MiB in {len(files)} files; the ten largest parts:")
    for part in largest:
        print(f"  {part.lstat().st_size / 2**20:6.1f} MiB  {part.relative_to(BUNDLE)}")
    assert size / 2**20 < MAX_SIZE_MIB, f"bundle is {size / 1e6:.1f} MB, the limit 300 MB"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd exists on Linux only")
def test_every_library_resolves_except_documented_system_ones(exe: Path) -> None:
    """What ldd cannot find in the bundle or on this machine must be in the install guide."""
    ldd = shutil.which("ldd")
    assert ldd, "ldd missing (part of libc-bin)"
    internal = BUNDLE / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}")
    missing: dict[str, set[str]] = {}
    for lib in [exe, *internal.rglob("*.so*")]:
        if lib.is_symlink() or not lib.is_file():
            continue
        out = subprocess.run([ldd, str(lib)], env=env, capture_output=True, text=True,
                             check=False).stdout
        for line in out.splitlines():
            if "=> not found" in line:
                missing.setdefault(line.split()[0], set()).add(lib.name)
    assert set(missing) <= SYSTEM_PROVIDED, missing
    install = (ROOT / "README.md").read_text(encoding="utf-8")
    for package in ("libxcb-icccm4", "libxcb-keysyms1", "libgl1", "libegl1",
                    "fonts-dejavu-core"):
        assert package in install
