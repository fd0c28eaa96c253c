"""CSV export of completed inspections: one row per inspection, for spreadsheet programs.

UTF-8 with a byte-order mark (Excel then shows Chinese correctly), and every text cell
that a spreadsheet would run as a formula (= + - @, tab, carriage return) gets a leading
quote, because case comments and notes come from customers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from app.domain import Result
from app.reports.inspection import write_file
from app.reports.layout import to_local
from app.reports.stats import claim_mismatch, default_is_function_step
from app.store.store import InspectionRecord

COLUMNS = (
    "inspection_id", "station_id", "inspector_id", "started_at", "completed_at",
    "duration_s", "rma", "case_id", "order_id", "sku", "item_title", "category",
    "customer_reason", "customer_comment", "inspect_by", "on_time", "classification",
    "classification_suggested", "override_reason", "disposition", "missing_accessories",
    "failed_steps", "notes", "photos", "claim_mismatch", "sync_state", "attention_reason",
    "payload_sha256",
    # issue 14.2/14.3: what an unverified item was scanned as; the serial check
    "scanned_code", "serial_expected", "serial_scanned", "serial_mismatch", "mismatch_signed_by",
    "mismatch_sign_off_reason",  # 16.1: a serial mismatch holds, signed off with a reason
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Numbers stay numbers; text that a spreadsheet would evaluate gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _ts(value: object, tz: tzinfo | None) -> str:
    if not isinstance(value, datetime):
        return ""
    return to_local(value, tz).isoformat(timespec="seconds")


def record_row(record: InspectionRecord, tz: tzinfo | None,
               is_function_step: Callable[[str], bool] = default_is_function_step
               ) -> list[object]:
    r = record
    case = r.case
    item = None
    if case is not None:
        line = r.result.line_id if r.result is not None else None
        item = next((i for i in case.items if i.line_id == line or i.sku == r.sku), None)
    on_time: object = ""
    if case is not None:
        on_time = r.completed_at <= case.inspect_by
    failed = [a.step_id for a in r.answers if a.result is Result.FAIL]
    notes = [f"{a.step_id}: {a.note}" for a in r.answers if a.note]
    return [
        r.inspection_id,
        r.result.station_id if r.result is not None else "",
        r.inspector_id,
        _ts(r.started_at, tz),
        _ts(r.completed_at, tz),
        round((r.completed_at - r.started_at).total_seconds()),
        r.rma,
        r.result.case_id if r.result is not None else (case.case_id if case else ""),
        r.order_id,
        r.sku,
        item.title if item else "",
        r.category,
        r.customer_reason,
        case.customer_comment if case else "",
        _ts(case.inspect_by, tz) if case else "",
        on_time,
        r.classification.value,
        r.classification_suggested.value,
        r.override_reason,
        r.disposition.value if r.disposition else "",
        "; ".join(r.missing_accessories),
        "; ".join(failed),
        " | ".join(notes),
        len(r.photos),
        claim_mismatch(r, is_function_step) or "",
        r.sync_state,
        r.attention_reason,
        r.payload_sha256,
        r.scanned_code,
        r.serial_expected,
        r.serial_scanned,
        r.serial_mismatch,
        r.mismatch_signed_by,
        r.mismatch_sign_off_reason,
    ]


def export_csv(records: Sequence[InspectionRecord], *, tz: tzinfo | None = None,
               is_function_step: Callable[[str], bool] = default_is_function_step) -> bytes:
    """The CSV file's bytes (UTF-8 with BOM, CRLF line ends as RFC 4180 says)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([safe_cell(v) for v in record_row(record, tz, is_function_step)])
    return buf.getvalue().encode("utf-8-sig")


def write_csv(records: Sequence[InspectionRecord], out: Path, *,
              tz: tzinfo | None = None) -> int:
    """Write the export to `out`; returns the number of rows."""
    write_file(out, export_csv(records, tz=tz))
    return len(records)
