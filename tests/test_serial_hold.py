"""A serial/IMEI mismatch holds the item like a product code mismatch (issue 16.1).

The whole flow against the real reference server: the case comes from its lookup; the
suggested disposition is the contract's null ("hold for review"); the lead's sign-off
needs a reason (checked before the PIN); the store refuses a serial mismatch without lead,
reason or with a disposition; the audit entry, the PDF (read back with pdftotext), the CSV
export and the shift report carry the reason; the outbox sends it exactly once. Also: the
history's "Mismatches only" rule, and offline line matching by the scanned product code.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import StationContext
from app.domain import Answer, Case, Classification, Disposition, DomainError, Result
from app.labels.content import label_content
from app.line_match import Fit, match_line
from app.mismatch import is_mismatch, mismatches_only
from app.operators import AuthError
from app.reports.export import COLUMNS, export_csv
from app.store.models import AuditRow
from app.store.store import OutboxState, Store
from app.workflow import InspectionSession, start_inspection
from refserver import RunningServer, start_server
from tests.builders import AUDIO_TEMPLATE_NO_ACCESSORY, case_doc
from tests.builders import gadget_case as make_case
from tests.faults import deliver_exactly_once, fast_client, make_worker
from tests.flow_helpers import walk_all_pass
from tests.test_identity_gate import CONTRACT_KEYS, _flat_pdf, _trail
from tests.test_reports_support import last_hour_shift_text

SWAPPED = "SN-SWAPPED-4711"
REASON = "label of another unit on the device"
GTIN_A = "06901234567892"
GTIN_B = "06904123000357"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


def _served_case(server: RunningServer, rma: str = "RMA-2026-0004001") -> Case:
    doc = make_case(case_id=f"C-{rma[-4:]}", rma=rma, reason="no_longer_needed").to_api()
    server.store.add_case(doc)
    found = fast_client(server.url).lookup(rma)
    assert isinstance(found, Case)
    return found


def _swapped(ctx: StationContext, server: RunningServer) -> InspectionSession:
    case = _served_case(server)
    s = InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))
    walk_all_pass(s, SWAPPED)
    return s


def _audit_details(ctx: StationContext, subject: str, action: str) -> dict[str, object]:
    with Session(ctx.store.engine) as s:
        details = s.scalars(select(AuditRow.details).where(
            AuditRow.subject == subject, AuditRow.action == action)).one()
    loaded: dict[str, object] = json.loads(details)
    return loaded


def test_a_serial_mismatch_is_held_signed_with_a_reason_and_sent_once(
        ctx: StationContext, server: RunningServer, tmp_path: Path) -> None:
    s = _swapped(ctx, server)
    assert s.on_hold
    sug = s.suggestion()
    assert sug.classification is Classification.INTACT and sug.disposition is None
    assert s.disposition_for(Classification.DAMAGED) is None  # whatever the classification
    with pytest.raises(DomainError) as waiting:
        s.confirm(Classification.INTACT, None)
    assert waiting.value.key == "mismatch_needs_sign_off"
    assert "暂扣待审" in waiting.value.message("zh_CN")

    signed = s.sign_off_mismatch("BADGE-LEAD", "123456", f"  {REASON} ")
    assert signed.reason == REASON  # cleaned
    s.confirm(Classification.INTACT, None)

    rec = ctx.store.record(s.inspection_id)
    assert rec.serial_mismatch and rec.mismatch_signed_by == "lead1"
    assert rec.mismatch_sign_off_reason == REASON and rec.disposition is None
    payload = json.loads(ctx.store.result_payload(s.inspection_id) or b"{}")
    assert set(payload) == CONTRACT_KEYS  # the reason stays on the station
    assert payload["disposition"] is None and payload["serial_number_scanned"] == SWAPPED
    audit = _audit_details(ctx, s.inspection_id, "mismatch_sign_off")
    assert audit["reason"] == REASON and audit["scanned"] == SWAPPED
    assert ("lead1", "mismatch_lead_verified") in _trail(ctx, s.inspection_id)
    assert ctx.store.verify_audit().ok

    stored = deliver_exactly_once(ctx.store, server, s.inspection_id)
    assert stored["disposition"] is None and stored["serial_number_scanned"] == SWAPPED
    assert ctx.store.record(s.inspection_id).sync_state == OutboxState.SENT

    en = _flat_pdf(ctx, s.inspection_id, tmp_path, "en")
    for text in ("Serial/IMEI mismatch", "yes: on hold, signed off by shift lead lead1",
                 REASON, "hold for review", SWAPPED):
        assert text in en, text
    zh = _flat_pdf(ctx, s.inspection_id, tmp_path, "zh_CN")
    for text in ("序列号/IMEI 不符", "暂扣待审", "班组长 lead1", REASON):
        assert text in zh, text

    rows = list(csv.DictReader(io.StringIO(export_csv([rec]).decode("utf-8-sig"))))
    assert "mismatch_sign_off_reason" in COLUMNS
    assert rows[0]["mismatch_sign_off_reason"] == REASON
    assert rows[0]["mismatch_signed_by"] == "lead1" and rows[0]["disposition"] == ""

    flat = last_hour_shift_text(ctx.store, tmp_path)
    assert "Serial/IMEI mismatches 1" in flat and "lead1: " in flat
    assert "label of another unit" in flat


def test_a_blank_reason_is_refused_before_the_pin_and_the_store_insists(
        ctx: StationContext, server: RunningServer) -> None:
    s = _swapped(ctx, server)
    for blank in (None, "", "   "):
        with pytest.raises(DomainError) as refused:
            s.sign_off_mismatch("lead1", "123456", blank)
        assert refused.value.key == "serial_sign_off_needs_reason"
        assert "原因" in refused.value.message("zh_CN")
    # No PIN was tried for a missing reason: the audit has no refusal yet.
    assert not any(a.endswith("_refused") for _, a in _trail(ctx, s.inspection_id))
    with pytest.raises(AuthError):
        s.sign_off_mismatch("lead1", "000000", REASON)
    assert sum(a.endswith("_refused") for _, a in _trail(ctx, s.inspection_id)) == 1
    assert s.mismatch_sign_off is None

    def complete(**kw: object) -> None:
        ctx.store.complete(s.inspection_id, answers_in_order=[],
                           classification=Classification.INTACT,
                           classification_suggested=Classification.INTACT,
                           override_reason=None, missing_accessories=[], actor="insp1",
                           serial_mismatch=True, **kw)  # type: ignore[arg-type]

    with pytest.raises(DomainError) as no_reason:
        complete(disposition=None, signed_off_by="lead1")
    assert no_reason.value.key == "mismatch_needs_sign_off"
    with pytest.raises(DomainError):
        complete(disposition=None, signed_off_by="lead1", sign_off_reason="  ")
    with pytest.raises(DomainError, match="held for review"):
        complete(disposition=Disposition.RESTOCK, signed_off_by="lead1", sign_off_reason=REASON)
    assert ctx.store.load_inspection(s.inspection_id).status.value == "draft"
    complete(disposition=None, signed_off_by="lead1", sign_off_reason=REASON)
    assert ctx.store.record(s.inspection_id).mismatch_sign_off_reason == REASON


def test_the_next_location_label_of_a_held_item_says_hold_for_review(
        ctx: StationContext, server: RunningServer) -> None:
    s = _swapped(ctx, server)
    s.sign_off_mismatch("lead1", "123456", REASON)
    s.confirm(Classification.INTACT, None)
    rec = ctx.store.record(s.inspection_id)
    en = label_content(rec, station_id="B1", language="en")
    assert (en.disposition, en.code) == ("hold for review", "HLD")
    assert label_content(rec, station_id="B1", language="zh_CN").disposition == "暂扣待审"


# --- the history's filter rule ---------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    name: str
    serial_mismatch: bool = False
    gtin_mismatch: bool = False


def test_mismatches_only_keeps_serial_and_product_code_mismatches() -> None:
    rows = [_Row("plain"), _Row("serial", serial_mismatch=True),
            _Row("gtin", gtin_mismatch=True), _Row("both", True, True)]
    assert [r.name for r in mismatches_only(rows, True)] == ["serial", "gtin", "both"]
    assert mismatches_only(rows, False) == rows
    assert not is_mismatch(rows[0]) and all(is_mismatch(r) for r in rows[1:])


# --- offline line matching by the scanned product code -----------------------------------------


def _gtin_case(n: int, gtins: tuple[str | None, str | None]) -> Case:
    doc = case_doc(n, lines=2)
    for item, gtin in zip(doc["items"], gtins, strict=True):
        item["gtin"] = gtin
    return Case.from_api(doc)


def test_a_product_code_decides_between_lines_after_the_serial() -> None:
    case = _gtin_case(31, (GTIN_A, GTIN_B))
    match = match_line(case, category="audio", gtin=GTIN_B)
    assert match.chosen is not None and match.chosen.line_id == "L2"
    assert match.fit_of("L1").gtin is Fit.DIFFERENT and not match.fit_of("L1").fits
    assert match.fit_of("L2").gtin is Fit.SAME
    assert "product code 06904123000357: same as scanned" in match.fit_of("L2").reasons("en")
    assert "商品条码 06901234567892：不同（扫描 06904123000357）" in \
        match.fit_of("L1").reasons("zh_CN")
    # The serial is the stronger evidence: it decides first.
    by_serial = match_line(case, category="audio", serial=case.items[0].serial_number,
                           gtin=GTIN_B)
    assert by_serial.chosen is not None and by_serial.chosen.line_id == "L1"
    # Nothing scanned: unknown, no phrase about product codes where none is in play.
    none = match_line(_gtin_case(32, (None, None)), category="audio")
    assert none.chosen is None and none.fit_of("L1").gtin is Fit.UNKNOWN
    assert not any("product code" in r for r in none.fit_of("L1").reasons("en"))
    unknown = match_line(_gtin_case(33, (GTIN_A, None)), category="audio", gtin=GTIN_A)
    assert unknown.fit_of("L2").gtin is Fit.UNKNOWN
    assert unknown.chosen is not None and unknown.chosen.line_id == "L1"
    same_on_both = match_line(_gtin_case(34, (GTIN_A, GTIN_A)), category="audio", gtin=GTIN_A)
    assert same_on_both.chosen is None  # both lines the same product: a lead chooses


def _offline_with_gtin(store: Store, code: str, gtin: str) -> str:
    insp = store.start_inspection(template=AUDIO_TEMPLATE_NO_ACCESSORY, station_id="BENCH-T",
                                  inspector_id="E1027", case=None, item=None,
                                  scanned_code=code, category="audio")
    iid = insp.inspection_id
    store.save_answer(iid, Answer("app-shell", Result.PASS), current_step=1, actor="E1027")
    store.save_answer(iid, Answer("fn-power", Result.PASS), current_step=2, actor="E1027")
    store.complete(iid, answers_in_order=["app-shell", "fn-power"],
                   classification=Classification.INTACT,
                   classification_suggested=Classification.INTACT, override_reason=None,
                   disposition=Disposition.RESTOCK, missing_accessories=[], actor="E1027",
                   gtin_scanned=gtin)
    return iid


def test_the_outbox_resolves_an_offline_inspection_by_its_product_code(
        server: RunningServer, store: Store) -> None:
    doc = case_doc(35, lines=2)
    doc["items"][0]["gtin"], doc["items"][1]["gtin"] = GTIN_A, GTIN_B
    server.store.add_case(doc)
    iid = _offline_with_gtin(store, doc["rma"], GTIN_B)
    assert store.inspection_category(iid) == ("audio", None, GTIN_B)
    worker = make_worker(store, fast_client(server.url))
    assert worker.drain_once().sent == 1 and worker.drain_once().sent == 0
    sent = server.store.get_inspection(iid)
    assert sent is not None and sent["line_id"] == "L2" and sent["disposition"] == "restock"
    assert server.store.count_inspections() == 1


def test_a_product_code_of_neither_line_leaves_the_choice_to_a_lead(
        server: RunningServer, store: Store) -> None:
    doc = case_doc(36, lines=2)
    doc["items"][0]["gtin"], doc["items"][1]["gtin"] = GTIN_A, GTIN_B
    server.store.add_case(doc)
    iid = _offline_with_gtin(store, doc["rma"], "00000096385074")
    assert make_worker(store, fast_client(server.url)).drain_once().attention == 1
    rec = store.record(iid)
    assert rec.candidate_case is not None and rec.sync_state == OutboxState.ATTENTION
    assert server.store.count_inspections() == 0
