"""Test helpers for sync: a fault-injecting HTTP proxy, and completed inspections to send.

`FaultProxy` sits on 127.0.0.1 in front of the reference server and, per request
matched by method and path, can: answer instead of the server (500/503/429 with
Retry-After, HTML, truncated or wrongly typed JSON), forward and then drop the
connection without answering (the server has committed), reset the connection,
trickle the answer one byte at a time, hold the answer (to kill the station
mid-upload), refuse connections altogether, or serve TLS with a given certificate.
Used by tests/test_sync_*.py and the sync benchmarks.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import re
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from app.domain import (
    Case,
)
from app.store.store import Store
from tests.builders import case_doc

# --- faults ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """What the proxy does with one request.

    kind: "reply" (answer `raw`), "drop" (close without answering), "reset" (RST),
    "trickle" (relay the real answer `rate` bytes/s), "truncate" (relay half the
    answer then close), "hold" (wait on `release`, then close without answering).
    `forward`: send the request to the server first (so it commits), then misbehave.
    """

    kind: str
    forward: bool = False
    raw: bytes = b""
    rate: float = 1.0
    release: threading.Event | None = None


def http_response(status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                  content_type: str = "application/json", *,
                  content_length: int | None = None) -> bytes:
    reason = {200: "OK", 201: "Created", 408: "Request Timeout", 429: "Too Many Requests",
              500: "Internal Server Error", 502: "Bad Gateway",
              503: "Service Unavailable"}.get(status, "Status")
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}",
             f"Content-Length: {len(body) if content_length is None else content_length}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None,
          content_type: str = "application/json", *, forward: bool = False,
          content_length: int | None = None) -> Fault:
    return Fault("reply", forward=forward,
                 raw=http_response(status, body, headers, content_type,
                                   content_length=content_length))


def retry_after_seconds(status: int, seconds: int) -> Fault:
    return reply(status, b'{"error":"busy"}', {"Retry-After": str(seconds)})


def retry_after_date(status: int, seconds: int, *, server_skew: float = -3600.0) -> Fault:
    """Retry-After as an HTTP date, with the server's clock `server_skew` s off ours.

    The station must read it against the response's Date header, not its own clock:
    with a server clock an hour behind, reading it against the station clock would
    mean "retry now" and the wait would be lost.
    """
    server_now = datetime.now(UTC) + timedelta(seconds=server_skew)
    return reply(status, b'{"error":"busy"}', {
        "Date": format_datetime(server_now, usegmt=True),
        "Retry-After": format_datetime(server_now + timedelta(seconds=seconds), usegmt=True),
    })


HTML_502 = reply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                 content_type="text/html")
HTML_200 = reply(200, b"<html><body>Welcome to nginx!</body></html>", content_type="text/html")


@dataclass
class Rule:
    method: str
    pattern: re.Pattern[str]
    fault: Fault
    times: int | None  # None: for ever


@dataclass
class Seen:
    method: str
    path: str
    fault: str  # "pass" or the fault kind
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    at: float = field(default_factory=time.monotonic)


# --- HTTP plumbing -----------------------------------------------------------------------------


def _read_message(f: Any) -> tuple[bytes, bytes] | None:
    """(head, body) of one HTTP message with a Content-Length (or none); None at EOF."""
    head = b""
    while True:
        line = f.readline(65537)
        if not line:
            return None if not head else (head, b"")
        head += line
        if line in (b"\r\n", b"\n"):
            break
    m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    length = int(m.group(1)) if m else 0
    body = f.read(length) if length else b""
    return head, body


def _headers(head: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


def _status_of(head: bytes) -> int | None:
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return int(m.group(1)) if m else None


def _rst(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class FaultProxy:
    """A threaded loopback proxy; `url` mirrors the upstream base URL through the proxy."""

    def __init__(self, upstream_url: str, *, ssl_context: ssl.SSLContext | None = None,
                 host_in_url: str = "127.0.0.1") -> None:
        m = re.match(r"^http://([^:/]+):(\d+)(/.*)?$", upstream_url)
        if not m:
            raise ValueError(f"upstream must be http://host:port/...: {upstream_url}")
        self.upstream = (m.group(1), int(m.group(2)))
        self.prefix = m.group(3) or ""
        self.ssl_context = ssl_context
        self.rules: list[Rule] = []
        self.seen: list[Seen] = []
        self.random_faults: tuple[random.Random, float, list[Fault]] | None = None
        self.random_methods: tuple[str, ...] | None = None
        self.held = threading.Event()
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self._accepting = threading.Event()
        self._listener: socket.socket | None = None
        self.port = 0
        self._bind()
        scheme = "https" if ssl_context else "http"
        self.url = f"{scheme}://{host_in_url}:{self.port}{self.prefix}"
        self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True,
                                               name="fault-proxy")
        self._accept_thread.start()

    # --- switches ----------------------------------------------------------------------------

    def add(self, method: str, path_regex: str, fault: Fault, times: int | None = 1) -> None:
        with self._lock:
            self.rules.append(Rule(method.upper(), re.compile(path_regex), fault, times))

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.random_faults = None

    def set_random(self, seed: int, rate: float, faults: list[Fault],
                   methods: tuple[str, ...] | None = None) -> None:
        """Fault a share `rate` of the requests (of `methods` only, when given)."""
        with self._lock:
            self.random_faults = (random.Random(seed), rate, faults)
            self.random_methods = methods

    def refuse(self) -> None:
        """Close the listening socket (connection refused) and cut open connections."""
        self._accepting.clear()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self.cut_connections()

    def accept_again(self) -> None:
        self._bind(self.port)

    def cut_connections(self) -> None:
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)

    def count(self, method: str, path_regex: str, fault: str | None = None) -> int:
        rx = re.compile(path_regex)
        with self._lock:
            return sum(1 for s in self.seen if s.method == method and rx.search(s.path)
                       and (fault is None or s.fault == fault))

    def stop(self) -> None:
        self._stopped.set()
        self.refuse()
        self._accept_thread.join(5)
        for t in list(self._threads):
            t.join(5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- internals ---------------------------------------------------------------------------

    def _bind(self, port: int = 0) -> None:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(64)
        s.settimeout(0.05)
        self.port = s.getsockname()[1]
        self._listener = s
        self._accepting.set()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            listener = self._listener
            if listener is None or not self._accepting.is_set():
                time.sleep(0.02)
                continue
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(None)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True,
                                 name="fault-proxy-conn")
            with self._lock:
                self._conns.add(conn)
                self._threads = [x for x in self._threads if x.is_alive()] + [t]
            t.start()

    def _pick(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for rule in self.rules:
                if rule.method == method and rule.pattern.search(path):
                    if rule.times is not None:
                        rule.times -= 1
                        if rule.times <= 0:
                            self.rules.remove(rule)
                    return rule.fault
            if self.random_faults is not None and (
                    self.random_methods is None or method in self.random_methods):
                rng, rate, faults = self.random_faults
                if rng.random() < rate:
                    return rng.choice(faults)
        return None

    def _forward(self, head: bytes, body: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=30) as up:
            up.sendall(head + body)
            f = up.makefile("rb")
            msg = _read_message(f)
            if msg is None:
                raise ConnectionError("upstream closed")
            return msg[0] + msg[1]

    def _serve(self, raw_conn: socket.socket) -> None:
        conn: socket.socket = raw_conn
        try:
            if self.ssl_context is not None:
                conn = self.ssl_context.wrap_socket(raw_conn, server_side=True)
                with self._lock:
                    self._conns.add(conn)
            f = conn.makefile("rb")
            while not self._stopped.is_set():
                msg = _read_message(f)
                if msg is None:
                    return
                head, body = msg
                first = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                method, path = first[0], first[1] if len(first) > 1 else "/"
                fault = self._pick(method, path)
                seen = Seen(method, path, fault.kind if fault else "pass",
                            headers=_headers(head))
                with self._lock:
                    self.seen.append(seen)
                if fault is None:
                    answer = self._forward(head, body)
                    seen.status = _status_of(answer)
                    conn.sendall(answer)
                    continue
                answer = self._forward(head, body) if fault.forward else b""
                if fault.kind == "reply":
                    seen.status = _status_of(fault.raw)
                    conn.sendall(fault.raw)
                    if b"Content-Length: " in fault.raw and not _complete(fault.raw):
                        return  # a truncated canned answer: close after it
                    continue
                if fault.kind == "drop":
                    return
                if fault.kind == "reset":
                    _rst(conn)
                    return
                if fault.kind == "truncate":
                    conn.sendall(answer[: max(1, len(answer) - max(1, len(answer) // 3))])
                    return
                if fault.kind == "trickle":
                    for i in range(len(answer)):
                        conn.sendall(answer[i:i + 1])
                        if self._stopped.wait(1.0 / fault.rate):
                            return
                    continue
                if fault.kind == "hold":
                    self.held.set()
                    if fault.release is not None:
                        fault.release.wait(60)
                    return
                raise ValueError(f"unknown fault {fault.kind}")
        except (OSError, ssl.SSLError, ConnectionError, ValueError):
            return
        finally:
            with self._lock:
                self._conns.discard(conn)
                self._conns.discard(raw_conn)
            with contextlib.suppress(OSError):
                conn.close()


def _complete(raw: bytes) -> bool:
    head, _, body = raw.partition(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return m is None or int(m.group(1)) == len(body)


# --- completed inspections ---------------------------------------------------------------------


@dataclass
class Delivery:
    delivered: int = 0
    duplicates: int = 0
    lost: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def check_delivery(server_store: Any, store: Store, ids: list[str],
                   expect_total: int | None = None) -> Delivery:
    """Each id on the server once, with the exact stored bytes and byte-identical photos."""
    out = Delivery()
    server_ids = server_store.inspection_ids()
    out.duplicates = len(server_ids) - len(set(server_ids))
    if expect_total is not None and len(server_ids) != expect_total:
        out.problems.append(f"server holds {len(server_ids)} results, expected {expect_total}")
    for iid in ids:
        raw = server_store.get_inspection_bytes(iid)
        if raw is None:
            out.lost.append(iid)
            continue
        out.delivered += 1
        local = store.result_payload(iid)
        if raw != local:
            out.problems.append(f"{iid}: server bytes differ from the stored payload")
        for photo in store.result_photos(iid):
            remote = server_store.get_photo(iid, photo.photo_id)
            if remote is None:
                out.problems.append(f"{iid}: photo {photo.photo_id} missing on the server")
                continue
            data = store.photo_bytes(photo.photo_id)
            if hashlib.sha256(remote.data).hexdigest() != hashlib.sha256(data).hexdigest():
                out.problems.append(f"{iid}: photo {photo.photo_id} differs")
    return out


def wait_until(predicate: Callable[[], bool], timeout: float = 15.0,
               interval: float = 0.02) -> bool:
    """Poll with a deadline (no sleeping to pass)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@contextlib.contextmanager
def temp_cwd_free_port() -> Iterator[int]:
    """A port nobody listens on (bound, then closed) for connection-refused tests."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    yield port


def photo_dir_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file())


# --- station side ------------------------------------------------------------------------------

TOKEN = "demo-token"


def new_case(server: Any, n: int, **kw: Any) -> Case:
    """Add case n to the reference server and return it as the station would look it up."""
    doc = case_doc(n, **kw)
    server.store.add_case(doc)
    return Case.from_api(doc)


def fast_client(url: str, token: Callable[[], str | None] | str = TOKEN, *,
                deadline: float = 5.0, ca_bundle: str = "", station_id: str = "BENCH-T") -> Any:
    """A client with test-sized timeouts (the production defaults are 5/20/30 s)."""
    from app.config import Settings
    from app.sync.client import CaseApiClient, Timeouts

    provider = token if callable(token) else (lambda: token)
    settings = Settings(station_id=station_id, ca_bundle=ca_bundle)
    return CaseApiClient(settings, provider, base_url=url,
                         timeouts=Timeouts(connect=2.0, read=3.0, deadline=deadline))


def make_worker(store: Store, client: Any, *, seed: int = 1, **kw: Any) -> Any:
    """An outbox worker with a tiny backoff cap so fault tests stay fast."""
    from app.sync.backoff import Backoff
    from app.sync.outbox import OutboxWorker

    params: dict[str, Any] = {"rng": random.Random(seed), "backoff": Backoff(base=0.01, cap=0.05),
                              "probe_interval": 0.05, "auth_poll": 0.05, "idle_wait": 0.5}
    params.update(kw)
    return OutboxWorker(store, client, **params)


def deliver_exactly_once(store: Store, server: Any, inspection_id: str) -> dict[str, Any]:
    """Drain the outbox to the reference server: the result arrives once, then nothing more."""
    worker = make_worker(store, fast_client(server.url))
    assert worker.drain_once().sent == 1
    assert worker.drain_once().sent == 0  # nothing left: sent exactly once
    assert server.store.count_inspections() == 1
    stored = server.store.get_inspection(inspection_id)
    assert stored is not None
    return dict(stored)
