"""The local store: drafts, photos, completion, outbox, audit chain, history, retention."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.domain import (
    Answer,
    Classification,
    Disposition,
    DomainError,
    Operator,
    PermissionDenied,
    Result,
    Role,
    utcnow,
)
from app.store import OutboxState, StoreError
from app.store.audit import verify_chain
from app.store.db import StoreError as DbStoreError
from tests.builders import AUDIO_TEMPLATE, complete_one, make_case, open_store, outbox_entry

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8


def test_pragmas_are_durable(data_dir: Path) -> None:
    store = open_store(data_dir)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_draft_answers_resume_at_the_same_step(data_dir: Path) -> None:
    store = open_store(data_dir)
    case = make_case()
    insp = store.start_inspection(template=AUDIO_TEMPLATE, station_id="B1", inspector_id="E1",
                                  case=case, item=case.items[0])
    store.save_answer(insp.inspection_id, Answer("app-shell", Result.PASS), current_step=1,
                      actor="E1")
    store.save_answer(insp.inspection_id, Answer("fn-power", Result.FAIL, note="no power"),
                      current_step=2, actor="E1")
    store.close()

    reopened = open_store(data_dir)
    drafts = reopened.open_drafts("E1")
    assert [d.inspection_id for d in drafts] == [insp.inspection_id]
    assert drafts[0].current_step == 2
    assert drafts[0].answers["fn-power"].note == "no power"
    assert reopened.draft_case(insp.inspection_id) == case


def test_complete_writes_result_bytes_and_outbox_together(data_dir: Path) -> None:
    store = open_store(data_dir)
    inspection_id = complete_one(store, photo=JPEG)
    payload = store.result_payload(inspection_id)
    assert payload is not None
    body = json.loads(payload)
    assert body["inspection_id"] == inspection_id
    assert body["classification"] == "damaged"
    assert [a["step_id"] for a in body["answers"]] == ["app-shell", "fn-power", "acc-cable"]
    assert body["photos"][0]["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert set(body) >= {"case_id", "line_id", "station_id", "inspector_id", "started_at",
                         "completed_at", "template_id", "template_version",
                         "serial_number_scanned", "classification_suggested",
                         "override_reason", "missing_accessories", "disposition",
                         "client_version"}
    due = store.outbox_due(utcnow())
    assert [d.inspection_id for d in due] == [inspection_id]
    record = store.record(inspection_id)
    assert record.payload_sha256 == hashlib.sha256(payload).hexdigest()
    assert record.sync_state == OutboxState.PENDING


def test_completed_inspection_is_immutable(data_dir: Path) -> None:
    store = open_store(data_dir)
    inspection_id = complete_one(store)
    with pytest.raises(DomainError, match="completed"):
        store.save_answer(inspection_id, Answer("fn-power", Result.FAIL), current_step=1,
                          actor="E1")
    with pytest.raises(DomainError, match="completed"):
        store.add_photo(inspection_id, None, JPEG, mime="image/jpeg", width=1, height=1,
                        actor="E1")


def test_override_without_reason_is_refused(data_dir: Path) -> None:
    store = open_store(data_dir)
    case = make_case()
    insp = store.start_inspection(template=AUDIO_TEMPLATE, station_id="B1", inspector_id="E1",
                                  case=case, item=case.items[0])
    with pytest.raises(DomainError, match="reason"):
        store.complete(insp.inspection_id, answers_in_order=[],
                       classification=Classification.DAMAGED,
                       classification_suggested=Classification.INTACT, override_reason="  ",
                       disposition=Disposition.REFURBISH, missing_accessories=[], actor="E1")
    assert store.open_drafts()[0].inspection_id == insp.inspection_id  # nothing half-written
    assert store.outbox_due(utcnow()) == []


def test_photos_are_stored_by_generated_name_with_hash(data_dir: Path) -> None:
    store = open_store(data_dir)
    case = make_case(rma="../../etc/passwd")
    insp = store.start_inspection(template=AUDIO_TEMPLATE, station_id="B1", inspector_id="E1",
                                  case=case, item=case.items[0], scanned_code="../../x")
    photo = store.add_photo(insp.inspection_id, "app-shell", JPEG, mime="image/jpeg",
                            width=4, height=3, actor="E1")
    files = list((data_dir / "photos").iterdir())
    assert len(files) == 1
    assert files[0].parent == data_dir / "photos"
    assert files[0].read_bytes() == JPEG
    assert photo.sha256 == hashlib.sha256(JPEG).hexdigest()
    store.delete_photo(insp.inspection_id, photo.photo_id, actor="E1")
    assert list((data_dir / "photos").iterdir()) == []


def test_unverified_inspection_resolves_once(data_dir: Path) -> None:
    store = open_store(data_dir)
    insp = store.start_inspection(template=AUDIO_TEMPLATE, station_id="B1", inspector_id="E1",
                                  case=None, item=None, scanned_code="RMA-2026-0001234",
                                  category="audio")
    store.save_answer(insp.inspection_id, Answer("app-shell", Result.PASS), current_step=1,
                      actor="E1")
    result = store.complete(insp.inspection_id, answers_in_order=["app-shell"],
                            classification=Classification.INTACT,
                            classification_suggested=Classification.INTACT, override_reason=None,
                            disposition=Disposition.RESTOCK, missing_accessories=[], actor="E1")
    assert result is None
    assert store.result_payload(insp.inspection_id) is None
    item = store.outbox_due(utcnow())[0]
    assert item.unverified and item.scanned_code == "RMA-2026-0001234"
    first = store.resolve_unverified(insp.inspection_id, make_case(), "L1")
    again = store.resolve_unverified(insp.inspection_id, make_case(case_id="C-OTHER"), "L1")
    assert first == again  # frozen at first resolution: every retry sends the same bytes
    assert json.loads(first)["case_id"] == "C-000123"


def test_outbox_transitions_and_counts(data_dir: Path) -> None:
    store = open_store(data_dir)
    a, b, c = (complete_one(store, make_case(case_id=f"C-{i}")) for i in range(3))
    later = utcnow() + timedelta(minutes=5)
    store.schedule_retry(a, later, "connection refused")
    store.mark_attention(b, "409 case_closed")
    store.mark_sent(c, "2026-11-25T10:00:00Z")
    counts = store.queue_counts()
    assert (counts.pending, counts.attention) == (1, 1)
    assert counts.last_sent_at is not None
    assert store.outbox_due(utcnow()) == []
    assert [i.inspection_id for i in store.outbox_due(later)] == [a]
    assert outbox_entry(store, b).attention_reason == "409 case_closed"
    lead = Operator("E2001", "Lead", Role.SHIFT_LEAD)
    with pytest.raises(PermissionDenied):
        store.mark_handled(b, by=Operator("E1001", "Inspector", Role.INSPECTOR), note="done")
    with pytest.raises(DomainError):
        store.mark_handled(b, by=lead, note="   ")
    store.mark_handled(b, by=lead, note="case reopened by phone")
    assert outbox_entry(store, b).state == OutboxState.HANDLED


def test_retried_attention_item_loses_its_old_reason(data_dir: Path) -> None:
    """A shift lead retries a needs-attention item and it goes through: the history and the
    printed report must not still say why it once needed attention."""
    store = open_store(data_dir)
    iid = complete_one(store)
    store.mark_attention(iid, "409 conflict: case_closed")
    store.retry_attention(iid, by=Operator("E2001", "Lead", Role.SHIFT_LEAD))
    item = store.outbox_item(iid)
    assert item is not None and item.state == OutboxState.PENDING
    assert item.attention_reason is None
    store.mark_attention(iid, "409 conflict: already_inspected")  # fails again: new reason
    assert store.record(iid).attention_reason == "409 conflict: already_inspected"
    store.retry_attention(iid, by=Operator("E2001", "Lead", Role.SHIFT_LEAD))
    store.mark_sent(iid, "2026-11-25T10:00:00Z")
    record = store.record(iid)
    assert record.sync_state == OutboxState.SENT and record.attention_reason is None


def test_retention_purges_only_confirmed_old_items(data_dir: Path) -> None:
    store = open_store(data_dir)
    sent = complete_one(store, make_case(case_id="C-1"), photo=JPEG)
    pending = complete_one(store, make_case(case_id="C-2"), photo=JPEG)
    attention = complete_one(store, make_case(case_id="C-3"))
    store.mark_sent(sent, None)
    store.mark_attention(attention, "422 invalid")
    assert store.purge_confirmed(utcnow(), 30, actor="station") == 0
    future = utcnow() + timedelta(days=31)
    assert store.purge_confirmed(future, 30, actor="station") == 1
    with pytest.raises(StoreError):
        store.record(sent)
    assert store.record(pending).sync_state == OutboxState.PENDING
    assert store.record(attention).sync_state == OutboxState.ATTENTION
    assert len(list((data_dir / "photos").iterdir())) == 1  # the pending one's photo


def test_audit_log_is_chained_and_detects_tampering(data_dir: Path) -> None:
    store = open_store(data_dir)
    complete_one(store, photo=JPEG)
    with Session(store.engine) as s:
        check = verify_chain(s)
    assert check.ok and check.entries >= 5
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE audit SET actor='someone-else' WHERE seq=2"))
    with Session(store.engine) as s:
        broken = verify_chain(s)
    assert not broken.ok and broken.first_bad_seq == 2


def test_search_by_rma_and_serial(data_dir: Path) -> None:
    store = open_store(data_dir)
    wanted = complete_one(store, make_case(case_id="C-9", rma="RMA-2026-0009999"))
    complete_one(store, make_case(case_id="C-8", rma="RMA-2026-0008888"))
    assert [r.inspection_id for r in store.search("rma-2026-0009999 ")] == [wanted]
    assert store.search("") == []


def test_cached_case_lookup_by_any_code(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.cache_case(make_case())
    for code in ("RMA-2026-0001234", "so-88812", " SF1234567890123 ", "C-000123"):
        found = store.cached_case(code)
        assert found is not None and found.case_id == "C-000123"
    assert store.cached_case("RMA-2026-0000000") is None


def test_newer_schema_is_refused_with_a_message(data_dir: Path) -> None:
    store = open_store(data_dir)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA user_version = 99")
    store.close()
    with pytest.raises(DbStoreError, match="newer version"):
        open_store(data_dir)


def test_garbage_database_file_gives_a_plain_error(data_dir: Path) -> None:
    (data_dir / "station.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(DbStoreError, match="station database"):
        open_store(data_dir)


def test_relaxed_marks_leave_the_connection_durable_again(data_dir: Path) -> None:
    """mark_sent skips its fsync (a lost mark is one idempotent replay); nothing else may."""
    store = open_store(data_dir)
    inspection_id = complete_one(store)
    store.mark_sent(inspection_id, None)
    for _ in range(3):  # whichever pooled connection comes back
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    assert outbox_entry(store, inspection_id).state == OutboxState.SENT
