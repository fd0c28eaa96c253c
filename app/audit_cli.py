"""`audit show` and `audit verify`: the station's audit trail from a shell (site IT).

Plain output, one entry a line; `verify` exits 1 when the keyed chain is broken and says at
which entry, so a monitoring script can alarm on it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from app.audit_trail import chain_verdict, read_audit
from app.config import ConfigError, load_settings
from app.paths import resolve_paths
from app.station_store import open_station_store
from app.store import Store, StoreError


def _open(args: argparse.Namespace) -> Store | None:
    paths = resolve_paths(args.data_dir, args.config)
    if not paths.db_file.exists():
        print(f"error: no station database at {paths.db_file} (check --data-dir)",
              file=sys.stderr)
        return None
    store, _check = open_station_store(paths, load_settings(paths.config_file))
    return store


def _with_store(args: argparse.Namespace, work: Callable[[Store], int]) -> int:
    """Open the station's store, run `work`, close; known failures are exit 2."""
    try:
        store = _open(args)
        if store is None:
            return 2
        try:
            return work(store)
        finally:
            store.close()
    except (StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def run_show(args: argparse.Namespace) -> int:
    def show(store: Store) -> int:
        trail = read_audit(store, lead_only=False, inspection=args.inspection,
                           operator=args.operator, action=args.action, limit=args.limit)
        for e in trail.entries:
            mark = "  <-- chain broken here" if trail.is_broken_at(e.seq) else ""
            print(f"{e.seq}\t{e.at.isoformat(timespec='seconds')}\t{e.actor}\t{e.action}\t"
                  f"{e.subject}\t{e.details}{mark}")
        print(chain_verdict(trail.check, "en"), file=sys.stderr)
        return 0

    return _with_store(args, show)


def run_verify(args: argparse.Namespace) -> int:
    def verify(store: Store) -> int:
        check = store.verify_audit()
        print(chain_verdict(check, "en"))
        return 0 if check.ok else 1

    return _with_store(args, verify)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="show the audit trail or verify its keyed chain")
    cmds = p.add_subparsers(dest="audit_command", required=True)
    show = cmds.add_parser("show", help="audit entries, oldest first (tab-separated)")
    show.add_argument("--inspection", default=None, metavar="ID")
    show.add_argument("--operator", default=None, metavar="ID",
                      help="entries by this operator or about them")
    show.add_argument("--action", default=None, metavar="ACTION", help="e.g. login, complete")
    show.add_argument("--limit", type=int, default=1000, help="newest N entries (1000)")
    show.set_defaults(func=run_show)
    verify = cmds.add_parser("verify", help="check every link; exit 1 when broken")
    verify.set_defaults(func=run_verify)
