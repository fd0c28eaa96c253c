"""Sync status for the GUI and `sync --status`: online, queue depth, oldest item, attention.

Thread-safe. `subscribe(callback)` is called with the new snapshot on every
change, from whichever thread made it (the GUI adapter re-emits it as a Qt signal).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from app.domain import format_ts, utcnow

log = logging.getLogger("station.sync.status")


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
        return out


Listener = Callable[[SyncSnapshot], None]


class SyncStatus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snap = SyncSnapshot()
        self._listeners: list[Listener] = []

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
