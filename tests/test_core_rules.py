"""Rules the inspection screens used to decide themselves, now in the core (issue 15.4).

Without Qt: the serial-mismatch stop on Enter, the override-reason gate of Confirm, a
photo retake with the cleanup of a refused photo, and resume-or-start per item line.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.case_gate import GateRefusal, LineAction, LineChoice, choose_line_action
from app.context import StationContext
from app.domain import CaseStatus, Classification, DomainError, Result
from app.workflow import InspectionSession, ValueEntered, start_inspection
from tests.builders import EXPECTED_SERIAL
from tests.builders import gadget_case as make_case
from tests.flow_helpers import bgr_frame, walk_all_pass


def _session(ctx: StationContext) -> InspectionSession:
    case = make_case()
    return InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))


def _walk_to(s: InspectionSession, step_id: str) -> None:
    while s.current is not None and s.current.step_id != step_id:
        step = s.current
        if step.capture:
            s.answer(Result.VALUE, EXPECTED_SERIAL)
        elif step.kind.value == "number":
            s.answer(Result.VALUE, "93")
        else:
            s.answer(Result.PASS)
        s.next()
    assert s.current is not None and s.current.step_id == step_id


# --- the serial-mismatch acknowledgement ---------------------------------------------------------


def test_enter_on_a_mismatching_serial_stops_once_then_goes_on(ctx: StationContext) -> None:
    s = _session(ctx)
    assert s.current is not None and s.current.step_id == "app-serial"
    assert s.enter_value(" SN-SWAPPED-1 ") is ValueEntered.MISMATCH
    answer = s.answer_of("app-serial")
    assert answer is not None and answer.value == "SN-SWAPPED-1"  # recorded, not refused
    assert s.enter_value("SN-SWAPPED-1") is ValueEntered.NEXT  # seen: Enter again goes on
    assert s.enter_value("SN-SWAPPED-2") is ValueEntered.MISMATCH  # another one: stop again
    assert s.enter_value(EXPECTED_SERIAL) is ValueEntered.NEXT


def test_the_mismatch_seen_belongs_to_one_inspection(ctx: StationContext) -> None:
    first = _session(ctx)
    assert first.enter_value("SN-SWAPPED-1") is ValueEntered.MISMATCH
    case = make_case(case_id="c-2002", rma="RMA-2024-0002002")
    second = InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))
    assert second.enter_value("SN-SWAPPED-1") is ValueEntered.MISMATCH


def test_enter_with_nothing_typed_needs_a_value_until_the_step_has_one(
        ctx: StationContext) -> None:
    s = _session(ctx)
    assert s.enter_value("   ") is ValueEntered.NEEDS_VALUE
    assert s.answer_of("app-serial") is None
    s.answer(Result.NA)
    assert s.enter_value("") is ValueEntered.NEXT


def test_enter_on_a_bad_reading_stays_for_its_photo(ctx: StationContext) -> None:
    s = _session(ctx)
    _walk_to(s, "fn-battery")
    assert s.enter_value("60") is ValueEntered.STAY  # out of range, a photo is required
    assert s.out_of_range()
    assert s.enter_value("91") is ValueEntered.NEXT
    with pytest.raises(DomainError):
        s.enter_value("lots")  # not a number: refused, nothing recorded
    answer = s.answer_of("fn-battery")
    assert answer is not None and answer.value == 91


def test_enter_on_the_summary_is_refused(ctx: StationContext) -> None:
    s = _session(ctx)
    walk_all_pass(s)
    with pytest.raises(DomainError, match="summary"):
        s.enter_value("x")


# --- the override-reason gate -------------------------------------------------------------------


def test_confirm_gate_keeps_the_suggestion_freely_and_an_override_needs_a_reason(
        ctx: StationContext) -> None:
    s = _session(ctx)
    assert not s.override_ok(Classification.INTACT, None)  # not at the summary yet
    walk_all_pass(s)
    assert s.suggestion().classification is Classification.INTACT
    assert s.override_ok(Classification.INTACT, "")
    assert not s.override_ok(Classification.DAMAGED, "")
    assert not s.override_ok(Classification.DAMAGED, " \x1b\x00 ")  # control characters only
    assert not s.override_ok("broken", "because")  # no such classification
    assert s.override_ok("damaged", "scratch under the label")


# --- photo replace with cleanup -------------------------------------------------------------------


def test_a_retake_replaces_the_photo_it_was_taken_for(ctx: StationContext) -> None:
    s = _session(ctx)
    _walk_to(s, "app-body")
    s.answer(Result.FAIL)
    first = s.add_photo(bgr_frame(320, 240))
    second = s.add_photo(bgr_frame(320, 240), replacing=first.photo_id)
    answer = s.answer_of("app-body")
    assert answer is not None and answer.photo_ids == (second.photo_id,)
    stored = ctx.store.load_inspection(s.inspection_id).photos
    assert set(stored) == {second.photo_id}


def test_a_photo_the_wizard_refuses_is_deleted_again(ctx: StationContext) -> None:
    s = _session(ctx)
    _walk_to(s, "app-body")
    photo = s.store_photo(bgr_frame(320, 240), "app-body")  # taken before a result was chosen
    assert photo.photo_id in ctx.store.load_inspection(s.inspection_id).photos
    with pytest.raises(DomainError, match="result"):
        s.keep_photo(photo)
    assert ctx.store.load_inspection(s.inspection_id).photos == {}
    assert s.step_photos("app-body") == []


# --- resume or start, per line -------------------------------------------------------------------


def test_enter_on_a_line_resumes_its_draft_else_follows_the_gate(ctx: StationContext) -> None:
    case = make_case()
    item = case.items[0]
    assert choose_line_action(case, item, [], {}) == LineChoice(LineAction.START)
    closed = replace(case, status=CaseStatus.CLOSED)
    assert choose_line_action(closed, item, [], {}) == LineChoice(
        LineAction.REFUSE, refusal=GateRefusal.CLOSED)
    assert choose_line_action(case, item, [], {item.line_id: "done-1"}) == LineChoice(
        LineAction.REPRINT, "done-1", GateRefusal.INSPECTED_HERE)
    iid = start_inspection(ctx, case, item, case.rma)
    drafts = ctx.store.open_drafts()
    # A draft is always resumable, even once the case was closed meanwhile.
    assert choose_line_action(closed, item, drafts, {}) == LineChoice(LineAction.RESUME, iid)
    other = make_case(case_id="c-9", rma="RMA-2024-0000009")
    assert choose_line_action(other, other.items[0], drafts, {}).action is LineAction.START
