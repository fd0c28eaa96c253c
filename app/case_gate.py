"""The case status gate: may an inspection of this item line start at all?

Checked before any step is shown (and again when the draft is created), so a closed,
cancelled or already inspected line never costs an inspector a whole checklist that the
server then refuses. Words in English and Simplified Chinese, as app/messages.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.domain import Case, CaseItem, CaseStatus, Inspection
from app.messages import t
from app.store import Store

__all__ = ["Gate", "GateRefusal", "LineAction", "LineChoice", "check_line", "check_line_in",
           "choose_line_action", "gate_message"]


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


# --- resume or start, per line (15.4) ------------------------------------------------------------


class LineAction(StrEnum):
    RESUME = "resume"  # an open draft of this line: continue it (whatever the case status)
    REPRINT = "reprint"  # confirmed on this station: offer its report again
    REFUSE = "refuse"  # the gate refuses (closed, cancelled, inspected on the server)
    START = "start"  # a new draft


@dataclass(frozen=True, slots=True)
class LineChoice:
    """What Enter on an item line does; `inspection_id` is the draft or the report."""

    action: LineAction
    inspection_id: str | None = None
    refusal: GateRefusal | None = None


def choose_line_action(case: Case, item: CaseItem, drafts: Iterable[Inspection],
                       completed: dict[str, str]) -> LineChoice:
    """Resume the line's open draft, else reprint, refuse or start as the gate says."""
    draft = next((d for d in drafts
                  if d.case_id == case.case_id and d.line_id == item.line_id), None)
    if draft is not None:
        return LineChoice(LineAction.RESUME, draft.inspection_id)
    gate = check_line(case, item, completed)
    if gate.refusal is GateRefusal.INSPECTED_HERE and gate.inspection_id:
        return LineChoice(LineAction.REPRINT, gate.inspection_id, gate.refusal)
    if gate.refusal is not None:
        return LineChoice(LineAction.REFUSE, refusal=gate.refusal)
    return LineChoice(LineAction.START)
