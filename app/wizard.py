"""The checklist wizard's state machine: which step is current, what may be answered, when to move.

Pure Python, no Qt and no I/O: the Qt pages only show the current step, call `answer()`,
and enable *Next* from `can_next()`. The wizard saves nothing; the caller persists each
answer (it gets the `Answer` back from `answer()`, and `on_answer` is called before the
answer is taken in, so a failed save leaves the wizard unchanged) and the position
(`on_move`, or read `index`).

Positions are 0..len(steps)-1 for the steps and len(steps) for the summary page.

Rules enforced here:

- Answers are checked against the step's kind: pass_fail answers pass/fail/na; number,
  choice and text answer value/na; photo steps answer pass with at least one photo, or na.
  Choice values must be one of the options; text must not be blank; an ``imei`` capture
  must be 15 digits with a valid check digit. Photo ids are UUIDs.
- **Out-of-range numbers are accepted and count as a fail** (see app/rules.py): a reading
  outside [min, max] is a finding, not a typing error (battery health 72 % against a
  minimum of 80 % is exactly what the bench must record), so the photo-on-fail gate then
  applies. The UI should say so next to the field (`number_out_of_range`).
- A required step must be answered before *Next*; optional steps may be skipped.
- The photo-on-fail gate: a failed step with ``photo_on_fail`` cannot be left (next, back
  or jump) until it has at least one photo.
- Moving forward never skips an incomplete step: jumps go at most to the first incomplete
  step, and the summary opens only when every required step is answered and every gate
  is satisfied.
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from stdnum import luhn

from app.domain import (
    SECTION_ORDER,
    Answer,
    ChecklistStep,
    ChecklistTemplate,
    DomainError,
    Result,
    Section,
    StepKind,
    utcnow,
)
from app.product_code import parse_product_code
from app.rules import step_failed
from app.text import clean_person_text

__all__ = [
    "IdentityCheck",
    "Progress",
    "SectionProgress",
    "Wizard",
    "WizardError",
    "normalize_serial",
]

SERIAL_CAPTURES = ("serial", "imei")  # compared with the case's serial; "gtin" is 16.1's
MAX_NOTE = 2000
MAX_TEXT = 500

_ALLOWED: dict[StepKind, frozenset[Result]] = {
    StepKind.PASS_FAIL: frozenset({Result.PASS, Result.FAIL, Result.NA}),
    StepKind.NUMBER: frozenset({Result.VALUE, Result.NA}),
    StepKind.CHOICE: frozenset({Result.VALUE, Result.NA}),
    StepKind.TEXT: frozenset({Result.VALUE, Result.NA}),
    StepKind.PHOTO: frozenset({Result.PASS, Result.NA}),
}


class WizardError(DomainError):
    """An action the wizard refuses; the message is plain and fit to show the inspector."""

    def __init__(self, message: str = "", step_id: str | None = None, *,
                 key: str | None = None, **fields: object) -> None:
        super().__init__(message, key=key, **fields)
        self.step_id = step_id


class IdentityCheck(StrEnum):
    """How the captured serial/IMEI compares with the case item's serial number."""

    NO_CAPTURE_STEP = "no_capture_step"
    NOT_CAPTURED = "not_captured"  # capture steps unanswered or N/A
    NO_REFERENCE = "no_reference"  # the case item has no serial number
    MATCH = "match"
    MISMATCH = "mismatch"


@dataclass(frozen=True, slots=True)
class SectionProgress:
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class Progress:
    """Steps done (answered, gate satisfied) out of all steps, overall and per section."""

    done: int
    total: int
    required_done: int
    required_total: int
    sections: Mapping[Section, SectionProgress]


def normalize_serial(text: str) -> str:
    """Comparison key for serial numbers and IMEIs: no spaces, dashes or slashes; upper case."""
    return "".join(ch for ch in text if ch not in " \t-/").upper()


def _as_result(result: Result | str) -> Result:
    if isinstance(result, Result):
        return result
    try:
        return Result(str(result).strip().lower())
    except ValueError:
        raise WizardError(f"Unknown result {result!r}") from None


def _canonical_photo_id(photo_id: str) -> str:
    try:
        return str(uuid.UUID(str(photo_id)))
    except (ValueError, AttributeError, TypeError):
        raise WizardError(f"Not a photo id: {str(photo_id)[:40]!r}") from None


class Wizard:
    """Walks one checklist template; resumable from saved answers and a saved position."""

    def __init__(
        self,
        template: ChecklistTemplate,
        answers: Mapping[str, Answer] | Iterable[Answer] | None = None,
        index: int = 0,
        *,
        expected_serial: str | None = None,
        on_answer: Callable[[Answer], None] | None = None,
        on_move: Callable[[int], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if not template.steps:
            raise WizardError("This checklist has no steps")
        self.template = template
        self.steps: tuple[ChecklistStep, ...] = template.steps
        self._pos = {s.step_id: i for i, s in enumerate(self.steps)}
        self.expected_serial = expected_serial
        self.on_answer = on_answer
        self.on_move = on_move
        self._clock = clock
        self._answers: dict[str, Answer] = {}
        self.ignored_answers: tuple[Answer, ...] = ()
        self.last_answer: Answer | None = None

        given = list(answers.values()) if isinstance(answers, Mapping) else list(answers or ())
        ignored: list[Answer] = []
        for a in given:
            # Answers for steps the template does not have (should not happen: the store
            # resumes with the same template) are kept aside rather than refusing to resume.
            if a.step_id in self._pos:
                self._answers[a.step_id] = a
            else:
                ignored.append(a)
        self.ignored_answers = tuple(ignored)

        # Resume at the saved position, but never beyond the first incomplete step.
        index = max(0, min(int(index), len(self.steps)))
        first = self._first_incomplete_index()
        if first is not None and index > first:
            index = first
        self._index = index

    # --- state ---------------------------------------------------------------------------

    @property
    def index(self) -> int:
        """Current position: a step index, or len(steps) on the summary page."""
        return self._index

    @property
    def at_summary(self) -> bool:
        return self._index == len(self.steps)

    @property
    def current(self) -> ChecklistStep | None:
        """The current step, None on the summary page."""
        return None if self.at_summary else self.steps[self._index]

    @property
    def answers(self) -> Mapping[str, Answer]:
        """Read-only view of the answers made so far, by step id."""
        return MappingProxyType(self._answers)

    def answers_in_order(self) -> tuple[Answer, ...]:
        """Answers in walking order, as the inspection result lists them."""
        return tuple(self._answers[s.step_id] for s in self.steps if s.step_id in self._answers)

    def step(self, step_id: str) -> ChecklistStep:
        pos = self._pos.get(step_id)
        if pos is None:
            raise WizardError(f"No step {step_id!r} in this checklist", step_id)
        return self.steps[pos]

    def is_failed(self, step_id: str) -> bool:
        return step_failed(self.step(step_id), self._answers.get(step_id))

    def gate_open(self, step_id: str) -> bool:
        """False while a failed photo-on-fail step has no photo."""
        step = self.step(step_id)
        answer = self._answers.get(step_id)
        if not step.photo_on_fail or not step_failed(step, answer):
            return True
        return answer is not None and bool(answer.photo_ids)

    def is_step_done(self, step_id: str) -> bool:
        return step_id in self._answers and self.gate_open(step_id)

    def _step_incomplete(self, step: ChecklistStep) -> bool:
        if step.required and step.step_id not in self._answers:
            return True
        return not self.gate_open(step.step_id)

    def _first_incomplete_index(self) -> int | None:
        for i, s in enumerate(self.steps):
            if self._step_incomplete(s):
                return i
        return None

    def first_incomplete_step(self) -> ChecklistStep | None:
        """The first required step without an answer or step with an unmet photo gate."""
        i = self._first_incomplete_index()
        return None if i is None else self.steps[i]

    @property
    def is_complete(self) -> bool:
        """Every required step answered and every photo-on-fail gate satisfied."""
        return self._first_incomplete_index() is None

    @property
    def summary_available(self) -> bool:
        """The summary (classification, disposition, complete) may be shown."""
        return self.is_complete

    @property
    def progress(self) -> Progress:
        done = [self.is_step_done(s.step_id) for s in self.steps]
        sections: dict[Section, SectionProgress] = {}
        for section in SECTION_ORDER:
            idx = [i for i, s in enumerate(self.steps) if s.section is section]
            if idx:
                sections[section] = SectionProgress(sum(done[i] for i in idx), len(idx))
        req = [i for i, s in enumerate(self.steps) if s.required]
        return Progress(
            done=sum(done),
            total=len(self.steps),
            required_done=sum(done[i] for i in req),
            required_total=len(req),
            sections=MappingProxyType(sections),
        )

    def number_out_of_range(self, step_id: str | None = None) -> bool:
        """Whether the number answered on this step lies outside its [min, max] (a fail)."""
        step = self._resolve(step_id)
        return step.kind is StepKind.NUMBER and self.is_failed(step.step_id)

    # --- identity (serial / IMEI capture) ------------------------------------------------

    def captured_serial(self) -> str | None:
        """The captured serial/IMEI to report as serial_number_scanned (the matching one first)."""
        values = self._captured_values()
        if not values:
            return None
        if self.expected_serial:
            want = normalize_serial(self.expected_serial)
            for v in values:
                if normalize_serial(v) == want:
                    return v
        return values[0]

    def _captured_values(self, kinds: tuple[str, ...] = SERIAL_CAPTURES) -> list[str]:
        out: list[str] = []
        for s in self.steps:
            a = self._answers.get(s.step_id)
            if (
                s.capture in kinds
                and a is not None
                and a.result is Result.VALUE
                and isinstance(a.value, str)
            ):
                out.append(a.value)
        return out

    def identity_check(self) -> IdentityCheck:
        """Any captured value equal to the case item's serial confirms the item."""
        if not any(s.capture in SERIAL_CAPTURES for s in self.steps):
            return IdentityCheck.NO_CAPTURE_STEP
        values = self._captured_values()
        if not values:
            return IdentityCheck.NOT_CAPTURED
        if not self.expected_serial or not self.expected_serial.strip():
            return IdentityCheck.NO_REFERENCE
        want = normalize_serial(self.expected_serial)
        if any(normalize_serial(v) == want for v in values):
            return IdentityCheck.MATCH
        return IdentityCheck.MISMATCH

    def captured_gtin(self) -> str | None:
        """The product code scanned at the identity gate (16.1), as 14 digits."""
        values = self._captured_values(("gtin",))
        return values[0] if values else None

    def has_gtin_step(self) -> bool:
        return any(s.capture == "gtin" for s in self.steps)

    # --- answering -----------------------------------------------------------------------

    def _resolve(self, step_id: str | None) -> ChecklistStep:
        if step_id is None:
            current = self.current
            if current is None:
                raise WizardError(key="wizard_no_step")
            return current
        return self.step(step_id)

    def _checked_value(
        self, step: ChecklistStep, result: Result, value: object
    ) -> float | str | None:
        if result is not Result.VALUE:
            if value is not None and value != "":
                raise WizardError(f"A {result.value} answer takes no value", step.step_id)
            return None
        if step.kind is StepKind.NUMBER:
            return _number_value(step, value)
        if step.kind is StepKind.CHOICE:
            if not isinstance(value, str) or value.strip() not in step.options:
                raise WizardError(step_id=step.step_id, key="wizard_choose_one",
                                  options=", ".join(step.options))
            return value.strip()
        return _text_value(step, value)

    def answer(
        self,
        result: Result | str,
        value: float | str | None = None,
        *,
        note: str | None = None,
        photo_ids: Iterable[str] | None = None,
        step_id: str | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> Answer:
        """Record an answer for `step_id` (default: the current step) and return it.

        `note=None` and `photo_ids=None` keep what the step already had (so re-choosing the
        result does not drop its photos); pass "" or () to clear them.
        """
        step = self._resolve(step_id)
        res = _as_result(result)
        if res not in _ALLOWED[step.kind]:
            allowed = " or ".join(r.value for r in sorted(_ALLOWED[step.kind]))
            raise WizardError(
                f"A {step.kind.value} step answers {allowed}, not {res.value}", step.step_id
            )
        checked = self._checked_value(step, res, value)
        previous = self._answers.get(step.step_id)
        if note is None:
            note_text = previous.note if previous else ""
        elif not isinstance(note, str):
            raise WizardError("The note must be text", step.step_id)
        else:
            note_text = clean_person_text(note, multiline=True).strip()
        if len(note_text) > MAX_NOTE:
            raise WizardError(step_id=step.step_id, key="wizard_note_long", n=MAX_NOTE)
        if photo_ids is None:
            photos = previous.photo_ids if previous else ()
        else:
            seen: list[str] = []
            for pid in photo_ids:
                canonical = _canonical_photo_id(pid)
                if canonical not in seen:
                    seen.append(canonical)
            photos = tuple(seen)
        if step.kind is StepKind.PHOTO and res is Result.PASS and not photos:
            raise WizardError(step_id=step.step_id, key="wizard_photo_needed")
        if extra is None and previous is not None and (previous.result, previous.value) == (
                res, checked):
            extra = previous.extra  # a new note keeps the record of the same reading
        made = Answer(
            step_id=step.step_id,
            result=res,
            value=checked,
            note=note_text,
            photo_ids=photos,
            answered_at=self._clock(),
            extra=extra or None,
        )
        return self._commit(made)

    def add_photo(self, photo_id: str, step_id: str | None = None) -> Answer:
        """Attach a photo to a step's answer; on an unanswered photo step this answers pass."""
        step = self._resolve(step_id)
        pid = _canonical_photo_id(photo_id)
        previous = self._answers.get(step.step_id)
        if previous is None:
            if step.kind is not StepKind.PHOTO:
                raise WizardError(step_id=step.step_id, key="wizard_result_first")
            return self.answer(Result.PASS, photo_ids=(pid,), step_id=step.step_id)
        if pid in previous.photo_ids:
            return previous
        made = replace(previous, photo_ids=(*previous.photo_ids, pid), answered_at=self._clock())
        return self._commit(made)

    def remove_photo(self, photo_id: str, step_id: str | None = None) -> Answer:
        """Detach a photo (e.g. a blurred shot the inspector retakes)."""
        step = self._resolve(step_id)
        pid = _canonical_photo_id(photo_id)
        previous = self._answers.get(step.step_id)
        if previous is None or pid not in previous.photo_ids:
            raise WizardError(step_id=step.step_id, key="wizard_photo_not_attached")
        remaining = tuple(p for p in previous.photo_ids if p != pid)
        if step.kind is StepKind.PHOTO and previous.result is Result.PASS and not remaining:
            raise WizardError(step_id=step.step_id, key="wizard_photo_keep_one")
        made = replace(previous, photo_ids=remaining, answered_at=self._clock())
        return self._commit(made)

    def _commit(self, made: Answer) -> Answer:
        # Report first: if saving fails, the wizard must not show an answer that was not kept.
        if self.on_answer is not None:
            self.on_answer(made)
        self._answers[made.step_id] = made
        self.last_answer = made
        return made

    # --- moving --------------------------------------------------------------------------

    def _leave_blocker(self) -> WizardError | None:
        step = self.current
        if step is not None and not self.gate_open(step.step_id):
            return WizardError(step_id=step.step_id, key="wizard_failed_photo")
        return None

    def next_blocker_error(self) -> WizardError | None:
        """Why *Next* is not possible now, in both languages (None when it is)."""
        step = self.current
        if step is None:
            return WizardError(key="wizard_last_page")
        if step.required and step.step_id not in self._answers:
            return WizardError(step_id=step.step_id, key="wizard_answer_first")
        blocker = self._leave_blocker()
        if blocker:
            return blocker
        if self._index == len(self.steps) - 1 and not self.summary_available:
            missing = self.first_incomplete_step()
            assert missing is not None
            return WizardError(step_id=step.step_id, key="wizard_step_incomplete",
                               step=missing.prompt)
        return None

    def next_blocker(self) -> str | None:
        """The same in English (None when *Next* is possible)."""
        blocker = self.next_blocker_error()
        return str(blocker) if blocker else None

    def can_next(self) -> bool:
        return self.next_blocker() is None

    def can_back(self) -> bool:
        return self._index > 0 and self._leave_blocker() is None

    def next(self) -> ChecklistStep | None:
        """Move forward one step (to the summary after the last); returns the new current step."""
        blocker = self.next_blocker_error()
        if blocker:
            raise blocker
        return self._move(self._index + 1)

    def back(self) -> ChecklistStep | None:
        """Move back one step (from the summary to the last step)."""
        if self._index == 0:
            raise WizardError(key="wizard_first_step")
        blocker = self._leave_blocker()
        if blocker:
            raise blocker
        return self._move(self._index - 1)

    def go_to(self, target: str | int) -> ChecklistStep | None:
        """Jump to a step (by id or index) or, with len(steps), to the summary.

        Backwards anywhere; forwards at most to the first incomplete step.
        """
        index = self._pos.get(target) if isinstance(target, str) else target
        if index is None:
            raise WizardError(f"No step {target!r} in this checklist")
        if not isinstance(index, int) or not 0 <= index <= len(self.steps):
            raise WizardError(f"No step number {target!r} in this checklist")
        if index == self._index:
            return self.current
        blocker = self._leave_blocker()
        if blocker:
            raise blocker
        first = self._first_incomplete_index()
        if first is not None and index > first:
            step = self.steps[first]
            raise WizardError(step_id=step.step_id, key="wizard_step_first",
                              step=step.prompt)
        return self._move(index)

    def _move(self, index: int) -> ChecklistStep | None:
        if self.on_move is not None:
            self.on_move(index)  # report first, as with answers
        self._index = index
        return self.current


def _number_value(step: ChecklistStep, value: object) -> float:
    """A number step's answer: a finite number, from a number or what a person typed."""
    number: float
    if isinstance(value, bool) or value is None:
        raise WizardError(step_id=step.step_id, key="wizard_enter_number")
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise WizardError(step_id=step.step_id, key="wizard_not_a_number",
                              value=value.strip()[:20]) from None
        if number.is_integer() and value.strip().lstrip("+-").isdigit():
            number = int(number)
    else:
        raise WizardError(step_id=step.step_id, key="wizard_enter_number")
    if not math.isfinite(number):
        raise WizardError(step_id=step.step_id, key="wizard_finite_number")
    return number


def _text_value(step: ChecklistStep, value: object) -> str:
    """A text step's answer, cleaned; a captured serial or IMEI normalised and checked."""
    if not isinstance(value, str) or not value.strip():
        raise WizardError(step_id=step.step_id, key="wizard_enter_text")
    if step.capture == "gtin":  # before the clean-up: FNC1 (GS) separates GS1 fields (16.1)
        try:
            return parse_product_code(unicodedata.normalize("NFKC", value))
        except DomainError as exc:
            raise WizardError(exc.message("en"), step.step_id, key=exc.key,
                              code=exc.fields.get("code", "")) from None
    text = " ".join(clean_person_text(value).split())
    if step.capture:
        # Full-width digits and letters from a Chinese input method compare as ASCII.
        text = unicodedata.normalize("NFKC", text)
    if len(text) > MAX_TEXT:
        raise WizardError(step_id=step.step_id, key="wizard_text_long", n=MAX_TEXT)
    if step.capture == "imei":
        digits = normalize_serial(text)
        if len(digits) != 15 or not (digits.isascii() and digits.isdigit()):
            raise WizardError(step_id=step.step_id, key="wizard_imei_digits")
        if not luhn.is_valid(digits):
            raise WizardError(step_id=step.step_id, key="wizard_imei_check")
        return digits
    if step.capture == "serial":
        return text.upper() if text.isascii() else text
    return text
