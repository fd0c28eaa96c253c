"""Template texts in the station's language: step prompts, category titles, report prompts."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from app.checklists import merge_expected_accessories, template_for
from app.context import StationContext
from app.domain import ChecklistStep, ChecklistTemplate, DomainError
from app.identity_gate import add_identity_gate
from app.messages import t
from app.product_code import GATE_STEP_ID
from app.store.store import InspectionRecord
from app.weight import WEIGHT_STEP_ID

__all__ = ["categories", "prompt_for", "prompts_for_record", "report_prompts"]


def prompt_for(step: ChecklistStep, language: str) -> str:
    """The prompt in the UI language: Chinese when the station runs in zh_CN and has one."""
    return step.prompt.text(language)


def categories(ctx: StationContext, language: str = "en") -> list[tuple[str, str]]:
    """(category, title) of every loaded template, for the offline category picker."""
    out: list[tuple[str, str]] = []
    for category, template in sorted(ctx.templates.items()):
        out.append((category, template.title.text(language)))
    return out


def report_prompts(ctx: StationContext, record: InspectionRecord, language: str) -> dict[str, str]:
    """step_id -> prompt for a completed inspection's report, including merged accessory steps."""
    return prompts_for_record(ctx.templates, record, language)


def prompts_for_record(templates: Mapping[str, ChecklistTemplate], record: InspectionRecord,
                       language: str) -> dict[str, str]:
    """The same, from the templates alone (the report CLI has no station context)."""
    template = next((t for t in templates.values()
                     if t.template_id == (record.result.template_id if record.result else "")),
                    None)
    if template is None:
        try:
            template = template_for(templates, record.category)
        except DomainError:
            return {}
    item = None
    if record.case is not None and record.result is not None:
        with contextlib.suppress(DomainError):
            item = record.case.item(record.result.line_id)
    merged = merge_expected_accessories(template, item.expected_accessories if item else ())
    gated = any(a.step_id == GATE_STEP_ID for a in record.answers)  # the identity gate (16.1)
    merged = add_identity_gate(merged, gated)
    return {WEIGHT_STEP_ID: t(language, "weight_prompt"),  # added per inspection (16.2)
            **{s.step_id: prompt_for(s, language) for s in merged.steps}}
