"""Outbox worker against the real reference server on loopback (through the fault proxy)."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.domain import utcnow
from app.store.db import StoreError
from app.store.store import OutboxState, Store
from app.sync.backoff import Backoff
from app.sync.status import SyncSnapshot
from refserver import start_server
from tests.builders import complete_inspection, outbox_entry
from tests.faults import (
    FaultProxy,
    check_delivery,
    fast_client,
    make_worker,
    new_case,
    reply,
    wait_until,
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


def test_drain_sends_photos_first_then_exact_bytes(server: Any, store: Store,
                                                   proxy: FaultProxy) -> None:
    rng = random.Random(5)
    ids = [complete_inspection(store, new_case(server, n), rng=rng, photos=2) for n in range(3)]
    worker = make_worker(store, fast_client(proxy.url))
    report = worker.drain_once()
    assert (report.sent, report.attention, report.retried) == (3, 0, 0)
    d = check_delivery(server.store, store, ids, expect_total=3)
    assert d.delivered == 3 and not d.lost and not d.problems
    # Photos of each inspection reach the server before its result.
    order = [(s.method, s.path) for s in proxy.seen]
    for iid in ids:
        photo_idx = [i for i, (m, p) in enumerate(order) if f"/inspections/{iid}/photos/" in p]
        result_idx = [i for i, (m, p) in enumerate(order) if p.endswith(f"/inspections/{iid}")]
        assert len(photo_idx) == 2 and len(result_idx) == 1
        assert max(photo_idx) < result_idx[0]
    assert all(outbox_entry(store, i).state == OutboxState.SENT for i in ids)
    assert server.store.get_inspection_station(ids[0]) == "BENCH-T"


def test_retry_sends_identical_bytes(server: Any, store: Store, proxy: FaultProxy) -> None:
    iid = complete_inspection(store, new_case(server, 1), rng=random.Random(1), photos=1)
    stored = store.result_payload(iid)
    bodies: list[bytes] = []
    proxy.add("PUT", rf"/inspections/{iid}$", reply(500, b'{"error":"internal"}'), times=2)
    client = fast_client(proxy.url)
    original = client.put_inspection

    def spy(inspection_id: str, payload: bytes) -> Any:
        bodies.append(payload)
        return original(inspection_id, payload)

    client.put_inspection = spy
    worker = make_worker(store, client)
    for _ in range(3):
        wait_until(lambda: (store.next_due_at() or utcnow()) <= utcnow(), 2)
        worker.drain_once()
    assert outbox_entry(store, iid).state == OutboxState.SENT
    assert len(bodies) == 3 and all(b == stored for b in bodies)
    assert server.store.get_inspection_bytes(iid) == stored


def test_permanent_conflict_keeps_reason_and_queue_goes_on(server: Any, store: Store) -> None:
    rng = random.Random(2)
    closed = new_case(server, 1)
    server.store.set_case_status(closed.case_id, "closed")
    bad = complete_inspection(store, closed, rng=rng)
    good = complete_inspection(store, new_case(server, 2), rng=rng)
    report = make_worker(store, fast_client(server.url)).drain_once()
    assert (report.sent, report.attention) == (1, 1)
    item = store.outbox_item(bad)
    assert item is not None and item.state == OutboxState.ATTENTION
    assert item.attention_reason and "409" in item.attention_reason
    assert "case_closed" in item.attention_reason
    assert store.result_payload(bad) is not None  # kept
    assert server.store.get_inspection_bytes(good) == store.result_payload(good)


def test_missing_photos_are_uploaded_again(server: Any, store: Store,
                                           proxy: FaultProxy) -> None:
    """A proxy acknowledges a photo the server never got: 422 missing_photos, then re-upload."""
    iid = complete_inspection(store, new_case(server, 1), rng=random.Random(3), photos=2)
    lost = store.result_photos(iid)[0]
    ack = json.dumps({"photo_id": lost.photo_id, "sha256": lost.sha256}).encode()
    proxy.add("PUT", rf"/photos/{lost.photo_id}$", reply(201, ack), times=1)
    report = make_worker(store, fast_client(proxy.url)).drain_once()
    assert report.sent == 1
    assert proxy.count("PUT", rf"/inspections/{iid}$") == 2  # 422, then 201
    assert proxy.count("PUT", rf"/photos/{lost.photo_id}$") == 2
    d = check_delivery(server.store, store, [iid], expect_total=1)
    assert d.delivered == 1 and not d.problems


def test_photo_changed_on_disk_needs_attention(server: Any, store: Store) -> None:
    iid = complete_inspection(store, new_case(server, 1), rng=random.Random(3), photos=1)
    photo = store.result_photos(iid)[0]
    store.photo_file(photo.photo_id).write_bytes(b"\xff\xd8\xff" + b"tampered")
    report = make_worker(store, fast_client(server.url)).drain_once()
    assert report.attention == 1
    item = store.outbox_item(iid)
    assert item is not None and "SHA-256" in (item.attention_reason or "")
    assert server.store.count_photos() == 0 and server.store.count_inspections() == 0


def test_result_bytes_edited_in_the_database_are_never_sent(server: Any, store: Store) -> None:
    """Someone edits the stored JSON after completion (same length, valid JSON): the
    recorded SHA-256 no longer matches, so the item needs attention and nothing leaves."""
    from sqlalchemy import text

    iid = complete_inspection(store, new_case(server, 1), rng=random.Random(4), photos=1)
    payload = store.result_payload(iid)
    assert payload is not None and b'"classification"' in payload
    forged = payload.replace(b'"classification"', b'"classificatioN"', 1)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE results SET payload = :p WHERE inspection_id = :i"),
                     {"p": forged, "i": iid})
    report = make_worker(store, fast_client(server.url)).drain_once()
    assert report.attention == 1 and report.sent == 0
    item = store.outbox_item(iid)
    assert item is not None and item.state == OutboxState.ATTENTION
    assert "result changed on disk" in (item.attention_reason or "")
    assert server.store.count_inspections() == 0 and server.store.count_photos() == 0


def test_401_pauses_queue_and_token_change_resumes(server: Any, store: Store) -> None:
    rng = random.Random(4)
    ids = [complete_inspection(store, new_case(server, n), rng=rng) for n in range(2)]
    token = {"value": "wrong-token"}
    worker = make_worker(store, fast_client(server.url, lambda: token["value"]))
    seen: list[SyncSnapshot] = []
    worker.status.subscribe(seen.append)
    worker.start()
    try:
        assert wait_until(lambda: worker.paused_for_auth, 5)
        assert worker.status.snapshot.paused_for_auth
        assert all(outbox_entry(store, i).state == OutboxState.PENDING
                   for i in ids)
        assert server.store.count_inspections() == 0
        token["value"] = "demo-token"  # fixed in the settings screen: no restart, no click
        assert wait_until(lambda: store.queue_counts().pending == 0, 10)
    finally:
        worker.stop()
    assert not worker.status.snapshot.paused_for_auth
    assert any(s.paused_for_auth for s in seen) and not seen[-1].paused_for_auth
    assert check_delivery(server.store, store, ids, expect_total=2).delivered == 2


def test_403_pauses_until_resumed(server: Any, store: Store) -> None:
    iid = complete_inspection(store, new_case(server, 1), rng=random.Random(4))
    server.set_tokens(["demo-token"], disabled=["demo-token"])
    worker = make_worker(store, fast_client(server.url), auth_recheck=3600)
    report = worker.drain_once()
    assert report.paused and worker.paused_for_auth
    assert "station_disabled" in (worker.status.snapshot.auth_reason or "")
    assert worker.drain_once().sent == 0  # paused: nothing is tried
    server.set_tokens(["demo-token"])
    worker.resume()
    assert worker.drain_once().sent == 1
    assert server.store.get_inspection_bytes(iid) == store.result_payload(iid)


def test_unverified_inspection_is_resolved_before_upload(server: Any, store: Store) -> None:
    case = new_case(server, 7, lines=1)
    iid = complete_inspection(store, None, rng=random.Random(6), scanned_code=" rma-2099-0000007 ")
    assert store.result_payload(iid) is None
    report = make_worker(store, fast_client(server.url)).drain_once()
    assert report.sent == 1
    stored = server.store.get_inspection(iid)
    assert stored is not None and stored["case_id"] == case.case_id and stored["line_id"] == "L1"
    assert server.store.get_inspection_bytes(iid) == store.result_payload(iid)
    assert store.cached_case("RMA-2099-0000007") is not None


def test_unverified_picks_line_by_category(server: Any, store: Store) -> None:
    doc_case = new_case(server, 8, lines=1)
    other = dict(json.loads(json.dumps(doc_case.to_api())))
    other["case_id"], other["rma"] = "C-T900008", "RMA-2099-0900008"
    other["order_id"] = "SO-MIX"
    other["tracking_numbers"] = ["TTMIX"]
    other["items"] = [dict(other["items"][0], line_id="L1", category="phones_tablets"),
                      dict(other["items"][0], line_id="L2", category="audio")]
    server.store.add_case(other)
    iid = complete_inspection(store, None, rng=random.Random(6), scanned_code="TTMIX",
                              category="audio")
    assert make_worker(store, fast_client(server.url)).drain_once().sent == 1
    assert server.store.get_inspection(iid)["line_id"] == "L2"


def test_unverified_unknown_code_needs_attention(server: Any, store: Store) -> None:
    new_case(server, 1)
    iid = complete_inspection(store, None, rng=random.Random(6), scanned_code="RMA-0000-0000000")
    report = make_worker(store, fast_client(server.url)).drain_once()
    assert report.attention == 1
    item = store.outbox_item(iid)
    assert item is not None and item.state == OutboxState.ATTENTION
    assert "RMA-0000-0000000" in (item.attention_reason or "")
    assert server.store.count_inspections() == 0


def test_unverified_ambiguous_code_needs_attention(server: Any, store: Store) -> None:
    for n in (1, 2):
        doc = new_case(server, n).to_api()
        del doc  # both cases share no order; add a third pair that does
    a = {**new_case(server, 3).to_api()}
    a.update(case_id="C-T800001", rma="RMA-2099-0800001", order_id="SO-SHARED",
             tracking_numbers=["TTA"])
    b = {**a, "case_id": "C-T800002", "rma": "RMA-2099-0800002", "tracking_numbers": ["TTB"]}
    server.store.add_case(a)
    server.store.add_case(b)
    iid = complete_inspection(store, None, rng=random.Random(6), scanned_code="SO-SHARED")
    assert make_worker(store, fast_client(server.url)).drain_once().attention == 1
    reason = outbox_entry(store, iid).attention_reason or ""
    assert "RMA-2099-0800001" in reason and "RMA-2099-0800002" in reason


def test_worker_drains_after_restart_without_anyone(server: Any, tmp_path: Path) -> None:
    first = Store(tmp_path / "st.db", tmp_path / "ph")
    ids = [complete_inspection(first, new_case(server, n), rng=random.Random(n)) for n in range(3)]
    first.close()
    again = Store(tmp_path / "st.db", tmp_path / "ph")  # the app started again
    worker = make_worker(again, fast_client(server.url))
    worker.start()
    try:
        assert wait_until(lambda: again.queue_counts().pending == 0, 10)
    finally:
        worker.stop()
    assert check_delivery(server.store, again, ids, expect_total=3).delivered == 3
    again.close()


def test_worker_survives_a_store_hiccup_at_start(server: Any, store: Store,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A locked or briefly unreadable database when the thread starts must not end the
    thread: the queue would then never drain by itself."""
    iid = complete_inspection(store, new_case(server, 1), rng=random.Random(1))
    real = store.queue_counts
    calls = {"n": 0}

    def flaky() -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise StoreError("The station database refused a change: database is locked")
        return real()

    monkeypatch.setattr(store, "queue_counts", flaky)
    worker = make_worker(store, fast_client(server.url))
    worker.start()
    try:
        assert wait_until(lambda: outbox_entry(store, iid).state == OutboxState.SENT,
                          10)
    finally:
        worker.stop()


def test_network_back_drains_by_itself(server: Any, store: Store, proxy: FaultProxy) -> None:
    proxy.refuse()
    ids = [complete_inspection(store, new_case(server, n), rng=random.Random(n)) for n in range(2)]
    snaps: list[SyncSnapshot] = []
    worker = make_worker(store, fast_client(proxy.url))
    worker.status.subscribe(snaps.append)
    worker.start()
    try:
        assert wait_until(lambda: worker.status.snapshot.online is False, 5)
        assert store.queue_counts().pending == 2
        proxy.accept_again()
        assert wait_until(lambda: store.queue_counts().pending == 0, 10)
        assert worker.status.snapshot.online is True
    finally:
        worker.stop()
    assert check_delivery(server.store, store, ids, expect_total=2).delivered == 2
    assert any(s.online is False for s in snaps)
    assert snaps[-1].queue_depth == 0 and snaps[-1].last_success_at is not None


def test_status_counts_and_age(server: Any, store: Store) -> None:
    complete_inspection(store, new_case(server, 1), rng=random.Random(1))
    worker = make_worker(store, fast_client(server.url))
    snap = worker.status.refresh_counts(store)
    assert snap.queue_depth == 1 and snap.oldest_pending_at is not None
    age = snap.oldest_pending_age_s(utcnow() + timedelta(seconds=90))
    assert age is not None and 89 <= age <= 100
    data = snap.to_json()
    assert data["queue_depth"] == 1 and data["needs_attention"] == 0
    worker.drain_once()
    assert worker.status.snapshot.queue_depth == 0
    assert worker.status.snapshot.oldest_pending_at is None


def test_backoff_full_jitter_and_retry_after_floor() -> None:
    b = Backoff(base=2.0, cap=300.0)
    rng = random.Random(0)
    for attempt in range(12):
        ceiling = min(300.0, 2.0 * 2 ** attempt)
        delays = [b.delay(attempt, rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # jitter spans the range, not a fixed step
    assert all(b.delay(0, rng, retry_after=120.0) >= 120.0 for _ in range(50))
    assert b.delay(40, rng) <= 300.0
    same = [Backoff().delay(3, random.Random(7)) for _ in range(2)]
    assert same[0] == same[1]  # injectable RNG: reproducible


def test_retention_purges_only_confirmed_and_old(server: Any, store: Store) -> None:
    rng = random.Random(9)
    sent = complete_inspection(store, new_case(server, 1), rng=rng, photos=2)
    closed = new_case(server, 2)
    server.store.set_case_status(closed.case_id, "closed")
    attention = complete_inspection(store, closed, rng=rng)
    worker = make_worker(store, fast_client(server.url))
    worker.drain_once()
    pending = complete_inspection(store, new_case(server, 3), rng=rng)  # never sent
    photo_files = [store.photo_file(p.photo_id) for p in store.result_photos(sent)]
    assert all(f.exists() for f in photo_files)

    clock = {"now": utcnow() + timedelta(days=29)}
    w = make_worker(store, fast_client(server.url), clock=lambda: clock["now"],
                    retention_days=30)
    assert w.retention.maybe_purge() == 0  # 29 days: kept
    assert store.result_payload(sent) is not None
    clock["now"] += timedelta(hours=12)
    assert w.retention.maybe_purge() is None  # once a day, not on every turn
    clock["now"] = utcnow() + timedelta(days=31)
    assert w.retention.maybe_purge() == 1
    assert store.result_payload(sent) is None and not any(f.exists() for f in photo_files)
    clock["now"] = utcnow() + timedelta(days=4000)  # whatever their age
    assert w.retention.purge_now() == 0
    assert outbox_entry(store, attention).state == OutboxState.ATTENTION
    assert outbox_entry(store, pending).state == OutboxState.PENDING
    assert store.result_payload(pending) is not None
    assert all(store.photo_file(p.photo_id).exists() for p in store.result_photos(pending))


def test_photo_sha_header_matches_bytes(server: Any, store: Store, proxy: FaultProxy) -> None:
    iid = complete_inspection(store, new_case(server, 1), rng=random.Random(1), photos=3,
                              photo_size=300_000)
    make_worker(store, fast_client(proxy.url)).drain_once()
    for p in store.result_photos(iid):
        remote = server.store.get_photo(iid, p.photo_id)
        assert remote is not None
        assert hashlib.sha256(remote.data).hexdigest() == p.sha256
        assert remote.data == store.photo_bytes(p.photo_id)
