"""The station's command line: `python -m app` / `inspection-station`.

Subcommands: gui (the default), doctor, decode, sync, report, export, operators,
audit.
Global --data-dir / --config (or INSPECTION_STATION_DATA / INSPECTION_STATION_CONFIG)
isolate tests and training stations. Each subsystem registers its own subcommands
(`register(subparsers)`), so this file only wires them together; the GUI is a plug-in
the composition root (app/__main__.py) passes in.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence

from app import __version__

log = logging.getLogger("station.cli")

# A subcommand source's register(subparsers): adds its commands and their `func`.
Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
# Commands the composition root plugs in (app/__main__.py: the GUI), each with a loader of
# its register(), called only when that command runs: the core never names the ui package,
# and `decode`/`sync`/`report` never load Qt.
Plugins = Mapping[str, Callable[[], Register]]

# The core's modules that add subcommands: each has register(subparsers).
_SUBCOMMAND_MODULES = (
    "app.doctor",
    "app.scanning.cli",
    "app.sync.cli",
    "app.sync.token_cli",
    "app.reports.cli",
    "app.operators_cli",
    "app.audit_cli",
    "app.photo_check",
)
# Which module registers each command: a run imports only its own command's module, so
# `decode` never loads Qt and `sync`/`report`/`export` never load the GUI package.
_COMMAND_MODULE = {
    "doctor": "app.doctor", "decode": "app.scanning.cli",
    "sync": "app.sync.cli", "token": "app.sync.token_cli", "report": "app.reports.cli",
    "export": "app.reports.cli", "operators": "app.operators_cli",
    "audit": "app.audit_cli", "photo-check": "app.photo_check",
}
_OPTIONS_WITH_VALUE = {"--data-dir", "--config"}
_DEFAULT_COMMAND = "gui"  # what runs without a subcommand (a plug-in of the root)


def _command_of(argv: Sequence[str]) -> str | None:
    """The command this command line names (the default without one; None for help)."""
    it = iter(argv)
    for arg in it:
        if arg in ("-h", "--help"):
            return None
        if arg in _OPTIONS_WITH_VALUE:
            next(it, None)
        elif not arg.startswith("-"):
            return arg
    return _DEFAULT_COMMAND


def _sources_for(argv: Sequence[str], plugins: Plugins) -> list[Callable[[], Register]]:
    """The register() loaders this command line needs (all of them for help or a typo)."""
    command = _command_of(argv)
    if command is not None and command in plugins:
        return [plugins[command]]
    if command in _COMMAND_MODULE:
        return [_module_register(_COMMAND_MODULE[command])]
    return [*plugins.values(), *map(_module_register, _SUBCOMMAND_MODULES)]


def _module_register(name: str) -> Callable[[], Register]:
    def load() -> Register:
        register: Register = importlib.import_module(name).register
        return register

    return load


def build_parser(sources: Sequence[Callable[[], Register]] | None = None,
                 plugins: Plugins | None = None) -> argparse.ArgumentParser:
    """The parser with the given sources' subcommands (default: every one)."""
    if sources is None:
        sources = [*(plugins or {}).values(), *map(_module_register, _SUBCOMMAND_MODULES)]
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
    for load in sources:
        try:
            register = load()
        except ImportError as exc:  # a subsystem missing from this build
            log.debug("subcommands unavailable: %s", exc)
            continue
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, plugins: Plugins | None = None) -> int:
    """Run one command line; `plugins` are the root's commands (app/__main__.py: the GUI)."""
    plugins = plugins or {}
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answer at once, without importing Qt, OpenCV and the rest
        print(f"inspection-station {__version__}")
        return 0
    if sys.platform != "win32":  # PIN hashes and customer data: files 0600, folders 0700
        os.umask(0o077)
    parser = build_parser(_sources_for(argv, plugins))
    args = parser.parse_args(argv)
    if args.self_test:
        from app.selftest import run_self_test

        return run_self_test(args)
    if getattr(args, "func", None) is None:  # no subcommand: the GUI
        if _DEFAULT_COMMAND not in _registered(parser):
            print("The GUI is not part of this installation (the ui package is missing).",
                  file=sys.stderr)
            return 1
        args = parser.parse_args([*argv, _DEFAULT_COMMAND])
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
