"""The identity gate (16.1): the product's own barcode first, compared with the case line's GTIN.

Product codes of every form normalise to 14 digits; the case item's optional `gtin` is
parsed tolerantly; a mismatch holds the item (null disposition) until a shift lead signs
off with PIN and reason. The whole flow runs against the real reference server: the case
comes from its lookup, the result goes through the real outbox exactly once, and the
stored result, the server's copy and the PDF (read back with pdftotext) say what was
compared, what differed and who signed off.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import ConfigError, Settings, load_settings
from app.context import StationContext
from app.domain import Case, Classification, DomainError, Result, Role
from app.identity_gate import add_identity_gate, gate_enabled
from app.input_router import Do, InputRouter, Refusal, Screen, Where
from app.lead_actions import retry_needs_attention
from app.operators import AuthError, Operator
from app.product_code import GATE_STEP_ID, ProductCheck, parse_product_code
from app.reports.inspection import render_inspection_report
from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import interpret
from app.store.models import AuditRow
from app.store.store import OutboxState
from app.wizard import WizardError
from app.workflow import InspectionSession, report_prompts, start_inspection
from refserver import RunningServer, start_server
from tests.builders import EXPECTED_SERIAL
from tests.builders import gadget_case as make_case
from tests.faults import deliver_exactly_once, fast_client, make_worker
from tests.flow_helpers import walk_all_pass
from tests.test_reports_support import pdftotext

CASE_GTIN = "06901234567892"  # the case line's product (EAN-13 6901234567892)
OTHER_EAN = "6904123000357"  # another product's EAN-13: a swapped item
GS = "\x1d"
CONTRACT_KEYS = {
    "inspection_id", "case_id", "line_id", "station_id", "inspector_id", "started_at",
    "completed_at", "template_id", "template_version", "answers", "serial_number_scanned",
    "classification", "classification_suggested", "override_reason", "missing_accessories",
    "disposition", "photos", "client_version",
}


# --- product codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gtin"),
    [
        ("6901234567892", CASE_GTIN),  # EAN-13
        ("036000291452", "00036000291452"),  # UPC-A
        ("96385074", "00000096385074"),  # EAN-8
        ("10690123456784", "10690123456784"),  # GTIN-14 of a case of them
        (f"]d2010690123456789221SER1{GS}10LOT9", CASE_GTIN),  # GS1 DataMatrix, symbology id
        (f"{GS}010690123456789221SER1{GS}10LOT9", CASE_GTIN),  # FNC1 first, no symbology id
        ("(01)06901234567892(21)ABC", CASE_GTIN),  # the printed form
        ("010690123456789221ABC", CASE_GTIN),  # raw, (01) first, no separators
        (" 6901234567892 ", CASE_GTIN),
    ],
)
def test_every_form_of_a_product_code_normalises_to_14_digits(text: str, gtin: str) -> None:
    assert parse_product_code(text) == gtin


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("6901234567893", "gtin_check_digit"),
        ("(01)06901234567893", "gtin_check_digit"),
        ("0106901234567893", "gtin_check_digit"),
        ("RMA-2026-0001234", "gtin_unreadable"),
        ("HX2-00931877", "gtin_unreadable"),
        ("358476091234567", "gtin_unreadable"),  # an IMEI is not a product code
        (f"]d221SER1{GS}10LOT9", "gtin_unreadable"),  # GS1 without AI (01)
    ],
)
def test_a_text_that_is_no_valid_product_code_is_refused_plainly(text: str, key: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_product_code(text)
    assert refused.value.key == key
    assert "条码" in refused.value.message("zh_CN")
    assert GS not in refused.value.message("en")  # never a control character on screen


# --- the case item's optional fields ----------------------------------------------------------


def _case_doc(**item: Any) -> dict[str, Any]:
    doc = make_case().to_api()
    doc["items"][0].pop("gtin", None)
    doc["items"][0].pop("expected_weight_g", None)
    doc["items"][0].update(item)
    return doc


def test_gtin_and_weight_are_optional_and_normalised() -> None:
    absent = Case.from_api(_case_doc()).items[0]
    assert absent.gtin is None and absent.expected_weight_g is None
    null = Case.from_api(_case_doc(gtin=None, expected_weight_g=None)).items[0]
    assert null.gtin is None and null.expected_weight_g is None
    given = Case.from_api(_case_doc(gtin="6901234567892", expected_weight_g=268)).items[0]
    assert given.gtin == CASE_GTIN and given.expected_weight_g == 268.0
    # The cache keeps them: to_api and back give the same item.
    again = Case.from_api(Case.from_api(_case_doc(gtin="6901234567892")).to_api()).items[0]
    assert again.gtin == CASE_GTIN


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"gtin": "6901234567893"}, "gtin"),
        ({"gtin": 6901234567892}, "gtin"),
        ({"gtin": "69012345"}, "gtin"),
        ({"gtin": "RMA-1"}, "gtin"),
        ({"expected_weight_g": -5}, "expected_weight_g"),
        ({"expected_weight_g": "268"}, "expected_weight_g"),
        ({"expected_weight_g": True}, "expected_weight_g"),
        ({"expected_weight_g": float("nan")}, "expected_weight_g"),
    ],
)
def test_a_malformed_gtin_or_weight_is_a_plain_message(item: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as bad:
        Case.from_api(_case_doc(**item))
    assert f"case item '{field}'" in str(bad.value)


# --- the setting -------------------------------------------------------------------------


def test_the_setting_names_categories_or_every_one(tmp_path: Path) -> None:
    assert Settings().identity_gate_categories == ()  # off unless a site turns it on
    s = Settings().replace(identity_gate_categories=["Phones_Tablets", "audio", "audio"])
    assert s.identity_gate_categories == ("phones_tablets", "audio")
    assert gate_enabled(s.identity_gate_categories, "AUDIO")
    assert not gate_enabled(s.identity_gate_categories, "apparel_shoes")
    assert gate_enabled(("*",), "anything")
    env = load_settings(tmp_path / "none.toml",
                        env={"INSPECTION_STATION_IDENTITY_GATE_CATEGORIES": "gadget,audio"})
    assert env.identity_gate_categories == ("gadget", "audio")
    with pytest.raises(ConfigError, match="identity_gate_categories: 'no way' is not a category"):
        Settings().replace(identity_gate_categories=["no way"])


# --- the whole flow against the reference server ---------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


def _gated(ctx: StationContext, categories: tuple[str, ...] = ("gadget",)) -> None:
    ctx.settings = ctx.settings.replace(identity_gate_categories=list(categories))


def _served_case(server: RunningServer, gtin: str | None = CASE_GTIN,
                 rma: str = "RMA-2026-0003001") -> Case:
    """The case as the station gets it: added to the server, then looked up over HTTP."""
    doc = make_case(case_id=f"C-{rma[-4:]}", rma=rma, reason="no_longer_needed").to_api()
    doc["items"][0]["gtin"] = gtin
    server.store.add_case(doc)
    found = fast_client(server.url).lookup(rma)
    assert isinstance(found, Case)
    return found


def _walk(s: InspectionSession, product_code: str | None) -> None:
    """The gate first (a code, or N/A), then every other step passes."""
    assert s.current is not None and s.current.step_id == GATE_STEP_ID
    walk_all_pass(s, EXPECTED_SERIAL, product_code=product_code)


def _session(ctx: StationContext, case: Case) -> InspectionSession:
    return InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))


def _trail(ctx: StationContext, subject: str) -> list[tuple[str, str]]:
    with Session(ctx.store.engine) as s:
        return [(a, b) for a, b in s.execute(
            select(AuditRow.actor, AuditRow.action).where(AuditRow.subject == subject)
            .order_by(AuditRow.seq))]


def _flat_pdf(ctx: StationContext, iid: str, tmp_path: Path, language: str) -> str:
    pdf = tmp_path / f"{iid}-{language}.pdf"
    prompts = report_prompts(ctx, ctx.store.record(iid), language)  # as the history does
    render_inspection_report(ctx.store, iid, pdf, language=language, prompts=prompts)
    return " ".join(pdftotext(pdf).split())


def test_a_swapped_product_is_held_until_a_lead_signs_off_with_a_reason(
        ctx: StationContext, server: RunningServer, tmp_path: Path) -> None:
    _gated(ctx)
    case = _served_case(server)
    s = _session(ctx, case)
    # A GS1 DataMatrix on the product, as a scanner sends it, of another product.
    _walk(s, f"]d201{parse_product_code(OTHER_EAN)}21SN-X{GS}10L7")
    assert s.product_check() is ProductCheck.MISMATCH
    assert s.on_hold
    sug = s.suggestion()
    assert sug.classification is Classification.INTACT and sug.disposition is None  # hold
    assert s.disposition_for(Classification.DAMAGED) is None  # whatever the classification

    with pytest.raises(DomainError) as waiting:
        s.confirm(Classification.INTACT, None)
    assert waiting.value.key == "gtin_needs_sign_off"
    assert "暂扣待审" in waiting.value.message("zh_CN")
    with pytest.raises(DomainError) as no_reason:
        s.sign_off_mismatch("lead1", "123456", "  ")
    assert no_reason.value.key == "gtin_sign_off_needs_reason"
    with pytest.raises(AuthError):
        s.sign_off_mismatch("lead1", "000000", "box holds another model")
    # The missing reason was refused before any PIN check: one refusal on record, not two.
    assert sum(a.endswith("_refused") for _, a in _trail(ctx, s.inspection_id)) == 1
    with pytest.raises(DomainError):
        ctx.store.complete(s.inspection_id, answers_in_order=[],
                           classification=Classification.INTACT,
                           classification_suggested=Classification.INTACT,
                           override_reason=None, disposition=None, missing_accessories=[],
                           actor="insp1", gtin_mismatch=True, gtin_signed_by="lead1")

    signed = s.sign_off_mismatch("BADGE-LEAD", "123456", "box holds another model")
    assert signed.lead_id == "lead1" and signed.gtin == parse_product_code(OTHER_EAN)
    s.confirm(Classification.INTACT, None)

    rec = ctx.store.record(s.inspection_id)
    assert rec.gtin_mismatch and rec.gtin_signed_by == "lead1"
    assert rec.gtin_sign_off_reason == "box holds another model"
    assert rec.gtin_expected == CASE_GTIN and rec.gtin_scanned == "06904123000357"
    assert rec.disposition is None and not rec.serial_mismatch
    payload = json.loads(ctx.store.result_payload(s.inspection_id) or b"{}")
    assert set(payload) == CONTRACT_KEYS  # nothing outside the contract
    assert payload["disposition"] is None
    gate = next(a for a in payload["answers"] if a["step_id"] == GATE_STEP_ID)
    assert gate == {"step_id": GATE_STEP_ID, "result": "value", "value": "06904123000357"}
    trail = _trail(ctx, s.inspection_id)
    assert ("lead1", "mismatch_lead_verified") in trail
    assert ("lead1", "gtin_mismatch_sign_off") in trail
    assert ctx.store.verify_audit().ok

    stored = deliver_exactly_once(ctx.store, server, s.inspection_id)
    assert stored["disposition"] is None and stored["answers"] == payload["answers"]

    flat = _flat_pdf(ctx, s.inspection_id, tmp_path, "en")
    for text in ("Product code (case)", CASE_GTIN, "Product code (scanned)", "06904123000357",
                 "Product code mismatch", "yes: on hold, signed off by shift lead lead1",
                 "box holds another model", "hold for review",
                 "Scan the barcode on the product itself"):
        assert text in flat, text
    zh = _flat_pdf(ctx, s.inspection_id, tmp_path, "zh_CN")
    for text in ("商品条码不符", "暂扣待审", "班组长 lead1", "box holds another model"):
        assert text in zh, text


def test_the_same_product_in_another_length_passes_without_a_lead(
        ctx: StationContext, server: RunningServer, tmp_path: Path) -> None:
    _gated(ctx)
    s = _session(ctx, _served_case(server))
    _walk(s, "6901234567892")  # EAN-13 on the product, GTIN-14 in the case
    assert s.product_check() is ProductCheck.MATCH
    assert s.suggestion().disposition is not None
    with pytest.raises(DomainError) as nothing:
        s.sign_off_mismatch("lead1", "123456", "why not")
    assert nothing.value.key == "sign_off_no_mismatch"
    s.confirm(Classification.INTACT, None)
    rec = ctx.store.record(s.inspection_id)
    assert not rec.gtin_mismatch and rec.gtin_scanned == CASE_GTIN
    assert rec.disposition is not None and rec.disposition.value == "restock"
    stored = deliver_exactly_once(ctx.store, server, s.inspection_id)
    assert stored["disposition"] == "restock"
    flat = _flat_pdf(ctx, s.inspection_id, tmp_path, "en")
    assert "Product code (scanned) " + CASE_GTIN in flat and "mismatch" not in flat


@pytest.mark.parametrize("scan", [None, "6904123000357"], ids=["n/a", "code"])
def test_a_case_without_gtin_is_not_known_never_a_mismatch(
        ctx: StationContext, server: RunningServer, tmp_path: Path, scan: str | None) -> None:
    _gated(ctx)
    s = _session(ctx, _served_case(server, gtin=None))
    _walk(s, scan)
    expected = ProductCheck.NOT_CAPTURED if scan is None else ProductCheck.NO_REFERENCE
    assert s.product_check() is expected
    s.confirm(Classification.INTACT, None)  # no sign-off asked for
    rec = ctx.store.record(s.inspection_id)
    assert not rec.gtin_mismatch and rec.disposition is not None
    deliver_exactly_once(ctx.store, server, s.inspection_id)
    flat = _flat_pdf(ctx, s.inspection_id, tmp_path, "en")
    assert "not known (the case gives no product code)" in flat
    if scan is None:
        assert "not scanned (N/A)" in flat


def test_a_sign_off_holds_only_for_the_code_it_was_given_for(
        ctx: StationContext, server: RunningServer) -> None:
    _gated(ctx)
    s = _session(ctx, _served_case(server))
    _walk(s, OTHER_EAN)
    s.sign_off_mismatch("lead1", "123456", "another model in the box")
    while s.current is None or s.current.step_id != GATE_STEP_ID:
        s.back()
    s.answer(Result.VALUE, "96385074")  # yet another product
    while s.current is not None:
        s.next()
    with pytest.raises(DomainError) as stale:
        s.confirm(Classification.INTACT, None)
    assert stale.value.key == "gtin_sign_off_stale"


def test_a_wrong_check_digit_is_refused_at_the_step(ctx: StationContext,
                                                    server: RunningServer) -> None:
    _gated(ctx)
    s = _session(ctx, _served_case(server))
    with pytest.raises(WizardError) as refused:
        s.answer(Result.VALUE, "6901234567893")
    assert refused.value.key == "gtin_check_digit" and refused.value.step_id == GATE_STEP_ID
    assert GATE_STEP_ID not in s.wizard.answers


def test_off_by_default_and_a_resumed_draft_keeps_its_gate(ctx: StationContext,
                                                           server: RunningServer) -> None:
    case = _served_case(server)
    plain = _session(ctx, case)
    assert plain.current is not None and plain.current.step_id != GATE_STEP_ID
    assert plain.product_check() is ProductCheck.NO_GATE
    plain.ctx.store.discard_draft(plain.inspection_id, actor="insp1")
    _gated(ctx)
    s = _session(ctx, case)
    s.answer(Result.VALUE, OTHER_EAN)
    s.next()
    _gated(ctx, ())  # the site turns the gate off while the draft waits
    again = InspectionSession(ctx, s.inspection_id)
    assert again.template.steps[0].step_id == GATE_STEP_ID
    assert again.product_check() is ProductCheck.MISMATCH


def test_an_offline_inspection_found_swapped_when_the_case_resolves_is_held(
        ctx: StationContext, server: RunningServer) -> None:
    _gated(ctx)
    case = _served_case(server)
    s = InspectionSession(ctx, start_inspection(ctx, None, None, case.rma, category="gadget"))
    _walk(s, OTHER_EAN)
    assert s.product_check() is ProductCheck.NO_REFERENCE  # offline: nothing to compare
    s.confirm(Classification.INTACT, None)
    # Confirmed without a lead: found only now, it waits for one in needs-attention.
    assert make_worker(ctx.store, fast_client(server.url)).drain_once().attention == 1
    rec = ctx.store.record(s.inspection_id)
    assert rec.gtin_mismatch and rec.gtin_signed_by is None  # found only now: not signed
    assert rec.disposition is None and rec.sync_state == OutboxState.ATTENTION
    assert "product code differs" in (rec.attention_reason or "")
    retry_needs_attention(ctx, s.inspection_id, by=Operator("lead1", "Lead", Role.SHIFT_LEAD))
    stored = deliver_exactly_once(ctx.store, server, s.inspection_id)
    assert stored["disposition"] is None


def test_a_template_may_carry_its_own_gate_step() -> None:
    from app.checklists import template_from_dict
    from tests.builders import GADGET_TEMPLATE

    raw = json.loads(json.dumps(GADGET_TEMPLATE))
    raw["sections"][0]["steps"].insert(0, {"step_id": "app-ean", "kind": "text",
                                           "capture": "gtin",
                                           "prompt": {"en": "Scan the EAN",
                                                      "zh_CN": "扫描 EAN"}})
    own = template_from_dict(raw, "test")
    assert add_identity_gate(own, True) is own  # no second gate
    plain = template_from_dict(GADGET_TEMPLATE, "test")
    gated = add_identity_gate(plain, True)
    assert [st.step_id for st in gated.steps][:2] == [GATE_STEP_ID, "app-serial"]
    assert add_identity_gate(plain, False) is plain


# --- scans into the gate step --------------------------------------------------------------------


def _scan(text: str, source: ScanSource = ScanSource.WEDGE) -> ScanEvent:
    return ScanEvent(text=text, source=source, symbology=None, interpretation=interpret(text),
                     timestamp=0.0)


def test_a_scanned_product_code_fills_the_gate_and_other_codes_are_refused() -> None:
    router = InputRouter()
    where = Where(Screen.CHECKLIST, capture="gtin", expected_serial=CASE_GTIN,
                  case_codes=frozenset({"RMA20260003001"}))
    got = router.scan(_scan(f"]d2010690123456789221SN-1{GS}10L7"), where)
    assert (got.do, got.code, got.commit) == (Do.FILL_SERIAL, CASE_GTIN, True)
    got = InputRouter().scan(_scan("6904123000357", ScanSource.CAMERA), where)
    assert (got.do, got.code, got.commit) == (Do.FILL_SERIAL, "06904123000357", False)
    got = InputRouter().scan(_scan("HX2-00931877"), where)
    assert (got.do, got.refusal) == (Do.REFUSE, Refusal.NOT_A_PRODUCT_CODE)
    got = InputRouter().scan(_scan("RMA-2026-0003001"), where)
    assert got.refusal is Refusal.CASE_CODE_AS_SERIAL



# --- the reference server's demo cases and an older server file ----------------------------------


def test_demo_cases_carry_product_codes_and_one_box_holds_another_product(
        tmp_path: Path) -> None:
    from refserver.demo_cases import DEMO_PRODUCT_CODES

    with start_server(tmp_path / "demo.db", seed_demo=True) as srv:
        client = fast_client(srv.url)
        swapped = client.lookup("RMA-2026-0001242")
        clothing = client.lookup("RMA-2026-0001237")
        headphones = client.lookup("RMA-2026-0001234")
    assert isinstance(swapped, Case) and isinstance(clothing, Case)
    assert isinstance(headphones, Case)
    assert swapped.items[0].gtin == "06909990000189"
    assert swapped.items[0].expected_weight_g == 198.0
    assert parse_product_code(DEMO_PRODUCT_CODES["RMA-2026-0001242"]) != swapped.items[0].gtin
    assert parse_product_code(DEMO_PRODUCT_CODES["RMA-2026-0001234"]) == \
        headphones.items[0].gtin
    assert clothing.items[0].gtin is None and clothing.items[0].expected_weight_g is None


def test_a_server_file_from_before_the_item_fields_gets_them(tmp_path: Path) -> None:
    import sqlite3

    from refserver.store import Store as ServerStore

    db = tmp_path / "old.db"
    ServerStore(db, tmp_path / "photos").close()
    with sqlite3.connect(db) as conn:  # the table as an older server created it
        conn.execute("ALTER TABLE rs_case_items DROP COLUMN gtin")
        conn.execute("ALTER TABLE rs_case_items DROP COLUMN expected_weight_g")
    store = ServerStore(db, tmp_path / "photos")
    try:
        doc = make_case(rma="RMA-2026-0003009").to_api()
        doc["items"][0].update(gtin=CASE_GTIN, expected_weight_g=120.5)
        store.add_case(doc)
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT gtin, expected_weight_g FROM rs_case_items").fetchone()
        assert row == (CASE_GTIN, 120.5)
    finally:
        store.close()


def test_one_lead_signs_a_serial_and_a_product_mismatch_and_a_new_one_needs_a_new_sign_off(
        ctx: StationContext, server: RunningServer) -> None:
    _gated(ctx)
    s = _session(ctx, _served_case(server))
    walk_all_pass(s, "SN-SWAPPED-1", product_code="6901234567892")  # serial differs only
    with pytest.raises(DomainError) as no_reason:  # a serial mismatch needs one too (16.1)
        s.sign_off_mismatch("lead1", "123456")
    assert no_reason.value.key == "serial_sign_off_needs_reason"
    assert s.on_hold and s.suggestion().disposition is None
    s.sign_off_mismatch("lead1", "123456", "label of another unit")
    assert s.sign_off_holds()
    while s.current is None or s.current.step_id != GATE_STEP_ID:
        s.back()
    s.answer(Result.VALUE, OTHER_EAN)  # now the product differs too
    while s.current is not None:
        s.next()
    assert not s.sign_off_holds()
    with pytest.raises(DomainError) as waiting:
        s.confirm(Classification.INTACT, None)
    assert waiting.value.key == "gtin_needs_sign_off"
    s.sign_off_mismatch("lead1", "123456", "serial and box both of another unit")
    assert s.sign_off_holds()
    s.confirm(Classification.INTACT, None)
    rec = ctx.store.record(s.inspection_id)
    assert rec.serial_mismatch and rec.mismatch_signed_by == "lead1"
    assert rec.mismatch_sign_off_reason == "serial and box both of another unit"
    assert rec.gtin_mismatch and rec.gtin_sign_off_reason == "serial and box both of another unit"
    stored = deliver_exactly_once(ctx.store, server, s.inspection_id)
    assert stored["serial_number_scanned"] == "SN-SWAPPED-1" and stored["disposition"] is None
