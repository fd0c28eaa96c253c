"""Benchmark: the local store on two years of a busy bench (100,000 completed inspections).

Each figure is printed beside its baseline measured in the same run: raw sqlite3 (an open
connection, the statements prepared by its cache) reading the same rows, or running the
same write statements with the same fsync. Rounds alternate the store and the baseline
(which one goes first alternates too), and medians are compared, so machine load hits
both alike. Targets (issue 17.2): find by RMA and today's list within 3x raw sqlite3;
complete() within 2x the same statements in raw sqlite3.

Run: python tests/benchmarks/bench_store.py [--count N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
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
    case_body = make_case().to_api()
    for n in range(count):
        iid = str(uuid.uuid4())
        done = now - timedelta(minutes=rng.uniform(0, 2 * 365 * 24 * 60))
        rma = f"RMA-{done.year}-{n:07d}"
        rmas.append(rma)
        t = ts_text(done)
        body = json.dumps({**case_body, "case_id": f"C-{n}", "rma": rma}, ensure_ascii=False)
        insp_rows.append((iid, f"C-{n}", "L1", rma, "SO-1", "HX-200", "audio", "defective",
                          f"SN{n}", f"SN{n}", "B1", "E1001", t, t, "completed", "audio", 4,
                          "intact", "intact", "restock", "[]", body))
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
    c = sqlite3.connect(store.db_file, isolation_level=None)
    c.execute("BEGIN")
    c.executemany(
        "INSERT INTO inspections (inspection_id, case_id, line_id, rma, order_id, sku, "
        "category, customer_reason, serial_expected, serial_scanned, station_id, "
        "inspector_id, started_at, completed_at, status, template_id, template_version, "
        "classification, classification_suggested, disposition, missing_accessories, "
        "case_body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", insp_rows)
    c.executemany("INSERT INTO answers (inspection_id, step_id, result, value, note, "
                  "photo_ids, answered_at) VALUES (?,?,?,?,?,?,?)", ans_rows)
    c.executemany("INSERT INTO results (inspection_id, payload, sha256, created_at) "
                  "VALUES (?,?,?,?)", res_rows)
    c.executemany("INSERT INTO outbox (inspection_id, state, attempts, next_attempt_at, "
                  "created_at, sent_at) VALUES (?,?,?,?,?,?)", out_rows)
    c.execute("COMMIT")
    c.execute("ANALYZE")
    c.close()
    return rmas


# --- the raw sqlite3 baselines -----------------------------------------------------------------

_RECORDS = ("SELECT i.*, o.state, o.attention_reason, r.payload, r.sha256 FROM inspections i "
            "LEFT JOIN outbox o ON o.inspection_id = i.inspection_id "
            "LEFT JOIN results r ON r.inspection_id = i.inspection_id ")


def raw_connection(db_file: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db_file, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def raw_rows(conn: sqlite3.Connection, where: str, args: tuple[object, ...]) -> int:
    """Every row a full record is made of: inspection, outbox, result, photos, answers."""
    rows = conn.execute(_RECORDS + where, args).fetchall()
    ids = [r[0] for r in rows]
    marks = ",".join("?" * len(ids))
    conn.execute(f"SELECT * FROM photos WHERE inspection_id IN ({marks})", ids).fetchall()
    conn.execute(f"SELECT * FROM answers WHERE inspection_id IN ({marks})", ids).fetchall()
    return len(rows)


def raw_complete(conn: sqlite3.Connection, iid: str, payload: bytes) -> None:
    """The statements complete() runs, in one IMMEDIATE transaction with fsync at COMMIT."""
    now = ts_text(datetime.now(UTC))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("SELECT * FROM inspections WHERE inspection_id = ?", (iid,)).fetchone()
    conn.execute("SELECT * FROM answers WHERE inspection_id = ?", (iid,)).fetchall()
    conn.execute("SELECT * FROM photos WHERE inspection_id = ? ORDER BY taken_at",
                 (iid,)).fetchall()
    conn.execute("UPDATE inspections SET status = 'completed', completed_at = ?, "
                 "classification = 'intact', classification_suggested = 'intact', "
                 "override_reason = NULL, disposition = 'restock', missing_accessories = '[]' "
                 "WHERE inspection_id = ?", (now, iid))
    conn.execute("INSERT INTO results (inspection_id, payload, sha256, created_at) "
                 "VALUES (?, ?, ?, ?)", (iid, payload, "0" * 64, now))
    conn.execute("INSERT INTO outbox (inspection_id, state, attempts, next_attempt_at, "
                 "created_at) VALUES (?, 'pending', 0, ?, ?)", (iid, now, now))
    prev = conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    conn.execute("INSERT INTO audit (at, actor, action, subject, details, prev_hash, hash) "
                 "VALUES (?, 'E1', 'complete', ?, '{}', ?, ?)",
                 (now, iid, prev[0] if prev else "0" * 64, "1" * 64))
    conn.execute("COMMIT")


# --- measuring ----------------------------------------------------------------------------------


def ms(fn: Callable[..., object], *args: object) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t0) * 1000


def paired(store_fn: Callable[[int], object], raw_fn: Callable[[int], object],
           runs: int) -> tuple[list[float], list[float]]:
    """Alternate the two (and which goes first) round by round."""
    ours: list[float] = []
    base: list[float] = []
    for i in range(runs):
        if i % 2:
            base.append(ms(raw_fn, i))
            ours.append(ms(store_fn, i))
        else:
            ours.append(ms(store_fn, i))
            base.append(ms(raw_fn, i))
    return ours, base


def show(name: str, ours: list[float], base: list[float], target: float) -> None:
    med, raw = statistics.median(ours), statistics.median(base)
    ratio = med / raw if raw else float("inf")
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(f"{name:<30} store {med:8.3f} ms   raw sqlite3 {raw:8.3f} ms   "
          f"{ratio:5.2f}x  (target <= {target:.0f}x) {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "station.db", Path(tmp) / "photos")
        t0 = time.perf_counter()
        rmas = populate(store, args.count)
        size = (Path(tmp) / "station.db").stat().st_size / 1e6
        print(f"populated {args.count} inspections in {time.perf_counter() - t0:.1f} s "
              f"({size:.0f} MB)")
        raw = raw_connection(store.db_file)
        now = datetime.now(UTC)
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=1)
        today = store.completed_between(start, end)
        print(f"today's inspections: {len(today)}")
        window = (ts_text(start), ts_text(end))
        day_where = ("WHERE i.completed_at >= ? AND i.completed_at < ? "
                     "ORDER BY i.completed_at")
        show("list today (full records)", *paired(
            lambda i: store.completed_between(start, end),
            lambda i: raw_rows(raw, day_where, window), args.runs), 3)
        show("list today (id, rma, state)", *paired(
            lambda i: store.list_completed_ids(start, end),
            lambda i: raw.execute(
                "SELECT i.inspection_id, i.rma, i.completed_at, o.state FROM inspections i "
                "JOIN outbox o ON o.inspection_id = i.inspection_id WHERE i.completed_at >= ? "
                "AND i.completed_at < ? ORDER BY i.completed_at DESC", window).fetchall(),
            args.runs), 3)
        rng = random.Random(1)
        picks = [rng.choice(rmas) for _ in range(args.runs)]
        found = store.search(picks[0])
        assert len(found) == 1, found
        show("find by RMA", *paired(
            lambda i: store.search(picks[i]),
            lambda i: raw_rows(raw, "WHERE i.rma = ? AND i.status = 'completed'",
                               (picks[i],)), args.runs), 3)

        drafts = []
        for i in range(2 * args.runs):
            case = make_case(case_id=f"Y-{i}")
            drafts.append(store.start_inspection(template=AUDIO_TEMPLATE, station_id="B1",
                                                 inspector_id="E1", case=case,
                                                 item=case.items[0]).inspection_id)
        payload = store.result_payload(found[0].inspection_id) or b"{}"

        def complete(i: int) -> None:
            store.complete(drafts[2 * i], answers_in_order=[],
                           classification=Classification.INTACT,
                           classification_suggested=Classification.INTACT,
                           override_reason=None, disposition=Disposition.RESTOCK,
                           missing_accessories=[], actor="E1")

        show("complete (fsync included)", *paired(
            complete, lambda i: raw_complete(raw, drafts[2 * i + 1], payload), args.runs), 2)
        n = iter(range(10**9))
        whole = [ms(lambda: complete_one(store, make_case(case_id=f"X-{next(n)}")))
                 for _ in range(args.runs // 2)]
        print(f"{'whole inspection (5 commits)':<30} store {statistics.median(whole):8.3f} ms "
              "(no baseline: for scale)")
        raw.close()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
