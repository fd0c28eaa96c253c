"""The weight check: a checklist step that passes or fails by itself against the expected weight.

An empty box, a missing part or a swapped item rarely weighs what the case line says.
When the station has a scale (setting `scale_port`), `add_weight_step` puts a number step
``weight`` (grams) first in the appearance section; with the case item's
`expected_weight_g` the reading passes or fails, without it the reading is recorded
uncompared. No scale configured means the step is not added at all: skipped, never
failed (16.2), whatever the case line expects. A template may opt out with
``"weight": false`` or set its own tolerance ``"weight": {"tolerance_g": 20,
"tolerance_pct": 2}`` (else the settings `weight_tolerance_g` / `weight_tolerance_pct`).

Typing the weight is the fallback, not a second way in: it is accepted once the
configured scale has failed to give a stable weight on this session (could not be
opened, sent nothing or only garbage, never settled, disconnected: `scale_failed`) until
it gives a reading again, and on a resumed draft that kept its weighing after the scale
was removed. While the scale answers, only its reading counts, so a weight cannot be
typed past a working scale; the record says which it was (``source``).

The allowed deviation is the **larger** of the grams and the percent of the expected
weight: grams protect light items from scale noise, percent lets heavy ones vary a little.
The step's ``min``/``max`` are expected ± allowed, so app/rules.py fails it like any other
out-of-range reading and the photo-on-fail gate asks for a photo. The answer carries the
record the report and the case system read (`WeightCheck`, payload key ``weight``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from app.domain import (
    ChecklistStep,
    ChecklistTemplate,
    DomainError,
    Result,
    Section,
    StepKind,
    WeightPolicy,
)
from app.messages import Both, t

if TYPE_CHECKING:
    from app.domain import Answer
    from app.workflow import InspectionSession

__all__ = [
    "WEIGHT_STEP_ID",
    "WeightCheck",
    "WeightPolicy",
    "add_weight_step",
    "answer_weight_step",
    "expected_weight",
    "parse_template_weight",
    "scale_configured",
    "scale_failed",
    "typing_allowed",
    "weigh",
    "weight_check",
    "weight_findings",
]

WEIGHT_STEP_ID = "weight"
SOURCES = ("scale", "typed")


@dataclass(frozen=True, slots=True)
class WeightCheck:
    """What was weighed and what it came to: stored with the answer and sent as ``weight``."""

    reading_g: float
    source: str  # "scale" or "typed"
    expected_g: float | None
    tolerance_g: float
    tolerance_pct: float
    allowed_g: float | None
    verdict: str  # "pass", "fail" or "not_compared"

    def to_dict(self) -> dict[str, Any]:
        return {"reading_g": self.reading_g, "source": self.source,
                "expected_g": self.expected_g, "tolerance_g": self.tolerance_g,
                "tolerance_pct": self.tolerance_pct, "allowed_g": self.allowed_g,
                "verdict": self.verdict}

    @classmethod
    def from_dict(cls, data: Any) -> WeightCheck | None:
        """Read a stored record back (None when it is not one: reports never crash)."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(reading_g=float(data["reading_g"]), source=str(data["source"]),
                       expected_g=_opt_float(data.get("expected_g")),
                       tolerance_g=float(data["tolerance_g"]),
                       tolerance_pct=float(data["tolerance_pct"]),
                       allowed_g=_opt_float(data.get("allowed_g")),
                       verdict=str(data["verdict"]))
        except (KeyError, TypeError, ValueError):
            return None

    def report_text(self, language: str) -> str:
        """One line for the inspection report, in `language`."""
        expected = (f"{_g(self.expected_g)} g" if self.expected_g is not None
                    else t(language, "weight_unknown"))
        tolerance = t(language, "weight_tolerance", allowed=_g(self.allowed_g or 0),
                      grams=_g(self.tolerance_g), pct=_g(self.tolerance_pct))
        return t(language, "weight_report", reading=_g(self.reading_g),
                 source=t(language, f"weight_source_{self.source}"), expected=expected,
                 tolerance=tolerance if self.allowed_g is not None else "-",
                 verdict=t(language, f"weight_{self.verdict}"))


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _g(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def expected_weight(raw: Any) -> float | None:
    """A case item's `expected_weight_g` when it is a positive finite number, else None."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    value = float(raw)
    return value if math.isfinite(value) and value > 0 else None


def parse_template_weight(raw: Any, fail: Any) -> WeightPolicy:
    """A template's ``weight`` key: absent/true, false, or {"tolerance_g", "tolerance_pct"}.

    `fail(problem)` makes the template loader's error (naming the file and the key).
    """
    if raw is None or raw is True:
        return WeightPolicy()
    if raw is False:
        return WeightPolicy(weigh=False)
    if not isinstance(raw, dict) or not set(raw) <= {"tolerance_g", "tolerance_pct"}:
        raise fail("'weight' must be false or an object with tolerance_g and/or tolerance_pct")
    values: dict[str, float | None] = {}
    for key, high in (("tolerance_g", 100000.0), ("tolerance_pct", 100.0)):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not 0 <= value <= high):
            raise fail(f"'weight.{key}' must be a number from 0 to {high:g}")
        values[key] = None if value is None else float(value)
    return WeightPolicy(tolerance_g=values["tolerance_g"], tolerance_pct=values["tolerance_pct"])


def _tolerances(policy: WeightPolicy, settings: Any) -> tuple[float, float]:
    grams = policy.tolerance_g if policy.tolerance_g is not None else settings.weight_tolerance_g
    pct = (policy.tolerance_pct if policy.tolerance_pct is not None
           else settings.weight_tolerance_pct)
    return float(grams), float(pct)


def allowed_deviation(expected_g: float, tolerance_g: float, tolerance_pct: float) -> float:
    return max(tolerance_g, expected_g * tolerance_pct / 100.0)


def scale_configured(settings: Any) -> bool:
    """Whether the station has a bench scale (setting `scale_port`)."""
    return bool(str(getattr(settings, "scale_port", "")).strip())


def add_weight_step(template: ChecklistTemplate, expected_g: float | None,
                    settings: Any, *, kept: bool = False) -> ChecklistTemplate:
    """The template with the weight step first, when the station has a scale.

    `kept`: the draft already holds a weight answer (a resumed draft whose scale was
    removed since keeps its weighing rather than dropping it). Deterministic for the
    settings in force and the draft's answers, so a resumed inspection gets the same step.
    """
    if not template.weight.weigh or not (scale_configured(settings) or kept):
        return template
    if any(s.step_id == WEIGHT_STEP_ID for s in template.steps):
        return template
    low = high = None
    if expected_g is not None:
        allowed = allowed_deviation(expected_g, *_tolerances(template.weight, settings))
        low, high = max(0.0, expected_g - allowed), expected_g + allowed
    step = ChecklistStep(
        step_id=WEIGHT_STEP_ID,
        prompt=Both(t("en", "weight_prompt"), t("zh_CN", "weight_prompt")),
        kind=StepKind.NUMBER, section=Section.APPEARANCE, required=True,
        photo_on_fail=expected_g is not None, min=low, max=high, unit="g")
    return replace(template, steps=(step, *template.steps))


def weight_check(template: ChecklistTemplate, step: ChecklistStep, reading_g: float,
                 source: str, expected_g: float | None, settings: Any) -> WeightCheck:
    """The record of one weighing of `step` (made by `add_weight_step`)."""
    if source not in SOURCES:
        raise ValueError(f"unknown weight source {source!r}")
    if not math.isfinite(reading_g) or reading_g < 0:
        raise DomainError(key="weight_negative")
    grams, pct = _tolerances(template.weight, settings)
    if expected_g is None or step.min is None or step.max is None:
        return WeightCheck(reading_g=reading_g, source=source, expected_g=None,
                           tolerance_g=grams, tolerance_pct=pct, allowed_g=None,
                           verdict="not_compared")
    inside = step.min <= reading_g <= step.max
    return WeightCheck(reading_g=reading_g, source=source, expected_g=expected_g,
                       tolerance_g=grams, tolerance_pct=pct,
                       allowed_g=round(step.max - expected_g, 3),
                       verdict="pass" if inside else "fail")


def weight_findings(answers: Any, language: str) -> list[tuple[str, str]]:
    """The report's findings row for a weighed item: what was weighed and the verdict."""
    out: list[tuple[str, str]] = []
    for answer in answers:
        check = WeightCheck.from_dict((answer.extra or {}).get("weight"))
        if check is not None:
            out.append((t(language, "weight"), check.report_text(language)))
    return out


def scale_failed(session: InspectionSession) -> None:
    """The configured scale gave no usable weight on this session: typing is offered now."""
    session.scale_unanswered = True


def typing_allowed(session: InspectionSession) -> bool:
    """May the weight be typed? Only where the scale cannot give it (see the module doc)."""
    return session.scale_unanswered or not scale_configured(session.ctx.settings)


def weigh(session: InspectionSession, value: float | str | None, source: str,
          note: str | None = None) -> Answer:
    """Answer the weight step with a reading (from the scale, or typed) and its record.

    A typed weight is refused (`weight_scale_first`) while the scale may still answer.
    """
    if source == "typed" and not typing_allowed(session):
        raise DomainError(key="weight_scale_first")
    made = _record(session, value, source, note)
    if source == "scale":
        session.scale_unanswered = False  # the scale answers again: its reading counts
    return made


def _record(session: InspectionSession, value: float | str | None, source: str,
            note: str | None) -> Answer:
    step = session.wizard.step(WEIGHT_STEP_ID)
    try:
        grams = float(str(value).strip()) if isinstance(value, str) else value
    except ValueError:
        grams = None
    if grams is None or isinstance(grams, bool) or not math.isfinite(grams):
        # Not a number: the wizard refuses it with its own words.
        return session.wizard.answer(Result.VALUE, value, note=note, step_id=step.step_id)
    expected = session.item.expected_weight_g if session.item is not None else None
    check = weight_check(session.template, step, float(grams), source, expected,
                         session.ctx.settings)
    return session.wizard.answer(Result.VALUE, round(float(grams), 3), note=note,
                                 step_id=step.step_id, extra={"weight": check.to_dict()})


def answer_weight_step(session: InspectionSession, result: Result | str,
                       value: float | str | None, note: str | None) -> Answer | None:
    """The session's answer on the weight step (None elsewhere: answered as usual).

    A value is a typed weight, recorded with its verdict (and refused while the scale may
    answer); Enter on the figure already recorded keeps its source. N/A is refused when
    the item has an expected weight (it would hide an empty box).
    """
    step = session.wizard.current
    if step is None or step.step_id != WEIGHT_STEP_ID:
        return None
    res = result if isinstance(result, Result) else {r.value: r for r in Result}.get(
        str(result).strip().lower())
    if res is Result.VALUE:
        previous = session.answer_of(step.step_id)
        record = (previous.extra or {}).get("weight") if previous is not None else None
        if (previous is not None and isinstance(record, dict)
                and record.get("source") in SOURCES and _same_number(previous.value, value)):
            # Enter on the figure already recorded (the scale's, or one typed when the
            # scale did not answer) is not a new typed weight.
            return _record(session, previous.value, str(record["source"]), note)
        return weigh(session, value, "typed", note=note)
    if (res is Result.NA and session.item is not None
            and session.item.expected_weight_g is not None):
        raise DomainError(key="weight_na_refused")
    return None


def _same_number(a: object, b: object) -> bool:
    try:
        return a is not None and b is not None and float(str(a)) == float(str(b).strip())
    except ValueError:
        return False
