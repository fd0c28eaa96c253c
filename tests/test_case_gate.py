"""The case status gate (Qt-free): closed, cancelled and inspected lines never start."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.case_gate import GateRefusal, check_line_in, gate_message
from app.context import StationContext
from app.domain import CaseStatus, Classification
from app.workflow import InspectionSession, WorkflowError, start_inspection
from tests.builders import EXPECTED_SERIAL, gadget_case


def _walk_and_confirm(ctx: StationContext, iid: str) -> None:
    s = InspectionSession(ctx, iid)
    s.answer("value", EXPECTED_SERIAL)
    s.next()
    while s.current is not None:
        step = s.current
        if step.kind.value == "number":
            s.answer("value", 90)
        elif step.kind.value == "choice":
            s.answer("value", "A")
        else:
            s.answer("pass")
        s.next()
    s.confirm(Classification.INTACT, None)


@pytest.mark.parametrize(("status", "refusal"), [
    (CaseStatus.CLOSED, GateRefusal.CLOSED),
    (CaseStatus.CANCELLED, GateRefusal.CANCELLED),
    (CaseStatus.INSPECTED, GateRefusal.INSPECTED_ON_SERVER),
])
def test_case_status_refuses_before_any_step(ctx: StationContext, status: CaseStatus,
                                             refusal: GateRefusal) -> None:
    case = replace(gadget_case(), status=status)
    item = case.items[0]
    gate = check_line_in(ctx.store, case, item)
    assert gate.refusal is refusal and gate.inspection_id is None
    with pytest.raises(WorkflowError) as err:
        start_inspection(ctx, case, item, case.rma)
    assert str(err.value) == gate_message(refusal, "en")
    assert ctx.store.open_drafts() == []  # no draft was made


def test_a_line_confirmed_here_offers_its_report_and_does_not_start_again(
        ctx: StationContext) -> None:
    case = gadget_case()
    item = case.items[0]
    assert check_line_in(ctx.store, case, item).open
    iid = start_inspection(ctx, case, item, case.rma)
    assert check_line_in(ctx.store, case, item).open  # a draft is resumed, not refused
    _walk_and_confirm(ctx, iid)
    gate = check_line_in(ctx.store, case, item)
    assert (gate.refusal, gate.inspection_id) == (GateRefusal.INSPECTED_HERE, iid)
    with pytest.raises(WorkflowError):
        start_inspection(ctx, case, item, case.rma)


def test_gate_words_in_both_languages() -> None:
    for refusal in GateRefusal:
        assert gate_message(refusal, "zh_CN") != gate_message(refusal, "en")
