"""Throughput of the outbox on a clean loopback network, against a bare requests loop.

Run: .venv/bin/python tests/benchmarks/bench_sync_throughput.py [--n 40] [--rounds 5]
Both send the same bytes (3 photos of ~300 KB + the result per inspection) to a
fresh reference server each, run in its own process; rounds alternate which goes
first, and the medians of the rounds are compared (machine load moves single rounds
a lot). Prints inspections/s for the bare loop, the station's outbox (several items in
flight, app/sync/inflight.py) and, for the record, the outbox one item at a time; the
ratio target is >= 0.95 (issue 17.3). Exits 1 below the target.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import requests  # noqa: E402

from app import PRODUCT, __version__  # noqa: E402
from app.domain import Case  # noqa: E402
from app.store.store import Store  # noqa: E402
from app.sync.inflight import IN_FLIGHT  # noqa: E402
from refserver import start_server  # noqa: E402
from tests.builders import case_doc, complete_inspection  # noqa: E402
from tests.faults import TOKEN, fast_client, make_worker  # noqa: E402

TARGET = 0.95


def bare_loop(url: str, jobs: list[tuple[str, list[tuple[str, bytes, str]], bytes]]) -> float:
    """The floor: one session, PUT after PUT, no store, no checks beyond the status."""
    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {TOKEN}", "X-Station-Id": "BENCH-T",
                      "User-Agent": f"{PRODUCT}/{__version__}"})
    t0 = time.perf_counter()
    for iid, photos, payload in jobs:
        for pid, data, sha in photos:
            r = s.put(f"{url}/inspections/{iid}/photos/{pid}", data=data,
                      headers={"Content-Type": "image/jpeg", "X-Content-SHA256": sha},
                      timeout=(5, 20))
            assert r.status_code == 201, r.text
        r = s.put(f"{url}/inspections/{iid}", data=payload,
                  headers={"Content-Type": "application/json; charset=utf-8"}, timeout=(5, 20))
        assert r.status_code == 201, r.text
    return time.perf_counter() - t0


@contextlib.contextmanager
def served(db: Path, docs: list[dict[str, Any]]) -> Iterator[str]:
    """The reference server in its own process (as a real server is), holding ``docs``."""
    with start_server(db, seed_demo=False) as srv:  # only to create the database
        for d in docs:
            srv.store.add_case(d)
    proc = subprocess.Popen(
        [sys.executable, "-m", "refserver", "--port", "0", "--db", str(db), "--no-seed"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)


def _count(db: Path) -> int:
    with start_server(db, seed_demo=False) as srv:
        return srv.store.count_inspections()


def _station(url: str, store: Store, n: int, in_flight: int) -> float:
    worker = make_worker(store, fast_client(url, deadline=30.0), in_flight=in_flight)
    t0 = time.perf_counter()
    report = worker.drain_once()
    took = time.perf_counter() - t0
    assert report.sent == n, report
    worker.client.close()
    return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--photo-kb", type=int, default=300)
    args = ap.parse_args()
    times: dict[str, list[float]] = {"bare": [], "station": [], "one at a time": []}
    with tempfile.TemporaryDirectory(prefix="tput-") as tmp:
        for rnd in range(args.rounds):
            base = Path(tmp) / f"r{rnd}"
            rng = random.Random(rnd)
            docs = [case_doc(i) for i in range(args.n)]
            stores, ids = {}, {}
            for name in ("station", "one at a time"):
                stores[name] = Store(base / name / "station.db", base / name / "photos")
                ids[name] = [complete_inspection(stores[name], Case.from_api(d),
                                                 rng=random.Random(i), photos=3,
                                                 photo_size=args.photo_kb * 1000)
                             for i, d in enumerate(docs)]
            store = stores["station"]
            jobs = []
            for iid in ids["station"]:
                photos = [(p.photo_id, store.photo_bytes(p.photo_id), p.sha256)
                          for p in store.result_photos(iid)]
                payload = store.result_payload(iid)
                assert payload is not None
                jobs.append((iid, photos, payload))
            order = list(times)
            rng.shuffle(order) if rnd % 2 else order.reverse()
            for name in order:
                db = base / f"{name}-srv.db"
                with served(db, docs) as url:
                    if name == "bare":
                        times[name].append(bare_loop(url, jobs))
                    else:
                        width = 1 if name == "one at a time" else IN_FLIGHT
                        times[name].append(_station(url, stores[name], args.n, width))
                assert _count(db) == args.n
            for st in stores.values():
                st.close()
    rate = {name: args.n / statistics.median(values) for name, values in times.items()}
    ratio = rate["station"] / rate["bare"]
    mb = args.n * 3 * args.photo_kb / 1000
    print(f"throughput: {args.n} inspections x 3 photos x {args.photo_kb} KB ({mb:.0f} MB), "
          f"median of {args.rounds} alternating rounds")
    for name, label in (("bare", "bare requests loop"),
                        ("station", f"station outbox ({IN_FLIGHT} in flight)"),
                        ("one at a time", "station, 1 in flight")):
        rounds = " ".join(f"{v:.2f}" for v in times[name])
        print(f"  {label:28s} {rate[name]:7.1f} inspections/s (rounds, s: {rounds})")
    per_round = [b / s for b, s in zip(times["bare"], times["station"], strict=True)]
    print(f"  ratio of medians             {ratio:7.2f} (target >= {TARGET}); per round: "
          + " ".join(f"{r:.2f}" for r in per_round))
    print(f"  one at a time / bare         {rate['one at a time'] / rate['bare']:7.2f}")
    print("PASS" if ratio >= TARGET else "FAIL")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
