"""Command line for reports: `report inspection|shift` and `export` (wired in by app/cli.py).

Bad arguments (a malformed date, an unknown inspection id or shift name, --shift together
with --from/--to) print one clear line on stderr and exit 2, like argparse's own errors.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.checklists import load_templates
from app.config import ConfigError, Settings, load_settings
from app.domain import ChecklistTemplate
from app.paths import Paths, resolve_paths
from app.reports.export import write_csv
from app.reports.inspection import render_inspection_report
from app.reports.shift import render_shift_report
from app.reports.stats import day_window, function_steps_from, shift_window, time_window
from app.reports.thumbs import cache_dir_for
from app.resources import resource_path
from app.station_store import open_station_store
from app.step_text import prompts_for_record
from app.store.db import StoreError
from app.store.store import Store

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(ValueError):
    """A bad argument: reported on one line, exit status 2."""


def _date(text: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real date") from None


def _hhmm(text: str) -> time:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
        raise argparse.ArgumentTypeError(f"expected a time as HH:MM (00:00-23:59), got {text!r}")
    return time(int(text[:2]), int(text[3:]))


def _zone(text: str) -> tzinfo:
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text!r} (use an IANA name like Asia/Shanghai)") from None


def _add_window_args(p: argparse.ArgumentParser, *, required_date: bool = True) -> None:
    p.add_argument("--date", type=_date, required=required_date, metavar="YYYY-MM-DD",
                   help="the (start) date of the shift, in the station's local time")
    p.add_argument("--shift", metavar="NAME", help="a shift name from the config")
    p.add_argument("--from", dest="from_time", type=_hhmm, metavar="HH:MM",
                   help="start of a time range (with --to)")
    p.add_argument("--to", dest="to_time", type=_hhmm, metavar="HH:MM",
                   help="end of a time range; at or before --from means the next day")
    p.add_argument("--tz", type=_zone, metavar="ZONE",
                   help="IANA time zone of the station (default: this computer's zone)")


def register(subparsers: Any) -> None:
    """Add `report` (inspection, shift) and `export` to the application's subcommands."""
    report = subparsers.add_parser("report", help="write an inspection or shift report (PDF)")
    kinds = report.add_subparsers(dest="report_kind", metavar="{inspection,shift}")
    kinds.required = True

    insp = kinds.add_parser("inspection", help="the report of one completed inspection")
    insp.add_argument("inspection_id", metavar="INSPECTION_ID")
    insp.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    insp.add_argument("--paper", choices=("a4", "letter"), default="a4")
    insp.add_argument("--lang", choices=("en", "zh_CN"), default=None,
                      help="report language (default: the station's UI language)")
    insp.add_argument("--tz", type=_zone, metavar="ZONE",
                      help="IANA time zone for times (default: this computer's zone)")
    insp.set_defaults(func=cmd_report_inspection)

    shift = kinds.add_parser("shift", help="the figures of one shift or time range")
    _add_window_args(shift)
    shift.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    shift.add_argument("--paper", choices=("a4", "letter"), default="a4")
    shift.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    shift.set_defaults(func=cmd_report_shift)

    export = subparsers.add_parser("export", help="export a day's inspections (CSV)")
    _add_window_args(export)
    export.add_argument("--format", choices=("csv",), default="csv")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.set_defaults(func=cmd_export)


# --- helpers ---------------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> tuple[Paths, Settings, Store]:
    paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "config", None))
    try:
        settings = load_settings(paths.config_file)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if not paths.db_file.exists():
        raise UsageError(f"no station database at {paths.db_file} (check --data-dir)")
    store, _check = open_station_store(paths, settings)
    return paths, settings, store


def _window(args: argparse.Namespace, settings: Settings) -> tuple[datetime, datetime, str]:
    """The [start, end) to report on and a title for it."""
    day: date = args.date
    tz: tzinfo | None = args.tz
    has_range = args.from_time is not None or args.to_time is not None
    if args.shift is not None and has_range:
        raise UsageError("use either --shift NAME or --from HH:MM --to HH:MM, not both")
    if args.shift is not None:
        try:
            definition = settings.shift(args.shift)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        start, end = shift_window(day, definition, tz)
        return start, end, f"{definition.name} {day.isoformat()}"
    if has_range:
        if args.from_time is None or args.to_time is None:
            raise UsageError("--from and --to go together")
        start, end = time_window(day, args.from_time, args.to_time, tz)
        return start, end, (f"{day.isoformat()} {args.from_time:%H:%M}–{args.to_time:%H:%M}")
    start, end = day_window(day, tz)
    return start, end, day.isoformat()


def _templates() -> dict[str, ChecklistTemplate]:
    """The station's checklists, for step prompts and which steps test function."""
    return load_templates(resource_path("checklists"))


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


# --- commands ---------------------------------------------------------------------------------


def _run(args: argparse.Namespace,
         work: Callable[[Paths, Settings, Store], str]) -> int:
    """Open the station, run one command, turn known failures into a message and exit code.

    `work` returns the line to print on success; a UsageError exits 2, a file that cannot
    be written exits 1.
    """
    try:
        paths, settings, store = _open(args)
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        done = work(paths, settings, store)
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc.strerror or exc}", EXIT_FAILED)
    finally:
        store.close()
    print(done)
    return EXIT_OK


def cmd_report_inspection(args: argparse.Namespace) -> int:
    def work(paths: Paths, settings: Settings, store: Store) -> str:
        language = args.lang or settings.language
        try:
            record = store.record(args.inspection_id)
        except StoreError:
            raise UsageError(f"no completed inspection with id {args.inspection_id!r}") from None
        render_inspection_report(
            store, args.inspection_id, args.out, station_id=settings.station_id,
            paper=args.paper, language=language, tz=args.tz,
            prompts=prompts_for_record(_templates(), record, language),
            cache_dir=cache_dir_for(paths.data_dir))
        return f"wrote {args.out}"

    return _run(args, work)


def cmd_report_shift(args: argparse.Namespace) -> int:
    def work(_paths: Paths, settings: Settings, store: Store) -> str:
        start, end, title = _window(args, settings)
        render_shift_report(store, start, end, args.out, title=title,
                            station_id=settings.station_id, paper=args.paper,
                            language=args.lang or settings.language, tz=args.tz,
                            is_function_step=function_steps_from(_templates().values()))
        return f"wrote {args.out}"

    return _run(args, work)


def cmd_export(args: argparse.Namespace) -> int:
    def work(_paths: Paths, settings: Settings, store: Store) -> str:
        start, end, _title = _window(args, settings)
        rows = write_csv(store.completed_between(start, end), args.out, tz=args.tz)
        return f"wrote {rows} inspections to {args.out}"

    return _run(args, work)
