"""Serial/IMEI mismatches: held for review, a shift lead's reason + badge/ID + PIN before
confirming, then on record.

The flag is stored with the lead who signed and why, shown on the inspection PDF (read back
with pdftotext) and counted in the shift report; the result still carries the scanned
serial, and its disposition is null ("hold for review", issue 16.1).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Classification, DomainError, Result, utcnow
from app.operators import AuthError, PermissionDenied
from app.reports.inspection import render_inspection_report
from app.reports.shift import render_shift_report
from app.store.models import AuditRow
from app.wizard import IdentityCheck
from app.workflow import InspectionSession, start_inspection
from tests.builders import EXPECTED_SERIAL, gadget_case
from tests.flow_helpers import walk_all_pass
from tests.test_reports_support import pdftotext

SCANNED = "SN-SWAPPED-77"


def _mismatched(ctx: Any) -> InspectionSession:
    case = gadget_case(reason="no_longer_needed")
    s = InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))
    walk_all_pass(s, SCANNED)
    assert s.identity() is IdentityCheck.MISMATCH
    return s


def _trail(ctx: Any, subject: str) -> list[tuple[str, str]]:
    with Session(ctx.store.engine) as s:
        return [(a, b) for a, b in s.execute(
            select(AuditRow.actor, AuditRow.action).where(AuditRow.subject == subject)
            .order_by(AuditRow.seq))]


def test_an_inspector_cannot_confirm_a_mismatch_without_a_leads_pin(ctx: Any) -> None:
    s = _mismatched(ctx)
    with pytest.raises(DomainError) as refused:
        s.confirm(Classification.INTACT, None)
    assert refused.value.key == "mismatch_needs_sign_off"
    assert "班组长" in refused.value.message("zh_CN")
    why = "customer sent the other unit"
    with pytest.raises(AuthError):
        s.sign_off_mismatch("lead1", "000000", why)  # wrong PIN
    with pytest.raises(PermissionDenied):
        s.sign_off_mismatch("insp1", "5678", why)  # the inspector's own valid PIN: not a lead
    with pytest.raises(AuthError):
        s.sign_off_mismatch("BADGE-INSP", "123456", why)  # a lead's PIN with another's badge
    assert s.mismatch_sign_off is None
    with pytest.raises(DomainError):
        s.confirm(Classification.INTACT, None)
    # The store refuses a flagged result without a signer, whatever the caller does.
    with pytest.raises(DomainError, match="shift lead must sign off"):
        ctx.store.complete(s.inspection_id, answers_in_order=[],
                           classification=Classification.INTACT,
                           classification_suggested=Classification.INTACT,
                           override_reason=None, disposition=None, missing_accessories=[],
                           actor="insp1", serial_mismatch=True)
    assert ctx.store.load_inspection(s.inspection_id).status.value == "draft"
    refusals = [a for _, a in _trail(ctx, s.inspection_id) if a.endswith("_refused")]
    assert len(refusals) == 3


def test_a_leads_badge_and_pin_sign_off_and_the_flag_is_stored(ctx: Any) -> None:
    s = _mismatched(ctx)
    signed = s.sign_off_mismatch("BADGE-LEAD", "123456", "other unit in the box")
    assert signed.lead_id == "lead1" and signed.reason == "other unit in the box"
    s.confirm(Classification.INTACT, None)
    rec = ctx.store.record(s.inspection_id)
    assert rec.serial_mismatch and rec.mismatch_signed_by == "lead1"
    assert rec.mismatch_signed_at is not None
    assert rec.mismatch_sign_off_reason == "other unit in the box"
    assert rec.disposition is None  # held for review (16.1), not restocked
    payload = json.loads(ctx.store.result_payload(s.inspection_id) or b"{}")
    assert payload["serial_number_scanned"] == SCANNED  # the result carries it as before
    assert payload["disposition"] is None
    trail = _trail(ctx, s.inspection_id)
    assert ("lead1", "mismatch_lead_verified") in trail
    assert ("lead1", "mismatch_sign_off") in trail
    assert ctx.store.verify_audit().ok


def test_a_sign_off_holds_only_for_the_serial_it_was_given_for(ctx: Any) -> None:
    s = _mismatched(ctx)
    s.sign_off_mismatch("lead1", "123456", "label of another unit")
    s.back()
    while s.current is not None and not s.current.capture:
        s.back()
    s.answer(Result.VALUE, "SN-YET-ANOTHER")
    walk_all_pass(s, "SN-YET-ANOTHER")
    with pytest.raises(DomainError) as stale:
        s.confirm(Classification.INTACT, None)
    assert stale.value.key == "sign_off_stale"


def test_a_matching_serial_needs_no_sign_off(ctx: Any) -> None:
    case = gadget_case(reason="no_longer_needed")
    s = InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))
    walk_all_pass(s, EXPECTED_SERIAL)
    with pytest.raises(DomainError, match="no serial/IMEI mismatch"):
        s.sign_off_mismatch("lead1", "123456", "why not")
    s.confirm(Classification.INTACT, None)
    assert not ctx.store.record(s.inspection_id).serial_mismatch


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_flag_is_on_the_pdf_and_a_shift_report_kpi(ctx: Any, tmp_path: Path,
                                                       language: str) -> None:
    flagged = _mismatched(ctx)
    flagged.sign_off_mismatch("lead1", "123456", "the box held another unit")
    flagged.confirm(Classification.INTACT, None)
    plain = InspectionSession(ctx, start_inspection(ctx, gadget_case("c-2", "RMA-2024-0001002"),
                                                    gadget_case().items[0], "RMA-2024-0001002"))
    walk_all_pass(plain, EXPECTED_SERIAL)
    plain.confirm(Classification.INTACT, None)

    pdf = tmp_path / "inspection.pdf"
    render_inspection_report(ctx.store, flagged.inspection_id, pdf, language=language)
    flat = " ".join(pdftotext(pdf).split())
    # Label and value sit in two cells of a two-column table: read back one by one.
    if language == "en":
        assert "Serial/IMEI mismatch" in flat
        assert "yes: on hold, signed off by shift lead lead1" in flat
        assert "hold for review" in flat
    else:
        assert "序列号/IMEI 不符" in flat and "是：暂扣待审，班组长 lead1 于" in flat
    assert "the box held another unit" in flat
    assert SCANNED in flat
    other = tmp_path / "plain.pdf"
    render_inspection_report(ctx.store, plain.inspection_id, other, language=language)
    assert "IMEI" not in pdftotext(other).replace("\n", " ")

    now = utcnow()
    shift = tmp_path / "shift.pdf"
    render_shift_report(ctx.store, now - timedelta(hours=1), now + timedelta(minutes=1), shift,
                        title="Day", language=language)
    flat = " ".join(pdftotext(shift).split())
    kpi = "Serial/IMEI mismatches 1" if language == "en" else "序列号/IMEI 不符数 1"
    assert kpi in flat
    assert "RMA-2024-0001001" in flat and "GX-1 / Gadget X" in flat
    assert flagged.inspection_id not in flat  # RMA and item, never the internal id
