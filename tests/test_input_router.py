"""The input router without Qt: timestamps are fed in, so machine load cannot move a verdict."""

from __future__ import annotations

from app.domain import Result, StepKind
from app.input_router import (
    Do,
    InputRouter,
    Outcome,
    Refusal,
    Screen,
    Where,
    case_codes,
    message,
)
from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import interpret

RMA = "RMA-2026-0001234"
TRACKING = "SF1234567890123"
SERIAL = "HX2-00931877"
CODES = case_codes(RMA, "SO-88812", [TRACKING])


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def router() -> tuple[InputRouter, Clock]:
    clock = Clock()
    return InputRouter(clock=clock), clock


PASS_FAIL = Where(Screen.CHECKLIST, step_kind=StepKind.PASS_FAIL, case_codes=CODES)
CHOICE = Where(Screen.CHECKLIST, step_kind=StepKind.CHOICE, options=3, case_codes=CODES)
TEXT = Where(Screen.CHECKLIST, step_kind=StepKind.TEXT, text_focus=True, case_codes=CODES)
SERIAL_STEP = Where(Screen.CHECKLIST, step_kind=StepKind.TEXT, capture="serial",
                    text_focus=True, case_codes=CODES, expected_serial=SERIAL)
IMEI_STEP = Where(Screen.CHECKLIST, step_kind=StepKind.TEXT, capture="imei",
                  text_focus=True, case_codes=CODES)


def burst(r: InputRouter, text: str, where: Where, start: float, *, gap: float = 0.002,
          enter: bool = True) -> list[Outcome]:
    out: list[Outcome] = []
    t = start
    for ch in text:
        out += r.key(ch, where, t=t)
        t += gap
    if enter:
        out += r.key("Enter", where, t=t)
    return out


def acts(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.do not in (Do.NOTHING, Do.TYPE)]


def test_single_key_is_held_then_acts_as_a_shortcut() -> None:
    r, _ = router()
    assert r.key("p", PASS_FAIL, t=1.0) == [Outcome(Do.NOTHING)]
    assert r.pending
    assert r.flush(PASS_FAIL) == [Outcome(Do.ANSWER, result=Result.PASS)]
    # A person's next key decides the held one too, before its own verdict.
    r.key("f", PASS_FAIL, t=2.0)
    assert r.key("Enter", PASS_FAIL, t=2.2) == [
        Outcome(Do.ANSWER, result=Result.FAIL), Outcome(Do.NEXT)]


def test_tracking_burst_never_answers_or_advances_on_any_step() -> None:
    for where in (PASS_FAIL, CHOICE, Where(Screen.CHECKLIST, step_kind=StepKind.PHOTO),
                  Where(Screen.SUMMARY)):
        for enter in (True, False):
            r, _ = router()
            out = burst(r, TRACKING, where, 5.0, enter=enter) + r.flush(where)
            assert acts(out) == [Outcome(Do.REFUSE, code=TRACKING,
                                         refusal=Refusal.SCAN_IN_CHECKLIST)], (where, enter)


def test_rma_digits_never_pick_a_choice() -> None:
    r, _ = router()
    out = burst(r, RMA, CHOICE, 1.0)
    assert [o.do for o in acts(out)] == [Do.REFUSE]


def test_burst_into_a_text_field_is_taken_out_again() -> None:
    r, _ = router()
    out = burst(r, TRACKING, TEXT, 1.0)
    assert out[0] == Outcome(Do.TYPE, run_start=True)
    assert acts(out) == [Outcome(Do.REFUSE, code=TRACKING, refusal=Refusal.SCAN_IN_CHECKLIST,
                                 restore=True)]
    # Without Enter the same, once the keys stop.
    r2, _ = router()
    out = burst(r2, TRACKING, TEXT, 1.0, enter=False) + r2.flush(TEXT)
    assert [o.restore for o in acts(out)] == [True]


def test_person_typing_in_a_text_field_is_text() -> None:
    r, _ = router()
    out: list[Outcome] = []
    for i, ch in enumerate("np ok"):
        out += r.key(ch, TEXT, t=1.0 + i * 0.15)
    out += r.key("Enter", TEXT, t=2.0)
    assert all(o.do is Do.TYPE for o in out)


def test_serial_step_takes_a_serial_burst_and_refuses_case_codes_and_badges() -> None:
    r, _ = router()
    assert acts(burst(r, SERIAL, SERIAL_STEP, 1.0)) == [
        Outcome(Do.FILL_SERIAL, code=SERIAL, commit=True, restore=True)]
    for code, refusal in ((RMA, Refusal.CASE_CODE_AS_SERIAL),
                          (TRACKING, Refusal.CASE_CODE_AS_SERIAL),
                          ("SO-88812", Refusal.CASE_CODE_AS_SERIAL),
                          ("E1001", Refusal.BADGE_AS_SERIAL),
                          ("hello world!", Refusal.NOT_A_SERIAL)):
        got = acts(burst(r, code, SERIAL_STEP, 10.0))
        assert [(o.do, o.refusal, o.restore) for o in got] == [(Do.REFUSE, refusal, True)], code
    got = acts(burst(r, "12345", IMEI_STEP, 20.0))
    assert [o.refusal for o in got] == [Refusal.NOT_AN_IMEI]


def _camera(text: str) -> ScanEvent:
    return ScanEvent(text, ScanSource.CAMERA, "code128", interpret(text), 0.0)


def test_camera_reads_per_screen() -> None:
    r, clock = router()
    assert r.scan(_camera(RMA), Where(Screen.SCAN)).do is Do.LOOKUP
    clock.t += 10
    case = Where(Screen.CASE, case_codes=CODES)
    assert r.scan(_camera("RMA-2026-0009999"), case).do is Do.NOTHING
    clock.t += 10
    assert r.scan(_camera(TRACKING), PASS_FAIL).do is Do.NOTHING  # silent, nothing recorded
    assert r.scan(_camera(RMA), SERIAL_STEP).do is Do.NOTHING  # the label is no serial
    # A serial is offered, and only the expected one goes on by itself.
    assert r.scan(_camera("HX2-00000001"), SERIAL_STEP) == Outcome(
        Do.FILL_SERIAL, code="HX2-00000001", commit=False)
    assert r.scan(_camera(SERIAL), SERIAL_STEP) == Outcome(
        Do.FILL_SERIAL, code=SERIAL, commit=True)


def test_same_read_within_the_window_is_one_event_everywhere() -> None:
    r, clock = router()
    assert r.scan(_camera(RMA), Where(Screen.SCAN)).do is Do.LOOKUP
    clock.t += 3.9
    assert r.scan(_camera(RMA), Where(Screen.SCAN)).do is Do.NOTHING
    clock.t += 3.9  # still seen: the window runs from the last read
    assert r.scan(_camera(RMA), Where(Screen.SCAN)).do is Do.NOTHING
    clock.t += 4.1
    assert r.scan(_camera(RMA), Where(Screen.SCAN)).do is Do.LOOKUP
    # Quieted codes (a case just confirmed) stay away from the camera for longer.
    r.quiet([RMA], 60)
    clock.t += 30
    assert r.scan(_camera(RMA), Where(Screen.SCAN)).do is Do.NOTHING


def test_confirm_only_after_the_summary_was_readable() -> None:
    r, _ = router()
    summary = Where(Screen.SUMMARY)
    r.summary_shown(t=50.0)
    assert r.key("Enter", summary, t=50.05) == [Outcome(Do.NOTHING)]
    assert r.key("Enter", summary, t=50.6, repeat=True) == [Outcome(Do.NOTHING)]
    assert r.click(Do.CONFIRM, t=50.1).do is Do.NOTHING
    assert r.key("Enter", summary, t=50.6) == [Outcome(Do.CONFIRM)]
    r.summary_hidden()
    assert r.click(Do.CONFIRM, t=99.0).do is Do.NOTHING


def test_held_keys_act_once_and_named_keys() -> None:
    r, _ = router()
    r.key("p", PASS_FAIL, t=1.0)
    assert r.key("p", PASS_FAIL, t=1.5, repeat=True) == [
        Outcome(Do.ANSWER, result=Result.PASS), Outcome(Do.NOTHING)]
    assert r.key("F2", TEXT, t=3.0) == [Outcome(Do.NOTE)]
    assert r.key("Escape", PASS_FAIL, t=4.0) == [Outcome(Do.ASK_LEAVE)]
    assert r.key("Backspace", PASS_FAIL, t=5.0) == [Outcome(Do.BACK)]
    assert r.key("Enter", PASS_FAIL, t=6.0, repeat=True) == [Outcome(Do.NOTHING)]
    r.key("p", TEXT, t=7.0)  # text on a text step, never P
    assert r.flush(TEXT) == []
    r.key("p", CHOICE, t=8.0)
    assert r.flush(CHOICE) == [Outcome(Do.REFUSE, refusal=Refusal.NEEDS_VALUE)]
    r.key("3", CHOICE, t=9.0)
    assert r.flush(CHOICE) == [Outcome(Do.CHOOSE, index=2)]


def test_case_screen_burst_never_picks_a_line_or_starts() -> None:
    r, _ = router()
    case = Where(Screen.CASE, case_codes=CODES, options=2)
    assert acts(burst(r, RMA, case, 1.0)) == []  # its own label: nothing at all
    assert acts(burst(r, "RMA-2026-0009999", case, 10.0)) == [
        Outcome(Do.LOOKUP, code="RMA-2026-0009999")]
    r.key("2", case, t=20.0)
    assert r.key("Enter", case, t=20.5) == [Outcome(Do.CHOOSE, index=1), Outcome(Do.NEXT)]


def test_messages_exist_in_both_languages() -> None:
    for refusal in Refusal:
        assert message(refusal, "en") and message(refusal, "zh_CN") != message(refusal, "en")


def test_a_late_key_inside_a_burst_does_not_split_the_scan() -> None:
    """A busy machine delivers one key of a scan 60 ms late: still one scan, never keys."""
    r, _ = router()
    out: list[Outcome] = []
    t = 1.0
    for i, ch in enumerate(SERIAL):
        t += 0.06 if i == 8 else 0.002
        out += r.key(ch, SERIAL_STEP, t=t)
    out += r.key("Enter", SERIAL_STEP, t=t + 0.002)
    assert acts(out) == [Outcome(Do.FILL_SERIAL, code=SERIAL, commit=True, restore=True)]


def test_a_persons_quick_keys_act_one_by_one() -> None:
    r, _ = router()
    r.key("p", PASS_FAIL, t=1.0)
    assert r.key("Enter", PASS_FAIL, t=1.08) == [  # P then Enter 80 ms later
        Outcome(Do.ANSWER, result=Result.PASS), Outcome(Do.NEXT)]


def test_a_scan_slowed_past_scanner_speed_is_refused_not_answered_or_started() -> None:
    """A loaded station delivers a wedge scan at 30-50 ms a key: too slow to call it a scan,
    far too many keys for a person's shortcuts. None of it acts, not even its Enter."""
    r, _ = router()
    case = Where(Screen.CASE, case_codes=CODES, options=2)
    unclear = [Outcome(Do.REFUSE, refusal=Refusal.UNCLEAR_INPUT)]
    assert acts(burst(r, "RMA-2026-0001235", case, 1.0, gap=0.03)) == unclear
    assert acts(burst(r, "PFPF2026", PASS_FAIL, 10.0, gap=0.05)) == unclear
    assert acts(burst(r, "12345", CHOICE, 20.0, gap=0.04, enter=False)) == []  # held...
    assert r.flush(CHOICE) == unclear  # ...and refused once the keys stop
    assert "again" in message(Refusal.UNCLEAR_INPUT, "en")
    r.key("p", PASS_FAIL, t=30.0)  # a person's single key still acts
    assert r.flush(PASS_FAIL) == [Outcome(Do.ANSWER, result=Result.PASS)]
