"""Soak: inspections with 3 photos of ~300 KB each through seeded random faults.

Run: .venv/bin/python tests/benchmarks/bench_sync_soak.py [--short] [--seed N] [--n N]
Prints delivered, duplicates, lost (both must be 0) and wall time; exits 1 otherwise.
`--short` (20 inspections) is the CI version.
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

from app.store.store import Store  # noqa: E402
from app.sync.backoff import Backoff  # noqa: E402
from refserver import start_server  # noqa: E402
from tests.builders import complete_inspection  # noqa: E402
from tests.faults import (  # noqa: E402
    HTML_502,
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--short", action="store_true", help="20 inspections (CI)")
    ap.add_argument("--n", type=int, default=None, help="number of inspections (default 200)")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--rate", type=float, default=0.15, help="share of requests faulted")
    ap.add_argument("--photo-kb", type=int, default=300)
    args = ap.parse_args()
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
