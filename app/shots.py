"""Shot lists: a photo step that names the pictures a category needs, taken one by one.

A template's photo step may carry ``"shots": [{"shot_id": "front", "name": {"en": "Front",
"zh_CN": "正面"}}, ...]`` (front, back, serial label, accessories laid out...). The loader
turns it into one required photo step per shot, ``<step_id>.<shot_id>``, in the listed
order, so the checklist walks through the shots and each photo is filed under its shot;
a photo step without ``shots`` stays as it is. The name is a text map like every other
template text, validated by the template loader (app/checklists.py `_Validator.texts`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from app.domain import ChecklistStep, DomainError, StepKind
from app.messages import Both

__all__ = ["MAX_SHOTS", "expand_shots"]

MAX_SHOTS = 12
_SHOT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,23}$")


def expand_shots(step: ChecklistStep, raw: Any,
                 fail: Callable[[str], DomainError],
                 name: Callable[[Mapping[str, Any], str], Both]) -> tuple[ChecklistStep, ...]:
    """One photo step per shot (or the step itself without a shot list).

    `name(shot, where)` reads a shot's ``name`` in both languages (or raises).
    """
    if raw is None:
        return (step,)
    if step.kind is not StepKind.PHOTO:
        raise fail(f"'shots' only apply to photo steps, not {step.kind.value}")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SHOTS:
        raise fail(f"'shots' must be a list of 1 to {MAX_SHOTS} shots")
    out: list[ChecklistStep] = []
    seen: set[str] = set()
    for index, shot in enumerate(raw, start=1):
        where = f"shot {index}"
        if not isinstance(shot, dict) or set(shot) - {"shot_id", "name"}:
            raise fail(f"{where}: a shot is an object with 'shot_id' and 'name'")
        shot_id = shot.get("shot_id")
        if not isinstance(shot_id, str) or not _SHOT_ID.match(shot_id) or shot_id in seen:
            raise fail(f"{where}: 'shot_id' must be a new short id (a-z, 0-9, '-', '_')")
        seen.add(shot_id)
        shot_name = name(shot, where)
        out.append(replace(step, step_id=f"{step.step_id}.{shot_id}",
                           prompt=Both(f"{step.prompt.en}: {shot_name.en[:80]}",
                                       f"{step.prompt.zh}：{shot_name.zh[:80]}")))
    return tuple(out)
