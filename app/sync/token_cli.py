"""`token set`: provision the station token from a shell (site IT), never on the command line.

The token is read from standard input (so `ps` and shell history never show it) and
stored where the config says: the OS keyring, or the owner-only token file. Storing it
is a shift-lead action: `--as ID` with that shift lead's PIN (prompted, or AS_PIN).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.config import ConfigError, load_settings
from app.domain import DomainError
from app.paths import resolve_paths
from app.store import StoreError
from app.sync.token import TokenError, load_token, store_token


def run_set(args: argparse.Namespace) -> int:
    paths = resolve_paths(args.data_dir, args.config)
    try:
        settings = load_settings(paths.config_file)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from app.operators_cli import acting_shift_lead

    try:
        by = acting_shift_lead(args)
    except (DomainError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    token = (getpass.getpass("Station token: ") if sys.stdin.isatty()
             else sys.stdin.readline()).strip()
    if not token:
        print("error: no token given on standard input", file=sys.stderr)
        return 2
    paths.ensure()
    try:
        where = store_token(token, settings, paths.token_file, by=by)
    except (TokenError, DomainError, OSError) as exc:
        print(f"error: the token could not be stored: {exc}", file=sys.stderr)
        return 1
    print(f"station token stored in {where}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    paths = resolve_paths(args.data_dir, args.config)
    try:
        settings = load_settings(paths.config_file)
        token = load_token(settings, paths.token_file)
    except (ConfigError, TokenError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("a station token is stored" if token else "no station token is stored")
    return 0 if token else 1


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("token", help="store or check the station token")
    sub = p.add_subparsers(dest="token_command", required=True)
    set_ = sub.add_parser("set", help="store the token read from standard input "
                          "(needs --as SHIFT_LEAD_ID)")
    set_.add_argument("--as", dest="acting_as", required=True, metavar="SHIFT_LEAD_ID")
    set_.set_defaults(func=run_set)
    sub.add_parser("check", help="say whether a token is stored").set_defaults(func=run_check)
