"""`--self-test` from the source tree: every check passes here, and a failure is one FAIL line."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import zxingcpp

import app.selftest as selftest
from app.resources import resource_path

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ("resources", "config", "data folder", "database", "audit log", "report", "zxing-cpp",
          "zbar", "opencv", "qt", "report preview")


def _args(data_dir: Path | None) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data_dir) if data_dir else None, config=None)


def _lines(out: str) -> dict[str, str]:
    """check name -> its whole line, for the OK/FAIL lines only."""
    found = {}
    for line in out.splitlines():
        if line.startswith(("OK   ", "FAIL ")):
            name = line[5:].split(":", 1)[0]
            found[name] = line
    return found


def test_sample_label_carries_what_the_self_test_expects() -> None:
    grey = cv2.imread(str(resource_path("samples", "label_rma.png")), cv2.IMREAD_GRAYSCALE)
    reads = {(r.format.name, r.text) for r in zxingcpp.read_barcodes(grey)}
    assert reads == {("Code128", selftest.SAMPLE_RMA), ("QRCode", selftest.SAMPLE_QR)}


@pytest.mark.slow
def test_every_check_passes_from_source(data_dir: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert selftest.run_self_test(_args(data_dir)) == 0
    out = capsys.readouterr().out
    lines = _lines(out)
    assert list(lines) == list(CHECKS), out
    assert all(line.startswith("OK") for line in lines.values()), out
    assert "migrated schema 1 ->" in lines["database"]
    assert "an edited entry is caught" in lines["audit log"]
    assert "inspection report" in lines["report"]  # the real report, not the fallback page
    assert "platform offscreen" in lines["qt"]
    assert selftest.SAMPLE_RMA in lines["report preview"]
    assert out.rstrip().splitlines()[-1].startswith("self-test passed")
    # The data folder check used the folder it was given, and the database check did not.
    assert not (data_dir / "station.db").exists()


def test_failures_are_lines_and_the_exit_status(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A dead Qt child, a missing sample and an unwritable folder: three FAILs, no traceback."""
    blocker = data_dir / "not-a-folder"
    blocker.write_text("a file where the data folder should be")

    def no_sample() -> object:
        raise RuntimeError("the sample label is missing")

    monkeypatch.setattr(selftest, "_sample_grey", no_sample)
    monkeypatch.setattr(selftest, "_child_command",
                        lambda: [sys.executable, "-c", "import os; os.abort()"])
    assert selftest.run_self_test(_args(blocker)) == 1
    out = capsys.readouterr().out
    lines = _lines(out)
    assert list(lines) == list(CHECKS), out  # every check still ran
    for name in ("data folder", "zxing-cpp", "zbar", "qt", "report preview"):
        assert lines[name].startswith("FAIL"), out
    assert "the sample label is missing" in lines["zbar"]
    assert "the Qt check died" in lines["qt"]
    assert lines["resources"].startswith("OK")
    assert "Traceback" not in out
    assert "self-test FAILED" in out


def test_invalid_config_fails_its_line(data_dir: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "config.toml").write_text('camera_backend = "telepathy"\n', encoding="utf-8")
    passed = selftest.run_checks([("config", lambda: selftest.check_config(_args(data_dir)))])
    assert passed == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith("FAIL config:") and "camera_backend" in line


@pytest.mark.slow
def test_command_line_runs_the_self_test(data_dir: Path) -> None:
    """`python -m app --self-test` is wired through app/cli.py and exits 0."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), INSPECTION_STATION_DATA=str(data_dir))
    proc = subprocess.run([sys.executable, "-m", "app", "--self-test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list(_lines(proc.stdout)) == list(CHECKS)


def test_audit_line_fails_when_this_station_s_audit_log_was_edited(data_dir: Path,
                                                                    tmp_path: Path) -> None:
    from sqlalchemy import text

    from app.config import Settings
    from app.domain import Role
    from app.operators import Operators
    from app.paths import resolve_paths
    from app.station_store import open_station_store

    store, _ = open_station_store(resolve_paths(data_dir), Settings())
    Operators(store).add("L1", "Lead", Role.SHIFT_LEAD, "135791", None, by=None)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit SET actor = 'nobody' WHERE seq = 1"))
    store.close()
    scratch_dir = tmp_path / "scratch"
    scratch_dir.mkdir()
    scratch = selftest._Scratch(scratch_dir)
    assert selftest.check_database(scratch)[0]
    ok, detail = selftest.check_audit(scratch, _args(data_dir))
    assert not ok and "THIS station's audit log was edited" in detail
    assert "an edited entry is caught" in detail
