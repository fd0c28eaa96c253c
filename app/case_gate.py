"""The case status gate: may an inspection of this item line start at all?

Checked before any step is shown (and again when the draft is created), so a closed,
cancelled or already inspected line never costs an inspector a whole checklist that the
server then refuses. Words in English and Simplified Chinese, as app/messages.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain import Case, CaseItem, CaseStatus
from app.store import Store

__all__ = ["Gate", "GateRefusal", "check_line", "check_line_in", "gate_message"]


class GateRefusal(StrEnum):
    CLOSED = "closed"
    CANCELLED = "cancelled"
    INSPECTED_ON_SERVER = "inspected_on_server"
    INSPECTED_HERE = "inspected_here"


_MESSAGES: dict[GateRefusal, tuple[str, str]] = {
    GateRefusal.CLOSED: (
        "This return case is closed: it cannot be inspected. Put the parcel aside for the "
        "shift lead.",
        "该售后单已关闭，不能检验。请把包裹交给班组长处理。"),
    GateRefusal.CANCELLED: (
        "This return case was cancelled: it cannot be inspected. Put the parcel aside for "
        "the shift lead.",
        "该售后单已取消，不能检验。请把包裹交给班组长处理。"),
    GateRefusal.INSPECTED_ON_SERVER: (
        "The case server says this return is already inspected. It cannot be inspected "
        "again here.",
        "售后系统显示该退货已检验，不能在此再次检验。"),
    GateRefusal.INSPECTED_HERE: (
        "This item line was already inspected on this station. Enter prints its report "
        "again.",
        "该商品行已在本工作台检验过。按回车键重新打印其检验报告。"),
}


@dataclass(frozen=True, slots=True)
class Gate:
    """None refusal: the line may be inspected. `inspection_id`: the report to reprint."""

    refusal: GateRefusal | None = None
    inspection_id: str | None = None

    @property
    def open(self) -> bool:
        return self.refusal is None


def gate_message(refusal: GateRefusal, language: str) -> str:
    english, chinese = _MESSAGES[refusal]
    return chinese if language == "zh_CN" else english


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
