"""Checklist templates: load, validate and adapt them to the item being inspected.

Templates come from JSON files (resources/checklists/*.json, one template per file) or from
the case API (GET /checklists). Both go through the same hand-written validator, so a broken
template is refused with a message that names its source (file name, or "server"), the step
(id, or section and position when the id itself is bad) and the problem. Nothing is guessed:
a template is either loaded whole or refused.

Format (docs/case-api.md, "Checklist template") plus optional extras:

- text shown to people (a step's ``prompt`` and ``failed``, a template's ``title``) is a map
  of both languages, ``{"en": "...", "zh_CN": "..."}``; a map without one of them is
  refused. The contract's plain string is accepted from the server only (both languages
  then show it);
- template: ``title``;
- step: ``capture`` (``"serial"`` or ``"imei"`` on a text step whose value is compared
  with the case item's serial number; ``"gtin"``: the product's own barcode, compared with
  the case item's ``gtin``, see app/identity_gate.py), ``fail_options`` (choice steps:
  options that count as a failed step, see app/rules.py), ``failed`` (what was found when
  the step failed, for "Because:"; see `failure_text`).

Unknown keys are refused in local files (they are site-edited: a typo such as
``"photo_on_fial"`` must not be silently ignored) and ignored in server templates (a newer
server may add fields, as the contract allows for cases). Keys that do not apply to a kind
(``options`` on a number step, ``min`` on a choice step, ...) may be absent, null or empty;
a real value there is refused.

The loaded steps are flattened in walking order (appearance, function, accessories), each
carrying its section.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.domain import (
    SECTION_ORDER,
    Answer,
    ChecklistStep,
    ChecklistTemplate,
    DomainError,
    Section,
    StepKind,
)
from app.messages import LANGUAGES, Both, t
from app.resources import resource_path
from app.shots import expand_shots
from app.weight import parse_template_weight

__all__ = [
    "CAPTURE_KINDS",
    "DEFAULT_TEMPLATE_DIR",
    "GENERIC_CATEGORY",
    "TemplateError",
    "load_template_file",
    "load_templates",
    "merge_expected_accessories",
    "normalize_accessory",
    "template_for",
    "template_from_api",
    "template_to_dict",
    "templates_from_api",
]

DEFAULT_TEMPLATE_DIR = resource_path("checklists")
GENERIC_CATEGORY = "generic"
CAPTURE_KINDS = ("serial", "imei", "gtin")
EXPECTED_ACCESSORY_PREFIX = "acc-exp-"

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MAX_FILE_BYTES = 1_000_000
_MAX_PROMPT = 500
_MAX_ACCESSORY = 120

_TEMPLATE_KEYS = frozenset({"template_id", "version", "category", "sections", "title",
                            "weight"})
_SECTION_KEYS = frozenset({"section", "steps"})
_STEP_KEYS = frozenset(
    {
        "step_id",
        "prompt",
        "kind",
        "required",
        "photo_on_fail",
        "accessory",
        "options",
        "min",
        "max",
        "unit",
        "capture",
        "fail_options",
        "failed",
        "shots",
    }
)
# The fields of the old format (one per language): named in the refusal, to say what changed.
_OLD_LANGUAGE_KEYS = frozenset({"title_zh", "prompt_zh", "failed_zh"})


class TemplateError(DomainError):
    """A template that cannot be used; the message names the source, the step and the problem."""

    def __init__(self, source: str, where: str | None, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        super().__init__(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")


# --- validation -------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Validator:
    """Walks one template object, raising TemplateError at the first problem."""

    def __init__(self, source: str, *, strict_keys: bool) -> None:
        self.source = source
        self.strict_keys = strict_keys

    def fail(self, where: str | None, problem: str) -> TemplateError:
        return TemplateError(self.source, where, problem)

    def check_keys(self, obj: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
        if not self.strict_keys:
            return
        unknown = sorted(set(obj) - allowed)
        old = sorted(set(unknown) & _OLD_LANGUAGE_KEYS)
        if old:
            raise self.fail(where, f"{old[0]!r} is no longer used: write {old[0][:-3]!r} as "
                                   '{"en": "...", "zh_CN": "..."}')
        if unknown:
            raise self.fail(where, f"unknown key {unknown[0]!r}")

    def text(
        self,
        obj: Mapping[str, Any],
        key: str,
        where: str,
        *,
        optional: bool = False,
        max_len: int = _MAX_PROMPT,
        label: str | None = None,
    ) -> str | None:
        value = obj.get(key)
        name = repr(label or key)
        if value is None:
            if optional:
                return None
            raise self.fail(where, f"{name} is missing")
        if not isinstance(value, str):
            raise self.fail(where, f"{name} must be a string, not {type(value).__name__}")
        value = value.strip()
        if not value:
            if optional:
                return None
            raise self.fail(where, f"{name} is empty")
        if len(value) > max_len:
            raise self.fail(where, f"{name} is longer than {max_len} characters")
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            raise self.fail(where, f"{name} contains control characters")
        return value

    def texts(
        self,
        obj: Mapping[str, Any],
        key: str,
        where: str,
        *,
        optional: bool = False,
    ) -> Both | None:
        """A text in both languages: {"en": ..., "zh_CN": ...} (a plain string from the server)."""
        value = obj.get(key)
        if isinstance(value, str) and not self.strict_keys:
            en = self.text(obj, key, where, optional=optional)
            return None if en is None else Both(en, en)
        if value is None:
            if optional:
                return None
            raise self.fail(where, f"{key!r} is missing")
        if not isinstance(value, dict):
            raise self.fail(where, f"{key!r} must be a map of both languages, "
                                   '{"en": "...", "zh_CN": "..."}, not ' + type(value).__name__)
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown and self.strict_keys:
            raise self.fail(where, f"{key!r} has an unknown language {unknown[0]!r} "
                                   f"(expected {' and '.join(LANGUAGES)})")
        for language, name in zip(LANGUAGES, ("English", "Chinese"), strict=True):
            if value.get(language) is None:
                raise self.fail(where, f"{key!r} has no {name} text ({language!r})")
        en, zh = (self.text(value, language, where, label=f"{key}.{language}")
                  for language in LANGUAGES)
        assert en is not None and zh is not None
        return Both(en, zh)

    def identifier(self, obj: Mapping[str, Any], key: str, where: str) -> str:
        value = obj.get(key)
        if value is None:
            raise self.fail(where, f"{key!r} is missing")
        if not isinstance(value, str):
            raise self.fail(where, f"{key!r} must be a string, not {type(value).__name__}")
        if not _ID_RE.match(value):
            raise self.fail(
                where,
                f"{key!r} {value[:40]!r} is not a valid id "
                "(1-64 letters, digits, '-', '_' or '.', starting with a letter or digit)",
            )
        return value

    def flag(self, obj: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        value = obj.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(where, f"{key!r} must be true or false, not {value!r}")
        return value

    def number(self, obj: Mapping[str, Any], key: str, where: str) -> float | None:
        value = obj.get(key)
        if value is None:
            return None
        try:
            number = float(value) if _is_number(value) else math.nan
        except OverflowError:  # an int with hundreds of digits
            number = math.nan
        if not math.isfinite(number):
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
            raise self.fail(where, f"{key!r} must be a finite number, not {shown}")
        return number

    def strings(self, obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = obj.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, f"{key!r} must be a list of strings")
        out: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(where, f"{key!r} must hold non-empty strings, found {item!r}")
            item = item.strip()
            if len(item) > _MAX_PROMPT:
                raise self.fail(where, f"{key!r} holds a string over {_MAX_PROMPT} characters")
            if item in out:
                raise self.fail(where, f"{key!r} lists {item!r} twice")
            out.append(item)
        return tuple(out)

    # -- template ----------------------------------------------------------------------------

    def template(self, data: Any) -> ChecklistTemplate:
        if not isinstance(data, dict):
            raise self.fail(None, f"a template must be a JSON object, not {type(data).__name__}")
        self.check_keys(data, _TEMPLATE_KEYS, "template")
        template_id = self.identifier(data, "template_id", "template")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise self.fail("template", f"'version' must be an integer, not {version!r}")
        if version < 0:
            raise self.fail("template", f"'version' must not be negative ({version})")
        category = self.identifier(data, "category", "template").lower()
        title = self.texts(data, "title", "template", optional=True) or Both(
            template_id, template_id)
        weight = parse_template_weight(data.get("weight"), lambda p: self.fail("template", p))

        sections = data.get("sections")
        if not isinstance(sections, list) or not sections:
            raise self.fail("template", "'sections' must be a non-empty list")
        by_section: dict[Section, list[ChecklistStep]] = {}
        seen_ids: dict[str, str] = {}
        seen_accessories: dict[str, str] = {}
        for s_index, raw_section in enumerate(sections, start=1):
            where = f"section #{s_index}"
            if not isinstance(raw_section, dict):
                raise self.fail(where, "a section must be an object")
            self.check_keys(raw_section, _SECTION_KEYS, where)
            name = raw_section.get("section")
            try:
                section = Section(name) if isinstance(name, str) else None
            except ValueError:
                section = None
            if section is None:
                raise self.fail(
                    where,
                    f"unknown section {name!r} (expected one of "
                    f"{', '.join(s.value for s in SECTION_ORDER)})",
                )
            if section in by_section:
                raise self.fail(where, f"section {section.value!r} appears twice")
            steps = raw_section.get("steps")
            if not isinstance(steps, list):
                raise self.fail(f"section {section.value!r}", "'steps' must be a list")
            parsed: list[ChecklistStep] = []
            expanded = [(index, step)
                        for index, raw_step in enumerate(steps, start=1)
                        for step in self.shots(self.step(raw_step, section, index), raw_step)]
            for index, step in expanded:
                if step.step_id in seen_ids:
                    raise self.fail(
                        self.step_where(section, index, step.step_id),
                        f"duplicate step id {step.step_id!r} (first used in "
                        f"{seen_ids[step.step_id]})",
                    )
                seen_ids[step.step_id] = section.value
                if step.accessory:
                    key = normalize_accessory(step.accessory)
                    if key in seen_accessories:
                        raise self.fail(
                            self.step_where(section, index, step.step_id),
                            f"accessory {step.accessory!r} is already checked by step "
                            f"{seen_accessories[key]!r}",
                        )
                    seen_accessories[key] = step.step_id
                parsed.append(step)
            by_section[section] = parsed

        flat = tuple(step for section in SECTION_ORDER for step in by_section.get(section, []))
        if not flat:
            raise self.fail("template", "the template has no steps")
        return ChecklistTemplate(
            template_id=template_id,
            version=version,
            category=category,
            title=title,
            steps=flat,
            weight=weight,
        )

    def shots(self, step: ChecklistStep, raw: Any) -> tuple[ChecklistStep, ...]:
        """A photo step's shot list as one step per shot (app/shots.py)."""
        where = f"step {step.step_id!r} ({step.section.value})"
        return expand_shots(step, raw.get("shots"), lambda p: self.fail(where, p),
                            lambda shot, at: self._shot_name(shot, f"{where}, {at}"))

    def _shot_name(self, shot: Mapping[str, Any], where: str) -> Both:
        name = self.texts(shot, "name", where)
        assert name is not None
        return name

    @staticmethod
    def step_where(section: Section, index: int, step_id: str | None) -> str:
        if step_id:
            return f"step {step_id!r} ({section.value} step {index})"
        return f"{section.value} step {index}"

    def step(self, raw: Any, section: Section, index: int) -> ChecklistStep:
        where = self.step_where(section, index, None)
        if not isinstance(raw, dict):
            raise self.fail(where, "a step must be an object")
        step_id = self.identifier(raw, "step_id", where)
        where = self.step_where(section, index, step_id)
        self.check_keys(raw, _STEP_KEYS, where)

        kind_raw = raw.get("kind")
        try:
            kind = StepKind(kind_raw) if isinstance(kind_raw, str) else None
        except ValueError:
            kind = None
        if kind is None:
            kinds = ", ".join(k.value for k in StepKind)
            raise self.fail(where, f"unknown kind {kind_raw!r} (expected one of {kinds})")
        prompt = self.texts(raw, "prompt", where)
        assert prompt is not None
        failed = self.texts(raw, "failed", where, optional=True)
        required = self.flag(raw, "required", where, True)
        photo_on_fail = self.flag(raw, "photo_on_fail", where, False)
        accessory = self.text(raw, "accessory", where, optional=True, max_len=_MAX_ACCESSORY)
        options = self.strings(raw, "options", where)
        failing = self.strings(raw, "fail_options", where)
        low = self.number(raw, "min", where)
        high = self.number(raw, "max", where)
        unit = self.text(raw, "unit", where, optional=True, max_len=20)
        capture = self.text(raw, "capture", where, optional=True, max_len=20)

        if kind is StepKind.CHOICE:
            if len(options) < 2:
                raise self.fail(where, "a choice step needs 'options' with at least two entries")
            unknown = [o for o in failing if o not in options]
            if unknown:
                raise self.fail(where, f"'fail_options' names {unknown[0]!r}, not an option")
        else:
            if options:
                raise self.fail(where, f"'options' only apply to choice steps, not {kind.value}")
            if failing:
                raise self.fail(
                    where, f"'fail_options' only apply to choice steps, not {kind.value}"
                )
        if kind is StepKind.NUMBER:
            if low is not None and high is not None and low > high:
                raise self.fail(where, f"'min' ({low:g}) is greater than 'max' ({high:g})")
        else:
            for key, val in (("min", low), ("max", high), ("unit", unit)):
                if val is not None:
                    raise self.fail(
                        where, f"{key!r} only applies to number steps, not {kind.value}"
                    )
        if capture is not None:
            if capture not in CAPTURE_KINDS:
                raise self.fail(
                    where,
                    f"unknown capture {capture!r} (expected one of {', '.join(CAPTURE_KINDS)})",
                )
            if kind is not StepKind.TEXT:
                raise self.fail(where, f"'capture' needs a text step, not {kind.value}")
        if accessory is not None and section is not Section.ACCESSORIES:
            raise self.fail(where, "'accessory' is only allowed in the accessories section")
        can_fail = (
            kind is StepKind.PASS_FAIL
            or (kind is StepKind.NUMBER and (low is not None or high is not None))
            or (kind is StepKind.CHOICE and bool(failing))
        )
        if photo_on_fail and not can_fail:
            raise self.fail(
                where,
                "'photo_on_fail' is set but the step can never fail "
                "(pass_fail, number with min/max, or choice with fail_options can)",
            )
        return ChecklistStep(
            step_id=step_id,
            prompt=prompt,
            kind=kind,
            section=section,
            required=required,
            photo_on_fail=photo_on_fail,
            accessory=accessory,
            options=options,
            min=low,
            max=high,
            unit=unit,
            capture=capture,
            fail_options=failing,
            failed=failed,
        )


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r} in one object")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(
            text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise TemplateError(
            source, None, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except ValueError as exc:
        raise TemplateError(source, None, f"not valid JSON: {exc}") from exc
    except RecursionError:  # thousands of nested [ or {
        raise TemplateError(source, None, "not valid JSON: nested too deeply") from None


# --- public API ---------------------------------------------------------------------------------


def template_from_dict(data: Any, source: str, *, strict_keys: bool = True) -> ChecklistTemplate:
    """Validate an already parsed template object; `source` names it in error messages."""
    return _Validator(source, strict_keys=strict_keys).template(data)


def load_template_file(path: Path) -> ChecklistTemplate:
    """Read and validate one template file (UTF-8, a BOM is tolerated)."""
    source = path.name
    try:
        size = path.stat().st_size
        if size > _MAX_FILE_BYTES:
            raise TemplateError(source, None, f"file is larger than {_MAX_FILE_BYTES} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(source, None, f"cannot be read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TemplateError(source, None, f"not UTF-8 text (byte {exc.start})") from exc
    return template_from_dict(_parse_json(text, source), source, strict_keys=True)


def load_templates(folder: Path = DEFAULT_TEMPLATE_DIR) -> dict[str, ChecklistTemplate]:
    """Load every *.json template in `folder`, keyed by (lower-case) category.

    Two files for the same category are refused: which one wins would depend on file names.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise TemplateError(str(folder), None, "template folder does not exist")
    templates: dict[str, ChecklistTemplate] = {}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        template = load_template_file(path)
        if template.category in templates:
            raise TemplateError(
                path.name,
                "template",
                f"category {template.category!r} is already defined by {origin[template.category]}",
            )
        templates[template.category] = template
        origin[template.category] = path.name
    return templates


def template_from_api(obj: Any, source: str = "server") -> ChecklistTemplate:
    """Validate one template from GET /checklists (unknown keys ignored, see module doc)."""
    return template_from_dict(obj, source, strict_keys=False)


def templates_from_api(data: Any) -> tuple[dict[str, ChecklistTemplate], list[TemplateError]]:
    """Validate the GET /checklists array: the good templates by category, and the refusals.

    One bad template does not spoil the others; the caller keeps its cached or shipped
    template for the refused ones and logs the errors.
    """
    if not isinstance(data, list):
        return {}, [TemplateError("server", None, "GET /checklists must answer a JSON array")]
    good: dict[str, ChecklistTemplate] = {}
    errors: list[TemplateError] = []
    for index, obj in enumerate(data, start=1):
        try:
            template = template_from_api(obj, f"server (template {index})")
        except TemplateError as exc:
            errors.append(exc)
            continue
        if template.category in good:
            errors.append(
                TemplateError(
                    f"server (template {index})",
                    "template",
                    f"category {template.category!r} appears twice; the first one is kept",
                )
            )
            continue
        good[template.category] = template
    return good, errors


def template_for(templates: Mapping[str, ChecklistTemplate], category: str) -> ChecklistTemplate:
    """The template for an item category (case-insensitive), else the generic one."""
    key = category.strip().lower() if isinstance(category, str) else ""
    found = templates.get(key) or templates.get(GENERIC_CATEGORY)
    if found is None:
        raise TemplateError(
            "templates", None, f"no template for category {category!r} and no generic fallback"
        )
    return found


def normalize_accessory(name: str) -> str:
    """Comparison key for accessory names: trimmed, inner spaces collapsed, case-folded."""
    return " ".join(name.split()).casefold()


def _clean_accessory(name: str) -> str:
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in name)
    text = " ".join(text.split())
    return text[:_MAX_ACCESSORY]


def merge_expected_accessories(
    template: ChecklistTemplate, expected: Iterable[object]  # from the case API: may be anything
) -> ChecklistTemplate:
    """Add a required pass/fail accessory step for each expected accessory not yet covered.

    A step covers an accessory when its `accessory` matches (case-insensitive, trimmed).
    New steps get ids acc-exp-1, acc-exp-2, ... (skipping ids the template already uses),
    never derived from the accessory text, which comes from the case API. The result is
    deterministic and idempotent, so a resumed inspection gets the same step ids again.
    """
    covered = {normalize_accessory(s.accessory) for s in template.steps if s.accessory}
    used_ids = {s.step_id for s in template.steps}
    added: list[ChecklistStep] = []
    counter = 0
    for raw in expected:
        if not isinstance(raw, str):
            continue
        name = _clean_accessory(raw)
        key = normalize_accessory(name)
        if not key or key in covered:
            continue
        covered.add(key)
        counter += 1
        while f"{EXPECTED_ACCESSORY_PREFIX}{counter}" in used_ids:
            counter += 1
        step_id = f"{EXPECTED_ACCESSORY_PREFIX}{counter}"
        used_ids.add(step_id)
        added.append(
            ChecklistStep(
                step_id=step_id,
                prompt=Both(f"{name} present", f"{name} 齐全"),
                kind=StepKind.PASS_FAIL,
                section=Section.ACCESSORIES,
                required=True,
                accessory=name,
            )
        )
    if not added:
        return template
    return replace(template, steps=(*template.steps, *added))


def _text_map(text: Both) -> dict[str, str]:
    return dict(zip(LANGUAGES, text, strict=True))


def template_to_dict(template: ChecklistTemplate) -> dict[str, Any]:
    """The template in the contract's JSON format (with extras); template_from_api reads it."""
    sections: list[dict[str, Any]] = []
    for section in SECTION_ORDER:
        steps = template.section_steps(section)
        if not steps:
            continue
        out_steps: list[dict[str, Any]] = []
        for s in steps:
            d: dict[str, Any] = {
                "step_id": s.step_id,
                "prompt": _text_map(s.prompt),
                "kind": s.kind.value,
                "required": s.required,
                "photo_on_fail": s.photo_on_fail,
            }
            optional: Sequence[tuple[str, Any]] = (
                ("accessory", s.accessory),
                ("options", list(s.options) or None),
                ("fail_options", list(s.fail_options) or None),
                ("min", s.min),
                ("max", s.max),
                ("unit", s.unit),
                ("capture", s.capture),
                ("failed", _text_map(s.failed) if s.failed else None),
            )
            d.update({k: v for k, v in optional if v is not None})
            out_steps.append(d)
        sections.append({"section": section.value, "steps": out_steps})
    out: dict[str, Any] = {
        "template_id": template.template_id,
        "version": template.version,
        "category": template.category,
        "title": _text_map(template.title),
    }
    policy = template.weight
    if not policy.weigh:
        out["weight"] = False
    elif policy.tolerance_g is not None or policy.tolerance_pct is not None:
        out["weight"] = {k: v for k, v in (("tolerance_g", policy.tolerance_g),
                                          ("tolerance_pct", policy.tolerance_pct))
                         if v is not None}
    out["sections"] = sections
    return out


def failure_text(step: ChecklistStep, language: str, answer: Answer | None = None) -> str:
    """What a failed step found, for "Because:": the template's words, else derived ones."""
    if step.failed:
        return step.failed.text(language)
    prompt = step.prompt.text(language)
    value = answer.value if answer is not None and answer.value is not None else None
    if step.accessory:
        return t(language, "failed_accessory", accessory=step.accessory)
    if step.kind is StepKind.NUMBER and value is not None:
        return t(language, "failed_number", step=prompt, value=f"{value} {step.unit or ''}".strip())
    if step.kind is StepKind.CHOICE and value is not None:
        return t(language, "failed_choice", step=prompt, value=value)
    return t(language, "failed_step", step=prompt)
