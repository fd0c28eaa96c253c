"""Several items on the wire (issue 17.3): a lost answer holds its own item, not the queue.

Against the real reference server behind the fault proxy; no timing thresholds: each
step waits for the state it needs (generous timeouts), the held answer is released by
the test.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.domain import Case, utcnow
from app.store.store import OutboxState, Store
from app.sync.client import AnswerTimes, CaseApiClient, Timeouts, Transient
from app.sync.outbox import DrainReport, OutboxWorker
from app.sync.status import HANG_AFTER_S, SyncStatus
from refserver import start_server
from tests.builders import case_doc, complete_inspection
from tests.faults import (
    Fault,
    FaultProxy,
    check_delivery,
    make_worker,
    new_case,
    wait_until,
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


def _patient_client(url: str) -> CaseApiClient:
    """Waits a minute for an answer: the test, not a timeout, ends the held one."""
    return CaseApiClient(Settings(station_id="BENCH-T"), lambda: "demo-token", base_url=url,
                         timeouts=Timeouts(connect=5.0, read=60.0, deadline=60.0))


def _three(server: Any, store: Store) -> list[str]:
    rng = random.Random(7)
    return [complete_inspection(store, new_case(server, n), rng=rng, photos=1) for n in range(3)]


def _state(store: Store, iid: str) -> str:
    item = store.outbox_item(iid)
    assert item is not None
    return str(item.state)


def _drain_until_sent(worker: OutboxWorker, store: Store, iid: str) -> None:
    for _ in range(50):
        if _state(store, iid) == OutboxState.SENT:
            return
        wait_until(lambda: (store.next_due_at() or utcnow()) <= utcnow(), 5)
        worker.drain_once()
    assert _state(store, iid) == OutboxState.SENT


def test_the_next_item_is_sent_while_one_awaits_its_answer(server: Any, store: Store,
                                                          proxy: FaultProxy) -> None:
    first, *others = _three(server, store)
    release = threading.Event()
    proxy.add("PUT", rf"/inspections/{first}$", Fault("hold", forward=True, release=release))
    worker = make_worker(store, _patient_client(proxy.url))
    offline_seen: list[bool] = []
    worker.status.subscribe(lambda snap: offline_seen.append(snap.online is False))
    reports: list[DrainReport] = []
    drain = threading.Thread(target=lambda: reports.append(worker.drain_once()))
    drain.start()
    try:
        # The first item's result reached the server (committed) and its answer is held...
        assert wait_until(proxy.held.is_set, 30)
        # ...while the two behind it are delivered and acknowledged.
        assert wait_until(lambda: all(_state(store, i) == OutboxState.SENT for i in others), 60)
        assert _state(store, first) == OutboxState.PENDING
        assert server.store.get_inspection_bytes(first) == store.result_payload(first)
    finally:
        release.set()  # the proxy closes the connection without ever answering
        drain.join(60)
    assert not drain.is_alive()
    assert (reports[0].sent, reports[0].retried, reports[0].offline) == (2, 1, False)
    assert not any(offline_seen)  # /health answered: the station never went offline
    assert proxy.count("GET", r"/health$") >= 1
    _drain_until_sent(worker, store, first)
    d = check_delivery(server.store, store, [first, *others], expect_total=3)
    assert d.delivered == 3 and d.duplicates == 0 and not d.problems


def test_a_lost_ack_leaves_the_queue_online_and_the_others_sent(server: Any, store: Store,
                                                               proxy: FaultProxy) -> None:
    first, *others = _three(server, store)
    proxy.add("PUT", rf"/inspections/{first}$", Fault("drop", forward=True))
    worker = make_worker(store, _patient_client(proxy.url))
    report = worker.drain_once()
    assert (report.sent, report.retried, report.offline) == (2, 1, False)
    assert worker.status.snapshot.online is True
    assert _state(store, first) == OutboxState.PENDING
    _drain_until_sent(worker, store, first)
    d = check_delivery(server.store, store, [first, *others], expect_total=3)
    assert d.delivered == 3 and d.duplicates == 0 and not d.problems
    assert proxy.count("PUT", rf"/inspections/{first}$") == 2  # the lost one, then "already there"


def test_a_dead_server_still_takes_the_queue_offline(server: Any, store: Store,
                                                     proxy: FaultProxy) -> None:
    """Only a failed /health probe means offline: then nothing more starts."""
    _three(server, store)
    proxy.refuse()
    worker = make_worker(store, _patient_client(proxy.url), in_flight=2)
    report = worker.drain_once()
    assert report.offline and report.sent == 0
    assert worker.status.snapshot.online is False
    assert report.retried <= 2  # the two on the wire when it went down, no third


class _HoldingClient:
    """No network: item A's first photo gets a 503 with Retry-After while B's is on the wire."""

    def __init__(self, a: str) -> None:
        self.a = a
        self.calls: list[tuple[str, str]] = []
        self.activity: Any = None
        self.worker: OutboxWorker | None = None
        self.b_on_the_wire = threading.Event()  # A's 503 comes while B's photo travels
        self._lock = threading.Lock()

    def token(self) -> str:
        return "demo-token"

    def health(self) -> None:
        return None

    def put_photo(self, iid: str, photo_id: str, data: bytes, sha256: str, mime: str) -> None:
        with self._lock:
            self.calls.append((iid, "photo"))
        if iid == self.a:
            assert self.b_on_the_wire.wait(30)
            raise Transient("PUT photo: server answered 503", status=503, retry_after=60.0)
        self.b_on_the_wire.set()
        worker = self.worker
        assert worker is not None
        # B's upload is answered only once A's 503 has held the queue.
        assert wait_until(lambda: worker._monotonic() < worker._gate_until, 30)

    def put_inspection(self, iid: str, payload: bytes) -> None:
        with self._lock:
            self.calls.append((iid, "result"))
        raise AssertionError("no result may be sent while the server asks to wait")


def test_retry_after_stops_the_items_on_the_wire(store: Store) -> None:
    rng = random.Random(3)
    a, b = (complete_inspection(store, Case.from_api(case_doc(n)), rng=rng, photos=2)
            for n in range(2))
    client = _HoldingClient(a)
    worker = make_worker(store, client, in_flight=2)
    client.worker = worker
    before = store.outbox_item(b)
    report = worker.drain_once()
    assert report.sent == 0 and report.retried == 2
    # B sent its first photo (already on the wire), then stopped: no second photo, no result.
    assert sorted(client.calls) == sorted([(a, "photo"), (b, "photo")])
    after = store.outbox_item(b)
    assert before is not None and after is not None
    assert after.state == OutboxState.PENDING and after.attempts == before.attempts


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_one_unanswered_request_among_answered_ones_is_not_a_hang() -> None:
    clock = FakeClock()
    status = SyncStatus(clock=clock)
    status.update(online=True)
    status.request_started()  # its answer is lost
    for _ in range(4):  # the other items' requests keep coming back
        clock.now += HANG_AFTER_S / 2
        status.request_ended(status.request_started())
        assert status.connection_state() == ("online", None)
    clock.now += HANG_AFTER_S  # then nothing answers any more: a hang
    state, waited = status.connection_state()
    assert state == "no_answer" and waited == pytest.approx(HANG_AFTER_S)


def test_an_upload_waits_for_its_answer_as_long_as_recent_answers_suggest() -> None:
    """A lost answer holds its item seconds, not the whole read timeout; no history, the
    whole read timeout; a slow server's answers make the wait longer."""
    t = Timeouts(read=20.0, answer_floor=4.0, answer_factor=4.0)
    answers = AnswerTimes()
    assert answers.read_timeout(t) == 20.0
    answers.add(0.02)
    assert answers.read_timeout(t) == 4.0
    answers.add(3.0)
    assert answers.read_timeout(t) == 12.0
    answers.add(6.0)
    assert answers.read_timeout(t) == 20.0
    assert Timeouts().answer_floor == 4.0 and Timeouts().answer_factor == 4.0
