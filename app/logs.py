"""Logging and crash files: named loggers, a rotating log file, faulthandler crash dumps.

A native crash (OpenCV, zbar, Qt) cannot be caught in Python: faulthandler writes
the stacks to a crash file, and the next start reports it (`pending_crash_report`).
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
from pathlib import Path
from typing import IO

# Names of the handlers this module installs (a second setup replaces them, not adds).
HANDLER_NAMES = ("station-file", "station-console")

_crash_stream: IO[str] | None = None


class _RedactTokens(logging.Filter):
    """Belt and braces: a bearer token never reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if "Bearer " in msg:
            import re

            record.msg = re.sub(r"Bearer\s+\S+", "Bearer <redacted>", msg)
            record.args = ()
        return True


def setup_logging(log_dir: Path, *, verbose: bool = False, console: bool = True) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / "station.log"
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if handler.get_name() in HANDLER_NAMES:
            root.removeHandler(handler)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    file_handler.setFormatter(fmt)
    file_handler.addFilter(_RedactTokens())
    file_handler.set_name(HANDLER_NAMES[0])
    root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.DEBUG if verbose else logging.WARNING)
        stream.setFormatter(fmt)
        stream.addFilter(_RedactTokens())
        stream.set_name(HANDLER_NAMES[1])
        root.addHandler(stream)
    return log_file


def remove_handlers() -> None:
    """Remove and close the handlers setup_logging installed (a test's cleanup)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() in HANDLER_NAMES:
            root.removeHandler(handler)
            handler.close()


def enable_crash_file(crash_file: Path) -> None:
    """Native crashes dump every thread's stack here; the next start reports it."""
    global _crash_stream
    crash_file.parent.mkdir(parents=True, exist_ok=True)
    if _crash_stream is not None:
        return
    _crash_stream = open(crash_file, "a", encoding="utf-8")  # noqa: SIM115 - kept open for life
    faulthandler.enable(file=_crash_stream, all_threads=True)


def pending_crash_report(crash_file: Path) -> str | None:
    """The text of a crash left by the last run, moved aside so it is reported once."""
    if not crash_file.exists() or crash_file.stat().st_size == 0:
        return None
    if _crash_stream is not None and not _crash_stream.closed:
        _crash_stream.flush()
    text = crash_file.read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        return None
    seen = crash_file.with_suffix(".reported.txt")
    seen.write_text(text, encoding="utf-8")
    crash_file.write_text("", encoding="utf-8")
    return text
