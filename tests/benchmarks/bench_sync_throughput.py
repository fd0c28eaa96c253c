"""Throughput of the outbox on a clean loopback network, against a bare requests loop.

Run: .venv/bin/python tests/benchmarks/bench_sync_throughput.py [--n 40] [--rounds 2]
Both send the same bytes (3 photos of ~300 KB + the result per inspection) to a
fresh reference server each; prints inspections/s for each and the ratio
(target >= 0.7). Exits 1 below the target.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import requests  # noqa: E402

from app import PRODUCT, __version__  # noqa: E402
from app.domain import Case  # noqa: E402
from app.store.store import Store  # noqa: E402
from refserver import start_server  # noqa: E402
from tests.builders import case_doc, complete_inspection  # noqa: E402
from tests.faults import TOKEN, fast_client, make_worker  # noqa: E402

TARGET = 0.7


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--photo-kb", type=int, default=300)
    args = ap.parse_args()
    best_bare, best_station = float("inf"), float("inf")
    with tempfile.TemporaryDirectory(prefix="tput-") as tmp:
        for rnd in range(args.rounds):
            base = Path(tmp) / f"r{rnd}"
            rng = random.Random(rnd)
            store = Store(base / "station.db", base / "photos")
            docs = [case_doc(i) for i in range(args.n)]
            ids = [complete_inspection(store, Case.from_api(d), rng=rng, photos=3,
                                       photo_size=args.photo_kb * 1000) for d in docs]
            jobs = []
            for iid in ids:
                photos = [(p.photo_id, store.photo_bytes(p.photo_id), p.sha256)
                          for p in store.result_photos(iid)]
                payload = store.result_payload(iid)
                assert payload is not None
                jobs.append((iid, photos, payload))
            with start_server(base / "bare.db", seed_demo=False) as srv:
                for d in docs:
                    srv.store.add_case(d)
                best_bare = min(best_bare, bare_loop(srv.url, jobs))
            with start_server(base / "station-srv.db", seed_demo=False) as srv:
                for d in docs:
                    srv.store.add_case(d)
                worker = make_worker(store, fast_client(srv.url, deadline=30.0))
                t0 = time.perf_counter()
                report = worker.drain_once()
                best_station = min(best_station, time.perf_counter() - t0)
                assert report.sent == args.n, report
                assert srv.store.count_inspections() == args.n
            store.close()
    bare_rate = args.n / best_bare
    station_rate = args.n / best_station
    ratio = station_rate / bare_rate
    mb = args.n * 3 * args.photo_kb / 1000
    print(f"throughput: {args.n} inspections x 3 photos x {args.photo_kb} KB ({mb:.0f} MB), "
          f"best of {args.rounds}")
    print(f"  bare requests loop  {bare_rate:7.1f} inspections/s ({best_bare:.2f} s)")
    print(f"  station outbox      {station_rate:7.1f} inspections/s ({best_station:.2f} s)")
    print(f"  ratio               {ratio:7.2f} (target >= {TARGET})")
    print("PASS" if ratio >= TARGET else "FAIL")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
