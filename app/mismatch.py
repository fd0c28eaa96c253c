"""Mismatch escalation: the rule that a shift lead signs off before confirming.

A scanned serial that differs from the case line's may be a swapped item (the customer
returned something else); so may a product barcode that differs from the case line's
GTIN (issue 16.1, app/identity_gate.py). The inspector may not confirm such a result
alone: a shift lead enters badge or ID and PIN at the bench (`sign_off`, verified by
app/operators.py, audited), and the confirmation then records who signed. A product
mismatch also needs the lead's reason. The sign-off holds only for the serial and the
product code it was given for: scanning another one afterwards needs a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain import DomainError, utcnow
from app.operators import Operators
from app.product_code import ProductCheck
from app.text import clean_person_text
from app.wizard import IdentityCheck, normalize_serial

__all__ = [
    "MAX_REASON",
    "SignOff",
    "check_product_sign_off",
    "check_sign_off",
    "needs_sign_off",
    "sign_off",
    "sign_off_reason",
]

AUDIT_ACTION = "mismatch_lead_verified"
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class SignOff:
    """A shift lead agreed to confirm this inspection with this scanned serial (and code)."""

    lead_id: str
    inspection_id: str
    serial: str
    at: datetime
    gtin: str | None = None  # the product code a product mismatch was signed off for
    reason: str = ""


def needs_sign_off(identity: IdentityCheck) -> bool:
    """Only a real mismatch (both serials known and different) is escalated."""
    return identity is IdentityCheck.MISMATCH


def sign_off_reason(reason: object) -> str:
    """The lead's reason, cleaned; a product mismatch is never signed off without one."""
    text = " ".join(clean_person_text(reason).split()) if isinstance(reason, str) else ""
    if not text:
        raise DomainError(key="gtin_sign_off_needs_reason")
    return text[:MAX_REASON]


def sign_off(operators: Operators, inspection_id: str, identity: IdentityCheck,
             scanned_serial: str | None, who: str, pin: str, *,
             product: ProductCheck = ProductCheck.NO_GATE, scanned_gtin: str | None = None,
             reason: str | None = None) -> SignOff:
    """Verify a shift lead's badge/ID and PIN for this mismatch (AuthError, PermissionDenied).

    One sign-off covers whatever is mismatched: the serial, the product code, or both."""
    serial_needed = needs_sign_off(identity) and bool(scanned_serial)
    product_needed = product is ProductCheck.MISMATCH and bool(scanned_gtin)
    if not serial_needed and not product_needed:
        raise DomainError(key="sign_off_no_mismatch")
    # The reason first: a missing reason must not cost the lead a PIN attempt.
    if product_needed:
        text = sign_off_reason(reason)
    else:
        text = " ".join(clean_person_text(reason or "").split())[:MAX_REASON]
    lead = operators.verify_lead(who, pin, action=AUDIT_ACTION, subject=inspection_id)
    return SignOff(lead.operator_id, inspection_id, scanned_serial or "", utcnow(),
                   gtin=scanned_gtin if product_needed else None, reason=text)


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


def check_product_sign_off(check: ProductCheck, scanned: str | None, signed: SignOff | None,
                           inspection_id: str) -> SignOff | None:
    """The sign-off that lets a product mismatch be confirmed; raises while it must wait."""
    if check is not ProductCheck.MISMATCH:
        return None
    if signed is None or signed.inspection_id != inspection_id or signed.gtin is None:
        raise DomainError(key="gtin_needs_sign_off")
    if signed.gtin != scanned:
        raise DomainError(key="gtin_sign_off_stale")
    return signed
