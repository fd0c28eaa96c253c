"""Suggested classification and disposition of an inspected item, and the override rule.

Classification (from the answers, against the template):

- A step *fails* when it is answered ``fail`` (pass_fail), with a number outside the step's
  ``[min, max]`` (number; an open bound does not limit), or with an option listed in the
  step's ``fail_options`` (choice). Text and photo steps never fail; ``na`` never fails;
  unanswered steps never fail (so a suggestion can be shown while the checklist is walked).
- A failed appearance or function step means ``damaged``; a failed accessory step means
  ``missing_parts``; no failure means ``intact``.
- **Precedence**: when both apply, ``damaged`` wins. The classification decides the
  handling path: a damaged item is refurbished, returned to the vendor or scrapped whatever
  is missing from the box (re-kitting is part of that work), whereas ``missing_parts``
  means "otherwise sound, re-kit it". The missing accessories are listed in
  ``missing_accessories`` either way, one per failed accessory step in walking order (the
  step's ``accessory``, or its prompt when it has none), so whoever handles it knows what
  to add.
- ``Suggestion.because`` lists the ids of the steps that decided the classification: the
  failed appearance/function steps for ``damaged``, the failed accessory steps for
  ``missing_parts``, nothing for ``intact``.
- **Honest grades** (16.4): ``Suggestion.untested`` lists the function steps answered
  ``na`` or skipped (optional and unanswered). The classification stays one of the
  contract's three words (an untested item is still ``intact`` when nothing failed); the
  flag chooses the disposition instead: rules with ``untested = true`` match only such
  items, and no rule may restock untested intact stock (checked at load).

Disposition: from a site-editable rule table (resources/dispositions.toml). Rules are
tried in order and the first match wins. Each rule names a ``classification`` (required)
and a ``disposition`` (required), and may narrow the match with ``customer_reason`` and
``category`` (a word or a list of words each) and ``untested = true`` (only items whose
function tests were not all done). Every classification needs a catch-all
rule (classification only), and no rule may come after a rule that already covers
everything it could match. The table is validated at load; a problem raises ``RulesError``
naming the file and the rule number.

The inspector may choose another classification than the suggested one; that needs a
reason (``check_override``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain import (
    Answer,
    ChecklistStep,
    ChecklistTemplate,
    Classification,
    CustomerReason,
    Disposition,
    DomainError,
    Result,
    Section,
    StepKind,
    Suggestion,
)
from app.messages import Both, value_label
from app.resources import resource_path
from app.text import clean_person_text
from app.tomlfile import TomlFileError, read_toml

__all__ = [
    "DEFAULT_RULES_PATH",
    "DispositionRule",
    "DispositionRules",
    "RulesError",
    "check_override",
    "classify",
    "failed_steps",
    "step_failed",
    "suggest",
    "untested_steps",
]

DEFAULT_RULES_PATH = resource_path("dispositions.toml")

_RULE_KEYS = frozenset({"classification", "disposition", "customer_reason", "category", "note",
                        "untested"})
_TOP_KEYS = frozenset({"version", "rule"})


class RulesError(DomainError):
    """A disposition table that cannot be used; the message names the file and the rule."""


# --- classification -------------------------------------------------------------------------


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def step_failed(step: ChecklistStep, answer: Answer | None) -> bool:
    """Whether this answer makes this step a finding (see the module docstring)."""
    if answer is None or answer.result is Result.NA:
        return False
    if answer.result is Result.FAIL:
        # Only pass_fail steps should answer "fail", but a stray one is still a finding.
        return True
    if answer.result is not Result.VALUE:
        return False
    if step.kind is StepKind.NUMBER:
        value = _number(answer.value)
        if value is None or math.isnan(value):
            return False
        return (step.min is not None and value < step.min) or (
            step.max is not None and value > step.max
        )
    if step.kind is StepKind.CHOICE:
        return isinstance(answer.value, str) and answer.value in step.fail_options
    return False


def failed_steps(
    template: ChecklistTemplate, answers: Mapping[str, Answer]
) -> tuple[ChecklistStep, ...]:
    """Every failed step, in walking order."""
    return tuple(s for s in template.steps if step_failed(s, answers.get(s.step_id)))


def untested_steps(
    template: ChecklistTemplate, answers: Mapping[str, Answer]
) -> tuple[str, ...]:
    """Function steps answered N/A or left unanswered: the tests that were not done."""
    out: list[str] = []
    for step in template.section_steps(Section.FUNCTION):
        answer = answers.get(step.step_id)
        if answer is None or answer.result is Result.NA:
            out.append(step.step_id)
    return tuple(out)


def _accessory_name(step: ChecklistStep) -> str:
    return step.accessory or step.prompt.en


def classify(
    template: ChecklistTemplate, answers: Mapping[str, Answer]
) -> tuple[Classification, tuple[str, ...], tuple[str, ...]]:
    """(classification, because step ids, missing accessories) from the answers alone."""
    failed = failed_steps(template, answers)
    damage = tuple(s.step_id for s in failed if s.section is not Section.ACCESSORIES)
    accessory_steps = [s for s in failed if s.section is Section.ACCESSORIES]
    # One entry per failed accessory step (templates refuse two steps for one accessory).
    missing = [_accessory_name(s) for s in accessory_steps]
    if damage:
        return Classification.DAMAGED, damage, tuple(missing)
    if accessory_steps:
        return (
            Classification.MISSING_PARTS,
            tuple(s.step_id for s in accessory_steps),
            tuple(missing),
        )
    return Classification.INTACT, (), ()


def suggest(
    template: ChecklistTemplate,
    answers: Mapping[str, Answer],
    rules: DispositionRules,
    customer_reason: CustomerReason | None = None,
    *,
    category: str | None = None,
) -> Suggestion:
    """The suggested classification and disposition, with the step ids behind it.

    `category` is the case item's category for the disposition rules; it defaults to the
    template's category (pass the item's own when the generic template stood in for it).
    """
    classification, because, missing = classify(template, answers)
    untested = untested_steps(template, answers)
    disposition = rules.decide(
        classification, customer_reason, category if category is not None else template.category,
        untested=bool(untested),
    )
    return Suggestion(
        classification=classification,
        disposition=disposition,
        because=because,
        missing_accessories=missing,
        untested=untested,
    )


def check_override(
    suggested: Classification, chosen: Classification, reason: str | None
) -> str | None:
    """The override reason to record: None when the suggestion is kept, else the trimmed reason.

    Raises DomainError when the inspector chose another classification without a reason.
    """
    if chosen == suggested:
        return None
    text = clean_person_text(reason).strip() if isinstance(reason, str) else ""
    if not text:
        raise DomainError(key="override_needs_reason",
                          old=Both(value_label("en", suggested), value_label("zh_CN", suggested)),
                          new=Both(value_label("en", chosen), value_label("zh_CN", chosen)))
    return text


# --- disposition rules ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DispositionRule:
    """One row of the table; None in a filter means "any"."""

    number: int
    classification: Classification
    disposition: Disposition
    customer_reasons: frozenset[CustomerReason] | None = None
    categories: frozenset[str] | None = None
    note: str = ""
    untested_only: bool = False  # `untested = true`: only items with tests not done

    @property
    def is_catch_all(self) -> bool:
        return self.customer_reasons is None and self.categories is None \
            and not self.untested_only

    def matches(
        self,
        classification: Classification,
        customer_reason: CustomerReason | None,
        category: str | None,
        untested: bool = False,
    ) -> bool:
        if classification is not self.classification:
            return False
        if self.untested_only and not untested:
            return False
        if self.customer_reasons is not None and customer_reason not in self.customer_reasons:
            return False
        return self.categories is None or _norm_category(category) in self.categories

    def covers(self, other: DispositionRule) -> bool:
        """Whether every item `other` matches is already matched by this rule."""

        def wider(mine: frozenset[Any] | None, theirs: frozenset[Any] | None) -> bool:
            return mine is None or (theirs is not None and theirs <= mine)

        return (
            self.classification is other.classification
            and wider(self.customer_reasons, other.customer_reasons)
            and wider(self.categories, other.categories)
            and (not self.untested_only or other.untested_only)
        )


def _norm_category(category: str | None) -> str:
    return category.strip().lower() if isinstance(category, str) else ""


def _words(
    raw: Any, key: str, where: str, allowed: type[CustomerReason] | None
) -> frozenset[Any] | None:
    if raw is None:
        return None
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise RulesError(f"{where}: {key!r} is an empty list (leave it out to match anything)")
    out: set[Any] = set()
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise RulesError(f"{where}: {key!r} must be a word or a list of words, not {item!r}")
        if allowed is None:
            out.add(item.strip().lower())
            continue
        try:
            out.add(allowed(item.strip()))
        except ValueError:
            choices = ", ".join(v.value for v in allowed)
            raise RulesError(
                f"{where}: unknown {key} {item!r} (expected one of {choices})"
            ) from None
    return frozenset(out)


class DispositionRules:
    """An ordered, validated disposition table; the first matching rule wins."""

    def __init__(self, rules: tuple[DispositionRule, ...], source: str = "rules") -> None:
        self.rules = rules
        self.source = source

    @classmethod
    def load(cls, path: Path = DEFAULT_RULES_PATH) -> DispositionRules:
        """Read and validate a TOML table (see resources/dispositions.toml)."""
        path = Path(path)
        try:
            data = read_toml(path)
        except TomlFileError as exc:  # not UTF-8 (GBK from a site editor), too deep, too big
            raise RulesError(f"{path.name}: {exc}") from None
        return cls.from_dict(data, path.name)

    @classmethod
    def from_dict(cls, data: Any, source: str = "rules") -> DispositionRules:
        """Validate an already parsed table: {"version": 1, "rule": [{...}, ...]}."""
        if not isinstance(data, dict):
            raise RulesError(f"{source}: expected a table")
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise RulesError(f"{source}: unknown key {unknown[0]!r}")
        version = data.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version != 1:
            raise RulesError(f"{source}: unsupported 'version' {version!r} (expected 1)")
        raw_rules = data.get("rule")
        if not isinstance(raw_rules, list) or not raw_rules:
            raise RulesError(f"{source}: no [[rule]] entries")

        rules: list[DispositionRule] = []
        for number, raw in enumerate(raw_rules, start=1):
            where = f"{source}: rule {number}"
            if not isinstance(raw, dict):
                raise RulesError(f"{where}: expected a table")
            extra = sorted(set(raw) - _RULE_KEYS)
            if extra:
                raise RulesError(f"{where}: unknown key {extra[0]!r}")
            classification = _enum_field(raw, "classification", Classification, where)
            disposition = _enum_field(raw, "disposition", Disposition, where)
            note = raw.get("note", "")
            if not isinstance(note, str):
                raise RulesError(f"{where}: 'note' must be a string")
            untested = raw.get("untested", False)
            if untested is not True and "untested" in raw:
                raise RulesError(f"{where}: 'untested' can only be true (leave it out to match "
                                 "tested and untested items)")
            rule = DispositionRule(
                number=number,
                classification=classification,
                disposition=disposition,
                customer_reasons=_words(
                    raw.get("customer_reason"), "customer_reason", where, CustomerReason
                ),
                categories=_words(raw.get("category"), "category", where, None),
                note=note,
                untested_only=untested is True,
            )
            for earlier in rules:
                if earlier.covers(rule):
                    raise RulesError(
                        f"{where}: can never match, rule {earlier.number} already matches "
                        "everything it would"
                    )
            rules.append(rule)

        for classification in Classification:
            if not any(r.classification is classification and r.is_catch_all for r in rules):
                raise RulesError(
                    f"{source}: no catch-all rule for {classification.value!r} "
                    "(a rule with only classification and disposition)"
                )
        _check_untested_never_restocked(rules, source)
        return cls(tuple(rules), source)

    def match(
        self,
        classification: Classification,
        customer_reason: CustomerReason | None = None,
        category: str | None = None,
        *,
        untested: bool = False,
    ) -> DispositionRule:
        """The first rule that matches (there always is one: catch-alls are required)."""
        for rule in self.rules:
            if rule.matches(classification, customer_reason, category, untested):
                return rule
        raise RulesError(f"{self.source}: no rule for {classification.value!r}")  # unreachable

    def decide(
        self,
        classification: Classification,
        customer_reason: CustomerReason | None = None,
        category: str | None = None,
        *,
        untested: bool = False,
    ) -> Disposition:
        return self.match(classification, customer_reason, category,
                          untested=untested).disposition


def _check_untested_never_restocked(rules: list[DispositionRule], source: str) -> None:
    """An intact item with tests not done must never reach a restock rule (16.4).

    Walking the intact rules in order as an untested item would: every rule it could
    match before an ``untested = true`` catch-all must send it elsewhere than to stock.
    """
    for rule in rules:
        if rule.classification is not Classification.INTACT:
            continue
        if rule.disposition is Disposition.RESTOCK:
            raise RulesError(
                f"{source}: rule {rule.number}: would restock intact items whose function "
                "tests were not done; put a rule with classification = \"intact\", "
                "untested = true and another disposition before it")
        if rule.untested_only and rule.customer_reasons is None and rule.categories is None:
            return


def _enum_field(raw: Mapping[str, Any], key: str, enum: type[Any], where: str) -> Any:
    value = raw.get(key)
    if value is None:
        raise RulesError(f"{where}: {key!r} is missing")
    if not isinstance(value, str):
        raise RulesError(f"{where}: {key!r} must be a word, not {value!r}")
    try:
        return enum(value.strip())
    except ValueError:
        choices = ", ".join(v.value for v in enum)
        raise RulesError(f"{where}: unknown {key} {value!r} (expected one of {choices})") from None
