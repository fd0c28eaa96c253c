"""Label interpretation: decide what a scanned text is (RMA, tracking, order, GS1, ...).

Scanned text is hostile input: it is capped, NFKC-normalised and refused when it carries
control characters, bidirectional overrides or mixed-script look-alikes. A refusal is a
``Rejected`` value with a reason, never an exception. Callers must still treat the
normalised value as data: never put it into a path, an SQL string or rich text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from app.config import Settings
from app.patterns import PatternTimeout, SitePattern

MAX_LENGTH = 512
GS = "\x1d"  # FNC1 as scanners transmit it inside GS1 element strings

# The site's patterns are settings: their defaults are declared once, in app/config.py.
_DEFAULTS = Settings()

# Carrier formats without a public check digit: matched by shape only. re.ASCII: \d would
# otherwise match Arabic-Indic and other digits, which int() then reads as check digits.
SF_EXPRESS = re.compile(r"SF\d{12,13}", re.ASCII)
JD = re.compile(r"JD(?:V[A-E]|X)?\d{11,13}", re.ASCII)
UPS = re.compile(r"1Z[0-9A-Z]{16}", re.ASCII)
UPU_S10 = re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}", re.ASCII)

_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Scripts whose letters are commonly passed off as Latin ones.
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")


class Kind(StrEnum):
    """What a scanned text turned out to be; order of preference lives in acceptance."""

    RMA = "rma"
    TRACKING = "tracking"
    ORDER = "order"
    GS1 = "gs1"
    GTIN = "gtin"
    IMEI = "imei"
    BADGE = "badge"
    UNKNOWN = "unknown"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Interpretation:
    """A text that passed the hostile-input checks, with its kind and normalised value."""

    kind: Kind
    value: str
    raw: str
    carrier: str | None = None
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    details: dict[str, str] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return True


@dataclass(frozen=True)
class Rejected:
    """A text refused as hostile or malformed; ``reason`` is plain English for the log/UI."""

    reason: str
    raw: str
    kind: Kind = Kind.REJECTED
    value: str = ""

    @property
    def accepted(self) -> bool:
        return False


Result = Interpretation | Rejected
_Rx = list[SitePattern]


@dataclass(frozen=True)
class Patterns:
    """Site-configurable patterns (full-match, case-insensitive); config passes site values."""

    rma: tuple[str, ...] = _DEFAULTS.rma_patterns
    order: tuple[str, ...] = _DEFAULTS.order_patterns
    badge: tuple[str, ...] = _DEFAULTS.badge_patterns

    @classmethod
    def from_settings(cls, settings: Settings) -> Patterns:
        """The site's patterns, as configured (app/config.py declares them)."""
        return cls(rma=tuple(settings.rma_patterns), order=tuple(settings.order_patterns),
                   badge=tuple(settings.badge_patterns))

    def compiled(self) -> tuple[_Rx, _Rx, _Rx]:
        return _compile(self.rma), _compile(self.order), _compile(self.badge)


_cache: dict[tuple[str, ...], _Rx] = {}


def _compile(patterns: Sequence[str]) -> _Rx:
    key = tuple(patterns)
    got = _cache.get(key)
    if got is None:
        got = [SitePattern(p) for p in patterns]  # full-match, case-insensitive, time-limited
        _cache[key] = got
    return got


# --------------------------------------------------------------------------- check digits


def ups_check_digit(body: str) -> int:
    """UPS 1Z check digit over the 15 characters after "1Z" (letters map to (ord-63)%10)."""
    total = 0
    for i, ch in enumerate(body):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = (ord(ch) - 63) % 10
        else:
            raise ValueError(f"invalid character {ch!r} in UPS tracking number")
        total += value * (2 if i % 2 else 1)
    return (10 - total % 10) % 10


def is_valid_ups(text: str) -> bool:
    """1Z + 6 shipper + 2 service + 7 package + 1 check digit."""
    if not UPS.fullmatch(text) or not text[-1].isdigit():
        return False
    return ups_check_digit(text[2:17]) == int(text[17])


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit over the 8-digit serial (weights 8 6 4 2 3 5 9 7, mod 11)."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("S10 serial must be 8 digits")
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def is_valid_s10(text: str) -> bool:
    """UPU S10: 2 letters, 8-digit serial, check digit, ISO country code."""
    if not UPU_S10.fullmatch(text):
        return False
    return s10_check_digit(text[2:10]) == int(text[10])


def _is_gtin(text: str) -> bool:
    from stdnum import ean

    return len(text) in (8, 12, 13, 14) and text.isdigit() and bool(ean.is_valid(text))


def _is_imei(text: str) -> bool:
    from stdnum import imei

    # 15 digits with Luhn; IMEISV (16 digits) has no check digit and is not accepted.
    return len(text) == 15 and text.isdigit() and bool(imei.is_valid(text))


# --------------------------------------------------------------------------- hostile text


def _scripts(text: str) -> set[str]:
    out = set()
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        script = name.split(" ", 1)[0] if name else "UNKNOWN"
        out.add(script)
    return out


def check_hostile(raw: object) -> Rejected | str:
    """Return the NFKC-normalised, trimmed text or the reason it is refused."""
    if not isinstance(raw, str):
        return Rejected("not text", repr(raw)[:80])
    if len(raw) > MAX_LENGTH:
        return Rejected(f"longer than {MAX_LENGTH} characters", raw[:80])
    text = unicodedata.normalize("NFKC", raw)
    if len(text) > MAX_LENGTH:
        return Rejected(f"longer than {MAX_LENGTH} characters", raw[:80])
    for ch in text:
        if ch in _BIDI_CONTROLS:
            return Rejected("contains a bidirectional control character", raw[:80])
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == GS:
            continue
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return Rejected(f"contains control or invisible character U+{ord(ch):04X}", raw[:80])
    text = text.strip(" ")
    if not text or not text.strip(GS):
        return Rejected("empty", raw[:80])
    scripts = _scripts(text)
    if len(scripts & set(_CONFUSABLE_SCRIPTS)) > 1:
        return Rejected("mixes look-alike scripts: " + ", ".join(sorted(scripts)), raw[:80])
    return text


# --------------------------------------------------------------------------- GS1


def _gs1(text: str) -> Interpretation | Rejected | None:
    """GS1 element string (HRI with parentheses, or raw with GS separators) through biip."""
    from biip.gs1_messages import GS1Message

    candidate = text
    for prefix in ("]C1", "]d2", "]Q3", "]e0", "]J1"):
        if candidate.startswith(prefix):
            candidate = candidate[len(prefix) :]
            break
    candidate = candidate.lstrip(GS)
    try:
        if candidate.startswith("("):
            msg = GS1Message.parse_hri(candidate)
        elif GS in candidate or text.startswith(("]C1", "]d2", "]Q3", "]e0")):
            msg = GS1Message.parse(candidate)
        else:
            return None
    except Exception:  # biip raises its own ParseError and ValueErrors on bad input
        return None
    elements = {e.ai.ai: e for e in msg.element_strings}
    gtin_el = elements.get("01") or elements.get("02")
    gtin: str | None = None
    if gtin_el is not None:
        if gtin_el.gtin is None:  # biip sets gtin_error when the check digit is wrong
            return Rejected("GS1 string whose GTIN has a wrong check digit", text[:80])
        gtin = gtin_el.value
    serial = elements["21"].value if "21" in elements else None
    lot = elements["10"].value if "10" in elements else None
    details = {e.ai.ai: e.value for e in msg.element_strings}
    return Interpretation(
        Kind.GS1, msg.as_hri(), text, gtin=gtin, serial=serial, lot=lot, details=details
    )


# --------------------------------------------------------------------------- interpret


def interpret(
    text: str,
    patterns: Patterns | None = None,
    *,
    rma_patterns: Iterable[str] | None = None,
    order_patterns: Iterable[str] | None = None,
    badge_patterns: Iterable[str] | None = None,
) -> Result:
    """Classify ``text``; never raises for any input string."""
    pats = patterns or Patterns()
    if rma_patterns is not None or order_patterns is not None or badge_patterns is not None:
        pats = Patterns(
            rma=tuple(rma_patterns) if rma_patterns is not None else pats.rma,
            order=tuple(order_patterns) if order_patterns is not None else pats.order,
            badge=tuple(badge_patterns) if badge_patterns is not None else pats.badge,
        )
    try:
        return _interpret(text, pats)
    except PatternTimeout as exc:
        return Rejected(f"the site pattern {exc} takes too long to match; check the settings",
                        str(text)[:80])
    except Exception as exc:  # a bad site pattern must not crash the scan path
        return Rejected(f"could not interpret: {type(exc).__name__}", str(text)[:80])


def _interpret(raw: str, pats: Patterns) -> Result:
    checked = check_hostile(raw)
    if isinstance(checked, Rejected):
        return checked
    text = checked
    rma, order, badge = pats.compiled()
    compact = text.replace(" ", "")
    upper = compact.upper()
    # In this order: GS1 element strings, RMAs (also inside a payload), carriers' tracking
    # numbers, the site's order and badge formats, then IMEIs and product codes.
    return (_as_gs1(text, raw) or _as_rma(text, compact, raw, rma)
            or _as_tracking(upper, raw) or _as_site_code(compact, raw, order, badge)
            or _as_number(compact, raw) or Interpretation(Kind.UNKNOWN, text, raw))


def _as_gs1(text: str, raw: str) -> Result | None:
    if GS not in text and not text.startswith(("(", "]C1", "]d2", "]Q3", "]e0")):
        return None
    gs1 = _gs1(text)
    if gs1 is None and GS in text:
        return Rejected("contains a group separator but is not a valid GS1 string", raw[:80])
    return gs1


def _as_rma(text: str, compact: str, raw: str, rma: _Rx) -> Result | None:
    for rx in rma:
        if rx.fullmatch(compact):
            return Interpretation(Kind.RMA, compact.upper(), raw)
    # RMA numbers inside a QR/DataMatrix payload (URL, key:value list, a|b).
    for rx in rma:
        m = rx.search(text)
        if m and _delimited(text, m.start(), m.end()):
            return Interpretation(
                Kind.RMA, m.group(0).upper(), raw, details={"embedded_in": "payload"}
            )
    return None


def _as_tracking(upper: str, raw: str) -> Result | None:
    if UPS.fullmatch(upper):
        if is_valid_ups(upper):
            return Interpretation(Kind.TRACKING, upper, raw, carrier="ups")
        return Rejected("UPS tracking number with a wrong check digit", raw[:80])
    if UPU_S10.fullmatch(upper):
        if is_valid_s10(upper):
            return Interpretation(Kind.TRACKING, upper, raw, carrier="upu_s10")
        return Rejected("UPU S10 tracking number with a wrong check digit", raw[:80])
    if SF_EXPRESS.fullmatch(upper):
        return Interpretation(Kind.TRACKING, upper, raw, carrier="sf_express")
    if JD.fullmatch(upper):
        return Interpretation(Kind.TRACKING, upper, raw, carrier="jd")
    return None


def _as_site_code(compact: str, raw: str, order: _Rx, badge: _Rx) -> Result | None:
    for kind, patterns in ((Kind.ORDER, order), (Kind.BADGE, badge)):
        if any(rx.fullmatch(compact) for rx in patterns):
            return Interpretation(kind, compact.upper(), raw)
    return None


def _as_number(compact: str, raw: str) -> Result | None:
    if not (compact.isdigit() and compact.isascii()):
        return None
    if len(compact) == 15:
        if _is_imei(compact):
            return Interpretation(Kind.IMEI, compact, raw)
        return Rejected("15-digit number fails the IMEI (Luhn) check", raw[:80])
    if len(compact) in (8, 12, 13, 14):
        if _is_gtin(compact):
            return Interpretation(Kind.GTIN, compact, raw, gtin=compact.zfill(14))
        return Rejected("product code (EAN/UPC/GTIN) with a wrong check digit", raw[:80])
    return None


def _delimited(text: str, start: int, end: int) -> bool:
    """An embedded match must not run into more letters or digits on either side."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (before.isalnum() or after.isalnum())
