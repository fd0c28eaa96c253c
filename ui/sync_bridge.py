"""The sync adapter for Qt: starts the outbox worker and re-emits sync status as a signal.

`SyncStatus.subscribe` calls back on whatever thread changed the status (the outbox
thread, a lookup on a worker); the bridge only emits a signal there, and Qt delivers
it on the GUI thread. The worker is stopped (and joined) by `stop`, which the main
window registers with the station context.

Signals:
    status_changed(object): a new app.sync.status.SyncSnapshot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.context import StationContext
from app.sync.cli import make_client, sender_lock
from app.sync.client import CaseApiClient
from app.sync.lookup import CaseLookup
from app.sync.outbox import OutboxWorker
from app.sync.status import SyncSnapshot, SyncStatus
from app.training import TrainingGuardError

log = logging.getLogger("station.ui.sync")


class SyncBridge(QObject):
    status_changed = Signal(object)

    def __init__(self, ctx: StationContext, parent: QObject | None = None, *,
                 client: CaseApiClient | None = None, start_worker: bool = True,
                 worker_options: Mapping[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status = SyncStatus()
        self.client = client if client is not None else self._make_client()
        self.lookup = CaseLookup(self.client, ctx.store, status=self.status)
        self.worker: OutboxWorker | None = None
        self._unsubscribe: Callable[[], None] = self.status.subscribe(self.status_changed.emit)
        self._start_worker = start_worker
        self._worker_options: dict[str, Any] = dict(worker_options or {})
        if self.client is None and self.status.snapshot.last_error is None:
            self.status.update(online=False, last_error="no case API configured")

    def _make_client(self) -> CaseApiClient | None:
        try:
            return make_client(self.ctx.settings, self.ctx.paths)
        except TrainingGuardError as exc:  # training data and a real URL: nothing is sent
            log.warning("%s", exc)
            self.status.update(online=False, last_error=str(exc))
            return None

    @property
    def snapshot(self) -> SyncSnapshot:
        return self.status.snapshot

    def start(self) -> None:
        if self.client is None or not self._start_worker or self.worker is not None:
            self.refresh()
            return
        self.worker = OutboxWorker(self.ctx.store, self.client, status=self.status,
                                   retention_days=self.ctx.settings.retention_days,
                                   sender_lock=sender_lock(self.ctx.paths),
                                   **self._worker_options)
        self.worker.start()

    def wake(self) -> None:
        """A new result was confirmed: send it now rather than at the next poll."""
        if self.worker is not None:
            self.worker.wake()
        else:
            self.refresh()

    def refresh(self) -> None:
        """Re-read queue counts from the store (cheap; also called on a timer)."""
        try:
            self.status.refresh_counts(self.ctx.store)
        except Exception:
            log.exception("reading the queue counts failed")

    def stop(self) -> None:
        """Stop and join the worker thread; safe to call twice."""
        if self.worker is not None:
            self.worker.stop(10.0)
            self.worker = None
        self._unsubscribe()
        self._unsubscribe = lambda: None
        if self.client is not None:
            self.client.close()
            self.client = None
            self.lookup.client = None

    def restart(self) -> None:
        """After the API settings changed: a new client and worker."""
        self.stop()
        self._unsubscribe = self.status.subscribe(self.status_changed.emit)
        self.client = self._make_client()
        self.lookup.client = self.client
        self.start()
