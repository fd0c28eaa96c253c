"""Weight check (16.2) and photo guardrails (16.3) through the whole inspection.

Each path runs a real session on a real store, reads the simulated scale through a real
serial port (pty), sends the result to the reference server through the outbox (stored
there exactly once, the same bytes), and reads the inspection report back with pdftotext.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.checklists import TemplateError, template_from_dict
from app.context import StationContext
from app.domain import Case, Classification, DomainError, Result
from app.photo_check import PhotoQualityRefused
from app.reports.inspection import render_inspection_report
from app.scale import ScaleError, ScaleReader, open_serial, read_from_settings
from app.store.models import AuditRow
from app.weight import WEIGHT_STEP_ID, scale_failed, typing_allowed, weigh
from app.wizard import WizardError
from app.workflow import InspectionSession, report_prompts, start_inspection
from refserver import RunningServer, start_server
from tests.builders import EXPECTED_SERIAL, GADGET_TEMPLATE
from tests.builders import gadget_case as make_case
from tests.faults import fast_client, make_worker
from tests.flow_helpers import bgr_frame, walk_all_pass
from tests.scale_sim import simulated_scale
from tests.test_reports_support import pdftotext

EXPECTED_G = 1250.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with start_server(tmp_path / "srv.db", tmp_path / "srv-photos", seed_demo=False) as srv:
        yield srv


def weighed_case(expected: float | None = EXPECTED_G) -> Case:
    case = make_case()
    return replace(case, items=(replace(case.items[0], expected_weight_g=expected),))


def session_for(ctx: StationContext, case: Case) -> InspectionSession:
    return InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))


def read_scale(frames: list[bytes]) -> float:
    with simulated_scale(frames) as sim:
        port = open_serial(sim.port, 9600)
        try:
            return ScaleReader(port, "continuous", timeout_s=20).read_stable().grams
        finally:
            port.close()


def send(ctx: StationContext, server: RunningServer, case: Case, iid: str) -> dict[str, Any]:
    """Deliver through the outbox; the server holds the station's exact bytes, once."""
    server.store.add_case(case.to_api())
    worker = make_worker(ctx.store, fast_client(server.url))
    assert worker.drain_once().sent == 1
    assert worker.drain_once().sent == 0
    assert server.store.count_inspections() == 1
    assert server.store.get_inspection_bytes(iid) == ctx.store.result_payload(iid)
    payload: dict[str, Any] = json.loads(ctx.store.result_payload(iid) or b"{}")
    return payload


def report_text(ctx: StationContext, iid: str, tmp_path: Path, language: str) -> str:
    pdf = tmp_path / f"report-{language}.pdf"
    prompts = report_prompts(ctx, ctx.store.record(iid), language)  # as the history screen
    render_inspection_report(ctx.store, iid, pdf, language=language, prompts=prompts)
    return " ".join(pdftotext(pdf).split())


# --- weight ---------------------------------------------------------------------------------

NO_SCALE = "/dev/no-such-scale"  # a configured scale that is not there: it cannot answer


@pytest.fixture
def bench_scale(ctx: StationContext) -> StationContext:
    """The station with a scale configured (the weight step exists only then)."""
    ctx.settings = ctx.settings.replace(scale_port=NO_SCALE)
    return ctx


def scale_does_not_answer(s: InspectionSession) -> None:
    """Read the configured scale as the step page does; its failure offers typing."""
    with pytest.raises(ScaleError) as failed:
        read_from_settings(s.ctx.settings)
    assert failed.value.key == "scale_open"
    scale_failed(s)


def steps_of(s: InspectionSession) -> list[str]:
    return [step.step_id for step in s.template.steps]


def weight_source(s: InspectionSession) -> str:
    answer = s.answer_of(WEIGHT_STEP_ID)
    assert answer is not None and answer.extra is not None
    return str(answer.extra["weight"]["source"])


def test_no_scale_configured_skips_the_step_even_with_an_expected_weight(
        ctx: StationContext, server: RunningServer) -> None:
    assert ctx.settings.scale_port == ""
    assert WEIGHT_STEP_ID not in steps_of(session_for(ctx, weighed_case(None)))
    case = weighed_case()
    s = session_for(ctx, replace(case, case_id="c-weighed"))
    assert WEIGHT_STEP_ID not in steps_of(s)  # skipped, not failed
    assert s.current is not None and s.current.step_id == "app-serial"
    s.answer(Result.VALUE, EXPECTED_SERIAL)
    s.next()
    walk_all_pass(s)
    assert s.suggestion().classification is Classification.INTACT
    s.confirm(Classification.INTACT, None)
    payload = send(ctx, server, replace(case, case_id="c-weighed"), s.inspection_id)
    assert all("weight" not in a for a in payload["answers"])


def test_a_scale_reading_within_tolerance_passes_and_is_sent_and_reported(
        bench_scale: StationContext, server: RunningServer, tmp_path: Path) -> None:
    ctx = bench_scale
    case = weighed_case()
    s = session_for(ctx, case)
    assert s.current is not None and s.current.step_id == WEIGHT_STEP_ID
    grams = read_scale([b"garbage\r\n", b"US,GS,+  1100.0 g\r\n", b"ST,GS,+  1262.5 g\r\n"])
    made = weigh(s, grams, "scale")
    assert made.extra == {"weight": {
        "reading_g": 1262.5, "source": "scale", "expected_g": EXPECTED_G, "tolerance_g": 10.0,
        "tolerance_pct": 3.0, "allowed_g": 37.5, "verdict": "pass"}}
    s.next()
    walk_all_pass(s)
    assert s.suggestion().classification is Classification.INTACT
    s.confirm(Classification.INTACT, None)
    payload = send(ctx, server, case, s.inspection_id)
    answer = next(a for a in payload["answers"] if a["step_id"] == WEIGHT_STEP_ID)
    assert answer["value"] == 1262.5 and answer["weight"]["verdict"] == "pass"
    en = report_text(ctx, s.inspection_id, tmp_path, "en")
    assert "Weigh the item" in en
    assert "1262.5 g (scale); expected 1250 g; tolerance ± 37.5 g" in en
    assert "within tolerance" in en
    zh = report_text(ctx, s.inspection_id, tmp_path, "zh_CN")
    assert "1262.5 克（电子秤）" in zh and "在允差内" in zh


def test_a_weight_is_typed_only_when_the_scale_does_not_answer(
        bench_scale: StationContext) -> None:
    s = session_for(bench_scale, weighed_case())
    with pytest.raises(DomainError) as refused:
        s.answer(Result.VALUE, "1250")  # the scale may still answer: no typing past it
    assert refused.value.key == "weight_scale_first"
    assert "只有电子秤无应答时才能手动输入" in refused.value.message("zh_CN")
    with pytest.raises(DomainError, match="scale does not answer"):
        weigh(s, 1250.0, "typed")
    assert s.answer_of(WEIGHT_STEP_ID) is None
    assert not typing_allowed(s)
    scale_does_not_answer(s)
    assert typing_allowed(s)
    s.answer(Result.VALUE, "1251")
    assert weight_source(s) == "typed"
    weigh(s, 1249.5, "scale")  # plugged in again and read: the scale's figure counts now
    assert weight_source(s) == "scale" and not typing_allowed(s)
    with pytest.raises(DomainError, match="scale does not answer"):
        s.answer(Result.VALUE, "1251")


def test_a_light_box_fails_by_itself_needs_a_photo_and_says_so(
        bench_scale: StationContext, server: RunningServer, tmp_path: Path) -> None:
    ctx = bench_scale
    case = weighed_case()
    s = session_for(ctx, case)
    scale_does_not_answer(s)
    s.answer(Result.VALUE, "312")  # typed: the scale is unplugged
    assert s.wizard.is_failed(WEIGHT_STEP_ID)
    with pytest.raises(WizardError) as refused:
        s.next()
    assert refused.value.key == "wizard_failed_photo"
    s.add_photo(bgr_frame(1280, 720))
    s.next()
    walk_all_pass(s)
    assert s.suggestion().classification is Classification.DAMAGED
    assert WEIGHT_STEP_ID in s.suggestion().because
    s.confirm(Classification.DAMAGED, None)
    payload = send(ctx, server, case, s.inspection_id)
    answer = next(a for a in payload["answers"] if a["step_id"] == WEIGHT_STEP_ID)
    assert answer["weight"]["source"] == "typed" and answer["weight"]["verdict"] == "fail"
    assert len(answer["photo_ids"]) == 1
    en = report_text(ctx, s.inspection_id, tmp_path, "en")
    assert "312 g (typed); expected 1250 g" in en and "OUT OF TOLERANCE" in en
    zh = report_text(ctx, s.inspection_id, tmp_path, "zh_CN")
    assert "312 克（手动输入）" in zh and "超出允差" in zh


def test_an_expected_weight_cannot_be_skipped(bench_scale: StationContext) -> None:
    s = session_for(bench_scale, weighed_case())
    with pytest.raises(DomainError) as refused:
        s.answer(Result.NA)
    assert refused.value.key == "weight_na_refused"
    assert "必须称重" in refused.value.message("zh_CN")


def test_a_scale_without_an_expected_weight_records_without_a_verdict(
        ctx: StationContext) -> None:
    ctx.settings = ctx.settings.replace(scale_port="/dev/ttyUSB0")
    s = session_for(ctx, weighed_case(None))
    made = weigh(s, 800.0, "scale")
    assert made.extra is not None and made.extra["weight"]["verdict"] == "not_compared"
    assert not s.wizard.is_failed(WEIGHT_STEP_ID)
    s.answer(Result.NA)  # nothing to compare against: N/A allowed
    assert s.answer_of(WEIGHT_STEP_ID).result is Result.NA  # type: ignore[union-attr]


def test_a_note_keeps_the_weight_record(bench_scale: StationContext) -> None:
    s = session_for(bench_scale, weighed_case())
    weigh(s, 1240.0, "scale")
    s.set_note("box re-taped")
    answer = s.answer_of(WEIGHT_STEP_ID)
    assert answer is not None and answer.note == "box re-taped"
    assert answer.extra is not None and answer.extra["weight"]["source"] == "scale"


def test_the_template_sets_its_tolerance_or_opts_out(bench_scale: StationContext) -> None:
    ctx = bench_scale
    strict = template_from_dict({**GADGET_TEMPLATE, "weight": {"tolerance_g": 2,
                                                               "tolerance_pct": 0}}, "t")
    ctx.templates = {"gadget": strict}
    s = session_for(ctx, weighed_case())
    weigh(s, 1253.0, "scale")
    assert s.wizard.is_failed(WEIGHT_STEP_ID)
    ctx.templates = {"gadget": template_from_dict({**GADGET_TEMPLATE, "weight": False}, "t")}
    s = session_for(ctx, replace(weighed_case(), case_id="c-2"))
    assert WEIGHT_STEP_ID not in steps_of(s)
    with pytest.raises(TemplateError, match="weight"):
        template_from_dict({**GADGET_TEMPLATE, "weight": {"tolerance_g": -1}}, "t")


def test_a_resumed_draft_keeps_the_weight_step_and_reading(bench_scale: StationContext) -> None:
    s = session_for(bench_scale, weighed_case())
    weigh(s, 1249.0, "scale")
    s.next()
    again = InspectionSession(bench_scale, s.inspection_id)
    assert again.template.steps[0].step_id == WEIGHT_STEP_ID
    answer = again.answer_of(WEIGHT_STEP_ID)
    assert answer is not None and answer.extra is not None
    assert answer.extra["weight"]["reading_g"] == 1249.0


def test_a_draft_resumed_after_the_scale_was_removed_keeps_its_weighing(
        bench_scale: StationContext) -> None:
    ctx = bench_scale
    weighed = session_for(ctx, weighed_case())
    scale_does_not_answer(weighed)
    weighed.answer(Result.VALUE, "1240")
    weighed.next()
    unweighed = session_for(ctx, replace(weighed_case(), case_id="c-unweighed"))
    assert unweighed.current is not None and unweighed.current.step_id == WEIGHT_STEP_ID
    ctx.settings = ctx.settings.replace(scale_port="")  # the scale is taken away
    kept = InspectionSession(ctx, weighed.inspection_id)
    assert steps_of(kept) == steps_of(weighed)  # the weighing stays, at the same place
    assert kept.current is not None and kept.current.step_id == "app-serial"
    kept.back()
    assert typing_allowed(kept)  # no scale to read: the kept weight may be corrected
    kept.answer(Result.VALUE, "1239")
    assert weight_source(kept) == "typed"
    dropped = InspectionSession(ctx, unweighed.inspection_id)  # nothing weighed yet
    assert WEIGHT_STEP_ID not in steps_of(dropped)
    assert dropped.current is not None and dropped.current.step_id == "app-serial"


def test_a_draft_resumed_after_a_scale_was_added_is_weighed_first(
        ctx: StationContext) -> None:
    s = session_for(ctx, weighed_case())
    s.answer(Result.VALUE, EXPECTED_SERIAL)
    s.next()
    assert WEIGHT_STEP_ID not in steps_of(s)
    ctx.settings = ctx.settings.replace(scale_port=NO_SCALE)
    again = InspectionSession(ctx, s.inspection_id)
    assert steps_of(again) == [WEIGHT_STEP_ID, *steps_of(s)]
    assert again.current is not None and again.current.step_id == WEIGHT_STEP_ID
    assert again.answer_of("app-serial") is not None  # the answers made are all kept
    assert again.wizard.ignored_answers == ()


def test_enter_on_a_typed_weight_after_resume_keeps_it_typed(
        bench_scale: StationContext) -> None:
    s = session_for(bench_scale, weighed_case())
    scale_does_not_answer(s)
    s.answer(Result.VALUE, "1244")
    again = InspectionSession(bench_scale, s.inspection_id)
    assert not typing_allowed(again)  # a new session: the scale is asked again first
    again.answer(Result.VALUE, "1244")  # Enter on the figure already recorded
    assert weight_source(again) == "typed"
    with pytest.raises(DomainError, match="scale does not answer"):
        again.answer(Result.VALUE, "1200")


# --- photos ---------------------------------------------------------------------------------


def blurred(frame: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return cv2.GaussianBlur(frame, (0, 0), 8)


def test_a_blurred_photo_is_refused_and_kept_only_with_a_note(
        ctx: StationContext, server: RunningServer, tmp_path: Path) -> None:
    case = make_case()
    s = session_for(ctx, case)
    s.answer(Result.VALUE, EXPECTED_SERIAL)
    s.next()
    s.answer(Result.FAIL)  # the body step needs a photo
    step_id = s.check_photo_allowed().step_id
    with pytest.raises(PhotoQualityRefused) as refused:
        s.store_photo(blurred(bgr_frame(1280, 720)), step_id)
    assert "blurred" in refused.value.message("en") and "模糊" in refused.value.message("zh_CN")
    assert ctx.store.load_inspection(s.inspection_id).photos == {}  # nothing stored
    too_dark = cv2.convertScaleAbs(bgr_frame(1280, 720), alpha=0.1)
    with pytest.raises(PhotoQualityRefused, match="too dark"):
        s.store_photo(too_dark, step_id)
    with pytest.raises(DomainError) as no_note:
        s.store_photo(blurred(bgr_frame(1280, 720)), step_id, keep_note="   ")
    assert no_note.value.key == "photo_q_note_needed"
    photo = s.store_photo(blurred(bgr_frame(1280, 720)), step_id,
                          keep_note="crack only visible this close")
    s.attach_photo(photo)
    assert photo.quality is not None and photo.quality["problems"] == ["blurred"]
    with Session(ctx.store.engine) as db:
        audited = [json.loads(d) for d in db.scalars(
            select(AuditRow.details).where(AuditRow.action == "photo"))]
    assert {"kept_despite": ["blurred"], "note": "crack only visible this close"}.items() \
        <= audited[-1].items()
    s.next()
    walk_all_pass(s)
    s.confirm(Classification.DAMAGED, None)
    payload = send(ctx, server, case, s.inspection_id)
    sent = next(p for p in payload["photos"] if p["photo_id"] == photo.photo_id)
    assert sent["quality"]["note"] == "crack only visible this close"
    assert server.store.get_photo(s.inspection_id, photo.photo_id) is not None
    en = report_text(ctx, s.inspection_id, tmp_path, "en")
    assert "Photo kept although blurred: crack only visible this close" in en
    zh = report_text(ctx, s.inspection_id, tmp_path, "zh_CN")
    assert "照片虽模糊仍保留" in zh


def test_a_sharp_photo_carries_no_quality_record(ctx: StationContext) -> None:
    s = session_for(ctx, make_case())
    s.answer(Result.VALUE, EXPECTED_SERIAL)
    s.next()
    s.answer(Result.FAIL)
    assert s.add_photo(bgr_frame(1280, 720)).quality is None


def test_photo_checks_can_be_switched_off(ctx: StationContext) -> None:
    ctx.settings = ctx.settings.replace(photo_check=False)
    s = session_for(ctx, make_case())
    s.answer(Result.VALUE, EXPECTED_SERIAL)
    s.next()
    s.answer(Result.FAIL)
    assert s.add_photo(blurred(bgr_frame(1280, 720))).quality is None


SHOTS = [{"shot_id": "front", "name": {"en": "Front", "zh_CN": "正面"}},
         {"shot_id": "back", "name": {"en": "Back", "zh_CN": "背面"}},
         {"shot_id": "label", "name": {"en": "Serial label", "zh_CN": "序列号标签"}}]


def shot_template() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(GADGET_TEMPLATE))
    doc["sections"][0]["steps"].append({"step_id": "photos", "kind": "photo",
                                        "prompt": {"en": "Photos of the item",
                                                   "zh_CN": "商品照片"},
                                        "shots": SHOTS})
    return doc


def test_a_shot_list_walks_one_photo_per_shot_and_files_each(
        ctx: StationContext, server: RunningServer, tmp_path: Path) -> None:
    ctx.templates = {"gadget": template_from_dict(shot_template(), "t")}
    case = make_case()
    s = session_for(ctx, case)
    ids = [step.step_id for step in s.template.steps]
    assert ids[:5] == ["app-serial", "app-body", "photos.front", "photos.back", "photos.label"]
    assert s.template.step("photos.label").prompt.zh == "商品照片：序列号标签"
    s.answer(Result.VALUE, EXPECTED_SERIAL)
    s.next()
    s.answer(Result.PASS)
    s.next()
    with pytest.raises(WizardError):
        s.next()  # the front shot is required
    walk_all_pass(s)
    s.confirm(Classification.INTACT, None)
    payload = send(ctx, server, case, s.inspection_id)
    assert sorted(p["step_id"] for p in payload["photos"]) == [
        "photos.back", "photos.front", "photos.label"]
    en = report_text(ctx, s.inspection_id, tmp_path, "en")
    assert "Photos of the item: Serial label" in en
    assert "商品照片：背面" in report_text(ctx, s.inspection_id, tmp_path, "zh_CN")


@pytest.mark.parametrize(("shots", "problem"), [
    ("front", "must be a list"),
    ([{"shot_id": "Front!", "name": "x"}], "shot_id"),
    ([{"shot_id": "a", "name": {"en": "x", "zh_CN": "x"}},
      {"shot_id": "a", "name": {"en": "y", "zh_CN": "y"}}], "shot_id"),
    ([{"shot_id": "a", "name": "x"}], "'name' must be a map"),  # a text map, like all text
    ([{"shot_id": "a", "name": {"zh_CN": "正面"}}], "'name'"),
])
def test_bad_shot_lists_are_refused_naming_the_step(shots: Any, problem: str) -> None:
    doc = shot_template()
    doc["sections"][0]["steps"][-1]["shots"] = shots
    with pytest.raises(TemplateError, match=problem) as err:
        template_from_dict(doc, "t")
    assert "photos" in str(err.value)


@pytest.mark.parametrize(("weight", "problem"), [
    ("heavy", "weight: expected an object"),
    ({"reading_g": "12", "source": "scale", "verdict": "pass"}, "reading_g"),
    ({"reading_g": 12, "source": "guess", "verdict": "pass"}, "source"),
    ({"reading_g": 12, "source": "typed", "verdict": "maybe"}, "verdict"),
])
def test_the_reference_server_refuses_a_malformed_weight_record(weight: Any,
                                                                problem: str) -> None:
    from refserver.validation import validate_inspection

    case = make_case()
    iid = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
    payload = {"inspection_id": iid, "case_id": case.case_id, "line_id": "L1",
               "station_id": "S", "inspector_id": "E1", "started_at": "2026-11-22T08:11:02Z",
               "completed_at": "2026-11-22T08:15:40Z", "template_id": "gadget",
               "template_version": 2, "serial_number_scanned": None,
               "answers": [{"step_id": "weight", "result": "value", "value": 12,
                            "weight": weight}],
               "classification": "intact", "classification_suggested": "intact",
               "override_reason": None, "missing_accessories": [], "disposition": None,
               "photos": [], "client_version": "1"}
    errors = validate_inspection(payload, iid)
    assert any(problem in e for e in errors), errors
    good = {"reading_g": 12, "source": "typed", "verdict": "not_compared", "expected_g": None}
    payload["answers"] = [{"step_id": "weight", "result": "value", "value": 12, "weight": good}]
    assert validate_inspection(payload, iid) == []
