"""Schema migrations: an old station's database upgrades in place and keeps its data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import inspect

from app.domain import Operator, Role, utcnow
from app.store import Store
from app.store.db import SCHEMA_VERSION, init_db, make_engine, schema_version
from app.store.models import Base, ts_text
from tests.builders import outbox_entry

LEAD = Operator("E2", "Lead", Role.SHIFT_LEAD)


def _make_v1_station(db_file: Path) -> None:
    """A database exactly as schema 1 left it, with a completed, unsent inspection."""
    engine = make_engine(db_file)
    assert init_db(engine, upto=1) == 1
    now = ts_text(utcnow())
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO inspections (inspection_id, case_id, line_id, rma, category, "
            "station_id, inspector_id, started_at, completed_at, status, template_id, "
            "template_version, classification, classification_suggested) VALUES "
            f"('i-1', 'C-1', 'L1', 'RMA-2026-0000001', 'audio', 'B1', 'E1', '{now}', '{now}', "
            "'completed', 'audio', 4, 'intact', 'intact')")
        conn.exec_driver_sql(
            "INSERT INTO results (inspection_id, payload, sha256, created_at) VALUES "
            f"('i-1', X'7B7D', 'abc', '{now}')")
        conn.exec_driver_sql(
            "INSERT INTO outbox (inspection_id, state, next_attempt_at, created_at, "
            f"attention_reason) VALUES ('i-1', 'attention', '{now}', '{now}', '409 closed')")
        conn.exec_driver_sql(
            "INSERT INTO inspections (inspection_id, category, station_id, inspector_id, "
            "started_at, status, template_id, template_version, current_step) VALUES "
            f"('d-1', 'audio', 'B1', 'E1', '{now}', 'draft', 'audio', 4, 2)")
    engine.dispose()


def test_upgrade_from_schema_1_keeps_everything(tmp_path: Path) -> None:
    db_file = tmp_path / "station.db"
    _make_v1_station(db_file)

    store = Store(db_file, tmp_path / "photos")
    with store.engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
    assert store.result_payload("i-1") == b"{}"
    item = store.outbox_item("i-1")
    assert item is not None and item.attention_reason == "409 closed"
    store.mark_handled("i-1", by=LEAD, note="done by phone")  # a schema-2 column
    assert outbox_entry(store, "i-1").handled_note == "done by phone"
    drafts = store.open_drafts()
    assert [(d.inspection_id, d.current_step) for d in drafts] == [("d-1", 2)]


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    db_file = tmp_path / "station.db"
    _make_v1_station(db_file)
    store = Store(db_file, tmp_path / "photos")
    inspector = inspect(store.engine)
    assert set(inspector.get_table_names()) >= set(Base.metadata.tables)
    for name, table in Base.metadata.tables.items():
        on_disk = {c["name"] for c in inspector.get_columns(name)}
        assert on_disk == {c.name for c in table.columns}, name


def test_fresh_and_upgraded_databases_have_the_same_schema(tmp_path: Path) -> None:
    _make_v1_station(tmp_path / "old.db")
    old = Store(tmp_path / "old.db", tmp_path / "p1")
    new = Store(tmp_path / "new.db", tmp_path / "p2")

    def shape(store: Store) -> dict[str, list[tuple[str, str]]]:
        insp = inspect(store.engine)
        return {t: sorted((c["name"], str(c["type"])) for c in insp.get_columns(t))
                for t in insp.get_table_names()}

    assert shape(old) == shape(new)


def test_schema_5_records_read_back_with_no_gate_and_no_tests_left_out(tmp_path: Path) -> None:
    """Migration 6 (16.1, 16.4): an inspection completed before it reads as before."""
    db_file = tmp_path / "station.db"
    _make_v1_station(db_file)
    engine = make_engine(db_file)
    assert init_db(engine, upto=5) == 5
    engine.dispose()
    store = Store(db_file, tmp_path / "photos")
    with store.engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        row = conn.exec_driver_sql(
            "SELECT gtin_expected, gtin_scanned, gtin_mismatch, gtin_signed_by, "
            "untested_steps FROM inspections WHERE inspection_id = 'i-1'").one()
    assert tuple(row) == (None, None, 0, None, "[]")


def test_a_schema_7_serial_sign_off_reads_back_without_a_reason(tmp_path: Path) -> None:
    """Migration 8 (16.1): a serial mismatch signed off before reasons were asked for."""
    db_file = tmp_path / "station.db"
    _make_v1_station(db_file)
    engine = make_engine(db_file)
    assert init_db(engine, upto=7) == 7
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE inspections SET serial_mismatch = 1, mismatch_signed_by = 'E2', "
            "mismatch_signed_at = completed_at WHERE inspection_id = 'i-1'")
    engine.dispose()
    store = Store(db_file, tmp_path / "photos")
    with store.engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
    now = utcnow()
    rows = store.shift_rows(now - timedelta(hours=1), now + timedelta(minutes=1))
    assert [(r.serial_mismatch, r.mismatch_signed_by, r.mismatch_sign_off_reason)
            for r in rows] == [(True, "E2", None)]
