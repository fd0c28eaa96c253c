"""What a next-location label says, taken from the stored inspection (never from the screen).

The label travels with the item to its next location, so it carries the RMA, the item,
the classification and the disposition (with a large code a person reads from a metre
away), the inspection id (as Code 128, to find the inspection again), the station and the
time in the station's zone, like the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from app.domain import DomainError, Operator, PermissionDenied
from app.messages import t, value_label
from app.reports.layout import fmt_time, to_local
from app.store.store import InspectionRecord

# A short code per disposition, printed large; values added later print their first letters.
DISPOSITION_CODES: dict[str, str] = {
    "restock": "RST",
    "refurbish": "RFB",
    "return_to_vendor": "RTV",
    "scrap": "SCR",
    "hold": "HLD",  # a mismatch's null disposition: held for review (16.1), not "none"
}
NO_DISPOSITION_CODE = "---"


class LabelError(DomainError):
    """The label did not print; the message says why in the station's language."""


def disposition_code(value: str | None) -> str:
    if value is None:
        return NO_DISPOSITION_CODE
    return DISPOSITION_CODES.get(value, value.replace("_", "")[:4].upper())


@dataclass(frozen=True, slots=True)
class LabelContent:
    """Every text on a label, already in the label's language."""

    language: str
    inspection_id: str
    rma: str
    sku: str
    description: str
    classification: str
    disposition: str
    code: str
    station: str
    time: str
    reprint: bool = False
    training: bool = False

    def caption(self, key: str) -> str:
        return t(self.language, key)


def label_content(record: InspectionRecord, *, station_id: str, language: str,
                  tz: tzinfo | None = None, reprint: bool = False,
                  training: bool = False) -> LabelContent:
    """The label of one completed inspection (tz None: this computer's zone, as reports)."""
    item = record.item()
    if item is not None:
        sku, description = item.sku, item.title
    else:  # unverified: the scanned code and the category are all there is
        sku, description = record.sku or "", record.category
    rma = record.rma or t(language, "unverified_rma", code=record.scanned_code or "—")
    zone = to_local(record.completed_at, tz).tzname() or ""
    disposition = record.disposition.value if record.disposition else None
    if disposition is None and (record.serial_mismatch or record.gtin_mismatch):
        disposition = "hold"  # to the hold shelf: a lead signed it off for review (16.1)
    return LabelContent(
        language=language,
        inspection_id=record.inspection_id,
        rma=rma,
        sku=sku,
        description=description,
        classification=value_label(language, record.classification.value),
        disposition=value_label(language, disposition),
        code=disposition_code(disposition),
        station=record.result.station_id if record.result is not None else station_id,
        time=f"{fmt_time(record.completed_at, tz)} {zone}".strip(),
        reprint=reprint,
        training=training,
    )


def require_label_reprint(operator: Operator | None) -> Operator:
    """Who may reprint a label: any logged-in operator, inspector or shift lead.

    A label only restates the stored result (a reprint cannot change the disposition), and
    a jammed or torn label must not leave the item waiting at the bench for a shift lead;
    the reprint says REPRINT on the label and goes to the audit log with who asked.
    """
    if operator is None:
        raise PermissionDenied(key="label_login")
    return operator
