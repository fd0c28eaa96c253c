"""Mismatch escalation: the rule that a shift lead signs off before confirming.

A scanned serial that differs from the case line's may be a swapped item (the customer
returned something else); so may a product barcode that differs from the case line's
GTIN (issue 16.1, app/identity_gate.py). Either puts the item on hold (no disposition:
"hold for review"), and the inspector may not confirm it alone: a shift lead enters a
reason, badge or ID and PIN at the bench (`sign_off`, verified by app/operators.py,
audited), and the confirmation then records who signed and why. The sign-off holds only
for the serial and the product code it was given for: scanning another one afterwards
needs a new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

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
    "is_mismatch",
    "mismatches_only",
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


def sign_off_reason(reason: object, *, key: str = "gtin_sign_off_needs_reason") -> str:
    """The lead's reason, cleaned; a mismatch is never signed off without one (16.1)."""
    text = " ".join(clean_person_text(reason).split()) if isinstance(reason, str) else ""
    if not text:
        raise DomainError(key=key)
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
    text = sign_off_reason(reason, key="gtin_sign_off_needs_reason" if product_needed
                           else "serial_sign_off_needs_reason")
    lead = operators.verify_lead(who, pin, action=AUDIT_ACTION, subject=inspection_id)
    return SignOff(lead.operator_id, inspection_id, scanned_serial or "", utcnow(),
                   gtin=scanned_gtin if product_needed else None, reason=text)


def check_sign_off(identity: IdentityCheck, scanned_serial: str | None,
                   signed: SignOff | None, inspection_id: str) -> SignOff | None:
    """The sign-off (lead and reason), when one is needed; raises while the confirmation
    must wait."""
    if not needs_sign_off(identity):
        return None
    if signed is None or signed.inspection_id != inspection_id or not signed.reason:
        raise DomainError(key="mismatch_needs_sign_off")
    if normalize_serial(signed.serial) != normalize_serial(scanned_serial or ""):
        raise DomainError(key="sign_off_stale")
    return signed


class Flagged(Protocol):
    """A stored inspection as the history lists it: its two mismatch flags."""

    @property
    def serial_mismatch(self) -> bool: ...
    @property
    def gtin_mismatch(self) -> bool: ...


_F = TypeVar("_F", bound=Flagged)


def is_mismatch(record: Flagged) -> bool:
    """A serial/IMEI or a product code mismatch: the ones a shift lead held for review."""
    return bool(record.serial_mismatch or record.gtin_mismatch)


def mismatches_only(records: Iterable[_F], only: bool) -> list[_F]:
    """The history's "Mismatches only" filter: every record, or the mismatched ones."""
    return [r for r in records if not only or is_mismatch(r)]


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
