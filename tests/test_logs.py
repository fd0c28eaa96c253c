"""Logs and crash files: a native crash is written by faulthandler and reported once."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from app.logs import pending_crash_report, remove_handlers, setup_logging

CRASHER = r"""
import sys, faulthandler
from pathlib import Path
from app.logs import enable_crash_file
enable_crash_file(Path(sys.argv[1]))
faulthandler._sigsegv()
"""


def test_native_crash_is_reported_at_the_next_start(tmp_path: Path) -> None:
    crash_file = tmp_path / "logs" / "crash.txt"
    done = subprocess.run([sys.executable, "-c", CRASHER, str(crash_file)], capture_output=True,
                          check=False, timeout=60)
    assert done.returncode != 0
    report = pending_crash_report(crash_file)
    assert report is not None and "Segmentation fault" in report
    assert pending_crash_report(crash_file) is None  # reported once, kept aside
    assert (tmp_path / "logs" / "crash.reported.txt").read_text(encoding="utf-8") == report


def test_rotating_log_file_and_token_redaction(tmp_path: Path) -> None:
    log_file = setup_logging(tmp_path / "logs", console=False)
    try:
        logging.getLogger("station.test").warning("sent with Authorization: Bearer s3cr3t-token")
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = log_file.read_text(encoding="utf-8")
        assert "station.test" in text and "Bearer <redacted>" in text
        assert "s3cr3t-token" not in text
    finally:
        remove_handlers()
