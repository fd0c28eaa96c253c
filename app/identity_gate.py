"""The identity gate (issue 16.1): the product's own barcode, first, against the case line.

A site turns the gate on per category with the setting `identity_gate_categories`
(app/config.py; ``*`` for every category). It is a site setting rather than a template
field because templates come from the central case system (GET /checklists) while whether
a bench has product codes to scan, and a case system that sends them, is the site's own
matter; a template that wants the gate anyway may carry its own ``capture: "gtin"`` step.

The gate is a text step added in front of the checklist (`GATE_STEP_ID`): the inspector
scans the barcode (EAN/UPC/GTIN, or a GS1 DataMatrix: its AI (01)), or answers N/A when
the product carries none. Its answer travels in `answers[]` like any text step, as the
14-digit GTIN, which the contract allows; nothing outside the contract is sent.

A mismatch (both codes known and different) puts the item on hold: the suggested
disposition becomes "hold for review" (the contract's null disposition), and a shift lead
signs off with badge or ID, PIN and a reason before the result can be confirmed
(app/mismatch.py: the same sign-off, carrying the code and the reason it was given for).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from app.domain import ChecklistStep, ChecklistTemplate, DomainError, Section, StepKind
from app.messages import Both
from app.product_code import GATE_STEP_ID

__all__ = [
    "GATE_STEP_ID",
    "add_identity_gate",
    "gate_enabled",
    "gate_step",
]


def gate_step() -> ChecklistStep:
    """The station-added first step: scan the product's own barcode (or N/A)."""
    return ChecklistStep(
        step_id=GATE_STEP_ID,
        prompt=Both("Scan the barcode on the product itself (EAN/UPC/GTIN)",
                    "扫描商品本身的条码（EAN/UPC/GTIN）"),
        kind=StepKind.TEXT,
        section=Section.APPEARANCE,
        required=True,  # scan it, or N/A when the product has no barcode
        capture="gtin",
    )


def gate_enabled(categories: Iterable[str], category: str) -> bool:
    """Whether the site's setting asks for the gate on this category."""
    wanted = {c.strip().lower() for c in categories}
    return "*" in wanted or category.strip().lower() in wanted


def add_identity_gate(template: ChecklistTemplate, enabled: bool) -> ChecklistTemplate:
    """The template with the gate step first (deterministic, so a resumed draft matches)."""
    if not enabled or any(s.capture == "gtin" for s in template.steps):
        return template
    if any(s.step_id == GATE_STEP_ID for s in template.steps):
        raise DomainError(f"template {template.template_id} already uses the step id "
                          f"{GATE_STEP_ID!r}")
    return replace(template, steps=(gate_step(), *template.steps))
