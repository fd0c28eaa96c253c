"""The checklist wizard state machine, driven without Qt."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.checklists import load_template_file, load_templates, merge_expected_accessories
from app.domain import Answer, Result, Section
from app.wizard import IdentityCheck, Wizard, WizardError

DATA = Path(__file__).parent / "data" / "checklists"
NOW = datetime(2026, 11, 22, 8, 12, tzinfo=UTC)


def photo() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def audio() -> Any:
    return load_template_file(DATA / "audio_v4.json")


@pytest.fixture
def phone() -> Any:
    return load_templates()["phones_tablets"]


def walk_all_pass(w: Wizard) -> None:
    """Answer every step with a passing answer and move on, as an inspector would."""
    while not w.at_summary:
        step = w.current
        assert step is not None
        kind = step.kind.value
        if kind == "pass_fail":
            w.answer("pass")
        elif kind == "photo":
            w.add_photo(photo())
        elif kind == "number":
            w.answer("value", step.max if step.max is not None else 1)
        elif kind == "choice":
            w.answer("value", step.options[0])
        elif step.capture == "imei":
            w.answer("value", "490154203237518")
        else:
            w.answer("value", "HX2-00931877")
        w.next()


def test_walk_to_summary(audio: Any) -> None:
    moves: list[int] = []
    saved: list[Answer] = []
    w = Wizard(audio, on_answer=saved.append, on_move=moves.append, clock=lambda: NOW)
    assert w.index == 0 and w.current is not None and w.current.step_id == "app-serial"
    assert not w.summary_available and not w.can_back()
    walk_all_pass(w)
    assert w.at_summary and w.current is None and w.summary_available and w.is_complete
    assert moves == list(range(1, len(audio.steps) + 1))
    assert [a.step_id for a in saved] == [s.step_id for s in audio.steps]
    assert [a.step_id for a in w.answers_in_order()] == [s.step_id for s in audio.steps]
    assert all(a.answered_at == NOW for a in saved)
    assert w.progress.done == w.progress.total == len(audio.steps)
    assert not w.can_next()
    with pytest.raises(WizardError, match="last page"):
        w.next()
    assert w.back() is audio.steps[-1]


# --- answers against kinds --------------------------------------------------------------------

OK = [
    ("fn-power", "pass", None, Result.PASS, None),
    ("fn-power", "FAIL", None, Result.FAIL, None),
    ("fn-power", Result.NA, None, Result.NA, None),
    ("fn-battery", "value", 85, Result.VALUE, 85),
    ("fn-battery", "value", "85", Result.VALUE, 85),
    ("fn-battery", "value", " 92.5 ", Result.VALUE, 92.5),
    ("fn-battery", "value", 72, Result.VALUE, 72),  # out of range: accepted, counts as a fail
    ("fn-battery", "na", None, Result.NA, None),
    ("app-imei", "value", "49 015420 323751 8", Result.VALUE, "490154203237518"),
    ("app-imei", "na", None, Result.NA, None),
    ("app-imei", "value", "４９０１５４２０３２３７５１８", Result.VALUE, "490154203237518"),
    ("app-imei", "value", "4901-5420/3237 518", Result.VALUE, "490154203237518"),
]


@pytest.mark.parametrize(("step_id", "result", "value", "want", "stored"), OK)
def test_valid_answers(
    phone: Any, step_id: str, result: Any, value: Any, want: Result, stored: Any
) -> None:
    w = Wizard(phone)
    a = w.answer(result, value, step_id=step_id)
    assert (a.result, a.value) == (want, stored)
    assert w.answers[step_id] is a is w.last_answer


BAD = [
    ("fn-power", "value", "yes", "answers fail or na or pass, not value"),
    ("fn-power", "pass", "x", "takes no value"),
    ("fn-power", "maybe", None, "Unknown result"),
    ("fn-battery", "pass", None, "answers na or value, not pass"),
    ("fn-battery", "fail", None, "not fail"),
    ("fn-battery", "value", None, "Enter a number"),
    ("fn-battery", "value", True, "Enter a number"),
    ("fn-battery", "value", "eighty", "is not a number"),
    ("fn-battery", "value", float("nan"), "finite"),
    ("fn-battery", "value", "inf", "finite"),
    ("app-imei", "value", "   ", "Enter the text"),
    ("app-imei", "value", 490154203237518, "Enter the text"),
    ("app-imei", "value", "490154203237519", "Not a valid IMEI: the check digit is wrong"),
    ("app-imei", "value", "49015420323751", "Not a valid IMEI: 15 digits expected"),
    ("app-imei", "value", "49015420323751X", "Not a valid IMEI: 15 digits expected"),
    ("app-imei", "pass", None, "not pass"),
]


@pytest.mark.parametrize(("step_id", "result", "value", "message"), BAD)
def test_invalid_answers_are_refused(
    phone: Any, step_id: str, result: Any, value: Any, message: str
) -> None:
    w = Wizard(phone)
    with pytest.raises(WizardError, match=message) as info:
        w.answer(result, value, step_id=step_id)
    assert step_id not in w.answers
    assert info.value.step_id in (step_id, None)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("A: as new", True), (" C: worn ", True), ("E", False), (3, False), ("", False)],
)
def test_choice_must_be_an_option(value: Any, ok: bool) -> None:
    w = Wizard(load_templates()["apparel_shoes"])
    if ok:
        assert w.answer("value", value, step_id="app-grade").value == value.strip()
    else:
        with pytest.raises(WizardError, match="Choose one of: A: as new, B: tried on"):
            w.answer("value", value, step_id="app-grade")


def test_photo_step_needs_a_photo_or_na() -> None:
    w = Wizard(load_templates()["generic"])
    assert w.current is not None and w.current.step_id == "app-overview"
    with pytest.raises(WizardError, match="Take at least one photo"):
        w.answer("pass")
    with pytest.raises(WizardError, match="Not a photo id"):
        w.add_photo("../../etc/passwd")
    first, second = photo(), photo().upper()
    a = w.add_photo(first)
    assert (a.result, a.photo_ids) == (Result.PASS, (first,))
    a = w.add_photo(second)
    assert a.photo_ids == (first, second.lower())
    assert w.add_photo(first) is a  # already there: nothing new to save
    w.remove_photo(first)
    with pytest.raises(WizardError, match="needs at least one photo"):
        w.remove_photo(second)
    assert w.answer("na").photo_ids == (second.lower(),)  # kept unless replaced


def test_unknown_step_and_no_current_step(audio: Any) -> None:
    w = Wizard(audio)
    with pytest.raises(WizardError, match="No step 'nope'"):
        w.answer("pass", step_id="nope")
    walk_all_pass(w)
    with pytest.raises(WizardError, match="summary page"):
        w.answer("pass")


def test_note_and_photos_are_kept_on_reanswer_unless_replaced(audio: Any) -> None:
    w = Wizard(audio)
    p = photo()
    w.answer("fail", step_id="app-shell", note=" scratch on left cup ", photo_ids=[p])
    a = w.answer("pass", step_id="app-shell")
    assert (a.result, a.note, a.photo_ids) == (Result.PASS, "scratch on left cup", (p,))
    a = w.answer("pass", step_id="app-shell", note="", photo_ids=())
    assert (a.note, a.photo_ids) == ("", ())
    with pytest.raises(WizardError, match="longer than 2000"):
        w.answer("pass", step_id="app-shell", note="x" * 2001)


# --- moving ---------------------------------------------------------------------------------


def test_required_step_blocks_next_optional_does_not(audio: Any) -> None:
    w = Wizard(audio)
    assert not w.can_next()
    with pytest.raises(WizardError, match="Answer this step") as info:
        w.next()
    assert info.value.step_id == "app-serial"
    w.answer("value", "hx2 00931877")
    w.next()
    w.answer("pass")
    w.next()
    w.answer("pass")
    w.next()
    assert w.current is not None and w.current.step_id == "app-overview"
    assert not w.current.required and w.can_next()
    w.next()  # optional photo step skipped
    assert w.current is not None and w.current.section is Section.FUNCTION
    assert w.back() is not None and w.back() is not None
    assert w.current is not None and w.current.step_id == "app-cushions"


@pytest.mark.parametrize("move", ["next", "back", "go_to"])
def test_photo_on_fail_gate_blocks_leaving(audio: Any, move: str) -> None:
    w = Wizard(audio)
    w.answer("value", "X")
    w.next()
    w.answer("fail")  # app-shell has photo_on_fail
    assert not w.gate_open("app-shell") and not w.can_next() and not w.can_back()
    assert w.first_incomplete_step() is audio.step("app-shell")
    moves: dict[str, Callable[[], object]] = {"next": w.next, "back": w.back,
                                              "go_to": lambda: w.go_to("app-serial")}
    action = moves[move]
    with pytest.raises(WizardError, match="take at least one photo"):
        action()
    assert w.current is not None and w.current.step_id == "app-shell"
    w.add_photo(photo())
    assert w.gate_open("app-shell") and w.can_next() and w.can_back()
    action()
    assert w.current is not None and w.current.step_id != "app-shell"


def test_gate_applies_to_out_of_range_numbers_and_fail_options(phone: Any) -> None:
    w = Wizard(phone)
    w.answer("value", 72, step_id="fn-battery")
    assert w.number_out_of_range("fn-battery") and not w.gate_open("fn-battery")
    w.answer("value", 95, step_id="fn-battery")
    assert not w.number_out_of_range("fn-battery") and w.gate_open("fn-battery")
    apparel = Wizard(load_templates()["apparel_shoes"])
    apparel.answer("value", "D: unsellable", step_id="app-grade")
    assert apparel.is_failed("app-grade") and not apparel.gate_open("app-grade")
    apparel.answer("value", "B: tried on", step_id="app-grade")
    assert not apparel.is_failed("app-grade") and apparel.gate_open("app-grade")


def test_failed_step_without_photo_on_fail_can_be_left(audio: Any) -> None:
    w = Wizard(audio)
    w.answer("fail", step_id="fn-power")
    w.go_to("app-serial")
    assert w.gate_open("fn-power")


def test_summary_only_when_complete(audio: Any) -> None:
    w = Wizard(audio)
    walk_all_pass(w)
    w.go_to("app-cushions")
    w.answer("fail")
    assert not w.summary_available and not w.is_complete
    with pytest.raises(WizardError, match="take at least one photo"):
        w.go_to(len(audio.steps))
    w.add_photo(photo())
    assert w.summary_available
    assert w.go_to(len(audio.steps)) is None and w.at_summary


def test_last_step_next_names_what_is_missing(audio: Any) -> None:
    w = Wizard(audio)
    walk_all_pass(w)
    w.back()
    last = audio.steps[-1]
    assert w.index == len(audio.steps) - 1 and w.can_next()
    # An earlier step is changed from here (e.g. from a side list): fail without a photo.
    w.answer("fail", step_id="app-shell")
    assert w.first_incomplete_step() is audio.step("app-shell")
    assert (
        w.next_blocker()
        == "Step 'Housing free of cracks, dents and scratches' still needs an answer or a photo"
    )
    with pytest.raises(WizardError, match="still needs an answer or a photo"):
        w.next()
    with pytest.raises(WizardError, match="comes first"):
        w.go_to(len(audio.steps))
    w.go_to("app-shell")
    w.add_photo(photo())
    w.go_to(last.step_id)
    assert w.next() is None and w.at_summary


def test_jumping_forward_stops_at_the_first_incomplete_step(audio: Any) -> None:
    w = Wizard(audio)
    for s in audio.steps:
        if s.step_id not in ("app-serial", "fn-mic", "app-overview"):
            w.answer("pass", step_id=s.step_id)
    w.answer("value", "X", step_id="app-serial")
    assert w.first_incomplete_step() is audio.step("fn-mic")
    with pytest.raises(
        WizardError, match="'Microphone picks up speech in a test call' comes first"
    ):
        w.go_to(audio.steps[-1].step_id)
    assert w.go_to("fn-mic") is audio.step("fn-mic")
    w.answer("pass")
    assert w.go_to(audio.steps[-1].step_id) is audio.steps[-1]


def test_go_to_bounds(audio: Any) -> None:
    w = Wizard(audio)
    with pytest.raises(WizardError, match="No step 'x'"):
        w.go_to("x")
    with pytest.raises(WizardError, match="No step number"):
        w.go_to(len(audio.steps) + 1)
    with pytest.raises(WizardError, match="first step"):
        w.back()
    assert w.go_to(0) is audio.steps[0]


def test_progress_per_section(audio: Any) -> None:
    w = Wizard(audio)
    w.answer("value", "X")
    w.answer("fail", step_id="app-shell")  # gate open -> not done yet
    w.answer("pass", step_id="fn-power")
    w.answer("na", step_id="acc-case")
    p = w.progress
    assert (p.done, p.total) == (3, 10)
    assert (p.required_done, p.required_total) == (3, 9)
    assert {s: (sp.done, sp.total) for s, sp in p.sections.items()} == {
        Section.APPEARANCE: (1, 4),
        Section.FUNCTION: (1, 4),
        Section.ACCESSORIES: (1, 2),
    }
    w.add_photo(photo(), step_id="app-shell")
    assert w.progress.sections[Section.APPEARANCE].done == 2


# --- resume and saving ------------------------------------------------------------------------


def test_resume_at_the_same_step(audio: Any) -> None:
    saved: dict[str, Answer] = {}
    position: list[int] = [0]
    w = Wizard(audio, on_answer=lambda a: saved.__setitem__(a.step_id, a), on_move=position.append)
    w.answer("value", "HX2-00931877")
    w.next()
    w.answer("fail", photo_ids=[photo()])
    w.next()
    w.answer("pass")
    w.next()
    w.next()
    w.answer("pass")  # fn-power answered, not yet moved on
    here = w.current
    # The process dies here; the store kept `saved` and `position[-1]`.
    resumed = Wizard(audio, saved, position[-1])
    assert resumed.current == here and resumed.index == w.index
    assert dict(resumed.answers) == saved
    assert resumed.progress == w.progress
    assert resumed.can_next() and resumed.next() is audio.step("fn-sound")


@pytest.mark.parametrize(("index", "expected"), [(-3, 0), (99, 2), (2, 2), (1, 1)])
def test_resume_never_skips_an_incomplete_step(audio: Any, index: int, expected: int) -> None:
    answers = [Answer("app-serial", Result.VALUE, "X"), Answer("app-shell", Result.PASS)]
    assert Wizard(audio, answers, index).index == expected


def test_resume_sets_aside_answers_for_unknown_steps(audio: Any) -> None:
    stray = Answer("gone", Result.PASS)
    w = Wizard(audio, [stray, Answer("app-serial", Result.VALUE, "X")], 1)
    assert w.ignored_answers == (stray,) and set(w.answers) == {"app-serial"}


def test_resume_with_merged_accessories_keeps_step_ids(audio: Any) -> None:
    expected = ["charging cable", "carry case", "user manual"]
    first = Wizard(merge_expected_accessories(audio, expected))
    a = first.answer("fail", step_id="acc-exp-1")
    again = Wizard(merge_expected_accessories(audio, expected), {a.step_id: a})
    assert again.step("acc-exp-1").accessory == "user manual"
    assert again.is_failed("acc-exp-1")


def test_a_failed_save_leaves_the_wizard_unchanged(audio: Any) -> None:
    def full_disk(_: object) -> None:
        raise OSError(28, "No space left on device")

    w = Wizard(audio, on_answer=full_disk)
    with pytest.raises(OSError, match="No space left"):
        w.answer("value", "X")
    assert w.answers == {} and w.last_answer is None
    w.on_answer = None
    w.answer("value", "X")
    w.on_move = full_disk
    with pytest.raises(OSError, match="No space left"):
        w.next()
    assert w.index == 0


# --- identity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected_serial", "typed", "check", "captured"),
    [
        ("HX2-00931877", "hx2 00931877", IdentityCheck.MATCH, "HX2 00931877"),
        ("HX2-00931877", "HX2-00931878", IdentityCheck.MISMATCH, "HX2-00931878"),
        (None, "HX2-00931877", IdentityCheck.NO_REFERENCE, "HX2-00931877"),
        ("HX2-00931877", None, IdentityCheck.NOT_CAPTURED, None),
    ],
)
def test_identity_check(
    audio: Any, expected_serial: str | None, typed: str | None, check: IdentityCheck, captured: Any
) -> None:
    w = Wizard(audio, expected_serial=expected_serial)
    if typed is None:
        w.answer("na")
    else:
        w.answer("value", typed)
    assert w.identity_check() is check
    assert w.captured_serial() == captured


def test_identity_without_capture_step() -> None:
    w = Wizard(load_templates()["apparel_shoes"], expected_serial="X")
    assert w.identity_check() is IdentityCheck.NO_CAPTURE_STEP and w.captured_serial() is None


def test_phone_imei_matches_case_serial(phone: Any) -> None:
    w = Wizard(phone, expected_serial="49-015420-323751-8")
    w.answer("value", "490154203237518")
    assert w.identity_check() is IdentityCheck.MATCH
    walk_all_pass(w)
    assert w.summary_available


def test_refusals_speak_the_station_language(phone: Any) -> None:
    """Keyed errors: the IMEI refusal and the failed-step gate in English and Chinese."""
    w = Wizard(phone)
    with pytest.raises(WizardError) as info:
        w.answer("value", "490154203237519", step_id="app-imei")
    assert info.value.message("en") == "Not a valid IMEI: the check digit is wrong"
    assert info.value.message("zh_CN") == "IMEI 无效：校验位错误"
    assert info.value.step_id == "app-imei"
    blocked = Wizard(phone)
    blocked.answer("na", step_id="app-imei")
    blocked.next()
    blocked.answer("fail")  # app-screen needs a photo when it fails
    error = blocked.next_blocker_error()
    assert error is not None and blocked.next_blocker() == str(error)
    assert error.message("en") == "This step failed: take at least one photo before moving on"
    assert error.message("zh_CN") == "此步骤不通过：请至少拍摄一张照片后再继续"
