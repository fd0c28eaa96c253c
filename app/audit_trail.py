"""The audit trail as a shift lead reads it: filtered entries and whether the chain holds.

The GUI's audit view and `audit show / verify` read through here, so the shift-lead check
and the chain verdict's wording live in the core, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain import Operator, require_shift_lead
from app.messages import t
from app.store.audit import AuditEntry, ChainCheck
from app.store.store import Store

__all__ = ["AuditEntry", "AuditTrail", "chain_verdict", "read_audit"]


@dataclass(frozen=True, slots=True)
class AuditTrail:
    entries: list[AuditEntry]
    check: ChainCheck
    actions: list[str]

    def is_broken_at(self, seq: int) -> bool:
        """True for the first entry whose link does not verify."""
        return self.check.first_bad_seq == seq


def chain_verdict(check: ChainCheck, language: str) -> str:
    """One sentence saying whether the keyed chain verifies, and where it breaks."""
    if not check.ok:
        return t(language, "audit_chain_broken", seq=check.first_bad_seq, entries=check.entries)
    if not check.entries:
        return t(language, "audit_chain_empty")
    return t(language, "audit_chain_ok", entries=check.entries)


def read_audit(store: Store, *, by: Operator | None = None, lead_only: bool = True,
               inspection: str | None = None, operator: str | None = None,
               action: str | None = None, limit: int = 1000) -> AuditTrail:
    """Entries matching the filters with the whole chain's verdict. At the station only a
    shift lead reads it; the command line (site IT with the files at hand) passes
    lead_only=False."""
    if lead_only:
        require_shift_lead(by, "read the audit log")
    check = store.verify_audit()
    entries = store.audit_entries(inspection=inspection, operator=operator, action=action,
                                  limit=limit)
    return AuditTrail(entries, check, store.audit_actions())
