"""The outbox worker: delivers completed inspections exactly once, whatever the network does.

At-least-once delivery of the exact stored bytes plus the server's idempotent PUTs
give exactly-once effect. Photos go first, then the result. Transient failures
back off (capped exponential, full jitter, Retry-After as a floor) for ever;
permanent ones mark the item as needing attention and the queue goes on; 401/403
pause the whole queue until the token changes or a person resumes it. Runs on
its own thread (`start`/`stop`/`wake`); `drain_once` serves the command line.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import assert_never

from app.domain import Case, Photo, utcnow
from app.filelock import FileLock
from app.line_match import match_line
from app.messages import t
from app.store.db import StoreError
from app.store.photos import photo_file_name, photo_path
from app.store.store import OutboxItem, OutboxState, Store
from app.sync.backoff import Backoff
from app.sync.client import (
    Ambiguous,
    ApiError,
    AuthFailed,
    CaseApiClient,
    NotFound,
    Permanent,
    Transient,
)
from app.sync.inflight import IN_FLIGHT, run_in_flight
from app.sync.retention import RetentionPurger
from app.sync.status import SyncStatus

log = logging.getLogger("station.sync.outbox")


class LocalProblem(Exception):
    """Something on the station keeps this item from being sent (e.g. a photo file is gone)."""


class _Held(Exception):
    """The queue is held (Retry-After, offline) while this item was on its way: stop here."""


@dataclass(slots=True)
class DrainReport:
    sent: int = 0
    attention: int = 0
    retried: int = 0
    paused: bool = False
    offline: bool = False

    def add(self, outcome: str) -> None:
        if outcome == "sent":
            self.sent += 1
        elif outcome == "attention":
            self.attention += 1
        elif outcome in ("retry", "offline", "gated"):
            self.retried += 1


class OutboxWorker:
    """Owns delivery. Thread-safe: `drain_once` and the worker thread never overlap."""

    def __init__(
        self,
        store: Store,
        client: CaseApiClient,
        *,
        status: SyncStatus | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        backoff: Backoff | None = None,
        retention_days: int = 30,
        probe_interval: float = 15.0,
        auth_poll: float = 5.0,
        auth_recheck: float = 25.0,
        idle_wait: float = 60.0,
        batch: int = 50,
        monotonic: Callable[[], float] = time.monotonic,
        sender_lock: FileLock | None = None,
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self.store = store
        self.client = client
        self._monotonic = monotonic  # injectable: tests step through minutes of backoff
        self.sender_lock = sender_lock  # one sender per data folder (GUI worker or `sync`)
        self.status = status or SyncStatus()
        if client.activity is None:
            client.activity = self.status
        self.clock = clock
        self.rng = rng or random.Random()
        self.backoff = backoff or Backoff()
        self.retention = RetentionPurger(store, retention_days, clock=clock)
        self.probe_interval = probe_interval
        self.auth_poll = auth_poll
        self.auth_recheck = auth_recheck
        self.idle_wait = idle_wait
        self.batch = batch
        self.in_flight = in_flight  # items on the wire at once (app/sync/inflight.py)
        self.turn_s = 30.0  # the thread's drain ends this often for the loop's own checks
        self._event = threading.Event()
        self._stop = threading.Event()
        self._drain_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._paused = False
        self._bad_token: str | None = None
        self._paused_at = 0.0
        self._auth_wait = auth_poll  # the next probe while paused; doubles up to auth_recheck
        self._offline = False
        self._down_confirmed = False  # a /health probe failed too: really offline
        self._gate_until = 0.0  # monotonic; no sending before (network trouble, Retry-After)
        self._gate_is_server = False  # a Retry-After gate survives wake()
        self._uploaded: set[tuple[str, str]] = set()
        self._uploaded_lock = threading.Lock()  # items are sent from several threads
        self._refreshed_at = 0.0
        self._restore_server_hold()

    def _restore_server_hold(self) -> None:
        """A Retry-After given to an earlier process still holds the whole queue."""
        self.store.clamp_schedule(self.clock(), self.backoff.cap)
        held = self.store.server_hold_until(self.clock())
        if held is not None:
            wait = (held - self.clock()).total_seconds()
            log.info("outbox: the server asked to wait; holding the queue %.0f s more", wait)
            self._gate_until = self._monotonic() + wait
            self._gate_is_server = True

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._event.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self.sender_lock is not None:
            self.sender_lock.release()

    def wake(self) -> None:
        """A new item, or the network is back: look at the queue now.

        The counts are read here too: while a request hangs or the network is down the
        worker thread may not get round to it, and the queue shown must include the new item.
        """
        if not self._gate_is_server:
            self._gate_until = 0.0
        try:
            self.status.refresh_counts(self.store)
        except Exception:
            log.exception("outbox: cannot read the queue counts")
        self._event.set()

    @property
    def paused_for_auth(self) -> bool:
        return self._paused

    def resume(self) -> None:
        """The token was fixed (or the station re-enabled): carry on with the queue."""
        if self._paused:
            log.info("outbox: resuming after the token was fixed")
        self._paused = False
        self._bad_token = None
        self.status.update(paused_for_auth=False, auth_reason=None)
        self.wake()

    # --- the thread --------------------------------------------------------------------------

    def _run(self) -> None:
        self._safe_purge()
        try:
            self.status.refresh_counts(self.store)
        except Exception:  # a locked database must not end the thread before it starts
            log.exception("outbox: cannot read the queue yet; trying again shortly")
        # Ask /health at once: the status line shows the real state within seconds of the
        # start, not "connecting" until a first result is sent, and the first uploads wait
        # for their answers as long as this answer suggests (client.AnswerTimes). With a
        # queue, a failed probe does not hold it: the first send tries (and counts) anyway.
        try:
            due = self.store.next_due_at()
            idle = due is None or due > self.clock()
            if not self._probe() and not self._paused and idle:
                self._offline = True
        except Exception:
            log.exception("outbox: the first /health probe failed unexpectedly")
        while not self._stop.is_set():
            try:
                wait = self._step()
            except Exception:  # never let the thread die: log and try again later
                log.exception("outbox: unexpected failure; trying again shortly")
                wait = self.backoff.cap
            if wait > 0:
                self._event.wait(wait)
            self._event.clear()

    def _step(self) -> float:
        """One turn of the loop; returns how long to wait before the next."""
        if self.sender_lock is not None and not self.sender_lock.acquire():
            # Another process sends for this data folder; take over when it ends.
            self.status.update(other_sender=True)
            return self.probe_interval
        self.status.update(other_sender=False)
        self._safe_purge()
        if self._paused:
            return self._auth_check()
        now = self._monotonic()
        if now < self._gate_until:
            return self._gate_until - now
        self._gate_is_server = False
        if self._offline and not self._probe():
            self._gate_until = self._monotonic() + self.probe_interval
            return self.probe_interval
        self.drain_once(again=True)
        if self._paused or self._stop.is_set():
            return 0.0 if self._stop.is_set() else self.auth_poll
        if self._monotonic() < self._gate_until:
            return self._gate_until - self._monotonic()
        return self._until_next_due()

    def _until_next_due(self) -> float:
        self.store.clamp_schedule(self.clock(), self.backoff.cap)
        nxt = self.store.next_due_at()
        if nxt is None:
            return self.idle_wait
        return max(0.0, min(self.idle_wait, (nxt - self.clock()).total_seconds()))

    def _probe(self) -> bool:
        try:
            self.client.health()
        except AuthFailed as exc:
            self._pause(exc)
            return False
        except ApiError as exc:
            self._down_confirmed = True
            self.status.update(online=False, last_error=str(exc))
            return False
        self._back_online()
        return True

    def _back_online(self) -> None:
        if self._offline and self._down_confirmed:
            log.info("outbox: the case API answers again; sending what is pending")
            self.store.touch_outbox_now()
        self._offline = False
        self._down_confirmed = False
        self.status.update(online=True)

    def _auth_check(self) -> float:
        token = self.client.token()
        if token and token != self._bad_token:
            self.resume()
            return 0.0
        # The refusal may be lifted on the server (token re-allowed, station re-enabled):
        # probe with backoff, so the queue resumes within `auth_recheck` of that.
        if self._monotonic() - self._paused_at >= self._auth_wait:
            self._paused_at = self._monotonic()
            self._auth_wait = min(self.auth_recheck, self._auth_wait * 2)
            try:
                self.client.health()
            except ApiError:
                return min(self.auth_poll, self._auth_wait)
            self.resume()
            return 0.0
        return min(self.auth_poll, self._auth_wait)

    def _pause(self, exc: AuthFailed) -> None:
        if not self._paused:
            log.error("outbox: paused, the case API refused the station (%s)", exc.reason)
        if not self._paused:
            self._auth_wait = self.auth_poll
        self._paused = True
        self._paused_at = self._monotonic()
        self._bad_token = self.client.token()
        self.status.update(paused_for_auth=True, auth_reason=str(exc), online=True)

    def _safe_purge(self) -> None:
        try:
            self.retention.maybe_purge()
        except Exception:
            log.exception("retention purge failed; will try again")

    # --- draining ----------------------------------------------------------------------------

    def drain_once(self, *, again: bool = False) -> DrainReport:
        """Send every item due now, several at once; no new one once offline or paused.

        Each item is tried at most once, unless ``again`` (the worker thread): then an
        item that failed is sent again when its retry falls due while others are still
        on the wire, for up to ``turn_s`` (a lost answer holds one item, not the queue).
        """
        report = DrainReport()
        with self._drain_lock:
            self.store.clamp_schedule(self.clock(), self.backoff.cap)
            tried: set[str] = set()
            turn_ends = self._monotonic() + self.turn_s

            def go_on() -> bool:
                return (not self._stop.is_set() and not self._paused and not report.offline
                        and self._monotonic() >= self._gate_until
                        and (not again or self._monotonic() < turn_ends))

            def fetch(busy: frozenset[str], room: int) -> list[OutboxItem]:
                skip = busy if again else busy | tried
                due = [i for i in self.store.outbox_due(self.clock(), self.batch)
                       if i.inspection_id not in skip][:room]
                tried.update(i.inspection_id for i in due)
                return due

            def done(item: OutboxItem, outcome: str) -> None:
                report.add(outcome)
                report.offline = report.offline or outcome == "offline"
                self._refresh_status(force=outcome != "sent")

            run_in_flight(self.in_flight, fetch, lambda i: i.inspection_id, self._process,
                          done, go_on)
            report.paused = self._paused
        self.status.refresh_counts(self.store)
        return report

    def _refresh_status(self, *, force: bool = False) -> None:
        """Counts from the store, at most every 0.5 s while a batch flows (each costs queries)."""
        now = self._monotonic()
        if force or now - self._refreshed_at >= 0.5:
            self._refreshed_at = now
            self.status.refresh_counts(self.store)

    def _process(self, item: OutboxItem) -> str:
        iid = item.inspection_id
        try:
            payload = self.store.result_payload(iid)
            if item.unverified or payload is None:
                resolved = self._resolve(item)
                if resolved is not None:
                    return resolved
                payload = self.store.result_payload(iid)
                if payload is None:
                    raise LocalProblem("the result could not be built after the case lookup")
            if hashlib.sha256(payload).hexdigest() != self.store.result_sha256(iid):
                raise LocalProblem("result changed on disk since it was completed; not sent")
            photos = {p.photo_id.lower(): p for p in self.store.result_photos(iid)}
            for photo in photos.values():
                self._upload_photo(iid, photo)
            ack = None
            for round_ in range(3):
                try:
                    self._check_gate()
                    ack = self.client.put_inspection(iid, payload)
                    break
                except Permanent as exc:
                    if exc.status != 422 or not exc.missing_photos or round_ == 2:
                        raise
                    log.info("outbox: %s: server misses photos %s; sending them again",
                             iid, exc.missing_photos)
                    for pid in exc.missing_photos:
                        wanted = photos.get(pid.lower())
                        if wanted is None:
                            raise LocalProblem(
                                f"the server asks for photo {pid}, which this station does "
                                "not have") from None
                        with self._uploaded_lock:
                            self._uploaded.discard((iid, wanted.photo_id))
                        self._upload_photo(iid, wanted)
            assert ack is not None
            self.store.mark_sent(iid, ack.received_at)
            with self._uploaded_lock:
                self._uploaded = {k for k in self._uploaded if k[0] != iid}
            self._mark_success()
            log.info("outbox: %s delivered (%s)", iid, "new" if ack.created else "already there")
            return "sent"
        except _Held:
            return "gated"  # still due; the photos sent so far are not sent again
        except AuthFailed as exc:
            self._pause(exc)
            return "paused"
        except Permanent as exc:
            self._mark_success(online_only=True)
            log.warning("outbox: %s needs attention: %s", iid, exc)
            self.store.mark_attention(iid, str(exc))
            return "attention"
        except LocalProblem as exc:
            log.error("outbox: %s needs attention: %s", iid, exc)
            self.store.mark_attention(iid, str(exc))
            return "attention"
        except Transient as exc:
            return self._retry_later(item, str(exc), exc.retry_after, network=exc.network)
        except Exception as exc:  # a bug or a store hiccup: keep the item, try later
            log.exception("outbox: %s failed unexpectedly", iid)
            return self._retry_later(item, f"station error: {type(exc).__name__}: {exc}", None,
                                     network=False)

    def _retry_later(self, item: OutboxItem, error: str, retry_after: float | None, *,
                     network: bool) -> str:
        delay = self.backoff.delay(item.attempts, self.rng, retry_after)
        hold = None if retry_after is None else min(retry_after, self.backoff.retry_after_cap)
        if retry_after is not None:
            # Back-pressure is about the server, not the item: hold the whole queue (first,
            # so the other items on the wire stop before their next request).
            self._gate_until = max(self._gate_until, self._monotonic() + retry_after)
            self._gate_is_server = True
        self.store.schedule_retry(item.inspection_id, self.clock() + timedelta(seconds=delay),
                                  error, hold_s=hold)
        log.info("outbox: %s: %s; next try in %.1f s", item.inspection_id, error, delay)
        if network and self._probe():
            # /health answers: this one answer was lost (or this one call hung), the
            # station is not offline; the others keep going, this item waits its turn.
            self.status.update(last_error=error)
            return "retry"
        if network:
            self._offline = True
            self._gate_until = max(self._gate_until,
                                   self._monotonic() + min(delay, self.probe_interval))
            self.status.update(online=False, last_error=error)
            return "offline"
        self.status.update(last_error=error)
        return "retry"

    def _mark_success(self, *, online_only: bool = False) -> None:
        self._back_online()
        if not online_only:
            self.status.update(last_success_at=utcnow(), last_error=None)

    def _check_gate(self) -> None:
        """Before each request of an item: another item may have held the queue meanwhile."""
        if self._monotonic() < self._gate_until:
            raise _Held

    def _upload_photo(self, iid: str, photo: Photo) -> None:
        with self._uploaded_lock:
            if (iid, photo.photo_id) in self._uploaded:
                return
        self._check_gate()
        try:
            data = self._photo_bytes(photo)
        except (StoreError, OSError) as exc:
            raise LocalProblem(f"photo {photo.photo_id} cannot be read on this station: "
                               f"{exc}") from None
        if hashlib.sha256(data).hexdigest() != photo.sha256:
            raise LocalProblem(f"photo {photo.photo_id} changed on disk since it was taken "
                               "(its SHA-256 differs); not sent")
        self.client.put_photo(iid, photo.photo_id, data, photo.sha256, photo.mime)
        with self._uploaded_lock:
            self._uploaded.add((iid, photo.photo_id))

    def _photo_bytes(self, photo: Photo) -> bytes:
        """The file by its generated name (no query); the store's lookup if it is elsewhere."""
        try:
            return photo_path(self.store.photos_dir,
                              photo_file_name(photo.photo_id, photo.mime)).read_bytes()
        except (OSError, ValueError, StoreError):
            return self.store.photo_bytes(photo.photo_id)

    # --- unverified (offline-started) inspections --------------------------------------------

    def _resolve(self, item: OutboxItem) -> str | None:
        """Look the scanned code up and attach the case; an outcome string if it cannot be."""
        iid, code = item.inspection_id, item.scanned_code
        if not code.strip():
            raise LocalProblem("started offline without a scanned code; choose the case")
        match self.client.lookup(code):
            case NotFound():
                raise LocalProblem(f"the case API does not know the scanned code {code!r}")
            case Ambiguous(candidates=candidates):
                rmas = ", ".join(c.rma for c in candidates)
                raise LocalProblem(f"the scanned code {code!r} matches several cases ({rmas}); "
                                   "choose the RMA")
            case Case() as case:
                pass
            case unknown:
                assert_never(unknown)
        category, serial, gtin = inspection_category(self.store, iid)
        match = match_line(case, category=category, serial=serial, gtin=gtin)
        if match.chosen is None:
            could = sum(1 for f in match.lines if f.fits) or len(case.items)
            reason = t("en", "choose_line_reason", rma=case.rma, count=could, category=category)
            log.warning("outbox: %s needs attention: %s", iid, reason)
            self.store.park_for_line_choice(iid, case, reason)
            self._mark_success(online_only=True)
            return "attention"
        line = match.chosen
        self.store.cache_case(case)
        self.store.resolve_unverified(iid, case, line.line_id)
        log.info("outbox: %s resolved to case %s line %s", iid, case.case_id, line.line_id)
        held = self.store.outbox_item(iid)
        if held is not None and held.state is OutboxState.ATTENTION:
            # A mismatch found only now (16.1): the store parked it for a shift lead.
            log.warning("outbox: %s needs attention: %s", iid, held.attention_reason)
            self._mark_success(online_only=True)
            return "attention"
        return None


def inspection_category(store: Store, inspection_id: str
                        ) -> tuple[str, str | None, str | None]:
    """The category the inspector picked, the serial and the product code scanned."""
    found = store.inspection_category(inspection_id)
    if found is None:
        raise LocalProblem(f"no inspection {inspection_id} on this station")
    return found
