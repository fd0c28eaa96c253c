"""Which item line of a resolved case an offline (unverified) inspection belongs to.

An inspection started offline knows only its category, the serial/IMEI scanned at the
bench, the product code scanned at the identity gate (16.1, GTIN-14) and (rarely) a SKU.
When its case resolves, `match_line` compares each line with those and picks the line
when they decide it uniquely; otherwise a shift lead chooses,
seeing for each line why it fits or not (`LineFit.reasons`). The rule lives here so the
outbox, the needs-attention view and the tests all apply the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain import Case, CaseItem
from app.messages import t
from app.wizard import normalize_serial

__all__ = ["Fit", "LineFit", "LineMatch", "match_line", "serials_differ"]


class Fit(StrEnum):
    """How one criterion of a line compares with what the bench recorded."""

    SAME = "same"
    DIFFERENT = "different"
    UNKNOWN = "unknown"  # one side has nothing to compare


def _compare(line_value: str | None, recorded: str | None, *, serial: bool = False) -> Fit:
    if not line_value or not line_value.strip() or not recorded or not recorded.strip():
        return Fit.UNKNOWN
    if serial:
        same = normalize_serial(line_value) == normalize_serial(recorded)
    else:
        same = line_value.strip().casefold() == recorded.strip().casefold()
    return Fit.SAME if same else Fit.DIFFERENT


def serials_differ(expected: str | None, scanned: str | None) -> bool:
    """A serial/IMEI mismatch: both known and different (the flag of issue 14.3)."""
    return _compare(expected, scanned, serial=True) is Fit.DIFFERENT


@dataclass(frozen=True, slots=True)
class LineFit:
    """One line of the case against the inspection: category, SKU, serial and product code."""

    item: CaseItem
    category: Fit
    sku: Fit
    serial: Fit
    inspected_category: str
    scanned_serial: str | None
    gtin: Fit = Fit.UNKNOWN
    scanned_gtin: str | None = None

    @property
    def fits(self) -> bool:
        """Nothing recorded at the bench contradicts this line."""
        return Fit.DIFFERENT not in (self.category, self.sku, self.serial, self.gtin)

    def reasons(self, language: str) -> list[str]:
        """Why the line fits or not, one phrase per criterion, in `language`."""
        it = self.item
        out = [
            t(language, f"fit_category_{self.category.value}", line=it.category,
              inspected=self.inspected_category),
            t(language, f"fit_sku_{self.sku.value}", line=it.sku),
            t(language, f"fit_serial_{self.serial.value}", line=it.serial_number or "—",
              scanned=self.scanned_serial or "—"),
        ]
        if it.gtin or self.scanned_gtin:  # said only where a product code is in play
            out.append(t(language, f"fit_gtin_{self.gtin.value}", line=it.gtin or "—",
                         scanned=self.scanned_gtin or "—"))
        return out


@dataclass(frozen=True, slots=True)
class LineMatch:
    """Every line's fit, and the line the rule picked (None: a shift lead chooses)."""

    case: Case
    lines: tuple[LineFit, ...]
    chosen: CaseItem | None

    def fit_of(self, line_id: str) -> LineFit:
        for fit in self.lines:
            if fit.item.line_id == line_id:
                return fit
        raise KeyError(line_id)


def match_line(case: Case, *, category: str, serial: str | None = None,
               sku: str | None = None, gtin: str | None = None) -> LineMatch:
    """Compare every line; pick one when the serial, the product code, or category and SKU
    decide uniquely.

    A serial that matches exactly one line decides (an IMEI is the strongest evidence);
    else a product code (GTIN-14, both sides normalised) that matches exactly one line;
    else the one line nothing contradicts; a one-line case is that line (a mismatch
    there is flagged on the inspection and holds it, not a reason to stop).
    """
    fits = tuple(
        LineFit(item=it, category=_compare(it.category, category), sku=_compare(it.sku, sku),
                serial=_compare(it.serial_number, serial, serial=True),
                inspected_category=category, scanned_serial=serial,
                gtin=_compare(it.gtin, gtin), scanned_gtin=gtin)
        for it in case.items)
    by_serial = [f for f in fits if f.serial is Fit.SAME]
    by_gtin = [f for f in fits if f.gtin is Fit.SAME]
    fitting = [f for f in fits if f.fits]
    chosen: CaseItem | None = None
    if len(by_serial) == 1:
        chosen = by_serial[0].item
    elif len(by_gtin) == 1:
        chosen = by_gtin[0].item
    elif len(fitting) == 1:
        chosen = fitting[0].item
    elif len(fits) == 1:
        chosen = fits[0].item
    return LineMatch(case=case, lines=fits, chosen=chosen)
