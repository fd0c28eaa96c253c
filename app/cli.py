"""The station's command line: `python -m app` / `inspection-station`.

Subcommands: gui (the default), doctor, decode, sync, report, export, operators,
audit.
Global --data-dir / --config (or INSPECTION_STATION_DATA / INSPECTION_STATION_CONFIG)
isolate tests and training stations. Each subsystem registers its own subcommands
(`register(subparsers)`), so this file only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from app import __version__

log = logging.getLogger("station.cli")

# Modules that add subcommands: each has register(subparsers). The GUI registers `gui`
# itself, so the core names the ui package here only as a plug-in and never imports it
# statically (app/ stays Qt-free; a build without ui/ still has every other command).
_SUBCOMMAND_MODULES = (
    "ui.main",
    "app.doctor",
    "app.scanning.cli",
    "app.sync.cli",
    "app.sync.token_cli",
    "app.reports.cli",
    "app.operators_cli",
    "app.audit_cli",
)
# Which module registers each command: a run imports only its own command's module, so
# `decode` never loads Qt and `sync`/`report`/`export` never load the GUI package.
_COMMAND_MODULE = {
    "gui": "ui.main", "doctor": "app.doctor", "decode": "app.scanning.cli",
    "sync": "app.sync.cli", "token": "app.sync.token_cli", "report": "app.reports.cli",
    "export": "app.reports.cli", "operators": "app.operators_cli",
    "audit": "app.audit_cli",
}
_OPTIONS_WITH_VALUE = {"--data-dir", "--config"}


def _modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The subcommand modules this command line needs (all of them for help or a typo)."""
    it = iter(argv)
    for arg in it:
        if arg in ("-h", "--help"):
            return _SUBCOMMAND_MODULES
        if arg in _OPTIONS_WITH_VALUE:
            next(it, None)
        elif not arg.startswith("-"):
            module = _COMMAND_MODULE.get(arg)
            return (module,) if module else _SUBCOMMAND_MODULES
    return (_COMMAND_MODULE["gui"],)  # no command: the GUI


def build_parser(modules: Sequence[str] = _SUBCOMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspection-station",
        description="Return-inspection station. Without a subcommand the GUI starts.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="keep data, config and logs under DIR "
                             "(also INSPECTION_STATION_DATA)")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="settings file (also INSPECTION_STATION_CONFIG)")
    parser.add_argument("--verbose", action="store_true", help="log debug messages")
    parser.add_argument("--self-test", action="store_true",
                        help="check the installation (Qt, decoders, database, reports) and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:  # a subsystem missing from this build
            log.debug("subcommands of %s unavailable: %s", name, exc)
            continue
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answer at once, without importing Qt, OpenCV and the rest
        print(f"inspection-station {__version__}")
        return 0
    if sys.platform != "win32":  # PIN hashes and customer data: files 0600, folders 0700
        os.umask(0o077)
    parser = build_parser(_modules_for(argv))
    args = parser.parse_args(argv)
    if args.self_test:
        from app.selftest import run_self_test

        return run_self_test(args)
    if getattr(args, "func", None) is None:  # no subcommand: the GUI
        if "gui" not in _registered(parser):
            print("The GUI is not part of this installation (the ui package is missing).",
                  file=sys.stderr)
            return 1
        args = parser.parse_args([*argv, "gui"])
    func = args.func
    problem = _data_dir_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.command != "gui":  # the GUI sets up its own logging and crash reporting
        _start_logging(args)
    try:
        return int(func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A damaged or newer database, a full disk: told in plain words. Looked up, not
        # imported: loading the store (SQLAlchemy) here would slow every command's start.
        db = sys.modules.get("app.store.db")
        if db is not None and isinstance(exc, db.StoreError):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if _is_database_error(exc):  # damage found after the check at open
            print(f"error: the station database cannot be read "
                  f"({getattr(exc, 'orig', None) or exc}); restore it from a backup",
                  file=sys.stderr)
            return 1
        raise


def _is_database_error(exc: BaseException) -> bool:
    """sqlite3 / SQLAlchemy database errors, without importing SQLAlchemy to ask."""
    import sqlite3

    sa = sys.modules.get("sqlalchemy.exc")
    return isinstance(exc, sqlite3.DatabaseError) or (
        sa is not None and isinstance(exc, sa.DatabaseError))


def _data_dir_problem(args: argparse.Namespace) -> str | None:
    """A data folder that names a file cannot hold anything: say so before anything uses it."""
    from app.paths import resolve_paths

    folder = resolve_paths(args.data_dir, args.config).data_dir
    if folder.exists() and not folder.is_dir():
        return (f"the data folder {folder} is a file, not a folder; give --data-dir (or "
                "INSPECTION_STATION_DATA) a folder")
    return None


def _start_logging(args: argparse.Namespace) -> None:
    """Named loggers to the rotating file; a native crash leaves a crash file behind."""
    from app.logs import enable_crash_file, setup_logging
    from app.paths import resolve_paths

    paths = resolve_paths(args.data_dir, args.config)
    try:
        setup_logging(paths.log_dir, verbose=args.verbose)
        enable_crash_file(paths.crash_file)
    except OSError as exc:  # a read-only log folder must not stop `doctor` from running
        print(f"warning: cannot write logs to {paths.log_dir}: {exc.strerror}", file=sys.stderr)


def _registered(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
