"""The deadline of one HTTP call, enforced under requests: a watchdog thread shuts the
call's sockets down when its time is up (unblocking any recv/send), so a server trickling
one byte a second cannot hold a call for ever; and the urllib3 adapter whose connections
report to the watch of the calling thread (no retries inside urllib3: the outbox retries).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_tls = threading.local()


class Watch:
    """Shuts down the sockets of one call when its deadline passes (unblocks any recv/send)."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self.cancelled = False
        self.when = time.monotonic() + seconds
        self._conns: list[HTTPConnection] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        _WATCHDOG.schedule(self)

    def attach(self, conn: HTTPConnection) -> None:
        with self._lock:
            self._conns.append(conn)
            if self.expired:
                _shutdown(conn)

    def expire(self) -> None:
        with self._lock:
            if self.cancelled:
                return
            self.expired = True
            for conn in self._conns:
                _shutdown(conn)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            self._conns.clear()


class _Watchdog:
    """One daemon thread for every deadline (a Timer thread per call costs ~1 ms)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watch]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def schedule(self, watch: Watch) -> None:
        with self._cond:
            heapq.heappush(self._heap, (watch.when, next(self._seq), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="http-deadlines",
                                                daemon=True)
                self._thread.start()
            if self._heap[0][2] is watch:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            due: list[Watch] = []
            with self._cond:
                while self._heap and (self._heap[0][2].cancelled
                                      or self._heap[0][0] <= time.monotonic()):
                    due.append(heapq.heappop(self._heap)[2])
                if not due:
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                    continue
            for watch in due:
                watch.expire()


_WATCHDOG = _Watchdog()


def watching(seconds: float) -> Watch:
    """Start a watch over the calls this thread makes until `unwatch(watch)`."""
    watch = Watch(seconds)
    _tls.watch = watch
    watch.start()
    return watch


def unwatch(watch: Watch) -> None:
    watch.cancel()
    _tls.watch = None



def _shutdown(conn: HTTPConnection) -> None:
    sock = getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _attach_current(conn: HTTPConnection) -> None:
    watch: Watch | None = getattr(_tls, "watch", None)
    if watch is not None:
        watch.attach(conn)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _attach_current(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach_current(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The watched connect/request run first, then HTTPSConnection's own (the MRO)."""


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class WatchedAdapter(HTTPAdapter):
    """No retries inside urllib3 (the outbox alone retries); watched connections.

    The pool keeps a connection for each item the outbox has in flight, plus a /health
    probe and a lookup, so none is opened and thrown away per call.
    """

    def __init__(self) -> None:
        super().__init__(max_retries=0, pool_connections=2, pool_maxsize=8)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

