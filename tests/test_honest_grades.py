"""Honest grades (16.4): function tests not done never make an item intact-and-restock.

The contract knows three classifications, so an untested item stays `intact` (when nothing
failed) and the site's rule for untested stock chooses its disposition; the station keeps
which tests were not done, the report prints them, and the result sent carries the N/A
answers as they were given. Through the real reference server and outbox, exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.context import StationContext
from app.domain import Case, Classification, Disposition, Result
from app.reports.inspection import render_inspection_report
from app.workflow import InspectionSession, report_prompts, start_inspection
from refserver import RunningServer, start_server
from tests.builders import gadget_case as make_case
from tests.faults import deliver_exactly_once, fast_client
from tests.flow_helpers import walk_all_pass
from tests.test_reports_support import last_hour_shift_text, pdftotext


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with start_server(tmp_path / "srv.db", seed_demo=False) as srv:
        yield srv


def _session(ctx: StationContext, server: RunningServer, reason: str = "no_longer_needed",
             rma: str = "RMA-2026-0004001") -> InspectionSession:
    server.store.add_case(make_case(case_id=f"C-{rma[-4:]}", rma=rma, reason=reason).to_api())
    case = fast_client(server.url).lookup(rma)
    assert isinstance(case, Case)
    return InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))


def _flat_pdf(ctx: StationContext, iid: str, tmp_path: Path, language: str) -> str:
    pdf = tmp_path / f"{language}.pdf"
    prompts = report_prompts(ctx, ctx.store.record(iid), language)  # as the history does
    render_inspection_report(ctx.store, iid, pdf, language=language, prompts=prompts)
    return " ".join(pdftotext(pdf).split())


def test_a_function_test_answered_na_is_intact_untested_and_not_restocked(
        ctx: StationContext, server: RunningServer, tmp_path: Path) -> None:
    s = _session(ctx, server)
    walk_all_pass(s, given={"fn-power": Result.NA, "fn-grade": None})  # N/A; optional skipped
    sug = s.suggestion()
    assert sug.classification is Classification.INTACT
    assert sug.untested == ("fn-power", "fn-grade")
    assert sug.disposition is Disposition.REFURBISH  # the rule for untested stock
    s.confirm(Classification.INTACT, None)

    rec = ctx.store.record(s.inspection_id)
    assert rec.untested_steps == ("fn-power", "fn-grade")
    assert rec.disposition is Disposition.REFURBISH
    payload = json.loads(ctx.store.result_payload(s.inspection_id) or b"{}")
    # The contract's words, exactly: intact, refurbish, the N/A answer as given.
    assert payload["classification"] == payload["classification_suggested"] == "intact"
    assert payload["disposition"] == "refurbish" and payload["override_reason"] is None
    assert {"step_id": "fn-power", "result": "na"} in payload["answers"]
    assert all(a["step_id"] != "fn-grade" for a in payload["answers"])
    stored = deliver_exactly_once(ctx.store, server, s.inspection_id)
    assert stored["disposition"] == "refurbish" and stored["classification"] == "intact"

    flat = _flat_pdf(ctx, s.inspection_id, tmp_path, "en")
    assert "intact, untested" in flat
    assert "Tests not done Powers on; Cosmetic grade" in flat
    zh = _flat_pdf(ctx, s.inspection_id, tmp_path, "zh_CN")
    assert "完好（未测试）" in zh and "未做的测试 可以开机；外观等级" in zh.replace("; ", "；")


def test_every_function_test_done_keeps_intact_and_restock(
        ctx: StationContext, server: RunningServer, tmp_path: Path) -> None:
    s = _session(ctx, server)
    walk_all_pass(s)
    sug = s.suggestion()
    assert sug.untested == () and sug.disposition is Disposition.RESTOCK
    s.confirm(Classification.INTACT, None)
    assert ctx.store.record(s.inspection_id).untested_steps == ()
    deliver_exactly_once(ctx.store, server, s.inspection_id)
    flat = _flat_pdf(ctx, s.inspection_id, tmp_path, "en")
    assert "untested" not in flat and "Tests not done" not in flat


def test_an_override_to_intact_of_an_untested_item_still_is_not_restocked(
        ctx: StationContext, server: RunningServer) -> None:
    s = _session(ctx, server)
    # The accessory missing: missing parts; the inspector overrides to intact.
    walk_all_pass(s, given={"fn-power": Result.NA, "acc-cable": Result.FAIL})
    assert s.suggestion().classification is Classification.MISSING_PARTS
    assert s.disposition_for(Classification.INTACT) is Disposition.REFURBISH
    s.confirm(Classification.INTACT, "cable found in the outer box")
    rec = ctx.store.record(s.inspection_id)
    assert rec.classification is Classification.INTACT
    assert rec.disposition is Disposition.REFURBISH and rec.untested_steps == ("fn-power",)
    stored = deliver_exactly_once(ctx.store, server, s.inspection_id)
    assert stored["classification_suggested"] == "missing_parts"
    assert stored["disposition"] == "refurbish"


def test_a_failed_function_step_is_damaged_whatever_else_was_not_tested(
        ctx: StationContext, server: RunningServer) -> None:
    s = _session(ctx, server, reason="defective")
    walk_all_pass(s, given={"fn-power": Result.NA, "fn-grade": "C"})  # grade C fails the step
    sug = s.suggestion()
    assert sug.classification is Classification.DAMAGED
    assert sug.untested == ("fn-power",)
    assert sug.disposition is Disposition.RETURN_TO_VENDOR


def test_the_shift_report_counts_held_and_untested_items(
        ctx: StationContext, server: RunningServer, tmp_path: Path) -> None:


    ctx.settings = ctx.settings.replace(identity_gate_categories=["gadget"])
    server.store.add_case(dict(make_case(case_id="C-9", rma="RMA-2026-0004009").to_api(),
                               items=[dict(make_case().to_api()["items"][0],
                                           gtin="06901234567892")]))
    held_case = fast_client(server.url).lookup("RMA-2026-0004009")
    assert isinstance(held_case, Case)
    held = InspectionSession(ctx, start_inspection(ctx, held_case, held_case.items[0],
                                                   held_case.rma))
    walk_all_pass(held, product_code="6904123000357", given={"fn-power": Result.NA})
    held.sign_off_mismatch("lead1", "123456", "another product in the box")
    held.confirm(Classification.INTACT, None)
    flat = last_hour_shift_text(ctx.store, tmp_path)
    assert "Product code mismatches 1" in flat and "Intact, untested 1" in flat
