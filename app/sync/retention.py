"""Retention: purge inspections the server confirmed more than N days ago, nothing else.

The station is not the archive (the central system keeps records for two years).
Only items in state `sent` are ever purged (Store.purge_confirmed selects on it),
so unsent and needs-attention items stay whatever their age.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from app.domain import utcnow
from app.store.store import Store

log = logging.getLogger("station.sync.retention")


class RetentionPurger:
    """Runs the purge at most once per `every` (the outbox worker calls `maybe_purge`)."""

    def __init__(self, store: Store, retention_days: int, *,
                 clock: Callable[[], datetime] = utcnow,
                 every: timedelta = timedelta(days=1)) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.store = store
        self.retention_days = retention_days
        self.clock = clock
        self.every = every
        self.last_run: datetime | None = None
        self._lock = threading.Lock()

    def purge_now(self) -> int:
        with self._lock:
            now = self.clock()
            removed = self.store.purge_confirmed(now, self.retention_days, actor="station")
            self.last_run = now
        if removed:
            log.info("retention: purged %d confirmed inspection(s) older than %d days",
                     removed, self.retention_days)
        return removed

    def maybe_purge(self) -> int | None:
        """Purge when a day has passed since the last run (or never ran); None if not due."""
        now = self.clock()
        if self.last_run is not None and now - self.last_run < self.every:
            return None
        return self.purge_now()
