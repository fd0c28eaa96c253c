"""Sync status for the GUI and `sync --status`: online, queue depth, oldest item, attention.

Thread-safe. `subscribe(callback)` is called with the new snapshot on every
change, from whichever thread made it (the GUI adapter re-emits it as a Qt signal).

The status also watches requests in flight (the client reports each start and end), so
a request that hangs shows as "no answer for N s" instead of the last known "online":
`connection_state()` is the one rule the status line follows.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from app.domain import format_ts, utcnow

log = logging.getLogger("station.sync.status")

HANG_AFTER_S = 10.0  # a request unanswered this long is told as "no answer for N s"


@dataclass(frozen=True, slots=True)
class SyncSnapshot:
    online: bool | None = None  # None: not tried yet
    queue_depth: int = 0
    oldest_pending_at: datetime | None = None
    needs_attention: int = 0
    last_success_at: datetime | None = None
    paused_for_auth: bool = False
    auth_reason: str | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None  # when the earliest pending item is tried next
    other_sender: bool = False  # another process holds this data folder's sender lock

    @property
    def unsent(self) -> int:
        """Every result not yet accepted by the server: waiting or needing attention."""
        return self.queue_depth + self.needs_attention

    def oldest_pending_age_s(self, now: datetime | None = None) -> float | None:
        if self.oldest_pending_at is None:
            return None
        return max(0.0, ((now or utcnow()) - self.oldest_pending_at).total_seconds())

    def to_json(self, now: datetime | None = None) -> dict[str, Any]:
        out = asdict(self)
        for key in ("oldest_pending_at", "last_success_at", "next_attempt_at"):
            value = out[key]
            out[key] = format_ts(value) if value is not None else None
        age = self.oldest_pending_age_s(now)
        out["oldest_pending_age_s"] = round(age, 1) if age is not None else None
        out["unsent"] = self.unsent
        return out


Listener = Callable[[SyncSnapshot], None]


class SyncStatus:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._snap = SyncSnapshot()
        self._listeners: list[Listener] = []
        self._clock = clock
        self._tickets = itertools.count()
        self._in_flight: dict[int, float] = {}  # ticket -> monotonic start
        self._last_answer = float("-inf")  # monotonic end of the latest request

    # --- requests in flight (called by the client, any thread) --------------------------------

    def request_started(self) -> int:
        with self._lock:
            ticket = next(self._tickets)
            self._in_flight[ticket] = self._clock()
            return ticket

    def request_ended(self, ticket: int) -> None:
        with self._lock:
            if self._in_flight.pop(ticket, None) is not None:
                self._last_answer = self._clock()

    def unanswered_for(self) -> float | None:
        """Seconds without an answer while a request is in flight; None when none is.

        Counted from the oldest request's start, or from the latest answer if one came
        since: with several items on the wire, one lost answer while the others come
        back is not a hang of the connection.
        """
        with self._lock:
            if not self._in_flight:
                return None
            since = max(min(self._in_flight.values()), self._last_answer)
            return max(0.0, self._clock() - since)

    def connection_state(self) -> tuple[str, float | None]:
        """("paused" | "no_answer" | "online" | "offline" | "connecting", seconds waited)."""
        snap = self.snapshot
        waited = self.unanswered_for()
        if snap.paused_for_auth:
            return "paused", None
        if waited is not None and waited >= HANG_AFTER_S:
            return "no_answer", waited
        if snap.online is True:
            return "online", None
        if snap.online is False:
            return "offline", None
        return "connecting", None

    @property
    def snapshot(self) -> SyncSnapshot:
        with self._lock:
            return self._snap

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it."""
        with self._lock:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return unsubscribe

    def update(self, **changes: Any) -> SyncSnapshot:
        with self._lock:
            new = replace(self._snap, **changes)
            if new == self._snap:
                return new
            self._snap = new
            listeners = list(self._listeners)
        for callback in listeners:  # outside the lock: a listener may read the status
            try:
                callback(new)
            except Exception:
                log.exception("sync status listener failed")
        return new

    def refresh_counts(self, store: Any) -> SyncSnapshot:
        """Queue depth, oldest pending and attention count from the store (`Store.queue_counts`)."""
        counts = store.queue_counts()
        return self.update(queue_depth=counts.pending, oldest_pending_at=counts.oldest_pending_at,
                           needs_attention=counts.attention,
                           next_attempt_at=counts.next_attempt_at,
                           last_success_at=counts.last_sent_at or self.snapshot.last_success_at)
