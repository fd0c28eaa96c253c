"""First start without Qt: when setup shows, what it writes, and what marks training data."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from app.config import load_settings
from app.domain import utcnow
from app.firstrun import (
    SetupError,
    add_first_lead,
    check_first_lead,
    holds_evidence,
    needs_setup,
    site_settings,
    write_site_settings,
    write_training_settings,
)
from app.operators import Operators
from app.paths import Paths, resolve_paths
from app.reports import cli as report_cli
from app.store.store import Store
from app.sync.cli import make_client
from app.sync.token import load_token
from app.training import TRAINING_MARK, TrainingGuardError, is_training_folder
from tests.builders import add_inspection, report_case, store_clock
from tests.test_reports_support import pdftotext


def _paths(tmp_path: Path) -> Paths:
    return resolve_paths(tmp_path / "station", None, env={})


def test_a_new_folder_needs_setup_and_a_configured_one_does_not(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    assert needs_setup(paths)
    write_training_settings(paths, language="zh_CN")
    assert not needs_setup(paths)
    assert load_settings(paths.config_file, env={}).language == "zh_CN"
    assert load_settings(paths.config_file, env={}).demo_mode  # training on the next start too


def test_operators_without_config_mean_no_setup(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    paths.ensure()
    store = Store(paths.db_file, paths.photos_dir)
    try:
        assert needs_setup(paths)  # an empty database is still a new station
        add_first_lead(store, check_first_lead("E7001", "Wang Fang", "246810", "246810"))
        assert Operators(store).count() == 1
    finally:
        store.close()
    assert not needs_setup(paths)


def test_evidence_without_a_database_never_shows_setup(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    paths.ensure()
    assert not holds_evidence(paths)
    (paths.photos_dir / "ab").mkdir()
    (paths.photos_dir / "ab" / "photo.jpg").write_bytes(b"\xff\xd8 evidence")
    assert holds_evidence(paths) and not needs_setup(paths)


def test_inspections_in_the_database_count_as_evidence(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    store = Store(paths.db_file, paths.photos_dir)
    try:
        with store_clock(utcnow()) as clock:
            add_inspection(store, clock, report_case(1), started=clock(),
                           completed=clock())
    finally:
        store.close()
    assert holds_evidence(paths) and not needs_setup(paths)


@pytest.mark.parametrize(("entries", "en", "zh"), [
    (("", "Wang", "246810", "246810"), "Badge / ID and name", "工牌"),
    (("E7001", "Wang", "12345", "12345"), "at least 6 digits", "至少 6 位"),
    (("E7001", "Wang", "24681x", "24681x"), "digits only", "只能是数字"),
    (("E7001", "Wang", "246810", "246811"), "differ", "不一致"),
])
def test_first_lead_entries_are_checked(entries: tuple[str, str, str, str], en: str,
                                        zh: str) -> None:
    with pytest.raises(SetupError) as exc:
        check_first_lead(*entries)
    assert en in exc.value.message("en") and zh in exc.value.message("zh_CN")


def test_site_settings_and_token_are_written(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    paths.ensure()
    store = Store(paths.db_file, paths.photos_dir)
    try:
        lead = add_first_lead(store, check_first_lead("E7001", "Wang Fang", "246810", "246810"))
    finally:
        store.close()
    checked = site_settings(url="https://cases.example/api/v1/", station_id="WH1-BENCH-04")
    settings = write_site_settings(paths, checked, token="s3cr3t-token", by=lead)
    assert load_settings(paths.config_file, env={}) == settings
    assert settings.api_base_url == "https://cases.example/api/v1"
    assert load_token(settings, paths.token_file) == "s3cr3t-token"  # keyring fails: the file
    with pytest.raises(SetupError, match="station_id"):
        site_settings(url="https://cases.example/api/v1", station_id="bad id")


def test_training_data_never_syncs_to_a_real_server(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    paths.ensure()
    settings = load_settings(None, env={}).replace(api_base_url="https://cases.example/api/v1",
                                                   token_source="file")
    client = make_client(settings, paths)  # a real station: allowed
    assert client is not None
    client.close()
    (paths.data_dir / TRAINING_MARK).write_text("training\n", encoding="utf-8")
    assert is_training_folder(paths.data_dir)
    with pytest.raises(TrainingGuardError, match=r"cases\.example"):
        make_client(settings, paths)
    loopback = settings.replace(api_base_url="http://127.0.0.1:8765/api/v1")
    client = make_client(loopback, paths)
    assert client is not None
    client.close()


def _report(*argv: str) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir")
    p.add_argument("--config")
    report_cli.register(p.add_subparsers(dest="command"))
    args = p.parse_args(list(argv))
    return int(args.func(args))


@pytest.mark.parametrize("training", [True, False])
def test_every_report_from_training_data_says_training(tmp_path: Path, training: bool) -> None:
    paths = _paths(tmp_path)
    store = Store(paths.db_file, paths.photos_dir)
    now = utcnow()
    try:
        with store_clock(now) as clock:
            iid = add_inspection(store, clock, report_case(2), started=now, completed=now)
    finally:
        store.close()
    if training:
        (paths.data_dir / TRAINING_MARK).write_text("training\n", encoding="utf-8")
    insp, shift = tmp_path / "insp.pdf", tmp_path / "shift.pdf"
    day = now.date().isoformat()
    assert _report("--data-dir", str(paths.data_dir), "report", "inspection", iid,
                   "--out", str(insp), "--lang", "zh_CN") == 0
    assert _report("--data-dir", str(paths.data_dir), "report", "shift", "--date", day,
                   "--from", "00:00", "--to", "23:59", "--tz", "UTC", "--out", str(shift)) == 0
    for pdf in (insp, shift):
        text = pdftotext(pdf)
        pages = text.count("\f") or 1
        assert text.count("TRAINING") == (pages if training else 0), pdf
