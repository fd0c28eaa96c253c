"""`sync` and the outbox against a hostile server and a hostile clock (issue 12: 9, 12, 17, 22)."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import tests.test_sync_cli as test_sync_cli
from app.domain import utcnow
from app.filelock import FileLock
from app.paths import resolve_paths
from app.store.store import Store
from app.sync.__main__ import main
from app.sync.cli import sender_lock
from tests.builders import complete_inspection
from tests.faults import FaultProxy, fast_client, make_worker, new_case, reply

ROOT = Path(__file__).resolve().parent.parent
RESULT = r"/inspections/[0-9a-f-]{36}$"
# The same station, server and clean environment as the `sync` command's own tests.
server = test_sync_cli.server
clean_env = test_sync_cli.clean_env
station = test_sync_cli.station
ANSI = "\x1b[2J\x1b]0;owned\x07\x9b31m"


def test_sync_escapes_control_characters_in_server_reasons(
        tmp_path: Path, server: Any, proxy: FaultProxy,
        capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = station(tmp_path, proxy.url, server, n=1)
    body = json.dumps({"error": "conflict", "reason": ANSI + "case_closed"}).encode()
    proxy.add("PUT", RESULT, reply(409, body), times=None)
    assert main(["--data-dir", str(data), "sync", "--once"]) == 0
    out = capsys.readouterr().out
    assert "needs attention 1" in out and "case_closed" in out
    assert not any(ch in out for ch in "\x1b\x07\x9b")
    assert "\\u001b[2J" in out  # escaped, still readable for whoever reports it


def _sent_pending(out: str) -> tuple[int, int]:
    """The figures of `sync --once`'s "sent N, pending M" line."""
    found = re.search(r"sent (\d+), pending (\d+)", out)
    assert found, out
    return int(found.group(1)), int(found.group(2))


def test_retry_after_hold_survives_a_rerun_of_sync(tmp_path: Path, server: Any,
                                                   proxy: FaultProxy,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data, ids = station(tmp_path, proxy.url, server, n=2)
    proxy.add("PUT", RESULT, reply(503, b'{"error":"busy"}', {"Retry-After": "600"}), times=1)
    assert main(["--data-dir", str(data), "sync", "--once"]) == 1
    first = capsys.readouterr().out
    # Several items are on the wire at once: the other item may have been sent before the
    # 503 came back (or been stopped by it); either way the 503's item waits.
    sent, pending = _sent_pending(first)
    assert sent + pending == 2 and pending >= 1 and "next attempt at" in first, first
    puts = proxy.count("PUT", RESULT)
    # A new process: the server's 600 s still hold what waits; nothing new goes out.
    assert main(["--data-dir", str(data), "sync", "--once"]) == 1
    assert f"sent 0, pending {pending}" in capsys.readouterr().out
    assert server.store.count_inspections() == sent
    assert proxy.count("PUT", RESULT) == puts
    # The hold ends: the next run sends both.
    store = Store(resolve_paths(data).db_file, resolve_paths(data).photos_dir)
    try:
        with store._write() as s:  # the clock moved on 600 s
            from app.store.models import OutboxRow
            for row in s.query(OutboxRow).all():
                row.next_attempt_at = utcnow() - timedelta(seconds=1)
    finally:
        store.close()
    assert main(["--data-dir", str(data), "sync", "--once"]) == 0
    assert sorted(server.store.inspection_ids()) == sorted(ids)


def test_station_disabled_says_so_without_token_advice(
        tmp_path: Path, server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = station(tmp_path, server.url, server, n=1)
    server.set_tokens(["site-token"], disabled=["site-token"])
    assert main(["--data-dir", str(data), "sync"]) == 1
    err = capsys.readouterr().err
    assert "disabled on the server" in err
    assert "token" not in err.replace("site-token", "")
    assert main(["--data-dir", str(data), "sync", "--status"]) == 0
    out = capsys.readouterr().out
    assert "disabled on the server" in out and "store a valid" not in out


def test_garbage_answer_bytes_go_to_the_log_file_not_the_terminal(
        tmp_path: Path, server: Any, proxy: FaultProxy) -> None:
    data, _ = station(tmp_path, proxy.url, server, n=1)
    garbage = b"\x1b[31mGARBAGE-7f3a \xff\xfe not json"
    proxy.add("PUT", RESULT, reply(200, garbage), times=None)
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data), "sync",
                           "--once"], cwd=ROOT, capture_output=True, timeout=120, check=False,
                          env={**os.environ, "INSPECTION_STATION_DATA": ""})
    assert done.returncode == 1
    assert b"GARBAGE" not in done.stdout + done.stderr
    assert b"malformed" in done.stderr  # the terminal still hears that something was wrong
    log_text = (resolve_paths(data).log_dir / "station.log").read_text(encoding="utf-8")
    assert "GARBAGE-7f3a" in log_text


def test_a_disabled_station_resumes_within_30_s_of_being_enabled(
        server: Any, store: Store, proxy: FaultProxy) -> None:
    iid = complete_inspection(store, new_case(server, 1), rng=random.Random(4))
    server.set_tokens(["demo-token"], disabled=["demo-token"])
    clock = [1000.0]
    worker = make_worker(store, fast_client(proxy.url), auth_poll=5.0, auth_recheck=25.0,
                         monotonic=lambda: clock[0])
    assert worker.drain_once().paused
    probes = []
    for _ in range(40):  # 200 s paused: probes back off, up to 25 s apart
        clock[0] += 5.0
        before = proxy.count("GET", r"/health$")
        worker._step()
        if proxy.count("GET", r"/health$") > before:
            probes.append(clock[0])
    gaps = [b - a for a, b in itertools.pairwise(probes)]
    assert gaps[0] < gaps[-1] and max(gaps) <= 25.0 and len(probes) < 15
    assert worker.paused_for_auth
    server.set_tokens(["demo-token"])  # enabled again on the server
    lifted = clock[0]
    while worker.paused_for_auth and clock[0] - lifted <= 60.0:
        clock[0] += 5.0
        worker._step()
    assert not worker.paused_for_auth and clock[0] - lifted <= 30.0
    worker.drain_once()
    assert server.store.get_inspection_bytes(iid) == store.result_payload(iid)


@pytest.mark.parametrize(("failed_at", "then"), [
    (timedelta(0), timedelta(days=-1)),  # the clock is set back a day
    (timedelta(days=365), timedelta(0)),  # a year ahead, then corrected
])
def test_a_clock_jump_never_stalls_the_outbox(server: Any, store: Store, proxy: FaultProxy,
                                              failed_at: timedelta, then: timedelta) -> None:
    iid = complete_inspection(store, new_case(server, 2), rng=random.Random(2))
    now = [utcnow() + failed_at]
    worker = make_worker(store, fast_client(proxy.url, "site-token"), clock=lambda: now[0])
    proxy.add("PUT", RESULT, reply(500, b'{"error":"internal"}'), times=1)
    assert worker.drain_once().retried == 1
    now[0] = utcnow() + then
    assert worker.drain_once().sent == 0
    item = store.outbox_item(iid)
    assert item is not None and item.state == "pending"
    longest = timedelta(seconds=worker.backoff.cap)
    assert item.next_attempt_at <= now[0] + longest  # not a day, not a year
    assert worker.status.snapshot.next_attempt_at == item.next_attempt_at  # shown in the status
    now[0] += longest
    assert worker.drain_once().sent == 1
    assert server.store.get_inspection_bytes(iid) == store.result_payload(iid)


def test_a_second_sender_on_one_data_folder_says_another_is_active(
        tmp_path: Path, server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    data, ids = station(tmp_path, server.url, server, n=2)
    paths = resolve_paths(data)
    gui_store = Store(paths.db_file, paths.photos_dir)
    gui = make_worker(gui_store, fast_client(server.url, "site-token"),
                      sender_lock=sender_lock(paths))
    try:
        assert gui.sender_lock.acquire()  # the GUI's worker sends for this folder
        assert main(["--data-dir", str(data), "sync", "--once"]) == 1
        captured = capsys.readouterr()
        assert "another sender is active" in captured.err and str(os.getpid()) in captured.err
        assert "pending 2" in captured.out and server.store.count_inspections() == 0
        # ...and the other way round: while `sync` holds the lock the GUI's worker waits.
        gui.sender_lock.release()
        cli_lock = sender_lock(paths)
        assert cli_lock.acquire()
        assert gui._step() > 0 and gui.status.snapshot.other_sender
        assert server.store.count_inspections() == 0
        cli_lock.release()
        gui._step()
        assert not gui.status.snapshot.other_sender
        assert sorted(server.store.inspection_ids()) == sorted(ids)
    finally:
        gui.stop()
        gui_store.close()


def test_a_sender_lock_left_by_a_killed_process_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "sync.lock"
    code = ("import sys; from pathlib import Path; from app.filelock import FileLock; "
            f"lock = FileLock(Path({str(path)!r})); assert lock.acquire(); "
            "print('locked', flush=True); sys.stdin.read()")
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        assert not FileLock(path).acquire()  # held by a live process
        child.kill()
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=60)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
    assert path.exists()  # the dead process left its file behind...
    lock = FileLock(path)
    assert lock.acquire()  # ...and it blocks nobody
    lock.release()
