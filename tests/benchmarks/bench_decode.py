"""Benchmark of the barcode decoder against every plain engine and their union, one run.

Run: .venv/bin/python tests/benchmarks/bench_decode.py [corpus_dir ...] [--frames K] [-v]
(-v lists what ours missed and the union read). Without a corpus argument it runs on
the shared corpus (../shared/samples/barcodes, 160 frames, on the team's machines; said
so when it is absent, as on a user's clone) and on the repository's own subset
(tests/data/scanning, 86 frames); `tests/data/scanning/gen_corpus.py render DIR` draws a
new corpus of the same family (docs/CONTRIBUTING.md). zxing-cpp's own test samples are
not on this machine: the corpora above are what there is.

Stills (issue 17.1): Decoder.for_stills() (what decode() and the CLI use; its budget is
counted in work, so its reads do not depend on machine load) against plain zxing-cpp
(its default LocalAverage binarizer, and each other binarizer), plain pyzbar, OpenCV's
barcode detector (EAN/UPC) and its QR detector, and the UNION of those plain engines
(a symbol counts if any of them read it right). Wrong reads are listed by name.

Live: each frame with codes becomes K frames of the same label (the frame moved by a
pixel or two, turned a fraction of a degree, fresh sensor noise), fed to
Decoder.decode_live and the acceptance rule (app/scanning/acceptance.py, two matching
frames) as the camera thread does; a frame counts when its label is accepted within the
K frames. Plain zxing-cpp reads the same frames one call each; its rate is what its
first frame reads. Time per 1080p frame is the mean of every call on 1080p frames
(median beside it). The empty frames run the same way and must give nothing.

Timings depend on machine load: compare the columns of one run (all are measured in it).
"""

from __future__ import annotations

import json
import os
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

SHARED_CORPUS = ROOT.parent / "shared" / "samples" / "barcodes"
REPO_CORPUS = ROOT / "tests" / "data" / "scanning"
TARGET_LIVE_TIME_RATIO = 0.3

Frame = dict[str, Any]
Reader = Callable[[np.ndarray], list[str]]


def _equivalent(found: str, truth: str, symbology: str) -> bool:
    """Plain engines report UPC-A as EAN-13 with a leading 0; count that as the same."""
    if found == truth:
        return True
    return symbology == "UPCA" and found in ("0" + truth, truth.lstrip("0"))


def _hit(found: list[str], sym: dict[str, Any]) -> bool:
    return any(_equivalent(t, sym["text"], sym["symbology"]) for t in found)


def _wrong(found: list[str], frame: Frame) -> list[str]:
    return [t for t in found if not any(_equivalent(t, s["text"], s["symbology"])
                                        for s in frame["symbols"])]


class Tally:
    """Per-symbol hits of one reader over a corpus."""

    def __init__(self) -> None:
        self.hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.wrong: list[str] = []
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.read: set[tuple[str, int]] = set()  # (frame id, symbol index) read right

    def add(self, frame: Frame, found: list[str], ms: float) -> None:
        self.ms[frame["res"]].append(ms)
        self.wrong += [f"{frame['id']}: {t!r}" for t in _wrong(found, frame)]
        for i, s in enumerate(frame["symbols"]):
            ok = _hit(found, s)
            if ok:
                self.read.add((frame["id"], i))
            for key in ("all", "sym:" + s["symbology"], "class:" + frame["class"]):
                self.hits[key][0] += int(ok)
                self.hits[key][1] += 1

    def cell(self, key: str) -> str:
        hit, total = self.hits[key]
        return f"{hit / total * 100 if total else float('nan'):5.1f}% ({hit}/{total})"


def plain_readers() -> dict[str, Reader]:
    """Every engine as it comes, one call per frame (the union is made of these)."""
    import zxingcpp
    from pyzbar import pyzbar

    def zx(binarizer: Any) -> Reader:
        return lambda img: [r.text for r in zxingcpp.read_barcodes(img, binarizer=binarizer)]

    bar = cv2.barcode.BarcodeDetector()
    qr = cv2.QRCodeDetectorAruco()

    def opencv_barcode(img: np.ndarray) -> list[str]:
        ok, texts, _types, _pts = bar.detectAndDecodeWithType(img)
        return [t for t in texts if t] if ok else []

    def opencv_qr(img: np.ndarray) -> list[str]:
        ok, texts, _pts, _ = qr.detectAndDecodeMulti(img)
        return [t for t in texts if t] if ok else []

    return {
        "zxing (plain)": zx(zxingcpp.Binarizer.LocalAverage),
        "zxing GlobalHistogram": zx(zxingcpp.Binarizer.GlobalHistogram),
        "zxing FixedThreshold": zx(zxingcpp.Binarizer.FixedThreshold),
        "zxing BoolCast": zx(zxingcpp.Binarizer.BoolCast),
        "pyzbar": lambda img: [r.data.decode("utf-8", "replace") for r in pyzbar.decode(img)],
        "opencv barcode": opencv_barcode,
        "opencv QR": opencv_qr,
    }


def _jittered(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same label a frame later: moved a pixel or two, turned a little, new noise."""
    h, w = img.shape[:2]
    m = np.asarray(cv2.getRotationMatrix2D((w / 2, h / 2), float(rng.uniform(-0.5, 0.5)), 1.0),
                   np.float64)
    m[:, 2] = m[:, 2] + rng.uniform(-2.0, 2.0, 2)
    moved = np.asarray(cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_REPLICATE))
    noise = rng.normal(0.0, 2.0, moved.shape)
    out: np.ndarray = np.clip(moved.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return out


def load(corpus: Path) -> tuple[dict[str, Any], list[tuple[Frame, np.ndarray]]]:
    manifest = json.loads((corpus / "manifest.json").read_text())
    frames = []
    for fr in manifest["frames"]:
        img = cv2.imread(str(corpus / fr["file"]), cv2.IMREAD_COLOR)
        if img is None:
            raise SystemExit(f"cannot read {fr['file']}")
        frames.append((fr, img))
    return manifest, frames


def stills(manifest: dict[str, Any], frames: list[tuple[Frame, np.ndarray]],
           verbose: bool) -> None:
    from app.scanning.decoder import Decoder

    still = Decoder.for_stills()
    readers: dict[str, Reader] = {
        "ours (stills)": lambda img: [c.text for c in still.decode(img)]}
    readers.update(plain_readers())
    for fn in readers.values():
        fn(frames[0][1])  # warm up: library loading, first allocations
    tallies = {name: Tally() for name in readers}
    work: list[float] = []
    for fr, img in frames:
        for name, fn in readers.items():
            t0 = time.perf_counter()
            found = fn(img)
            tallies[name].add(fr, found, (time.perf_counter() - t0) * 1000)
            if name == "ours (stills)":
                work.append(getattr(still, "last_work", float("nan")))
    union = Tally()
    plain = [t for n, t in tallies.items() if n != "ours (stills)"]
    for fr, _ in frames:
        found = [s["text"] for i, s in enumerate(fr["symbols"])
                 if any((fr["id"], i) in t.read for t in plain)]
        union.add(fr, found, 0.0)
    tallies["UNION of plain"] = union
    names = list(tallies)
    width = 16
    print("".ljust(20) + "".join(n[:width - 1].rjust(width) for n in names))

    def row(label: str, key: str) -> None:
        print(label.ljust(20) + "".join(tallies[n].cell(key).rjust(width) for n in names))

    row("all symbols", "all")
    for sym in sorted({s["symbology"] for fr, _ in frames for s in fr["symbols"]}):
        row(f"  {sym}", "sym:" + sym)
    for cls in manifest["classes"]:
        if cls != "none":
            row(f"  {cls}", "class:" + cls)
    print("wrong reads".ljust(20) + "".join(str(len(tallies[n].wrong)).rjust(width)
                                           for n in names))
    for res in ("720p", "1080p"):
        print(f"{res} median ms".ljust(20) + "".join(
            (f"{statistics.median(tallies[n].ms[res]):.1f}" if tallies[n].ms[res] else "-")
            .rjust(width) for n in names))
    ours = tallies["ours (stills)"]
    print(f"ours: work per frame (engine cost x Mpx) median {statistics.median(work):.1f}, "
          f"max {max(work):.1f}: the budget, not the clock, ends a still")
    for n in names:
        for line in tallies[n].wrong:
            print(f"  WRONG [{n}] {line}")
    only_union = sorted(union.read - ours.read)
    only_ours = sorted(ours.read - union.read)
    print(f"read by the union, not by ours: {len(only_union)}; by ours, not by the union: "
          f"{len(only_ours)}")
    if verbose:
        for fid, i in only_union:
            print(f"  UNION ONLY {fid} #{i}")
    ok_rate = ours.hits["all"][0] >= union.hits["all"][0]
    print(f"  [{'ok' if ok_rate else 'MISSED'}] ours reads at least the union "
          f"({ours.hits['all'][0]} vs {union.hits['all'][0]})")
    print(f"  [{'ok' if not ours.wrong else 'MISSED'}] zero wrong reads")


def live(frames: list[tuple[Frame, np.ndarray]], k: int) -> None:
    import zxingcpp

    from app.scanning.acceptance import Acceptor
    from app.scanning.decoder import Decoder

    decoder = Decoder()
    rng = np.random.default_rng(17)
    ours_ms: dict[str, list[float]] = defaultdict(list)
    plain_ms: dict[str, list[float]] = defaultdict(list)
    ours_hit = plain_hit = labelled = 0
    ours_wrong: list[str] = []
    plain_wrong: list[str] = []
    empty_codes: list[str] = []
    frames_to_accept: list[int] = []
    for fr, img in frames:
        seq = [img] + [_jittered(img, rng) for _ in range(k - 1)]
        acceptor = Acceptor(required_reads=2, clock=lambda: 0.0)
        accepted: list[str] = []
        at = None
        for i, f in enumerate(seq):
            t0 = time.perf_counter()
            codes = decoder.decode_live(f)
            ours_ms[fr["res"]].append((time.perf_counter() - t0) * 1000)
            event = acceptor.offer(codes, now=i / 30.0)
            if event is not None:
                accepted.append(event.text)
                at = i if at is None else at
            t0 = time.perf_counter()
            texts = [r.text for r in zxingcpp.read_barcodes(f)]
            plain_ms[fr["res"]].append((time.perf_counter() - t0) * 1000)
            if i == 0:
                first_plain = texts
        if not fr["symbols"]:
            empty_codes += [f"{fr['id']}: {t!r}" for t in accepted]
            continue
        labelled += 1
        ours_wrong += [f"{fr['id']}: {t!r}" for t in _wrong(accepted, fr)]
        plain_wrong += [f"{fr['id']}: {t!r}" for t in _wrong(first_plain, fr)]
        if any(_hit(accepted, s) for s in fr["symbols"]):
            ours_hit += 1
            frames_to_accept.append((at or 0) + 1)
        plain_hit += int(any(_hit(first_plain, s) for s in fr["symbols"]))
    print(f"labels read: ours {ours_hit}/{labelled} ({ours_hit / labelled:.1%}) within {k} "
          f"frames (median {statistics.median(frames_to_accept or [0])} frames to accept); "
          f"plain zxing {plain_hit}/{labelled} ({plain_hit / labelled:.1%}) on one frame")
    print(f"wrong scans: ours {len(ours_wrong)}, plain zxing {len(plain_wrong)}; "
          f"scans from empty frames (ours): {len(empty_codes)}")
    for line in ours_wrong + empty_codes:
        print(f"  WRONG [ours live] {line}")
    ratio = float("nan")
    for res in ("720p", "1080p"):
        if not ours_ms[res]:
            continue
        om, pm = statistics.mean(ours_ms[res]), statistics.mean(plain_ms[res])
        print(f"{res} ms per frame: ours mean {om:.1f} (median "
              f"{statistics.median(ours_ms[res]):.1f}), plain zxing mean {pm:.1f} (median "
              f"{statistics.median(plain_ms[res]):.1f}); ratio {om / pm:.2f}")
        ratio = om / pm
    print(f"  [{'ok' if ours_hit >= plain_hit else 'MISSED'}] live rate >= plain zxing's")
    print(f"  [{'ok' if ratio <= TARGET_LIVE_TIME_RATIO else 'MISSED'}] 1080p time per frame "
          f"<= {TARGET_LIVE_TIME_RATIO}x plain zxing's")
    print(f"  [{'ok' if not ours_wrong and not empty_codes else 'MISSED'}] zero wrong scans")


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("-")]
    k = 5
    for a in argv[1:]:
        if a.startswith("--frames="):
            k = int(a.split("=", 1)[1])
    corpora = [Path(a) for a in args]
    if not corpora:
        if SHARED_CORPUS.is_dir():
            corpora.append(SHARED_CORPUS)
        else:
            print(f"bench_decode: the shared corpus is absent ({SHARED_CORPUS}); it lives on "
                  "the team's machines only. Running on the repository's subset.")
        corpora.append(REPO_CORPUS)
    for corpus in corpora:
        if not (corpus / "manifest.json").is_file():
            print(f"bench_decode: no corpus at {corpus} (needs manifest.json); skipped.")
            continue
        manifest, frames = load(corpus)
        print(f"== corpus: {corpus} ({len(frames)} frames); load (1 min) "
              f"{os.getloadavg()[0]:.2f}")
        print("-- stills")
        stills(manifest, frames, "-v" in argv)
        print(f"-- live ({k} frames of each label)")
        live(frames, k)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
