"""The sync status tells the truth: a real state soon after start, a hang shown as a hang,
and a queue count that includes every result not yet accepted."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.store.store import Store
from app.sync.status import HANG_AFTER_S, SyncStatus
from refserver import start_server
from tests.builders import complete_inspection
from tests.faults import (
    Fault,
    FaultProxy,
    fast_client,
    make_worker,
    new_case,
    temp_cwd_free_port,
    wait_until,
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_request_in_flight_turns_into_no_answer_after_ten_seconds() -> None:
    clock = FakeClock()
    status = SyncStatus(clock=clock)
    assert status.connection_state() == ("connecting", None)
    status.update(online=True)
    ticket = status.request_started()
    clock.now += HANG_AFTER_S - 0.1
    assert status.connection_state() == ("online", None)  # a slow answer is not a hang yet
    clock.now += 10.1
    state, waited = status.connection_state()
    assert state == "no_answer" and waited == pytest.approx(20.0)
    later = status.request_started()  # a second, newer request: the oldest one counts
    clock.now += 1
    assert status.connection_state()[1] == pytest.approx(21.0)
    status.request_ended(ticket)
    assert status.connection_state() == ("online", None)  # the newer one waited 1 s only
    status.request_ended(later)
    assert status.connection_state() == ("online", None)
    status.update(paused_for_auth=True)
    assert status.connection_state() == ("paused", None)


def test_the_client_reports_a_hanging_request_while_it_hangs(server: Any,
                                                              proxy: FaultProxy) -> None:
    release = threading.Event()
    proxy.add("GET", r"/health$", Fault("hold", release=release))
    status = SyncStatus()
    client = fast_client(proxy.url, deadline=60.0)
    client.activity = status
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.health()
        except Exception as exc:  # the held answer is dropped: a transient error
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    try:
        assert wait_until(lambda: status.unanswered_for() is not None)
    finally:
        release.set()
        thread.join(30)
        client.close()
    assert status.unanswered_for() is None and errors


def test_the_worker_asks_health_at_start_even_with_nothing_to_send(server: Any,
                                                                   store: Store) -> None:
    client = fast_client(server.url)
    worker = make_worker(store, client, idle_wait=60.0)
    worker.start()
    try:
        assert wait_until(lambda: worker.status.snapshot.online is True)
        assert worker.status.connection_state() == ("online", None)
    finally:
        worker.stop(10)
        client.close()


def test_an_unreachable_api_shows_offline_soon_after_start(store: Store) -> None:
    with temp_cwd_free_port() as port:
        client = fast_client(f"http://127.0.0.1:{port}/api/v1")
        worker = make_worker(store, client, idle_wait=60.0, probe_interval=60.0)
        worker.start()
        try:
            assert wait_until(lambda: worker.status.snapshot.online is False)
        finally:
            worker.stop(10)
            client.close()


def test_the_queue_counts_every_unsent_result_at_once(server: Any, store: Store) -> None:
    rng = random.Random(3)
    with temp_cwd_free_port() as port:  # offline: the worker sends nothing
        client = fast_client(f"http://127.0.0.1:{port}/api/v1")
        worker = make_worker(store, client, idle_wait=60.0, probe_interval=60.0)
        worker.start()
        try:
            assert wait_until(lambda: worker.status.snapshot.online is False)
            first = complete_inspection(store, new_case(server, 1), rng=rng)
            worker.wake()  # what the GUI does after a confirm
            assert worker.status.snapshot.unsent == 1
            store.mark_attention(first, "case closed")
            complete_inspection(store, new_case(server, 2), rng=rng)
            worker.wake()
            snap = worker.status.snapshot
            assert (snap.queue_depth, snap.needs_attention, snap.unsent) == (1, 1, 2)
            assert snap.to_json()["unsent"] == 2
        finally:
            worker.stop(10)
            client.close()
