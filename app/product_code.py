"""The product's own code (EAN/UPC/GTIN) for the identity gate (issue 16.1), without Qt.

A returned box may hold another product than the one sold (an item swap). The identity
gate scans the barcode on the product itself and compares it with the case line's `gtin`.
Codes come as EAN-8, UPC-A (12), EAN-13 or GTIN-14 digits, or inside a GS1 element string
(a GS1 DataMatrix or GS1-128: AI (01), with or without the symbology identifier, FNC1 as
GS, or the printed form with parentheses). All are normalised to 14 digits with the GS1
check digit verified, so an EAN-13 on the product and a GTIN-14 in the case compare equal.

An absent case GTIN is "not known", never a mismatch: only two known, different codes are.
"""

from __future__ import annotations

from enum import StrEnum

from stdnum import ean

from app.domain import DomainError

__all__ = [
    "GATE_STEP_ID",
    "ProductCheck",
    "compare",
    "gtin14",
    "is_gtin14",
    "parse_product_code",
]

GATE_STEP_ID = "id-gtin"  # the station-added first step (app/identity_gate.py)
GS = "\x1d"
_SYMBOLOGY_IDS = ("]C1", "]d2", "]Q3", "]e0", "]J1")


class ProductCheck(StrEnum):
    """How the scanned product code compares with the case line's GTIN."""

    NO_GATE = "no_gate"  # no identity-gate step in this checklist
    NOT_CAPTURED = "not_captured"  # the step answered N/A (no barcode on the product)
    NO_REFERENCE = "no_reference"  # the case line carries no gtin: not known
    MATCH = "match"
    MISMATCH = "mismatch"


def gtin14(digits: str) -> str | None:
    """GTIN-8/12/13/14 digits with a valid check digit, as 14 digits; else None."""
    if not (digits.isascii() and digits.isdigit() and len(digits) in (8, 12, 13, 14)):
        return None
    if not ean.is_valid(digits):
        return None
    return digits.zfill(14)


def is_gtin14(text: object) -> bool:
    return isinstance(text, str) and len(text) == 14 and gtin14(text) == text


def _from_element_string(text: str) -> str | None:
    """The digits of AI (01) in a GS1 element string (unchecked), or None when none."""
    from biip.gs1_messages import GS1Message

    candidate = text
    for prefix in _SYMBOLOGY_IDS:
        if candidate.startswith(prefix):
            candidate = candidate[len(prefix):]
            break
    candidate = candidate.lstrip(GS)
    try:
        msg = (GS1Message.parse_hri(candidate) if candidate.startswith("(")
               else GS1Message.parse(candidate))
    except Exception:  # biip raises its own ParseError and ValueErrors on bad input
        return None
    for element in msg.element_strings:
        if element.ai.ai == "01":
            return str(element.value)
    return None


def parse_product_code(text: object) -> str:
    """The 14-digit GTIN in a scanned or typed product code; DomainError when there is none."""
    if not isinstance(text, str):
        raise DomainError(key="gtin_unreadable", code="?")
    raw = text.strip().strip(GS)
    compact = raw.replace(" ", "").replace("-", "")
    digits: str | None = compact
    if len(compact) > 14 or compact[:1] in ("(", "]"):
        digits = _from_element_string(raw)
    found = gtin14(digits) if digits is not None else None
    if found is None:
        shown = "".join(ch if ch.isprintable() else "·" for ch in raw)[:40]
        if digits is not None and digits.isascii() and digits.isdigit() \
                and len(digits) in (8, 12, 13, 14):
            raise DomainError(key="gtin_check_digit", code=shown)
        raise DomainError(key="gtin_unreadable", code=shown)
    return found


def compare(scanned: str | None, expected: str | None, *, gate: bool = True) -> ProductCheck:
    """Scanned against expected, both already normalised to GTIN-14 (or None)."""
    if not gate:
        return ProductCheck.NO_GATE
    if not scanned:
        return ProductCheck.NOT_CAPTURED
    if not expected:
        return ProductCheck.NO_REFERENCE
    return ProductCheck.MATCH if scanned == expected else ProductCheck.MISMATCH
