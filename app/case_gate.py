"""The case status gate: may an inspection of this item line start at all?

Checked before any step is shown (and again when the draft is created), so a closed,
cancelled or already inspected line never costs an inspector a whole checklist that the
server then refuses. Words in English and Simplified Chinese, as app/messages.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain import Case, CaseItem, CaseStatus
from app.messages import t
from app.store import Store

__all__ = ["Gate", "GateRefusal", "check_line", "check_line_in", "gate_message"]


class GateRefusal(StrEnum):
    CLOSED = "closed"
    CANCELLED = "cancelled"
    INSPECTED_ON_SERVER = "inspected_on_server"
    INSPECTED_HERE = "inspected_here"


@dataclass(frozen=True, slots=True)
class Gate:
    """None refusal: the line may be inspected. `inspection_id`: the report to reprint."""

    refusal: GateRefusal | None = None
    inspection_id: str | None = None

    @property
    def open(self) -> bool:
        return self.refusal is None


def gate_message(refusal: GateRefusal, language: str) -> str:
    """The refusal in the interface language (words in app/messages.py)."""
    return t(language, f"gate_{refusal.value}")


def check_line(case: Case, item: CaseItem, completed: dict[str, str]) -> Gate:
    """`completed` is Store.completed_lines(case.case_id): lines this station confirmed."""
    done_here = completed.get(item.line_id)
    if done_here is not None:
        return Gate(GateRefusal.INSPECTED_HERE, done_here)
    if case.status is CaseStatus.CANCELLED:
        return Gate(GateRefusal.CANCELLED)
    if case.status is CaseStatus.CLOSED:
        return Gate(GateRefusal.CLOSED)
    if case.status is CaseStatus.INSPECTED:
        return Gate(GateRefusal.INSPECTED_ON_SERVER)
    return Gate()


def check_line_in(store: Store, case: Case, item: CaseItem) -> Gate:
    return check_line(case, item, store.completed_lines(case.case_id))
