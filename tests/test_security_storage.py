"""Hostile storage (issue 12 items 4, 5, 10, 11): private files, a keyed audit chain, a
deleted or damaged database."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.config import Settings
from app.context import StationContext
from app.domain import PermissionDenied, Role
from app.evidence import evidence_in
from app.logs import remove_handlers
from app.operators import Operators
from app.paths import Paths, resolve_paths
from app.station_store import EvidenceError, check_private, open_station_store
from app.store import Store, StoreError
from app.store.audit import entry_hash, verify_chain
from app.store.models import AuditRow
from tests.builders import complete_one, make_case

ROOT = Path(__file__).resolve().parent.parent
FILE_KEY = Settings(token_source="file")


@pytest.fixture(autouse=True)
def _drop_station_log_handlers() -> Iterator[None]:
    """_station_with_records logs to its folder's file, as the station does; undo it after."""
    yield
    remove_handlers()


def run_cli(data: Path, *args: str, env: dict[str, str] | None = None,
            stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data), *args],
                          cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=120,
                          env={**os.environ, **(env or {})}, check=False)


def _paths(folder: Path) -> Paths:
    return resolve_paths(folder)


def _station_with_records(folder: Path, n: int = 3) -> Paths:
    """A station that ran: inspections (unsent), a photo, an audit key and a log line."""
    from app.logs import setup_logging

    paths = _paths(folder)
    setup_logging(paths.log_dir, console=False)
    store, check = open_station_store(paths, FILE_KEY)
    assert check.ok
    for i in range(n):
        complete_one(store, make_case(case_id=f"C-{i}", rma=f"RMA-2026-{i:07d}"),
                     photo=b"\xff\xd8\xff\xe0 photo" if i == 0 else None)
    store.close()
    return paths


def _tree_modes(*folders: Path) -> dict[str, int]:
    return {str(p): stat.S_IMODE(p.stat().st_mode)
            for folder in folders for p in [folder, *folder.rglob("*")]}


# --- item 4: private files ----------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows profiles are "
                    "private per user")
def test_data_folder_is_0700_and_every_file_0600_even_after_an_old_0644_version(
        tmp_path: Path) -> None:
    data = tmp_path / "station"
    (data / "logs").mkdir(parents=True)
    data.chmod(0o755)
    old_log = data / "logs" / "station.log"
    old_log.write_text("2026-01-01 00:00:00,000 INFO x: an old 0644 log\n", encoding="utf-8")
    old_log.chmod(0o644)
    done = run_cli(data, "operators", "add", "--id", "L1", "--name", "Lead", "--role",
                   "shift_lead", env={"OPERATOR_PIN": "135790"})
    assert done.returncode == 0, done.stderr
    modes = _tree_modes(data)
    assert (data / "station.db").exists() and (data / "audit-key").exists()
    loose = {p: oct(m) for p, m in modes.items() if m & 0o077}
    assert not loose, loose
    assert modes[str(data)] == 0o700 and modes[str(data / "station.db")] == 0o600
    doctor = run_cli(data, "doctor")
    line = next(x for x in doctor.stdout.splitlines() if "private files" in x)
    assert line.startswith("OK"), line


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_doctor_check_names_a_file_others_can_read(tmp_path: Path) -> None:
    paths = _paths(tmp_path / "s")
    paths.ensure()
    leak = paths.data_dir / "station.db"
    leak.write_bytes(b"")
    leak.chmod(0o644)
    ok, detail = check_private(paths)
    assert not ok and str(leak) in detail and "644" in detail


# --- item 5: tamper-evident audit ---------------------------------------------------------


def test_edited_audit_row_cannot_be_reforged_without_the_station_secret(tmp_path: Path) -> None:
    paths = _station_with_records(tmp_path / "s")
    key_file = paths.audit_key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    store, check = open_station_store(paths, FILE_KEY)
    assert check.ok and check.entries >= 10
    # The attacker edits row 3 and re-chains everything after it with the project's own
    # (unkeyed) hash function: before the fix this made verify_chain pass again.
    with Session(store.engine) as s, s.begin():
        rows = list(s.scalars(text("SELECT seq FROM audit ORDER BY seq")))
        prev = s.get(AuditRow, rows[1]).hash  # type: ignore[union-attr]
        for seq in rows[2:]:
            row = s.get(AuditRow, seq)
            assert row is not None
            if seq == rows[2]:
                row.actor = "someone-else"
            row.prev_hash = prev
            row.hash = prev = entry_hash(prev, row.at, row.actor, row.action, row.subject,
                                         row.details)
    store.close()
    store, check = open_station_store(paths, FILE_KEY)
    store.close()
    assert not check.ok and check.first_bad_seq == rows[2]
    log_text = paths.log_file.read_text(encoding="utf-8")
    assert f"audit chain of {paths.db_file} BROKEN" in log_text  # recorded in the log
    doctor = run_cli(paths.data_dir, "doctor")
    line = next(x for x in doctor.stdout.splitlines() if x.split(":")[0].endswith("database"))
    assert line.startswith("FAIL") and "audit log was edited" in line
    assert doctor.returncode == 1


def test_unkeyed_chain_of_an_older_version_is_keyed_once_on_upgrade(tmp_path: Path) -> None:
    paths = _paths(tmp_path / "s")
    paths.ensure()
    old = Store(paths.db_file, paths.photos_dir)  # as the version before keyed audits
    complete_one(old)
    with Session(old.engine) as s:
        before = verify_chain(s)
    old.close()
    assert before.ok and not paths.audit_key_file.exists()
    store, check = open_station_store(paths, FILE_KEY)
    assert check.ok and check.entries == before.entries + 1  # + the "audit_keyed" entry
    with Session(store.engine) as s:
        assert not verify_chain(s).ok  # no longer verifiable without the secret
        last = s.scalars(text("SELECT action FROM audit ORDER BY seq DESC LIMIT 1")).one()
    assert last == "audit_keyed"
    store.close()
    # An unkeyed chain forged later (the secret exists now) is never laundered.
    old = Store(paths.db_file, paths.photos_dir)
    with old.engine.begin() as conn:
        conn.execute(text("UPDATE audit SET actor = 'x' WHERE seq = 1"))
    old.close()
    store, check = open_station_store(paths, FILE_KEY)
    store.close()
    assert not check.ok


def test_shift_lead_sees_the_tamper_warning_and_an_inspector_does_not(
        tmp_path: Path, qtbot: object) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.ui_helpers import login_pin, open_window, wait_until

    paths = _paths(tmp_path / "s")
    store, _ = open_station_store(paths, FILE_KEY)
    lead_pin = "246813"
    lead = Operators(store).add("L9", "Lead", Role.SHIFT_LEAD, lead_pin, None, by=None)
    Operators(store).add("I9", "Insp", Role.INSPECTOR, "1234", None, by=lead)
    complete_one(store)
    store.close()
    with Store(paths.db_file, paths.photos_dir).engine.begin() as conn:
        conn.execute(text("UPDATE audit SET details = '{}' WHERE seq = 2"))
    ctx = StationContext.open(paths, FILE_KEY)
    assert ctx.audit_check is not None and not ctx.audit_check.ok
    window = open_window(ctx, qtbot)
    try:
        login_pin(qtbot, window, "I9", "1234")
        assert window.tamper_box is None
        window.logout()
        login_pin(qtbot, window, "L9", lead_pin)
        wait_until(qtbot, lambda: window.tamper_box is not None
                   and window.tamper_box.isVisible())
        box = window.tamper_box
        assert isinstance(box, QMessageBox) and "audit log" in box.text()
        box.close()
    finally:
        window.close()
        ctx.close()


# --- item 10: a missing or empty station.db beside evidence -------------------------------


@pytest.mark.parametrize("how", ["missing", "zero-length"])
def test_missing_or_empty_database_beside_records_is_not_rebuilt(tmp_path: Path,
                                                                  how: str) -> None:
    paths = _station_with_records(tmp_path / "s")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{paths.db_file}{suffix}").unlink(missing_ok=True)
    if how == "zero-length":
        paths.db_file.write_bytes(b"")
    assert set(evidence_in(paths)) >= {"photos", "audit_key", "logs"}
    with pytest.raises(EvidenceError, match=r"Restore station\.db from a backup"):
        StationContext.open(paths, FILE_KEY)
    done = run_cli(paths.data_dir, "operators", "add", "--id", "X1", "--name", "Intruder",
                   "--role", "shift_lead", env={"OPERATOR_PIN": "111111"})
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "not rebuilt" in done.stderr
    assert (paths.db_file.stat().st_size if paths.db_file.exists() else 0) == 0  # untouched


def test_token_alone_counts_as_evidence_and_a_new_folder_starts(tmp_path: Path) -> None:
    paths = _paths(tmp_path / "s")
    paths.ensure()
    assert evidence_in(paths) == []
    store, _ = open_station_store(paths, FILE_KEY)  # a brand-new station starts
    store.close()
    paths.db_file.unlink()
    paths.audit_key_file.unlink()
    paths.token_file.write_text("tok\n", encoding="utf-8")
    with pytest.raises(EvidenceError, match="station token"):
        open_station_store(paths, FILE_KEY)


def test_first_run_mode_cannot_create_a_shift_lead_over_records(tmp_path: Path) -> None:
    paths = _station_with_records(tmp_path / "s", n=1)
    ctx = StationContext.open(paths, FILE_KEY)
    try:
        assert ctx.operators.needs_first_shift_lead()  # the roster is empty beside records
        with pytest.raises(PermissionDenied, match="restore"):
            ctx.operators.add("X1", "Intruder", Role.SHIFT_LEAD, "111111", None, by=None)
    finally:
        ctx.close()


# --- item 11: a database damaged in the middle --------------------------------------------


def _damage_middle(db: Path) -> str:
    pages = db.stat().st_size // 4096
    with open(db, "r+b") as fh:
        fh.seek((pages // 2) * 4096)
        fh.write(b"\xde\xad\xbe\xef" * 1024)
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.mark.parametrize("argv", [
    ["export", "--date", "2026-11-22", "--out", "{tmp}/x.csv"],
    ["report", "shift", "--date", "2026-11-22", "--shift", "early", "--out", "{tmp}/s.pdf"],
    ["sync", "--status"],
    ["operators", "add", "--id", "E9", "--name", "X", "--as", "L1"],
    ["doctor"],
])
def test_damaged_database_gives_one_plain_message_and_is_never_written(
        tmp_path: Path, argv: list[str]) -> None:
    paths = _station_with_records(tmp_path / "s", n=40)
    digest = _damage_middle(paths.db_file)
    done = run_cli(paths.data_dir, *[a.format(tmp=tmp_path) for a in argv],
                   env={"OPERATOR_PIN": "1234", "AS_PIN": "135790"})
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "Traceback" not in out and "sqlalchemy" not in out.lower(), out
    assert "damaged" in out and "backup" in out, out
    assert hashlib.sha256(paths.db_file.read_bytes()).hexdigest() == digest  # no writes
    assert not Path(f"{paths.db_file}-wal").exists() or \
        Path(f"{paths.db_file}-wal").stat().st_size == 0


def test_damaged_database_refuses_the_gui_context(tmp_path: Path) -> None:
    paths = _station_with_records(tmp_path / "s", n=40)
    _damage_middle(paths.db_file)
    with pytest.raises(StoreError, match="damaged"):
        StationContext.open(paths, FILE_KEY)


def test_refuse_to_start_message_in_english_and_chinese(tmp_path: Path, qtbot: object,
                                                        qm_dir: Path) -> None:
    from app.store.db import DamagedDatabase
    from ui.i18n import Translations
    from ui.start_problem import start_problem_text

    missing = EvidenceError(tmp_path / "station.db", ["photos", "token", "logs"])
    damaged = DamagedDatabase(tmp_path / "station.db", "database disk image is malformed")
    english = start_problem_text(missing)
    assert "is missing" in english and "photos, the station token, logs" in english
    assert f"copy station.db from your backup into {tmp_path}" in english
    assert "Nothing was written" in start_problem_text(damaged)
    translations = Translations(qm_dir)
    try:
        assert translations.switch("zh_CN")
        chinese = start_problem_text(missing)
        assert "缺失" in chinese and "照片, 工位令牌, 日志" in chinese and "恢复方法" in chinese
        assert str(tmp_path) in chinese
        assert "未向其写入任何内容" in start_problem_text(damaged)
    finally:
        translations.switch("en")
