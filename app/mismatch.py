"""Serial/IMEI mismatch escalation: the rule that a shift lead signs off before confirming.

A scanned serial that differs from the case line's may be a swapped item (the customer
returned something else). The inspector may not confirm such a result alone: a shift
lead enters badge or ID and PIN at the bench (`sign_off`, verified by app/operators.py,
audited), and the confirmation then records who signed. The sign-off holds only for the
serial it was given for: scanning another serial afterwards needs a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain import DomainError, utcnow
from app.operators import Operators
from app.wizard import IdentityCheck, normalize_serial

__all__ = ["SignOff", "check_sign_off", "needs_sign_off", "sign_off"]

AUDIT_ACTION = "mismatch_lead_verified"


@dataclass(frozen=True, slots=True)
class SignOff:
    """A shift lead agreed to confirm this inspection with this scanned serial."""

    lead_id: str
    inspection_id: str
    serial: str
    at: datetime


def needs_sign_off(identity: IdentityCheck) -> bool:
    """Only a real mismatch (both serials known and different) is escalated."""
    return identity is IdentityCheck.MISMATCH


def sign_off(operators: Operators, inspection_id: str, identity: IdentityCheck,
             scanned_serial: str | None, who: str, pin: str) -> SignOff:
    """Verify a shift lead's badge/ID and PIN for this mismatch (AuthError, PermissionDenied)."""
    if not needs_sign_off(identity) or not scanned_serial:
        raise DomainError(key="sign_off_no_mismatch")
    lead = operators.verify_lead(who, pin, action=AUDIT_ACTION, subject=inspection_id)
    return SignOff(lead.operator_id, inspection_id, scanned_serial, utcnow())


def check_sign_off(identity: IdentityCheck, scanned_serial: str | None,
                   signed: SignOff | None, inspection_id: str) -> str | None:
    """The lead who signed, when one is needed; raises when the confirmation must wait."""
    if not needs_sign_off(identity):
        return None
    if signed is None or signed.inspection_id != inspection_id:
        raise DomainError(key="mismatch_needs_sign_off")
    if normalize_serial(signed.serial) != normalize_serial(scanned_serial or ""):
        raise DomainError(key="sign_off_stale")
    return signed.lead_id
