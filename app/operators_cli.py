"""`operators`: manage the station's roster from a shell (site IT, provisioning scripts).

`list`, `add`, `edit`, `deactivate`, `reactivate`, `reset-pin`, `unlock`, `import`.
Shift-lead rights are checked in the core: adding anyone but the very first shift lead,
importing and unlocking a locked-out ID need `--as ID` and that shift lead's PIN
(prompted, or OPERATOR_PIN / AS_PIN for scripts). PINs are never taken on the command
line, where `ps` would show them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.config import ConfigError, load_settings
from app.domain import DomainError, Role
from app.operators import LoginPolicy, Operator, Operators
from app.paths import resolve_paths
from app.station_store import open_station_store
from app.store import StoreError


def _pin(env_name: str, prompt: str) -> str:
    return os.environ.get(env_name) or getpass.getpass(prompt)


def _open(args: argparse.Namespace) -> Operators:
    paths = resolve_paths(args.data_dir, args.config)
    settings = load_settings(paths.config_file)
    store, _check = open_station_store(paths, settings)
    return Operators(store, LoginPolicy.from_settings(settings))


def _acting(roster: Operators, args: argparse.Namespace) -> Operator | None:
    if not args.acting_as:
        return None
    return roster.login_pin(args.acting_as, _pin("AS_PIN", f"PIN of {args.acting_as}: "))


def _lead_of(roster: Operators, args: argparse.Namespace) -> Operator:
    by = _acting(roster, args)
    if by is None:
        raise DomainError("this needs --as SHIFT_LEAD_ID")
    return by


def acting_shift_lead(args: argparse.Namespace) -> Operator:
    """The shift lead named by --as, logged in with their PIN (other commands use it too)."""
    return _lead_of(_open(args), args)


def run_add(args: argparse.Namespace) -> int:
    try:
        roster = _open(args)
        by = _acting(roster, args)
        op = roster.add(args.id, args.name, Role(args.role),
                        _pin("OPERATOR_PIN", f"PIN for {args.id}: "), args.badge, by=by)
    except (DomainError, StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"added {op.operator_id} ({op.role.value})")
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        roster = _open(args)
        by = _acting(roster, args)
        if by is None:
            print("error: importing a roster needs --as SHIFT_LEAD_ID", file=sys.stderr)
            return 2
        count = roster.import_csv(text, by=by)
    except (DomainError, StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"imported {count} operators")
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    """Lift a login lockout (audited); the shift lead's PIN as for the other commands."""
    try:
        roster = _open(args)
        lifted = roster.unlock(args.id, by=_lead_of(roster, args))
    except (DomainError, StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"unlocked {args.id}" if lifted else f"{args.id} was not locked")
    return 0


def _fmt_ts(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value is not None else "-"


def run_list(args: argparse.Namespace) -> int:
    """The roster, tab-separated with a header (shift lead's PIN: badges log people in)."""
    try:
        roster = _open(args)
        people = roster.roster(by=_lead_of(roster, args))
    except (DomainError, StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("id\tname\trole\tbadge\tactive\tlast_login\tlocked_until")
    for p in people:
        print(f"{p.operator_id}\t{p.name}\t{p.role.value}\t{p.badge_code or '-'}\t"
              f"{'yes' if p.active else 'no'}\t{_fmt_ts(p.last_login)}\t"
              f"{_fmt_ts(p.locked_until)}")
    return 0


def run_edit(args: argparse.Namespace) -> int:
    """Change name, role or badge; omitted options keep their value (--badge '' removes)."""
    try:
        roster = _open(args)
        by = _lead_of(roster, args)
        now = next((p for p in roster.roster(by=by) if p.operator_id == args.id), None)
        if now is None:
            raise DomainError(key="op_not_found", operator_id=args.id)
        role = Role(args.role) if args.role else now.role
        pin = (_pin("OPERATOR_PIN", f"new PIN for {args.id}: ")
               if role is Role.SHIFT_LEAD and now.role is not Role.SHIFT_LEAD else None)
        op = roster.edit(args.id, now.name if args.name is None else args.name, role,
                         now.badge_code if args.badge is None else args.badge, by=by, pin=pin)
    except (DomainError, StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"changed {op.operator_id} ({op.role.value})")
    return 0


def _run_lead_action(args: argparse.Namespace, done: str,
                     action: Callable[[Operators, Operator], object]) -> int:
    try:
        roster = _open(args)
        action(roster, _lead_of(roster, args))
    except (DomainError, StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(done.format(id=args.id))
    return 0


def run_deactivate(args: argparse.Namespace) -> int:
    return _run_lead_action(args, "deactivated {id}",
                            lambda r, by: r.set_active(args.id, False, by=by))


def run_reactivate(args: argparse.Namespace) -> int:
    return _run_lead_action(args, "reactivated {id}",
                            lambda r, by: r.set_active(args.id, True, by=by))


def run_reset_pin(args: argparse.Namespace) -> int:
    """A new PIN from OPERATOR_PIN or a prompt (never the command line)."""
    return _run_lead_action(args, "new PIN set for {id}", lambda r, by: r.reset_pin(
        args.id, _pin("OPERATOR_PIN", f"new PIN for {args.id}: "), by=by))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("operators", help="list, add, edit or deactivate operators; import")
    ops = p.add_subparsers(dest="operators_command", required=True)
    add = ops.add_parser("add", help="add an operator (PIN from OPERATOR_PIN or a prompt)")
    add.add_argument("--id", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.INSPECTOR.value)
    add.add_argument("--badge", default=None)
    add.add_argument("--as", dest="acting_as", default=None, metavar="SHIFT_LEAD_ID")
    add.set_defaults(func=run_add)
    imp = ops.add_parser("import",
                         help="import a roster CSV: operator_id,name,role,pin[,badge_code]")
    imp.add_argument("file")
    imp.add_argument("--as", dest="acting_as", default=None, metavar="SHIFT_LEAD_ID")
    imp.set_defaults(func=run_import)
    unlock = ops.add_parser("unlock", help="lift a login lockout after failed PINs")
    unlock.add_argument("id", help="the operator ID (or badge:* for badge guessing)")
    unlock.add_argument("--as", dest="acting_as", default=None, metavar="SHIFT_LEAD_ID")
    unlock.set_defaults(func=run_unlock)
    lst = ops.add_parser("list", help="the roster: role, badge, active, last login, lockout")
    lst.add_argument("--as", dest="acting_as", default=None, metavar="SHIFT_LEAD_ID")
    lst.set_defaults(func=run_list)
    edit = ops.add_parser("edit", help="change name, role or badge (new lead: OPERATOR_PIN)")
    edit.add_argument("id")
    edit.add_argument("--name", default=None)
    edit.add_argument("--role", choices=[r.value for r in Role], default=None)
    edit.add_argument("--badge", default=None, help="new badge code ('' removes it)")
    edit.add_argument("--as", dest="acting_as", default=None, metavar="SHIFT_LEAD_ID")
    edit.set_defaults(func=run_edit)
    for name, func, text in (("deactivate", run_deactivate, "stop an operator logging in"),
                             ("reactivate", run_reactivate, "let a deactivated operator in"),
                             ("reset-pin", run_reset_pin,
                              "set a new PIN (OPERATOR_PIN or a prompt); lifts a lockout")):
        cmd = ops.add_parser(name, help=text)
        cmd.add_argument("id")
        cmd.add_argument("--as", dest="acting_as", default=None, metavar="SHIFT_LEAD_ID")
        cmd.set_defaults(func=func)
