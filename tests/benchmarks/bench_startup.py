"""Start-up: time to the first painted window, the station GUI against a bare Qt window.

Run: `.venv/bin/python tests/benchmarks/bench_startup.py [--rounds 7]
      [--cmd "dist/inspection-station/inspection-station-console"] [--drop-caches]`

Each round starts, in alternating order, a bare PySide6 QWidget window (the baseline)
and the station GUI in each of its first screens: `setup` (a fresh data folder: the
setup screen), `site` (a configured station: the login screen; its case API is a closed
port, so no network wait) and `training` (a prepared training folder: reference server,
demo cases, label video). Every process is started offscreen with `gui --exit-when-shown`,
which prints "first window: ..." once the window has painted; the time is from spawn
to that line. The station (site, training) paints its login screen first and opens the
database, camera and sync after: "station ready: ..." is printed then, and its time is
shown too ("ready"). Printed: the median (and first, roughly the cold start) per variant
and each variant's median as a multiple of the baseline's median in the same run.

`--cmd` times another executable instead of `python -m app` (the frozen bundle's
console program); `--drop-caches` (root only) empties the page cache before each round
for cold figures.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BARE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
w = QWidget()
w.resize(1366, 768)
w.setWindowTitle("bare")
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj is w:
            print("first window: bare", flush=True)
            QTimer.singleShot(0, app.quit)
        return False
watch = Watch()
w.installEventFilter(watch)
w.show()
app.exec()
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTION_STATION_")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               XDG_CACHE_HOME=str(home / "cache"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    env["PYTHONPATH"] = str(REPO)
    return env


def time_to_window(argv: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Seconds from spawn to the "first window:" line and to "station ready:" (None when the
    first window is the setup screen); the process then quits by itself."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env, cwd=REPO)
    assert proc.stdout is not None
    elapsed = ready = None
    for line in proc.stdout:
        if line.startswith("first window:"):
            elapsed = time.perf_counter() - start
        elif line.startswith("station ready:"):
            ready = time.perf_counter() - start
    proc.stdout.close()
    if proc.wait(120) != 0 or elapsed is None:
        raise SystemExit(f"{shlex.join(argv)} did not show a window (exit {proc.returncode})")
    return elapsed, ready


def drop_caches() -> None:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n", encoding="ascii")
    except OSError as exc:
        raise SystemExit(f"--drop-caches needs root ({exc})") from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cmd", default=None,
                        help="the station program to time (default: this Python -m app)")
    parser.add_argument("--drop-caches", action="store_true")
    parser.add_argument("--variants", default="setup,site,training",
                        help="comma-separated: setup, site, training")
    args = parser.parse_args()
    station = shlex.split(args.cmd) if args.cmd else [sys.executable, "-m", "app"]
    variants = [v for v in args.variants.split(",") if v]
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        root = Path(tmp)
        env = _env(root / "home")
        site = root / "site"
        site.mkdir()
        (site / "config.toml").write_text(
            'api_base_url = "http://127.0.0.1:9/api/v1"\ntoken_source = "file"\n'
            'station_id = "BENCH-START"\n', encoding="utf-8")
        training = root / "training"
        # Prepare once (demo video, seeded database): a station's second start is timed.
        time_to_window([*station, "--data-dir", str(training), "gui", "--training",
                        "--exit-when-shown"], env)
        time_to_window([sys.executable, "-c", BARE], env)  # warm the shared libraries
        runs: dict[str, list[float]] = {"bare": [], **{v: [] for v in variants}}
        ready: dict[str, list[float]] = {v: [] for v in variants}
        for n in range(args.rounds):
            order = ["bare", *variants] if n % 2 == 0 else [*variants, "bare"]
            for name in order:
                if args.drop_caches:
                    drop_caches()
                if name == "bare":
                    argv = [sys.executable, "-c", BARE]
                elif name == "setup":
                    argv = [*station, "--data-dir", str(root / f"fresh-{n}"), "gui",
                            "--exit-when-shown"]
                elif name == "site":
                    argv = [*station, "--data-dir", str(site), "gui", "--exit-when-shown"]
                else:
                    argv = [*station, "--data-dir", str(training), "gui", "--training",
                            "--exit-when-shown"]
                shown, opened = time_to_window(argv, env)
                runs[name].append(shown)
                if opened is not None:
                    ready[name].append(opened)
    base = statistics.median(runs["bare"])
    print(f"program: {shlex.join(station)}; {args.rounds} alternating rounds"
          f"{', page cache dropped before each start' if args.drop_caches else ''}")
    for name, values in runs.items():
        med = statistics.median(values)
        ratio = "" if name == "bare" else f"  = {med / base:.2f}x bare"
        print(f"{name:9s} first window: median {med * 1000:6.0f} ms "
              f"(first {values[0] * 1000:.0f} ms, min {min(values) * 1000:.0f}, "
              f"max {max(values) * 1000:.0f}){ratio}")
        if ready.get(name):
            print(f"{'':9s} station ready: median "
                  f"{statistics.median(ready[name]) * 1000:6.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
