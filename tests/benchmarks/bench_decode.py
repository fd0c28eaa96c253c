"""Benchmark of the barcode decoder against plain pyzbar and plain zxing-cpp on the corpus.

Run: .venv/bin/python tests/benchmarks/bench_decode.py [corpus_dir] [-v]  (-v lists misses)
Columns: Decoder() with its camera budget (the timed targets), plain pyzbar and zxing-cpp
in the same run, the ladder without a budget, and Decoder.for_stills() (decode(), CLI).
Timings depend on machine load: compare columns of one run, and repeat runs.
The full corpus (160 frames, 32 MB; ../shared/samples/barcodes on the team's machines) is
not in the repository: without it the script runs on the committed subset
(tests/data/scanning, 86 frames). `tests/data/scanning/gen_corpus.py render DIR` draws a
new corpus of the same family (docs/CONTRIBUTING.md).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

FULL_CORPUS = ROOT.parent / "shared" / "samples" / "barcodes"
DEFAULT_CORPUS = FULL_CORPUS if FULL_CORPUS.is_dir() else ROOT / "tests" / "data" / "scanning"

TARGETS = {
    "overall": 0.88,
    "clean": 1.0,
    "median_1080p_ms": 15.0,
    "p95_1080p_ms": 60.0,
}


def _equivalent(found: str, truth: str, symbology: str) -> bool:
    """Plain engines report UPC-A as EAN-13 with a leading 0; count that as the same."""
    if found == truth:
        return True
    return symbology == "UPCA" and found == "0" + truth


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


class Tally:
    """Counts for one decoder over the corpus."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # key -> [hit, total]
        self.wrong: list[str] = []
        self.false_pos: list[str] = []
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.missed: list[str] = []

    def add(self, frame: dict[str, Any], found: list[str], ms: float) -> None:
        self.ms[frame["res"]].append(ms)
        symbols = frame["symbols"]
        if not symbols and found:
            self.false_pos.append(f"{frame['id']}: {found}")
        for text in found:
            if not any(_equivalent(text, s["text"], s["symbology"]) for s in symbols) and symbols:
                self.wrong.append(f"{frame['id']}: {text!r}")
        for s in symbols:
            ok = any(_equivalent(t, s["text"], s["symbology"]) for t in found)
            if not ok:
                self.missed.append(f"{frame['id']} {s['symbology']} ppm={s['ppm']}")
            for key in (
                "all",
                "sym:" + s["symbology"],
                "class:" + frame["class"],
                "res:" + frame["res"],
            ):
                self.hits[key][0] += int(ok)
                self.hits[key][1] += 1

    def rate(self, key: str) -> float:
        hit, total = self.hits[key]
        return hit / total if total else float("nan")


Runner = tuple[str, Callable[[np.ndarray], list[str]]]
Frames = list[tuple[dict[str, Any], np.ndarray]]


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("-")]
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    manifest_path = corpus / "manifest.json"
    if not manifest_path.is_file():
        print(f"bench_decode: corpus not found at {corpus} (needs manifest.json); nothing to do.")
        return 0
    manifest = json.loads(manifest_path.read_text())
    frames = _load_frames(corpus, manifest)
    if frames is None:
        return 1

    from app.scanning.decoder import Decoder

    decoder = Decoder()
    runners = _runners(decoder)
    # Warm up every engine once (library loading, first allocations).
    for _, fn in runners:
        fn(frames[0][1])
    tallies, stage_ms, found_at = _measure(frames, runners, decoder)
    live_ms = _measure_live(frames, tallies[runners[0][0]])
    names = [n for n, _ in runners]
    print(f"corpus: {corpus} ({len(frames)} frames)")
    print("machine load (1 min):", f"{__import__('os').getloadavg()[0]:.2f}")
    print()
    _print_rates(frames, manifest["classes"], names, tallies)
    _print_times(names, tallies)
    _print_problems(names, tallies, verbose="-v" in argv)
    _print_stages(stage_ms, found_at, live_ms)
    _print_checks(tallies[names[0]], tallies[names[1]])
    return 0


def _load_frames(corpus: Path, manifest: dict[str, Any]) -> Frames | None:
    frames: Frames = []
    for fr in manifest["frames"]:
        img = cv2.imread(str(corpus / fr["file"]), cv2.IMREAD_COLOR)
        if img is None:
            print(f"cannot read {fr['file']}")
            return None
        frames.append((fr, img))
    return frames


def _runners(decoder: Any) -> list[Runner]:
    """Ours (live budget, no budget, stills) against the plain engines."""
    import zxingcpp
    from pyzbar import pyzbar

    from app.scanning.decoder import Decoder

    unlimited = Decoder(budget_ms=5000, others_ms=None)
    still = Decoder.for_stills()

    def ours(img: np.ndarray) -> list[str]:
        return [c.text for c in decoder.decode(img)]

    def ours_unlimited(img: np.ndarray) -> list[str]:
        """The whole ladder regardless of time: what it can read (the floor test's setting)."""
        return [c.text for c in unlimited.decode(img)]

    def ours_still(img: np.ndarray) -> list[str]:
        """Decoder.for_stills(), what decode() and the CLI use for files and pages."""
        return [c.text for c in still.decode(img)]

    def plain_zbar(img: np.ndarray) -> list[str]:
        return [r.data.decode("utf-8", "replace") for r in pyzbar.decode(img)]

    def plain_zxing(img: np.ndarray) -> list[str]:
        return [r.text for r in zxingcpp.read_barcodes(img)]

    return [
        ("ours (Decoder.decode)", ours),
        ("plain pyzbar.decode", plain_zbar),
        ("plain zxingcpp.read_barcodes", plain_zxing),
        ("ours, no time budget", ours_unlimited),
        ("ours, stills (decode())", ours_still),
    ]


def _measure(frames: Frames, runners: list[Runner], decoder: Any
             ) -> tuple[dict[str, Tally], dict[str, list[float]], dict[str, int]]:
    """Every runner on every frame; for ours (the first) also the ladder's stages."""
    tallies = {name: Tally(name) for name, _ in runners}
    stage_ms: dict[str, list[float]] = defaultdict(list)
    found_at: dict[str, int] = defaultdict(int)
    for fr, img in frames:
        for i, (name, fn) in enumerate(runners):
            t0 = time.perf_counter()
            found = fn(img)
            ms = (time.perf_counter() - t0) * 1000
            tallies[name].add(fr, found, ms)
            if i == 0:
                for stage, sms in decoder.last_stage_ms.items():
                    stage_ms[stage].append(sms)
                for code in decoder.decode(img):
                    found_at[code.stage] += 1
    return tallies, stage_ms, found_at


def _measure_live(frames: Frames, ours: Tally) -> dict[str, list[float]]:
    """Live mode on the empty frames: what a frame with nothing in view costs."""
    from app.scanning.decoder import Decoder

    live_ms: dict[str, list[float]] = defaultdict(list)
    live = Decoder()
    for fr, img in frames:
        if fr["symbols"]:
            continue
        for _ in range(len(("fast", "full", "regions", "zbar", "rotations"))):
            t0 = time.perf_counter()
            codes = live.decode_live(img)
            live_ms[fr["res"]].append((time.perf_counter() - t0) * 1000)
            if codes:
                ours.false_pos.append(f"{fr['id']} (live): {codes}")
    return live_ms


WIDTH = 25


def _print_rates(frames: Frames, classes: list[str], names: list[str],
                 tallies: dict[str, Tally]) -> None:
    symbologies = sorted({s["symbology"] for fr, _ in frames for s in fr["symbols"]})
    print("decode rate".ljust(22) + "".join(n[: WIDTH - 2].rjust(WIDTH) for n in names))

    def row(label: str, key: str) -> None:
        cells = []
        for n in names:
            t = tallies[n]
            hit, total = t.hits[key]
            cells.append(f"{t.rate(key) * 100:5.1f}% ({hit}/{total})".rjust(WIDTH))
        print(label.ljust(22) + "".join(cells))

    row("all symbols", "all")
    for sym in symbologies:
        row(f"  {sym}", "sym:" + sym)
    for cls in classes:
        if cls != "none":
            row(f"  class {cls}", "class:" + cls)
    for res in ("720p", "1080p"):
        row(f"  {res}", "res:" + res)
    print()


def _print_times(names: list[str], tallies: dict[str, Tally]) -> None:
    print("wrong reads".ljust(22) + "".join(str(len(tallies[n].wrong)).rjust(WIDTH) for n in names))
    print(
        "codes on empty frames".ljust(22)
        + "".join(str(len(tallies[n].false_pos)).rjust(WIDTH) for n in names)
    )
    for res in ("720p", "1080p"):
        print(
            f"{res} median ms".ljust(22)
            + "".join(f"{statistics.median(tallies[n].ms[res]):.1f}".rjust(WIDTH) for n in names)
        )
        print(
            f"{res} p95 ms".ljust(22)
            + "".join(f"{_pct(tallies[n].ms[res], 95):.1f}".rjust(WIDTH) for n in names)
        )
    print()


def _print_problems(names: list[str], tallies: dict[str, Tally], *, verbose: bool) -> None:
    for n in names:
        for line in tallies[n].wrong:
            print(f"WRONG [{n}] {line}")
        for line in tallies[n].false_pos:
            print(f"EMPTY-FRAME CODE [{n}] {line}")
    if verbose:
        for line in tallies[names[0]].missed:
            print(f"MISSED [{names[0]}] {line}")


def _print_stages(stage_ms: dict[str, list[float]], found_at: dict[str, int],
                  live_ms: dict[str, list[float]]) -> None:
    print("ladder stages (ours): frames run, mean ms, p95 ms, codes first found there")
    for stage, values in stage_ms.items():
        print(
            f"  {stage:10s} {len(values):4d} {statistics.mean(values):7.1f} "
            f"{_pct(values, 95):7.1f} {found_at.get(stage, 0):5d}"
        )
    for res, values in live_ms.items():
        print(
            f"live mode on empty {res} frames: median {statistics.median(values):.1f} ms, "
            f"max {max(values):.1f} ms"
        )


def _print_checks(ours_t: Tally, zbar: Tally) -> None:
    zbar_med = statistics.median(zbar.ms["1080p"])
    med = statistics.median(ours_t.ms["1080p"])
    checks = [
        ("all symbols >= 88%", ours_t.rate("all") >= TARGETS["overall"]),
        ("clean = 100%", ours_t.rate("class:clean") >= TARGETS["clean"]),
        ("zero wrong reads", not ours_t.wrong),
        ("zero codes on empty frames", not ours_t.false_pos),
        ("1080p median < 15 ms", med < TARGETS["median_1080p_ms"]),
        ("1080p p95 < 60 ms", _pct(ours_t.ms["1080p"], 95) < TARGETS["p95_1080p_ms"]),
        ("1080p median <= half of plain pyzbar", med <= zbar_med / 2),
    ]
    print()
    for label, ok in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")

if __name__ == "__main__":
    sys.exit(main(sys.argv))
