"""Benchmark: a shift report of 500 inspections (3 photos each) and single inspection reports.

Run: .venv/bin/python tests/benchmarks/bench_reports.py [--data DIR] [--rebuild]

The data set (a real station database and 1500 photo files of 1600 px) is built once
through the Store API and reused. Every measurement runs in a fresh child process, so
peak memory (ru_maxrss) and the one-off font registration are included in the figures.
Targets (issue 6): shift report < 10 s and < 500 MB peak; one inspection report < 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

N_INSPECTIONS = 500
PHOTOS_EACH = 3
DISTINCT_PHOTOS = 24  # generated once; each inspection stores 3 of them as its own files
TZ = ZoneInfo("Asia/Shanghai")
SHIFT_START = datetime(2024, 5, 2, 22, 0, tzinfo=TZ)  # the night shift, past midnight
SHIFT_HOURS = 8


def build(data: Path) -> None:
    from app.domain import Classification, CustomerReason, Disposition, Result
    from app.store.store import Store
    from tests.builders import add_inspection, report_case, store_clock
    from tests.test_reports_support import photo_jpeg

    t0 = time.perf_counter()
    data.mkdir(parents=True, exist_ok=True)
    photos = [photo_jpeg(i, 1600, 1200, quality=88) for i in range(DISTINCT_PHOTOS)]
    print(f"  {DISTINCT_PHOTOS} photos of 1600x1200, "
          f"{sum(map(len, photos)) / len(photos) / 1024:.0f} KB each on average")
    store = Store(data / "station.db", data / "photos")
    rng = random.Random(6)
    reasons = list(CustomerReason)
    inspectors = ["li.wei", "王芳", "zhang.min", "Łukasz", "chen.jie", "Ana Dvořák"]
    categories = ["audio", "手机", "kitchen_appliances", "apparel_shoes", "generic"]
    start_utc = SHIFT_START.astimezone(UTC)
    ids = []
    with store_clock(start_utc) as clock:
        for n in range(N_INSPECTIONS):
            completed = start_utc + timedelta(seconds=rng.uniform(60, SHIFT_HOURS * 3600 - 60))
            duration = timedelta(seconds=rng.lognormvariate(5.8, 0.5))
            received = completed - timedelta(hours=rng.uniform(2, 30))
            case = report_case(
                n, reason=rng.choice(reasons), sku=f"SKU-{rng.randint(1, 40):03d}",
                category=rng.choice(categories), received=received,
                comment=rng.choice(["", "耳机左边没有声音", "Does not switch on", "外包装破损",
                                    "Zły rozmiar, proszę o zwrot"]),
                title=rng.choice(["无线耳机 Pro", "Rice cooker 3L", "运动鞋 42码", "Phone X"]))
            fn = Result.PASS if rng.random() < 0.7 else Result.FAIL
            body = Result.PASS if rng.random() < 0.75 else Result.FAIL
            charger = Result.PASS if rng.random() < 0.9 else Result.FAIL
            cls = (Classification.DAMAGED if Result.FAIL in (fn, body) else
                   Classification.MISSING_PARTS if charger is Result.FAIL else
                   Classification.INTACT)
            override = rng.random() < 0.05
            chosen = Classification.DAMAGED if override and cls is not Classification.DAMAGED \
                else (Classification.INTACT if override else cls)
            ids.append(add_inspection(
                store, clock, case, started=completed - duration, completed=completed,
                inspector=rng.choice(inspectors),
                results={"app-overview": Result.PASS, "app-body": body, "fn-works": fn,
                         "fn-battery": Result.VALUE, "acc-charger": charger},
                notes={"app-body": "划痕 2 cm" if body is Result.FAIL else "",
                       "fn-works": "no sound on the left" if fn is Result.FAIL else ""},
                photos=rng.sample(photos, PHOTOS_EACH), classification=chosen, suggested=cls,
                override_reason="Checked again under the lamp" if override else None,
                disposition=rng.choice(list(Disposition)),
                missing=["charger"] if charger is Result.FAIL else []))
    for iid in ids[:: 37]:
        store.mark_attention(iid, "case was closed on the server before the result arrived")
    store.close()
    (data / "ids.json").write_text(json.dumps(ids))
    print(f"  built {N_INSPECTIONS} inspections in {time.perf_counter() - t0:.1f} s")


def child(kind: str, data: Path, out: Path, arg: str) -> None:
    """Runs in a fresh process; prints one JSON line with the figures."""
    import statistics

    from app.reports.fonts import register_fonts
    from app.reports.inspection import render_inspection_report
    from app.reports.shift import render_shift_report
    from app.store.store import Store

    store = Store(data / "station.db", data / "photos")
    result: dict[str, float] = {}
    t0 = time.perf_counter()
    register_fonts()  # once per process (the UI can do it at start-up)
    result["fonts"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if kind == "shift":
        start = SHIFT_START.astimezone(UTC)
        pdf = render_shift_report(store, start, start + timedelta(hours=SHIFT_HOURS), out,
                                  title="night 2024-05-02", station_id="BENCH-07", tz=TZ,
                                  language=arg)
        result["seconds"] = time.perf_counter() - t0
        # The render's peak, before the count below loads anything more.
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB
        result["records"] = len(store.shift_rows(start, start + timedelta(hours=SHIFT_HOURS)))
    else:
        ids = json.loads((data / "ids.json").read_text())
        cache = data / "cache" / "thumbs" if arg != "nocache" else None
        pdf = render_inspection_report(store, ids[7], out, station_id="BENCH-07", tz=TZ,
                                       cache_dir=cache)
        result["seconds"] = time.perf_counter() - t0
        times = []
        for iid in ids[100:110]:
            t1 = time.perf_counter()
            render_inspection_report(store, iid, None, station_id="BENCH-07", tz=TZ,
                                     cache_dir=cache)
            times.append(time.perf_counter() - t1)
        result["median_next"] = statistics.median(times)
        result["max_next"] = max(times)
        result["records"] = 1
    result.setdefault("peak_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["bytes"] = len(pdf)
    print(json.dumps(result))


def pair(data: Path, lang: str, rounds: int) -> None:
    """The shift report beside plain ReportLab drawing the same content, in one process.

    Baseline: ReportLab laying out and drawing the report's story (the same tables,
    charts and paragraphs), its figures already in memory. The station's render adds
    the store query and the figures; "full records" is the earlier path (every record
    loaded whole). Rounds alternate the three; medians are compared. The PDFs' text is
    checked to be the same (but for the footer's generation time) before timing."""
    import io
    import statistics

    from reportlab.platypus import SimpleDocTemplate

    from app.messages import t
    from app.reports.fonts import SANS, register_fonts
    from app.reports.layout import MARGIN, footer, make_styles, paper_size
    from app.reports.shift import build_shift_pdf, build_shift_story, render_shift_report
    from app.reports.stats import compute_shift_stats
    from app.store.store import Store

    store = Store(data / "station.db", data / "photos")
    register_fonts()
    start = SHIFT_START.astimezone(UTC)
    end = start + timedelta(hours=SHIFT_HOURS)
    title, station = "night 2024-05-02", "BENCH-07"
    stats = compute_shift_stats(store.shift_rows(start, end), start, end, tz=TZ)

    def ours() -> bytes:
        return render_shift_report(store, start, end, None, title=title, station_id=station,
                                   tz=TZ, language=lang)

    def full_records() -> bytes:
        return build_shift_pdf(store.completed_between(start, end), start, end, title=title,
                               station_id=station, language=lang, tz=TZ)

    def plain() -> bytes:
        buf = io.BytesIO()
        doc = SimpleDocTemplate(buf, pagesize=paper_size("a4"), leftMargin=MARGIN,
                                rightMargin=MARGIN, topMargin=MARGIN,
                                bottomMargin=MARGIN + 4, initialFontName=SANS,
                                title=f"{t(lang, 'shift_title')} {title}", author=station)
        story = build_shift_story(stats, title=title, station_id=station,
                                  doc_width=doc.width, st=make_styles(lang), language=lang,
                                  tz=TZ)
        on_page = footer(lang, f"{t(lang, 'shift_title')} · {title} · {station}",
                         datetime.now(UTC), TZ)
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
        return buf.getvalue()

    def text_of(pdf: bytes) -> list[str]:
        done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf,
                              capture_output=True, check=True)
        stamp = t(lang, "generated")
        return [line for line in done.stdout.decode().splitlines() if stamp not in line]

    same = text_of(ours()) == text_of(plain()) == text_of(full_records())
    times: dict[str, list[float]] = {"ours": [], "plain": [], "full": []}
    order = [("ours", ours), ("plain", plain), ("full", full_records)]
    for i in range(rounds):
        for name, fn in order[i % 3:] + order[:i % 3]:
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(json.dumps({"same": same, "records": stats.total, **med}))


def run_child(kind: str, data: Path, out: Path, arg: str = "") -> dict[str, float]:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, "--data", str(data),
                           "--out", str(out), "--arg", arg], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child {kind} failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "bench_reports")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--child")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--arg", default="")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    if args.child == "pair":
        pair(args.data, args.arg, args.rounds)
        return
    if args.child:
        child(args.child, args.data, args.out, args.arg)
        return
    if args.rebuild or not (args.data / "ids.json").exists():
        import shutil

        shutil.rmtree(args.data, ignore_errors=True)
        print(f"building the data set in {args.data} (once)")
        build(args.data)
    ids = json.loads((args.data / "ids.json").read_text())
    photos = list((args.data / "photos").glob("*.jpg"))
    print(f"data: {len(ids)} inspections, {len(photos)} photo files "
          f"({sum(p.stat().st_size for p in photos) / 2**20:.0f} MB)")
    out = args.data / "out"
    out.mkdir(exist_ok=True)

    for lang in ("en", "zh_CN"):
        proc = subprocess.run([sys.executable, __file__, "--child", "pair", "--data",
                               str(args.data), "--arg", lang, "--rounds", str(args.rounds)],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"pair {lang} failed:\n{proc.stderr}")
        p = json.loads(proc.stdout.strip().splitlines()[-1])
        ratio = p["ours"] / p["plain"]
        print(f"shift report ({lang}, {p['records']} inspections, medians of {args.rounds}): "
              f"station {p['ours']:.3f} s, plain ReportLab same content {p['plain']:.3f} s "
              f"-> {ratio:.2f}x [target <= 1.3x: {'ok' if ratio <= 1.3 else 'MISSED'}]; "
              f"full records loaded (before 17.4) {p['full']:.3f} s -> "
              f"{p['full'] / p['plain']:.2f}x; same text: {p['same']}")
        r = run_child("shift", args.data, out / f"shift-{lang}.pdf", lang)
        ok = r["seconds"] < 10 and r["peak_mb"] < 500
        print(f"shift report ({lang}, {r['records']:.0f} inspections): {r['seconds']:.2f} s "
              f"(+ {r['fonts']:.2f} s font registration once per process), "
              f"peak {r['peak_mb']:.0f} MB (whole process), PDF {r['bytes'] / 1024:.0f} KB "
              f"[target < 10 s, < 500 MB: {'ok' if ok else 'MISSED'}]")

    import shutil

    shutil.rmtree(args.data / "cache", ignore_errors=True)
    for label, mode in (("no thumbnail cache", "nocache"), ("cache cold", "cached"),
                        ("cache warm", "cached")):
        r = run_child("inspection", args.data, out / "inspection.pdf", mode)
        first = r["seconds"] + r["fonts"]
        ok = r["seconds"] < 0.5 and r["max_next"] < 0.5
        print(f"inspection report, 3 photos ({label}): first in a fresh process "
              f"{first:.3f} s (of which fonts {r['fonts']:.3f} s); next 10: median "
              f"{r['median_next']:.3f} s, max {r['max_next']:.3f} s; "
              f"PDF {r['bytes'] / 1024:.0f} KB; the station's first (fonts loaded after "
              f"start-up, ui/main.py) {r['seconds']:.3f} s "
              f"[target < 0.5 s: {'ok' if ok else 'MISSED'}]")
    originals = sum(p.stat().st_size for p in photos[:PHOTOS_EACH])
    print(f"(the 3 original photos of one inspection are ~{originals / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
