"""`python -m app sync [--once] | --status [--json]`: drain the outbox headless, or report on it."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from app.config import ConfigError, Settings, load_settings
from app.domain import format_ts, utcnow
from app.filelock import FileLock
from app.paths import Paths, resolve_paths
from app.station_store import open_station_store
from app.store.store import Store
from app.sync.client import ApiError, AuthFailed, CaseApiClient, InsecureUrlError
from app.sync.outbox import OutboxWorker
from app.sync.status import SyncStatus
from app.sync.token import StationToken
from app.text import for_terminal

DEMO_URL_ENV = "INSPECTION_STATION_DEMO_URL"
DEMO_TOKEN = "demo-token"  # what `python -m refserver` accepts by default


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `sync` command to the main parser's subparsers (app/cli.py calls this)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "sync", help="send completed inspections to the case API",
        description="Send completed inspections to the central case API. Prints sent, "
                    "pending and needs-attention counts; exits 0 when nothing is pending.")
    p.add_argument("--once", action="store_true",
                   help="one pass over the queue (each item tried once), then exit")
    p.add_argument("--status", action="store_true", help="print the sync status and exit")
    p.add_argument("--json", action="store_true", help="with --status: print JSON")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="without --once: give up after this long (default: until done)")
    p.set_defaults(func=run)
    return p


def base_url(settings: Settings, env: dict[str, str] | None = None) -> str | None:
    """The configured URL, or in demo mode the reference server's URL from the environment."""
    if settings.api_base_url:
        return settings.api_base_url
    environ = os.environ if env is None else env
    return environ.get(DEMO_URL_ENV, "").strip().rstrip("/") or None


def make_client(settings: Settings, paths: Paths) -> CaseApiClient | None:
    url = base_url(settings)
    if url is None:
        return None
    from app.training import check_training_target

    check_training_target(paths.data_dir, url)  # raises for training data and a real URL
    token = StationToken(settings, paths.token_file,
                         fallback=DEMO_TOKEN if settings.demo_mode else None)
    return CaseApiClient(settings, token, base_url=url)


def sender_lock(paths: Paths) -> FileLock:
    """The data folder's one-sender lock, shared by the GUI's outbox worker and `sync`."""
    return FileLock(paths.data_dir / "sync.lock")


def _counts_line(store: Store, sent: int | None = None) -> str:
    c = store.queue_counts()
    head = f"sent {sent}, " if sent is not None else ""
    return f"{head}pending {c.pending}, needs attention {c.attention}"


def run(args: argparse.Namespace) -> int:
    try:
        paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "config", None))
        settings = load_settings(paths.config_file)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    store, _check = open_station_store(paths, settings)
    try:
        try:
            client = make_client(settings, paths)
        except InsecureUrlError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.status:
            return _status(store, client, as_json=args.json)
        if client is None:
            print("Demo mode: no case API is configured (api_base_url is empty).\n"
                  "Start the reference server with `python -m refserver` and set "
                  f"{DEMO_URL_ENV}=http://127.0.0.1:8765/api/v1, or set api_base_url.",
                  file=sys.stderr)
            print(_counts_line(store))
            return 2
        lock = sender_lock(paths)
        if not lock.acquire():
            print(f"another sender is active on this data folder (process {lock.holder() or '?'}"
                  "); nothing sent. Run sync again when it has finished.", file=sys.stderr)
            print(_counts_line(store))
            client.close()
            return 1
        try:
            return _sync(store, client, settings, once=args.once, timeout=args.timeout,
                         lock=lock)
        finally:
            lock.release()
            client.close()
    finally:
        store.close()


def _sync(store: Store, client: CaseApiClient, settings: Settings, *, once: bool,
          timeout: float | None, lock: FileLock) -> int:
    worker = OutboxWorker(store, client, retention_days=settings.retention_days,
                          sender_lock=lock)
    store.touch_outbox_now()  # a person asked: do not wait for scheduled retries
    if once:
        report = worker.drain_once()
        worker.retention.maybe_purge()
        sent = report.sent
    else:
        start_sent = _sent_total(store)
        worker.start()
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                c = store.queue_counts()
                if c.pending == 0 or worker.paused_for_auth:
                    break
                if deadline is not None and time.monotonic() > deadline:
                    break
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            worker.stop(timeout=60)
        sent = _sent_total(store) - start_sent
    if worker.paused_for_auth:
        print(f"paused: {_auth_advice(worker.status.snapshot.auth_reason)}", file=sys.stderr)
    print(_counts_line(store, sent))
    nxt = store.queue_counts().next_attempt_at
    if nxt is not None and nxt > utcnow():
        print(f"next attempt at {format_ts(nxt)}")
    for item in store.outbox_items(["attention"]):
        print(f"  needs attention: {item.inspection_id}: "
              f"{for_terminal(item.attention_reason or '')}")
    return 0 if store.queue_counts().pending == 0 else 1


def _auth_advice(reason: str | None) -> str:
    """What a person can do about a 401/403: a disabled station is no token problem."""
    text = for_terminal(reason or "")
    if "station_disabled" in text:
        return (f"{text}: this station is disabled on the server; ask the case API's "
                "administrators to enable it, then run sync again")
    return f"{text} (store a valid station token, then run sync again)"


def _sent_total(store: Store) -> int:
    return len(store.outbox_items(["sent"]))


def _status(store: Store, client: CaseApiClient | None, *, as_json: bool) -> int:
    status = SyncStatus()
    status.refresh_counts(store)
    if client is not None:
        try:
            client.health()
            status.update(online=True)
        except AuthFailed as exc:
            status.update(online=True, paused_for_auth=True, auth_reason=str(exc))
        except ApiError as exc:
            status.update(online=False, last_error=str(exc))
        finally:
            client.close()
    snap = status.snapshot
    data = snap.to_json()
    data["configured"] = client is not None
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        online = {True: "online", False: "offline", None: "not configured"}[snap.online]
        print(f"{online}; pending {snap.queue_depth}; needs attention {snap.needs_attention}; "
              f"oldest pending {data['oldest_pending_age_s']} s; "
              f"last success {data['last_success_at']}")
        if snap.paused_for_auth:
            print(f"paused: {_auth_advice(snap.auth_reason)}")
    return 0
