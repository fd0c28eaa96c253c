"""The Qt-free inspection session: start, resume, answers, photos, identity, confirm."""

from __future__ import annotations

import json
from typing import Any

import cv2
import numpy as np
import pytest

from app.config import ConfigError, load_settings
from app.context import StationContext
from app.domain import Classification, Disposition, DomainError, Result
from app.operators import PermissionDenied
from app.store.store import OutboxState
from app.wizard import IdentityCheck, WizardError
from app.workflow import (
    InspectionSession,
    PhotoError,
    WorkflowError,
    categories,
    mark_handled,
    prepare_photo,
    prompt_for,
    retry_needs_attention,
    save_station_settings,
    start_inspection,
)
from tests.builders import EXPECTED_SERIAL, gadget_case
from tests.flow_helpers import as_lead, bgr_frame, jpeg_with_exif, walk_all_pass


def _start(ctx: StationContext, **case_kw: Any) -> str:
    case = gadget_case(**case_kw)
    return start_inspection(ctx, case, case.items[0], case.rma)


def _walk_all_pass(s: InspectionSession) -> None:
    """Answer every step so the item is intact and reach the summary."""
    walk_all_pass(s, EXPECTED_SERIAL.lower())


# --- photos -------------------------------------------------------------------------------


def test_prepare_photo_downscales_a_frame_to_the_long_edge() -> None:
    data, w, h = prepare_photo(bgr_frame(1920, 1080), 640, 80)
    assert (w, h) == (640, 360)
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None and decoded.shape == (360, 640, 3)


def test_prepare_photo_keeps_small_pictures_at_their_size() -> None:
    _, w, h = prepare_photo(bgr_frame(300, 200), 1600, 80)
    assert (w, h) == (300, 200)


def test_prepare_photo_drops_exif_from_files() -> None:
    original = jpeg_with_exif()
    assert b"SecretPhone" in original and b"Exif" in original
    data, w, h = prepare_photo(original, 1000, 85)
    assert (w, h) == (1000, 667)
    assert b"SecretPhone" not in data and b"Exif" not in data and b"ACME" not in data
    assert data[:2] == b"\xff\xd8"


@pytest.mark.parametrize(
    "blob", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 50],
    ids=["empty", "text", "truncated-jpeg"],
)
def test_prepare_photo_refuses_broken_files_with_a_clear_error(blob: bytes) -> None:
    with pytest.raises(PhotoError) as err:
        prepare_photo(blob, 1600, 88)
    assert "photo" in str(err.value).lower() or "picture" in str(err.value).lower()


# --- start and resume ---------------------------------------------------------------------


def test_start_merges_expected_accessories_and_resumes_at_the_same_step(
        ctx: StationContext) -> None:
    iid = _start(ctx)
    s = InspectionSession(ctx, iid)
    ids = [st.step_id for st in s.template.steps]
    # "charging cable" is covered by acc-cable; the guide gets a generated step.
    assert ids[-2:] == ["acc-cable", "acc-exp-1"]
    assert s.template.steps[-1].prompt.en == "Quick start guide present"
    s.answer(Result.VALUE, "sn-gx-1000")
    s.next()
    s.answer(Result.PASS, note="tiny scuff on the back")
    s.next()
    # A new session (after a restart) resumes at step 2 with both answers.
    again = InspectionSession(ctx, iid)
    assert again.current is not None and again.current.step_id == "fn-power"
    body, serial = again.answer_of("app-body"), again.answer_of("app-serial")
    assert body is not None and body.note == "tiny scuff on the back"
    assert serial is not None and serial.value == "SN-GX-1000"
    assert [st.step_id for st in again.template.steps] == ids


def test_offline_start_needs_a_category_and_is_unverified(ctx: StationContext) -> None:
    with pytest.raises(WorkflowError, match="category"):
        start_inspection(ctx, None, None, "RMA-2024-0009999")
    iid = start_inspection(ctx, None, None, "RMA-2024-0009999", category="gadget")
    s = InspectionSession(ctx, iid)
    assert s.unverified and s.case is None and s.expected_serial is None
    assert s.template.steps[-1].step_id == "acc-cable"
    assert categories(ctx, "zh_CN") == [("gadget", "小工具")]


def test_start_needs_a_logged_in_operator(ctx: StationContext) -> None:
    ctx.operator = None
    case = gadget_case()
    with pytest.raises(WorkflowError, match="Log in"):
        start_inspection(ctx, case, case.items[0], case.rma)


def test_prompt_in_chinese_when_the_ui_is_chinese(ctx: StationContext) -> None:
    s = InspectionSession(ctx, _start(ctx))
    step = s.template.step("app-body")
    assert prompt_for(step, "zh_CN") == "机身无裂纹、凹陷"
    assert prompt_for(step, "en") == "Body free of cracks and dents"
    assert prompt_for(s.template.steps[-1], "zh_CN") == "Quick start guide 齐全"


# --- gates and identity -------------------------------------------------------------------


def test_failed_step_needs_a_photo_before_moving_on(ctx: StationContext) -> None:
    s = InspectionSession(ctx, _start(ctx))
    s.answer(Result.VALUE, EXPECTED_SERIAL)
    s.next()
    with pytest.raises(WorkflowError, match="result"):
        s.add_photo(bgr_frame(800, 600))  # a photo before a result is refused, nothing stored
    assert ctx.store.load_inspection(s.inspection_id).photos == {}
    s.answer(Result.FAIL)
    assert not s.wizard.can_next()
    with pytest.raises(WizardError, match="photo"):
        s.next()
    photo = s.add_photo(bgr_frame(1920, 1080))
    assert (photo.width, photo.height) == (640, 360)
    assert s.wizard.can_next()
    stored = ctx.store.load_inspection(s.inspection_id)
    assert stored.answers["app-body"].photo_ids == (photo.photo_id,)
    assert ctx.store.photo_file(photo.photo_id).is_file()
    # Deleting the only photo of a failed gate step closes the gate again.
    s.remove_photo(photo.photo_id)
    assert not s.wizard.can_next()
    assert ctx.store.load_inspection(s.inspection_id).photos == {}


def test_number_out_of_range_counts_as_fail(ctx: StationContext) -> None:
    s = InspectionSession(ctx, _start(ctx))
    for res in (Result.VALUE, Result.PASS, Result.PASS):
        s.answer(res, EXPECTED_SERIAL if res is Result.VALUE else None)
        s.next()
    assert s.current is not None and s.current.step_id == "fn-battery"
    s.answer(Result.VALUE, "72")
    assert s.out_of_range()
    assert "photo" in (s.wizard.next_blocker() or "")
    s.answer(Result.VALUE, "85")
    assert not s.out_of_range() and s.wizard.can_next()


def test_serial_mismatch_is_flagged_and_recorded(ctx: StationContext) -> None:
    s = InspectionSession(ctx, _start(ctx))
    assert s.identity() is IdentityCheck.NOT_CAPTURED
    s.answer(Result.VALUE, "SN-OTHER-42")
    assert s.identity() is IdentityCheck.MISMATCH
    assert ctx.store.load_inspection(s.inspection_id).serial_number_scanned == "SN-OTHER-42"
    s.answer(Result.VALUE, "sn gx 1000")
    assert s.identity() is IdentityCheck.MATCH


# --- suggestion and confirm ----------------------------------------------------------------


def test_confirm_intact_writes_answers_in_template_order(ctx: StationContext) -> None:
    s = InspectionSession(ctx, _start(ctx, reason="no_longer_needed"))
    _walk_all_pass(s)
    sug = s.suggestion()
    assert sug.classification is Classification.INTACT and sug.disposition is Disposition.RESTOCK
    s.confirm(Classification.INTACT, None)
    payload = json.loads(ctx.store.result_payload(s.inspection_id) or b"{}")
    assert [a["step_id"] for a in payload["answers"]] == [st.step_id for st in s.template.steps]
    assert payload["serial_number_scanned"] == EXPECTED_SERIAL
    assert payload["disposition"] == "restock"
    with pytest.raises(WorkflowError, match="confirmed"):
        InspectionSession(ctx, s.inspection_id)


def test_suggestion_explains_itself_and_lists_missing_accessories(ctx: StationContext) -> None:
    s = InspectionSession(ctx, _start(ctx))
    while s.current is not None:
        step = s.current
        if step.capture:
            s.answer(Result.VALUE, EXPECTED_SERIAL)
        elif step.step_id == "fn-battery":
            s.answer(Result.VALUE, 60)
            s.add_photo(bgr_frame(640, 480))
        elif step.kind.value == "choice":
            s.answer(Result.NA)
        elif step.step_id == "acc-exp-1":
            s.answer(Result.FAIL)
        else:
            s.answer(Result.PASS)
        s.next()
    sug = s.suggestion()
    assert sug.classification is Classification.DAMAGED
    assert [st.step_id for st in s.because_steps()] == ["fn-battery"]
    assert s.because_texts("en") == [
        f"{s.because_steps()[0].prompt.en}: 60 %, outside the accepted range"]
    assert "超出合格范围" in s.because_texts("zh_CN")[0]
    assert sug.missing_accessories == ("Quick start guide",)
    assert sug.disposition is Disposition.RETURN_TO_VENDOR  # defective + damaged
    # The cosmetic grade (a function step) was N/A: even as intact it is not restocked (16.4).
    assert s.disposition_for(Classification.INTACT) is Disposition.REFURBISH


def test_override_needs_a_reason(ctx: StationContext) -> None:
    s = InspectionSession(ctx, _start(ctx))
    _walk_all_pass(s)
    with pytest.raises(DomainError, match="reason"):
        s.confirm(Classification.DAMAGED, "   ")
    plan = s.prepare_confirm("damaged", "  scratch under the label  ")
    assert plan.override_reason == "scratch under the label"
    assert plan.disposition is Disposition.RETURN_TO_VENDOR
    s.commit(plan)
    record = ctx.store.record(s.inspection_id)
    assert record.classification is Classification.DAMAGED
    assert record.classification_suggested is Classification.INTACT
    assert record.override_reason == "scratch under the label"


def test_confirm_refuses_an_incomplete_checklist(ctx: StationContext) -> None:
    s = InspectionSession(ctx, _start(ctx))
    with pytest.raises(WorkflowError, match="Scan the serial number"):
        s.prepare_confirm(Classification.INTACT, None)


def test_persist_hook_receives_every_write_in_order(ctx: StationContext) -> None:
    queued: list[Any] = []
    s = InspectionSession(ctx, _start(ctx), persist=queued.append)
    s.answer(Result.VALUE, EXPECTED_SERIAL)
    s.next()
    assert len(queued) == 3  # answer, serial, move: nothing written yet
    assert ctx.store.load_inspection(s.inspection_id).answers == {}
    for write in queued:
        write()
    stored = ctx.store.load_inspection(s.inspection_id)
    assert stored.current_step == 1 and stored.serial_number_scanned == EXPECTED_SERIAL


# --- shift-lead actions ---------------------------------------------------------------------


def _outbox_state(ctx: StationContext, iid: str) -> str:
    item = ctx.store.outbox_item(iid)
    assert item is not None, f"{iid} is not in the outbox"
    return item.state


def _attention_item(ctx: StationContext) -> str:
    s = InspectionSession(ctx, _start(ctx))
    _walk_all_pass(s)
    s.confirm(Classification.INTACT, None)
    ctx.store.mark_attention(s.inspection_id, "case closed on the server")
    return s.inspection_id


def test_inspector_cannot_retry_or_mark_handled(ctx: StationContext) -> None:
    iid = _attention_item(ctx)
    with pytest.raises(PermissionDenied):
        retry_needs_attention(ctx, iid)
    with pytest.raises(PermissionDenied):
        mark_handled(ctx, iid, "called the desk")
    assert _outbox_state(ctx, iid) == OutboxState.ATTENTION


def test_shift_lead_retries_and_marks_handled(ctx: StationContext) -> None:
    iid = _attention_item(ctx)
    as_lead(ctx)
    retry_needs_attention(ctx, iid)
    assert _outbox_state(ctx, iid) == OutboxState.PENDING
    ctx.store.mark_attention(iid, "again")
    with pytest.raises(DomainError, match="handled"):
        mark_handled(ctx, iid, "  ")
    mark_handled(ctx, iid, "returned to the desk by hand")
    item = ctx.store.outbox_item(iid)
    assert item is not None and item.state == OutboxState.HANDLED
    assert item.handled_note == "returned to the desk by hand"


def test_settings_are_validated_and_saved_by_a_shift_lead_only(ctx: StationContext) -> None:
    with pytest.raises(PermissionDenied):
        save_station_settings(ctx, {"photo_max_px": 1200})
    as_lead(ctx)
    with pytest.raises(ConfigError, match="api_base_url"):
        save_station_settings(ctx, {"api_base_url": "ftp://x"})
    assert not ctx.paths.config_file.exists()
    new = save_station_settings(ctx, {"photo_max_px": 1200, "language": "zh_CN"})
    assert new.photo_max_px == 1200 and ctx.settings.photo_max_px == 640
    on_disk = load_settings(ctx.paths.config_file, env={})
    assert on_disk.photo_max_px == 1200 and on_disk.language == "zh_CN"
