"""Benchmark: the local store on two years of a busy bench (100,000 completed inspections).

Prints the median and p95 of: listing today's inspections (full records, as the history
screen and the shift report read them), the light day list, finding one by RMA, and
completing an inspection (fsync included). Targets: list and find median < 50 ms,
complete median < 30 ms. Run: python tests/benchmarks/bench_store.py [--count N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.domain import Classification, Disposition
from app.store import Store
from app.store.models import ts_text
from tests.builders import AUDIO_TEMPLATE, complete_one, make_case


def populate(store: Store, count: int) -> list[str]:
    """Bulk-load `count` completed inspections spread over two years (fast path, raw SQL)."""
    now = datetime.now(UTC)
    rng = random.Random(7)
    rmas = []
    insp_rows, ans_rows, res_rows, out_rows = [], [], [], []
    for n in range(count):
        iid = str(uuid.uuid4())
        done = now - timedelta(minutes=rng.uniform(0, 2 * 365 * 24 * 60))
        rma = f"RMA-{done.year}-{n:07d}"
        rmas.append(rma)
        t = ts_text(done)
        insp_rows.append((iid, f"C-{n}", "L1", rma, "SO-1", "HX-200", "audio", "defective",
                          f"SN{n}", f"SN{n}", "B1", "E1001", t, t, "completed", "audio", 4,
                          "intact", "intact", "restock", "[]"))
        for step in AUDIO_TEMPLATE.steps:
            ans_rows.append((iid, step.step_id, "pass", "null", "", "[]", t))
        payload = json.dumps({
            "inspection_id": iid, "case_id": f"C-{n}", "line_id": "L1", "station_id": "B1",
            "inspector_id": "E1001", "started_at": t[:19] + "Z", "completed_at": t[:19] + "Z",
            "template_id": "audio", "template_version": 4,
            "answers": [{"step_id": s.step_id, "result": "pass"} for s in AUDIO_TEMPLATE.steps],
            "serial_number_scanned": f"SN{n}", "classification": "intact",
            "classification_suggested": "intact", "override_reason": None,
            "missing_accessories": [], "disposition": "restock", "photos": [],
            "client_version": "0.1.0"}).encode()
        res_rows.append((iid, payload, "0" * 64, t))
        out_rows.append((iid, "sent", 1, t, t, t))
    with store.engine.begin() as conn:
        c = conn.connection.dbapi_connection
        assert c is not None
        c.executemany(
            "INSERT INTO inspections (inspection_id, case_id, line_id, rma, order_id, sku, "
            "category, customer_reason, serial_expected, serial_scanned, station_id, "
            "inspector_id, started_at, completed_at, status, template_id, template_version, "
            "classification, classification_suggested, disposition, missing_accessories) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", insp_rows)
        c.executemany("INSERT INTO answers (inspection_id, step_id, result, value, note, "
                      "photo_ids, answered_at) VALUES (?,?,?,?,?,?,?)", ans_rows)
        c.executemany("INSERT INTO results (inspection_id, payload, sha256, created_at) "
                      "VALUES (?,?,?,?)", res_rows)
        c.executemany("INSERT INTO outbox (inspection_id, state, attempts, next_attempt_at, "
                      "created_at, sent_at) VALUES (?,?,?,?,?,?)", out_rows)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    return rmas


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def show(name: str, samples: list[float], target: float) -> None:
    med = statistics.median(samples)
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1]
    verdict = "ok" if med < target else "OVER TARGET"
    print(f"{name:<34} median {med:7.2f} ms   p95 {p95:7.2f} ms   target < {target:.0f} ms  "
          f"{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "station.db", Path(tmp) / "photos")
        t0 = time.perf_counter()
        rmas = populate(store, args.count)
        size = (Path(tmp) / "station.db").stat().st_size / 1e6
        print(f"populated {args.count} inspections in {time.perf_counter() - t0:.1f} s "
              f"({size:.0f} MB)")
        now = datetime.now(UTC)
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        today = store.completed_between(start, start + timedelta(days=1))
        print(f"today's inspections: {len(today)}")
        show("list today (full records)",
             timed(lambda: store.completed_between(start, start + timedelta(days=1)), args.runs),
             50)
        show("list today (id, rma, state)",
             timed(lambda: store.list_completed_ids(start, start + timedelta(days=1)), args.runs),
             50)
        rng = random.Random(1)
        show("find by RMA", timed(lambda: store.search(rng.choice(rmas)), args.runs), 50)
        n = iter(range(10**9))
        # For scale: a whole inspection is five durable commits (start, 3 answers, complete).
        show("whole inspection (5 commits)",
             timed(lambda: complete_one(store, make_case(case_id=f"X-{next(n)}")), args.runs),
             150)
        samples = []
        for i in range(args.runs):
            case = make_case(case_id=f"Y-{i}")
            insp = store.start_inspection(template=AUDIO_TEMPLATE, station_id="B1",
                                          inspector_id="E1", case=case, item=case.items[0])
            t1 = time.perf_counter()
            store.complete(insp.inspection_id, answers_in_order=[],
                           classification=Classification.INTACT,
                           classification_suggested=Classification.INTACT,
                           override_reason=None, disposition=Disposition.RESTOCK,
                           missing_accessories=[], actor="E1")
            samples.append((time.perf_counter() - t1) * 1000)
        show("complete (fsync included)", samples, 30)
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
