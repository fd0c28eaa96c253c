"""The command line as a site's IT person uses it: version, doctor, operators, isolation."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from app import __version__
from app.demo import write_label_video
from refserver import start_server
from tests.builders import add_lead_and_inspector

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=timeout,
                          check=False)


def test_version() -> None:
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"inspection-station {__version__}"


def test_doctor_all_green_with_a_video_camera_and_a_live_api(tmp_path: Path) -> None:
    video = write_label_video(tmp_path / "cam.avi", ["RMA-2026-0001234"], seconds_each=0.5,
                              gap_seconds=0)
    with start_server(tmp_path / "server.db", tokens={"tok"}) as server:
        data = tmp_path / "station"
        data.mkdir()
        (data / "config.toml").write_text(
            f'api_base_url = "{server.url}"\ncamera_source = "{video}"\n'
            'token_source = "file"\n', encoding="utf-8")
        from app.config import Settings
        from app.paths import resolve_paths
        from app.station_store import open_station_store

        store, _ = open_station_store(resolve_paths(data), Settings(token_source="file"))
        store.close()  # the station exists before its token is provisioned
        token = data / "station-token"
        token.write_text("tok", encoding="utf-8")
        token.chmod(0o600)
        done = run_cli("--data-dir", str(data), "doctor")
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert all(line.startswith("OK") for line in lines), lines
    names = " ".join(lines)
    for check in ("zbar", "camera", "data folder", "private files", "database", "case API"):
        assert check in names


def test_doctor_fails_on_a_missing_camera_and_an_unreachable_api(tmp_path: Path) -> None:
    data = tmp_path / "station"
    data.mkdir()
    (data / "config.toml").write_text(
        'api_base_url = "http://127.0.0.1:9/api/v1"\ncamera_source = "/nonexistent.avi"\n'
        'token_source = "file"\n', encoding="utf-8")
    done = run_cli("--data-dir", str(data), "doctor")
    assert done.returncode == 1
    fails = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert any("camera" in f for f in fails) and any("case API" in f for f in fails)
    assert any(line.startswith("OK") and "database" in line for line in done.stdout.splitlines())


def test_invalid_config_is_refused_with_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("camera_width = -3\n", encoding="utf-8")
    done = run_cli("--data-dir", str(tmp_path / "d"), "--config", str(cfg), "doctor")
    assert done.returncode == 1
    assert "camera_width" in done.stdout


@pytest.mark.parametrize("argv", [["sync", "--status"],
                                  ["export", "--date", "2026-11-22", "--out", "x.csv"]])
def test_damaged_database_is_a_message_not_a_traceback(tmp_path: Path, argv: list[str]) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "station.db").write_bytes(b"this is not an SQLite database, just text" * 40)
    done = run_cli("--data-dir", str(data), *[str(tmp_path / a) if a == "x.csv" else a
                                              for a in argv])
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "damaged or not a database" in done.stderr


def test_operators_first_shift_lead_then_roster(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    done = run_cli("--data-dir", data, "operators", "add", "--id", "E2001", "--name", "Lead",
                   "--role", "shift_lead", env={"OPERATOR_PIN": "987654"})
    assert done.returncode == 0, done.stderr
    refused = run_cli("--data-dir", data, "operators", "add", "--id", "E1", "--name", "X",
                      env={"OPERATOR_PIN": "1234"})
    assert refused.returncode == 2 and "shift lead" in refused.stderr
    roster = tmp_path / "roster.csv"
    roster.write_text("operator_id,name,role,pin,badge_code\nE1001,李伟,inspector,1234,B1\n",
                      encoding="utf-8")
    done = run_cli("--data-dir", data, "operators", "import", str(roster), "--as", "E2001",
                   env={"AS_PIN": "987654"})
    assert done.returncode == 0, done.stderr
    assert "imported 1" in done.stdout


@pytest.mark.parametrize("argv", [["report"], ["nonsense-command"], ["decode"]])
def test_bad_arguments_exit_2(argv: list[str]) -> None:
    done = run_cli(*argv)
    assert done.returncode == 2
    assert "usage" in done.stderr.lower()


def test_token_set_from_stdin_then_check(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "config.toml").write_text('token_source = "file"\n', encoding="utf-8")
    missing = run_cli("--data-dir", str(data), "token", "check")
    assert missing.returncode == 1
    assert run_cli("--data-dir", str(data), "operators", "add", "--id", "L1", "--name", "Lead",
                   "--role", "shift_lead", env={"OPERATOR_PIN": "987654"}).returncode == 0

    def token_set(*extra: str, pin: str = "987654") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(data), "token", "set", *extra],
            cwd=ROOT, input="s3cret-token\n", capture_output=True, text=True, check=False,
            timeout=60, env={**os.environ, "AS_PIN": pin})

    assert token_set().returncode == 2  # storing the token is a shift-lead action
    assert token_set("--as", "L1", pin="000000").returncode == 2
    assert not (data / "station-token").exists()
    done = token_set("--as", "L1")
    assert done.returncode == 0, done.stderr
    assert "s3cret" not in done.stdout + done.stderr
    token_file = data / "station-token"
    assert token_file.read_text(encoding="utf-8").strip() == "s3cret-token"
    assert token_file.stat().st_mode & 0o077 == 0
    assert run_cli("--data-dir", str(data), "token", "check").returncode == 0


def test_operators_unlock_needs_a_shift_lead_and_lifts_the_lock(tmp_path: Path) -> None:
    from app.config import Settings
    from app.login_guard import LOCK_AFTER
    from app.operators import AuthError, LoginPolicy, Operators
    from app.paths import resolve_paths
    from app.station_store import open_station_store

    data = tmp_path / "d"
    store, _ = open_station_store(resolve_paths(data), Settings())
    ops = Operators(store, LoginPolicy())
    add_lead_and_inspector(ops)
    now = [ops.guard.clock()]
    ops.guard.clock = lambda: now[0]
    for _ in range(LOCK_AFTER):
        now[0] += timedelta(minutes=2)
        with pytest.raises(AuthError):
            ops.login_pin("I1", "0000")
    store.close()
    refused = run_cli("--data-dir", str(data), "operators", "unlock", "I1", "--as", "I1",
                      env={"AS_PIN": "1234"})
    assert refused.returncode == 2  # locked, and not a shift lead anyway
    done = run_cli("--data-dir", str(data), "operators", "unlock", "I1", "--as", "L1",
                   env={"AS_PIN": "987654"})
    assert done.returncode == 0 and "unlocked I1" in done.stdout, done.stderr
    store, _ = open_station_store(resolve_paths(data), Settings())
    try:
        assert Operators(store).login_pin("I1", "1234").operator_id == "I1"
    finally:
        store.close()
