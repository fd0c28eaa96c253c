"""Shift-long soak: the real station window, camera at 30 fps, inspections in a loop, sync on.

Run: `.venv/bin/python tests/benchmarks/soak_station.py [--minutes 10] [--scan-every 5]`
     (an 8-hour shift: `--minutes 480`; it runs unattended and stops by itself)

What runs, all in this one process as on a bench:
- the real MainWindow offscreen at 1366x768, an inspector logged in;
- a 1080p, 30 fps MJPG label video as the camera (preview and live decoding; the camera's
  accepted reads are counted, not routed, so they cannot steer the walk);
- every `--scan-every` seconds a wedge scan of a fresh RMA, then the case screen, the
  checklist answered by keys the way an inspector would, the summary and Confirm;
- the outbox worker syncing every result to the reference server on 127.0.0.1.

Every `--sample-every` seconds (default 60) it prints one row: RSS, CPU of this process
(user+system over wall time, in % of one core), threads (OS-level), open files, the
refcounts of True/False/None, inspections confirmed and synced, and the event loop's
lateness (a 10 ms timer: p99 and max). At the end: the growth per hour of RSS, threads
and open files between the first and the last sample (the target: an 8-hour shift stays
within ~50 MB of its first hour), and with `--types N` the N object types whose counts grew
most (what to look at when something grows).

`--idle` measures the cost of a station nobody uses: logged in on the scan screen, the
camera showing an empty bench at 1080p 30 fps, nothing scanned (target: at most 15 % of one
core). `--login-idle` does the same on the login screen. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.demo import write_label_video  # noqa: E402
from app.domain import StepKind  # noqa: E402
from refserver import DEMO_CASES  # noqa: E402
from tests.benchmarks.bench_ui import bench_cases, bench_station, lateness_timer, pct  # noqa: E402
from ui.main import build_main_window, configure_interpreter  # noqa: E402

SERIAL = "SOAK-SN-0001"
IMEI = "490154203237518"  # Luhn-valid
CLK_TCK = os.sysconf("SC_CLK_TCK")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def thread_cpu() -> dict[str, float]:
    """CPU seconds per thread, by Python thread name where there is one (else the OS id)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(tid), "qt/other")
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def refcounts() -> tuple[int, int, int]:
    return sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)


def empty_bench_video(path: Path, size: tuple[int, int] = (1920, 1080)) -> Path:
    """Two seconds of an empty bench with sensor noise, looping: a camera with no label."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, size)
    rng = np.random.default_rng(7)
    base = np.full((size[1], size[0], 3), 90, dtype=np.uint8)
    for _ in range(60):
        noise = rng.integers(0, 6, size=base.shape, dtype=np.uint8)
        writer.write(cv2.add(base, noise))
    writer.release()
    return path


@dataclass
class Sample:
    minute: float
    rss: float
    cpu_pct: float
    threads: int
    files: int
    refs: tuple[int, int, int]
    confirmed: int
    synced: int
    late_p99: float
    late_max: float


@dataclass
class Walker:
    """Walks inspections through the window by keys, one small step per timer tick.

    Each tick looks at what is on screen and does what an inspector would do next; a phase
    that makes no progress for `stuck_s` is logged and the walker returns to the scan
    screen, so a soak never hangs on one bad case.
    """

    window: Any
    rmas: list[str]
    scan_every: float
    stuck_s: float = 30.0
    confirmed: int = 0
    stuck: list[str] = field(default_factory=list)
    _next_scan: float = 0.0
    _phase: str = "scan"
    _since: float = 0.0
    _last_step: tuple[int, str | None] = (-1, None)
    _pressed_for: tuple[int, str | None] | None = None
    _summary_at: float = 0.0

    def _focus(self) -> QWidget:
        return QApplication.focusWidget() or self.window

    def _to(self, phase: str) -> None:
        self._phase, self._since = phase, time.monotonic()

    def tick(self) -> None:
        w, now = self.window, time.monotonic()
        if self._phase != "scan" and now - self._since > self.stuck_s:
            where = type(w.current_screen()).__name__
            session = getattr(w.flow, "session", None)
            if session is not None and session.current is not None:
                where += f" step {session.current.step_id} ({session.current.kind.value})"
            self.stuck.append(f"{self._phase} at {time.strftime('%H:%M:%S')}: {where}")
            w.go_scan()
            self._to("scan")
            return
        if self._phase == "scan":
            if now < self._next_scan or w.current_screen() is not w.scan_screen or not self.rmas:
                return
            field_ = w.scan_screen.scan_edit
            QTest.keyClicks(field_, self.rmas.pop(0))
            QTest.keyClick(field_, Qt.Key.Key_Return)
            self._next_scan = now + self.scan_every
            self._to("case")
        elif self._phase == "case":
            if w.current_screen() is w.case_screen:
                QTest.keyClick(self._focus(), Qt.Key.Key_Return)
                self._to("flow")
        elif self._phase == "flow":
            flow = w.flow
            if w.current_screen() is not flow or flow.session is None:
                return
            session = flow.session
            if session.current is None:
                if not self._summary_at:
                    self._summary_at = now
                elif now - self._summary_at > 1.0:  # read the summary, then confirm
                    QTest.keyClick(self._focus(), Qt.Key.Key_Return)
                    self._summary_at = 0.0
                    self.confirmed += 1
                    self._to("back")
                return
            key = (session.wizard.index, session.current.step_id)
            if key == self._pressed_for:  # answered but not advanced: Enter moves on
                QTest.keyClick(self._focus(), Qt.Key.Key_Return)
                self._pressed_for = None
                return
            self._answer(flow, session.current)
            self._pressed_for = key
        elif self._phase == "back" and w.current_screen() is w.scan_screen:
            self._to("scan")

    def _answer(self, flow: Any, step: Any) -> None:
        focus = self._focus()
        if step.kind is StepKind.TEXT:
            text = {"imei": IMEI, None: "ok"}.get(step.capture, SERIAL)
            QTest.keyClicks(focus, text)
            QTest.keyClick(focus, Qt.Key.Key_Return)
        elif step.kind is StepKind.NUMBER:
            low = step.min if step.min is not None else 0
            QTest.keyClicks(focus, f"{low:g}")
            QTest.keyClick(focus, Qt.Key.Key_Return)
        elif step.kind is StepKind.CHOICE:
            QTest.keyClick(focus, Qt.Key.Key_1)
        elif step.kind is StepKind.PHOTO:
            QTest.keyClick(focus, Qt.Key.Key_N)
        else:
            QTest.keyClick(focus, Qt.Key.Key_P)


def type_counts() -> Counter[str]:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def print_row(s: Sample) -> None:
    print(f"{s.minute:6.1f} {s.rss:8.1f} {s.cpu_pct:6.1f} {s.threads:7d} {s.files:5d} "
          f"{s.refs[0]:8d} {s.refs[1]:8d} {s.refs[2]:9d} {s.confirmed:9d} {s.synced:6d} "
          f"{s.late_p99:7.1f} {s.late_max:7.1f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--scan-every", type=float, default=5.0,
                        help="seconds between the starts of two inspections")
    parser.add_argument("--sample-every", type=float, default=60.0, help="seconds")
    parser.add_argument("--idle", action="store_true",
                        help="logged in on the scan screen, empty bench, nothing scanned")
    parser.add_argument("--login-idle", action="store_true",
                        help="the login screen, empty bench, nobody logged in")
    parser.add_argument("--types", type=int, default=0,
                        help="print the N object types whose counts grew most")
    args = parser.parse_args()
    idle = args.idle or args.login_idle

    app = QApplication(sys.argv[:1])
    configure_interpreter()
    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    if idle:
        video = empty_bench_video(tmp / "empty-1080p.avi")
    else:
        rmas = [c["rma"] for c in DEMO_CASES if c.get("status") == "awaiting_inspection"]
        video = write_label_video(tmp / "labels-1080p.avi", rmas[:4], fps=30, seconds_each=2.0,
                                  gap_seconds=1.0, size=(1920, 1080))
    server, ctx = bench_station(tmp, video, "SOAK-01")
    planned = 0 if idle else int(args.minutes * 60 / args.scan_every) + 10
    docs = bench_cases(planned)
    server.store.seed(docs)

    window = build_main_window(ctx, start=True)
    window.resize(1366, 768)
    window.show()
    camera_reads: list[str] = []
    if not args.login_idle:
        window.services.set_operator(ctx.operators.login_pin("E1001", "1234"))
        window.go_scan()
    if not idle:
        # Camera reads are counted, not routed: the walker decides what is scanned.
        window.camera.scanned.disconnect(window.route_scan)
        window.camera.scanned.connect(lambda ev: camera_reads.append(ev.text))
    walker = Walker(window, [d["rma"] for d in docs], args.scan_every)

    ticker, lateness = lateness_timer()
    walk_timer = QTimer()
    walk_timer.setInterval(150)
    walk_timer.timeout.connect(walker.tick)

    synced = [0]

    def count_synced() -> None:
        window.services.run_in_background(server.store.count_inspections,
                                          lambda n: synced.__setitem__(0, int(n)))

    samples: list[Sample] = []
    start_wall, start_cpu = time.monotonic(), cpu_seconds()
    mark = [start_wall, start_cpu]
    types_first: list[Counter[str]] = []

    def sample() -> None:
        now, cpu = time.monotonic(), cpu_seconds()
        late = lateness[:] or [0.0]
        lateness.clear()
        s = Sample(minute=(now - start_wall) / 60, rss=rss_mb(),
                   cpu_pct=100 * (cpu - mark[1]) / max(1e-6, now - mark[0]),
                   threads=os_threads(), files=open_files(), refs=refcounts(),
                   confirmed=walker.confirmed, synced=synced[0],
                   late_p99=pct(late, 99), late_max=max(late))
        mark[:] = [now, cpu]
        samples.append(s)
        print_row(s)
        if args.types and not types_first:
            types_first.append(type_counts())
        count_synced()

    sampler = QTimer()
    sampler.setInterval(int(args.sample_every * 1000))
    sampler.timeout.connect(sample)

    mode = "login screen, idle" if args.login_idle else (
        "scan screen, idle" if args.idle else f"an inspection every {args.scan_every:g} s")
    print(f"soak: {args.minutes:g} min, {mode}, camera 1080p 30 fps ({video.name}), "
          f"Python {sys.version.split()[0]}, PID {os.getpid()}, {threading.active_count()} "
          f"Python threads at start")
    print("   min   RSS_MB  CPU_%  threads files  refTrue refFalse   refNone confirmed synced "
          " p99_ms  max_ms")
    ticker.start()
    sampler.start()
    if not idle:
        walk_timer.start()
    loop = QEventLoop()
    QTimer.singleShot(int(args.minutes * 60_000), loop.quit)
    loop.exec()
    sample()
    for timer in (ticker, sampler, walk_timer):
        timer.stop()

    per_thread = thread_cpu()
    wall = time.monotonic() - start_wall
    print("CPU by thread over the run (% of one core): " + ", ".join(
        f"{name} {100 * sec / wall:.1f}" for name, sec in
        sorted(per_thread.items(), key=lambda kv: -kv[1]) if sec / wall >= 0.005))
    hours = max(1e-6, (samples[-1].minute - samples[0].minute) / 60)
    first, final = samples[0], samples[-1]
    print(f"\ngrowth per hour (first sample -> last, {hours * 60:.1f} min): "
          f"RSS {(final.rss - first.rss) / hours:+.1f} MB/h, "
          f"threads {(final.threads - first.threads) / hours:+.1f}/h, "
          f"open files {(final.files - first.files) / hours:+.1f}/h, "
          f"refcount True {(final.refs[0] - first.refs[0]) / hours:+.0f}/h, "
          f"None {(final.refs[2] - first.refs[2]) / hours:+.0f}/h")
    steady = [s.cpu_pct for s in samples[1:-1]] or [s.cpu_pct for s in samples]
    print(f"CPU over the run (samples after the first): median {statistics.median(steady):.1f}"
          " % of one core")
    if not idle:
        print(f"inspections confirmed {walker.confirmed}, on the server "
              f"{server.store.count_inspections()}, camera reads accepted {len(camera_reads)}, "
              f"stuck phases {len(walker.stuck)} {walker.stuck[:5]}")
    if args.types and types_first:
        grown = type_counts()
        grown.subtract(types_first[0])
        print("object types that grew most:",
              ", ".join(f"{name} {n:+d}" for name, n in grown.most_common(args.types)))
    window.close()
    window.shutdown()
    ctx.close()
    server.stop()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
