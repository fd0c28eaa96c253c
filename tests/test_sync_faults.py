"""Exactly-once delivery under faults, against the real reference server behind a fault proxy.

Each scenario asserts: every completed inspection is on the server exactly once with
the exact stored bytes, photos byte-identical by SHA-256, nothing lost, and
needs-attention items keep the server's reason.
"""

from __future__ import annotations

import os
import random
import signal
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from app.config import Settings
from app.domain import Operator, Role
from app.paths import resolve_paths
from app.store.store import OutboxState, Store
from app.sync.token import store_token
from refserver import start_server
from tests.builders import complete_inspection
from tests.faults import (
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
    wait_until,
)

REPO = Path(__file__).resolve().parents[1]
RESULT = r"/inspections/[0-9a-f-]{36}$"
PHOTO = r"/inspections/[0-9a-f-]{36}/photos/"

LEAD = Operator("L1", "Lead", Role.SHIFT_LEAD, None)  # storing a token needs one


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


def queue(server: Any, store: Store, n: int = 3, *, closed: bool = True) -> tuple[list[str], str]:
    """n good inspections plus one for a closed case (it must end as needs-attention)."""
    rng = random.Random(n)
    ids = [complete_inspection(store, new_case(server, i), rng=rng, photos=2, photo_size=20_000)
           for i in range(n)]
    case = new_case(server, 900)
    server.store.set_case_status(case.case_id, "closed")
    bad = complete_inspection(store, case, rng=rng, photos=1) if closed else ""
    return ids, bad


def run_worker(store: Store, client: Any, timeout: float = 30.0, **kw: Any) -> None:
    worker = make_worker(store, client, **kw)
    worker.start()
    try:
        assert wait_until(lambda: store.queue_counts().pending == 0, timeout), \
            store.outbox_items(["pending"])
    finally:
        worker.stop()


def assert_exactly_once(server: Any, store: Store, ids: list[str], bad: str) -> None:
    d = check_delivery(server.store, store, ids, expect_total=len(ids))
    assert d.delivered == len(ids) and d.duplicates == 0
    assert not d.lost and not d.problems, d.problems
    if bad:
        item = store.outbox_item(bad)
        assert item is not None and item.state == OutboxState.ATTENTION
        assert "case_closed" in (item.attention_reason or "")
        assert store.result_payload(bad) is not None
        assert server.store.get_inspection_bytes(bad) is None


SCENARIOS = {
    "commit_then_drop_result": ("PUT", RESULT, Fault("drop", forward=True), 2),
    "commit_then_drop_photo": ("PUT", PHOTO, Fault("drop", forward=True), 2),
    "500_on_result": ("PUT", RESULT, reply(500, b'{"error":"internal"}'), 2),
    "500_after_commit": ("PUT", RESULT, reply(500, b'{"error":"internal"}', forward=True), 1),
    "html_502_on_photo": ("PUT", PHOTO, HTML_502, 2),
    "truncated_after_commit": ("PUT", RESULT, Fault("truncate", forward=True), 1),
    "truncated_json_body": ("PUT", RESULT, reply(201, b'{"inspection_id": "1b4e', forward=True), 1),
    "wrongly_typed_json": ("PUT", RESULT,
                           reply(201, b'{"inspection_id": 5, "received_at": []}', forward=True), 1),
    "reset_before": ("PUT", PHOTO, Fault("reset"), 2),
    "reset_after_commit": ("PUT", RESULT, Fault("reset", forward=True), 2),
    "408_on_photo": ("PUT", PHOTO, reply(408, b'{"error":"timeout"}'), 1),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_fault_scenario_exactly_once(name: str, server: Any, store: Store,
                                     proxy: FaultProxy) -> None:
    method, path, fault, times = SCENARIOS[name]
    ids, bad = queue(server, store)
    proxy.add(method, path, fault, times=times)
    run_worker(store, fast_client(proxy.url))
    assert proxy.count(method, path, fault.kind) == times  # the fault really happened
    assert_exactly_once(server, store, ids, bad)


@pytest.mark.parametrize("fault", [retry_after_seconds(503, 1), retry_after_seconds(429, 1),
                                   retry_after_date(429, 1), retry_after_date(503, 1)],
                         ids=["503-seconds", "429-seconds", "429-date", "503-date"])
def test_retry_after_is_honoured(fault: Fault, server: Any, store: Store,
                                 proxy: FaultProxy) -> None:
    """The next request waits at least Retry-After, read against the server's Date header
    (its clock here is an hour behind ours, so reading the date with ours means no wait)."""
    ids, bad = queue(server, store, n=2)
    proxy.add("PUT", PHOTO, fault, times=1)
    # One item at a time, so "the next request" is one the station sent knowing of the
    # wait (items already on the wire stop before their next request:
    # test_sync_inflight.py::test_retry_after_stops_the_items_on_the_wire).
    run_worker(store, fast_client(proxy.url), in_flight=1)
    faulted = [s for s in proxy.seen if s.fault == "reply"]
    assert len(faulted) == 1
    after = [s for s in proxy.seen if s.at > faulted[0].at]
    assert after and after[0].at - faulted[0].at >= 0.95
    assert_exactly_once(server, store, ids, bad)


def test_trickle_one_byte_per_second(server: Any, store: Store, proxy: FaultProxy) -> None:
    ids, bad = queue(server, store, n=2)
    proxy.add("PUT", RESULT, Fault("trickle", forward=True, rate=1.0), times=1)
    run_worker(store, fast_client(proxy.url, deadline=1.5))
    assert proxy.count("PUT", RESULT, "trickle") == 1
    assert_exactly_once(server, store, ids, bad)


def test_connection_refused_then_back(server: Any, store: Store, proxy: FaultProxy) -> None:
    ids, bad = queue(server, store, n=2)
    proxy.refuse()
    worker = make_worker(store, fast_client(proxy.url))
    worker.start()
    try:
        assert wait_until(lambda: worker.status.snapshot.online is False, 5)
        assert store.queue_counts().pending == 3
        item = store.outbox_items(["pending"])[0]
        iid = item.inspection_id
        assert wait_until(lambda: getattr(store.outbox_item(iid), "attempts", 0) >= 1, 5)
        proxy.accept_again()
        assert wait_until(lambda: store.queue_counts().pending == 0, 15)
    finally:
        worker.stop()
    assert_exactly_once(server, store, ids, bad)


def test_certificate_for_wrong_host(server: Any, store: Store, tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    def ctx(host: str) -> ssl.SSLContext:
        c = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(host).configure_cert(c)
        return c

    ids, bad = queue(server, store, n=2)
    with FaultProxy(server.url, ssl_context=ctx("wrong.example")) as wrong:
        worker = make_worker(store, fast_client(wrong.url, ca_bundle=str(ca_file)))
        report = worker.drain_once()
        assert report.sent == 0 and report.offline
        assert server.store.count_photos() == 0 and server.store.count_inspections() == 0
        pending = store.outbox_items(["pending"])
        assert len(pending) == 3 and any("TLS" in (p.last_error or "") for p in pending)
    with FaultProxy(server.url, ssl_context=ctx("127.0.0.1")) as right:  # the site fixed it
        store.touch_outbox_now()
        run_worker(store, fast_client(right.url, ca_bundle=str(ca_file)))
    assert_exactly_once(server, store, ids, bad)


@pytest.mark.parametrize("where", [PHOTO, RESULT], ids=["mid-photo", "after-result-commit"])
def test_sigkill_mid_upload_then_restart(where: str, server: Any, proxy: FaultProxy,
                                         tmp_path: Path) -> None:
    """The station process dies while the server has stored a request but not answered."""
    data = tmp_path / "station"
    paths = resolve_paths(data)
    paths.ensure()
    paths.config_file.write_text(f'api_base_url = "{proxy.url}"\ntoken_source = "file"\n')
    store_token("demo-token", Settings(token_source="file"), paths.token_file, by=LEAD)
    st = Store(paths.db_file, paths.photos_dir)
    ids, bad = queue(server, st, n=3)
    st.close()
    release = threading.Event()
    proxy.add("PUT", where, Fault("hold", forward=True, release=release), times=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTION_STATION_")}
    cmd = [sys.executable, "-m", "app.sync", "--data-dir", str(data), "sync"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        assert wait_until(proxy.held.is_set, 30), "the station never reached the held request"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    st = Store(paths.db_file, paths.photos_dir)
    try:
        assert st.queue_counts().pending >= 1  # the killed run left work behind
        again = subprocess.run([*cmd, "--once"], cwd=REPO, env=env, capture_output=True,
                               text=True, timeout=60)
        assert again.returncode == 0, again.stderr
        assert "pending 0, needs attention 1" in again.stdout
        assert_exactly_once(server, st, ids, bad)
    finally:
        st.close()
