"""Soak: inspections with 3 photos of ~300 KB each through seeded random faults.

Run: .venv/bin/python tests/benchmarks/bench_sync_soak.py [--short] [--seed N] [--n N]
Prints delivered, duplicates, lost (both must be 0) and wall time; exits 1 otherwise.
`--short` (20 inspections) is the CI version.

`--lost-acks 0.3 [--lost-kind drop|hold]` is the lost-acknowledgement run (issue 17.3):
28 inspections, the station's production timeouts, backoff and probe interval, and that
share of the PUTs reaching the server (which commits) whose answer never comes back:
`drop` closes the connection, `hold` keeps it silent until the station's own deadline.
It prints how many results the server holds after 15, 30 and 45 s (target: half the
queue in 45 s), then lets the queue finish and checks exactly-once as above.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from app.store.store import Store  # noqa: E402
from app.sync.backoff import Backoff  # noqa: E402
from refserver import start_server  # noqa: E402
from tests.builders import complete_inspection  # noqa: E402
from tests.faults import (  # noqa: E402
    HTML_502,
    TOKEN,
    Fault,
    FaultProxy,
    check_delivery,
    fast_client,
    make_worker,
    new_case,
    reply,
    retry_after_date,
    retry_after_seconds,
)

FAULTS = [
    Fault("drop", forward=True),  # committed, never answered
    Fault("drop"),
    Fault("reset"),
    Fault("reset", forward=True),
    Fault("truncate", forward=True),
    reply(500, b'{"error":"internal"}'),
    reply(500, b'{"error":"internal"}', forward=True),
    HTML_502,
    reply(201, b'{"inspection_id": 7}', forward=True),  # wrongly typed after commit
    retry_after_seconds(503, 1),
    retry_after_date(429, 1),
]


def lost_acks(args: argparse.Namespace) -> int:
    """The lost-ACK run: production settings, a share of PUT answers lost after commit."""
    from app.config import Settings
    from app.sync.client import CaseApiClient
    from app.sync.outbox import OutboxWorker

    n = args.n or 28
    fault = (Fault("drop", forward=True) if args.lost_kind == "drop"
             else Fault("hold", forward=True, release=threading.Event()))
    rng = random.Random(args.seed)
    marks: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="lost-") as tmp:
        base = Path(tmp)
        with start_server(base / "srv.db", seed_demo=False) as server, \
                FaultProxy(server.url) as proxy:
            store = Store(base / "station.db", base / "photos")
            ids = [complete_inspection(store, new_case(server, i), rng=rng, photos=3,
                                       photo_size=args.photo_kb * 1000) for i in range(n)]
            proxy.set_random(args.seed, args.lost_acks, [fault], methods=("PUT",))
            client = CaseApiClient(Settings(station_id="BENCH-T"), lambda: TOKEN,
                                   base_url=proxy.url)  # production timeouts (5/20/30 s)
            worker = OutboxWorker(store, client, rng=random.Random(args.seed))
            t0 = time.monotonic()
            worker.start()
            for mark in (15, 30, 45):
                while time.monotonic() - t0 < mark:
                    time.sleep(0.1)
                marks[mark] = server.store.count_inspections()
            deadline = time.monotonic() + 600.0
            while store.queue_counts().pending and time.monotonic() < deadline:
                time.sleep(0.2)
            wall = time.monotonic() - t0
            if fault.release is not None:
                fault.release.set()
            worker.stop()
            proxy.clear()
            d = check_delivery(server.store, store, ids, expect_total=n)
            lost = sum(1 for s in proxy.seen if s.fault != "pass")
            requests = len(proxy.seen)
            store.close()
    print(f"lost ACKs: {n} inspections x 3 photos x {args.photo_kb} KB, {args.lost_acks:.0%} of "
          f"PUT answers lost after commit ({args.lost_kind}), seed {args.seed}, "
          "production timeouts/backoff/probe")
    print(f"  requests seen     {requests} ({lost} answers lost)")
    for mark, count in marks.items():
        print(f"  results on the server after {mark:2d} s: {count}/{n}")
    print(f"  all delivered in  {wall:.1f} s; duplicates {d.duplicates}, lost {len(d.lost)}, "
          f"byte mismatches {len(d.problems)}")
    ok = (marks[45] * 2 >= n and d.delivered == n and d.duplicates == 0 and not d.lost
          and not d.problems)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--short", action="store_true", help="20 inspections (CI)")
    ap.add_argument("--n", type=int, default=None, help="number of inspections (default 200)")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--rate", type=float, default=0.15, help="share of requests faulted")
    ap.add_argument("--photo-kb", type=int, default=300)
    ap.add_argument("--lost-acks", type=float, default=None,
                    help="share of PUT answers lost after commit (the lost-ACK run)")
    ap.add_argument("--lost-kind", choices=("drop", "hold"), default="drop")
    args = ap.parse_args()
    if args.lost_acks is not None:
        return lost_acks(args)
    n = args.n or (20 if args.short else 200)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        base = Path(tmp)
        with start_server(base / "srv.db", seed_demo=False) as server, \
                FaultProxy(server.url) as proxy:
            store = Store(base / "station.db", base / "photos")
            t0 = time.perf_counter()
            ids = [complete_inspection(store, new_case(server, i), rng=rng, photos=3,
                                       photo_size=args.photo_kb * 1000) for i in range(n)]
            prep = time.perf_counter() - t0
            proxy.set_random(args.seed, args.rate, FAULTS)
            worker = make_worker(store, fast_client(proxy.url, deadline=10.0), seed=args.seed,
                                 backoff=Backoff(base=0.02, cap=0.5), probe_interval=0.1)
            t1 = time.perf_counter()
            worker.start()
            deadline = time.monotonic() + max(300.0, n * 3.0)
            while store.queue_counts().pending and time.monotonic() < deadline:
                time.sleep(0.1)
            worker.stop()
            wall = time.perf_counter() - t1
            proxy.clear()
            d = check_delivery(server.store, store, ids, expect_total=n)
            faulted = sum(1 for s in proxy.seen if s.fault != "pass")
            attention = store.queue_counts().attention
            store.close()
    mb = n * 3 * args.photo_kb / 1000
    print(f"soak: {n} inspections x 3 photos x {args.photo_kb} KB ({mb:.0f} MB), "
          f"seed {args.seed}, fault rate {args.rate:.0%}")
    print(f"  requests seen     {len(proxy.seen)} ({faulted} faulted)")
    print(f"  delivered         {d.delivered}/{n}")
    print(f"  duplicates        {d.duplicates}")
    print(f"  lost              {len(d.lost)}")
    print(f"  needs attention   {attention}")
    print(f"  byte mismatches   {len(d.problems)}")
    print(f"  wall time         {wall:.1f} s (preparing the queue: {prep:.1f} s)")
    ok = d.delivered == n and d.duplicates == 0 and not d.lost and not d.problems
    for p in d.problems[:10]:
        print("  problem:", p)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
