"""Signal emits must not change Python's refcounts: PySide6 6.12.0 stole one True per emit.

The check runs in a subprocess (a defective binding aborts the interpreter, which must not
take the test session with it), with the signal shapes the station emits: direct and
queued, from this thread and from another, with str, object, bool and QImage arguments.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ui.qt_refcheck import refcounts_hold

ROOT = Path(__file__).resolve().parent.parent


def test_tens_of_thousands_of_emits_leave_true_false_and_none_alone() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "ui.qt_refcheck", "40000"], env=env,
                          capture_output=True, text=True, timeout=240, check=False, cwd=ROOT)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stdout}{proc.stderr[-2000:]}"
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["ok"] is True
    assert result["emits"] >= 40_000 * 0.9
    assert result["received"] >= result["emits"], "queued emits were not delivered"
    assert all(abs(d) <= 40 for d in result["drift"].values()), result["drift"]


def test_the_verdict_catches_a_binding_that_steals_one_reference_per_emit() -> None:
    """The figures 6.12.0 gives (before it aborts) must fail; a few strays must not."""
    assert not refcounts_hold({"emits": 30_000, "drift": {"True": -30_000, "False": 0,
                                                          "None": 0}})
    assert not refcounts_hold({"emits": 30_000, "drift": {"True": 0, "False": 0,
                                                          "None": -3_000}})
    assert refcounts_hold({"emits": 30_000, "drift": {"True": 3, "False": -1, "None": 2}})
