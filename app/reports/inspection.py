"""The inspection report: one completed inspection as a printable PDF (evidence for the case).

Everything printed comes from the stored record, and the answers come from the result
bytes as sent when they exist, so the page matches what the case API received. The RMA
is drawn as Code 128 and the case id as a QR code by ReportLab itself (vector, scannable
from a 150 dpi rendering); photos are embedded as verified thumbnails.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.atomic import atomic_write
from app.domain import (
    Answer,
    CaseItem,
    ChecklistTemplate,
    Classification,
    Photo,
    Result,
    utcnow,
)
from app.messages import check_language, t, value_label
from app.photo_check import kept_text
from app.product_code import GATE_STEP_ID
from app.reports.fonts import SANS
from app.reports.layout import (
    GRID,
    MARGIN,
    Styles,
    drawing,
    fmt_duration,
    fmt_time,
    footer,
    grid_table,
    make_styles,
    paper_size,
    table,
)
from app.reports.thumbs import Thumbnail, thumbnail
from app.store.store import InspectionRecord, Store
from app.training import is_training_folder
from app.weight import WeightCheck, weight_findings

PhotoLocator = Callable[[str], Path | None]

CODE128_BAR_WIDTH = 1.3  # points per module (0.46 mm): ~2.7 px at 150 dpi
CODE128_HEIGHT = 36.0
QR_SIZE = 92.0  # points; a 36-character case id gives ~3 pt modules
PHOTO_COLUMNS = 3
FAIL_BG = colors.HexColor("#fde2e2")


def prompts_from_template(template: ChecklistTemplate, language: str = "en") -> dict[str, str]:
    """step_id -> prompt in the report language."""
    return {step.step_id: step.prompt.text(language) for step in template.steps}


def _item_of(record: InspectionRecord) -> CaseItem | None:
    case = record.case
    if case is None:
        return None
    if record.result is not None:
        for it in case.items:
            if it.line_id == record.result.line_id:
                return it
    for it in case.items:
        if it.sku == record.sku:
            return it
    return case.items[0] if case.items else None


def mismatch_text(record: InspectionRecord, lang: str, tz: tzinfo | None) -> str:
    """Who signed a serial/IMEI mismatch off, when and why (or that nobody could, yet)."""
    if record.mismatch_signed_by:
        return t(lang, "mismatch_signed", lead=record.mismatch_signed_by,
                 at=fmt_time(record.mismatch_signed_at, tz),
                 reason=record.mismatch_sign_off_reason or "—")
    return t(lang, "mismatch_unsigned")


def gtin_text(record: InspectionRecord, lang: str, tz: tzinfo | None) -> str:
    """A product code mismatch (16.1): on hold, and who signed it off with what reason."""
    if record.gtin_signed_by:
        return t(lang, "gtin_signed", lead=record.gtin_signed_by,
                 at=fmt_time(record.gtin_signed_at, tz), reason=record.gtin_sign_off_reason or "—")
    return t(lang, "gtin_unsigned")


def _gtin_rows(record: InspectionRecord, lang: str) -> list[tuple[str, Any]]:
    """The product codes compared at the identity gate, when it was part of the inspection."""
    gate = next((a for a in record.answers if a.step_id == GATE_STEP_ID), None)
    if gate is None and record.gtin_scanned is None:
        return []
    scanned = record.gtin_scanned or t(lang, "gtin_not_scanned")
    return [(t(lang, "gtin_expected"), record.gtin_expected or t(lang, "gtin_not_known")),
            (t(lang, "gtin_scanned"), scanned)]


def classification_text(record: InspectionRecord, lang: str) -> str:
    """The classification for people: "intact, untested" when tests were not done (16.4)."""
    if record.untested_steps and record.classification is Classification.INTACT:
        return t(lang, "intact_untested")
    return value_label(lang, record.classification.value)


def _gate_and_grade_findings(record: InspectionRecord, lang: str, tz: tzinfo | None,
                             prompts: Mapping[str, str]) -> list[tuple[str, Any]]:
    """A product code mismatch and its sign-off (16.1); the tests not done (16.4)."""
    out: list[tuple[str, Any]] = []
    if record.gtin_mismatch:
        out.append((t(lang, "gtin_mismatch"), gtin_text(record, lang, tz)))
    if record.untested_steps:
        out.append((t(lang, "tests_not_done"), "; ".join(
            prompts.get(sid, sid) for sid in record.untested_steps)))
    return out


def disposition_text(record: InspectionRecord, lang: str) -> str:
    """The disposition for people: a mismatch's null one is "hold for review" (16.1)."""
    if record.disposition is None and (record.gtin_mismatch or record.serial_mismatch):
        return value_label(lang, "hold")
    return value_label(lang, record.disposition.value if record.disposition else None)


def _code128(rma: str) -> Flowable:
    return Code128(rma, barWidth=CODE128_BAR_WIDTH, barHeight=CODE128_HEIGHT,
                   humanReadable=True, fontSize=8, fontName=SANS)


def _qr(case_id: str) -> Flowable:
    widget = QrCodeWidget(case_id, barLevel="M", barBorder=4, barWidth=QR_SIZE,
                          barHeight=QR_SIZE)
    qr = drawing(QR_SIZE, QR_SIZE)
    qr.add(widget)
    return qr


def _kv_table(rows: Sequence[tuple[str, Any]], st: Styles, width: float,
              label_share: float = 0.36) -> Table:
    data = [[st.para(label, st.bold), value if isinstance(value, Flowable) else st.para(value)]
            for label, value in rows]
    tbl = table(data, colWidths=[width * label_share, width * (1 - label_share)],
                  hAlign="LEFT")
    tbl.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
    ]))
    return tbl


# A table row cannot flow onto the next page: a value longer than this leaves its table
# and is printed in full below it as ordinary paragraphs, which do (a 2,000-character note
# in a table cell made a row taller than the page and the whole report failed).
LONG_TEXT = 300


def _move_long(rows: list[tuple[str, Any]], lang: str,
               below: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    """The rows with long text values replaced by a pointer; the texts go to `below`."""
    out: list[tuple[str, Any]] = []
    for label, value in rows:
        if isinstance(value, str) and len(value) > LONG_TEXT:
            below.append((label, value))
            value = t(lang, "see_below")
        out.append((label, value))
    return out


def _in_full(below: Sequence[tuple[str, str]], st: Styles, lang: str) -> list[Flowable]:
    """Long texts as paragraphs, which split over pages like any text."""
    if not below:
        return []
    parts: list[Flowable] = [st.para(t(lang, "long_texts"), st.h2)]
    for label, text in below:
        parts += [st.para(label, st.bold), st.para(text), Spacer(1, 4)]
    return parts


def _answer_value(answer: Answer) -> str:
    if answer.value is None or answer.value == "":
        return ""
    if isinstance(answer.value, float) and answer.value.is_integer():
        return str(int(answer.value))
    return str(answer.value)


def _photo_cell(photo: Photo, thumb: Thumbnail, caption: str, st: Styles, width: float,
                language: str) -> list[Flowable]:
    max_h = width * 0.78
    parts: list[Flowable] = []
    if thumb.jpeg is not None and thumb.width and thumb.height:
        scale = min(width / thumb.width, max_h / thumb.height)
        parts.append(Image(io.BytesIO(thumb.jpeg), width=thumb.width * scale,
                           height=thumb.height * scale))
    else:
        box = table([[st.para(f"[{t(language, thumb.problem or 'photo_unreadable')}]",
                              st.small)]],
                    colWidths=[width], rowHeights=[max_h * 0.5])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.red),
                                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                 ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        parts.append(box)
    parts.append(st.para(caption, st.small))
    return parts


def build_inspection_story(
    record: InspectionRecord,
    *,
    doc_width: float,
    st: Styles,
    language: str,
    station_id: str,
    photo_file: PhotoLocator | None,
    prompts: Mapping[str, str] | None,
    tz: tzinfo | None,
    cache_dir: Path | None,
) -> list[Flowable]:
    """The flowables of one inspection report (reusable, e.g. to bind several together)."""
    lang = language
    prompts = prompts or {}
    result = record.result
    case = record.case
    item = _item_of(record)
    story: list[Flowable] = [st.para(t(lang, "inspection_title"), st.title)]

    # --- header: the RMA as Code 128 on its own line, then who/where/when beside the QR
    case_id = result.case_id if result is not None else (case.case_id if case else None)
    if record.rma:
        bar = _code128(record.rma)
        bar_row = table([[st.para(t(lang, "rma"), st.small), bar]],
                        colWidths=[60, float(bar.width)], hAlign="LEFT")
        bar_row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story += [bar_row, Spacer(1, 10)]
    else:
        story.append(st.para(t(lang, "no_rma")))
    code_w = QR_SIZE + 8
    code_parts: list[Flowable] = []
    if case_id:
        code_parts += [st.para(t(lang, "case_id"), st.small), _qr(case_id)]
    facts_w = doc_width - code_w
    facts = [
        (t(lang, "inspection_id"), record.inspection_id),
        (t(lang, "station"), result.station_id if result is not None else station_id),
        (t(lang, "inspector"), record.inspector_id),
        (t(lang, "started"), fmt_time(record.started_at, tz, seconds=True)),
        (t(lang, "completed"), fmt_time(record.completed_at, tz, seconds=True)),
        (t(lang, "duration"),
         fmt_duration((record.completed_at - record.started_at).total_seconds())),
        (t(lang, "rma"), record.rma or t(lang, "unverified_rma", code=record.scanned_code or "—")),
        (t(lang, "case_id"), case_id or "—"),
        (t(lang, "order_id"), record.order_id or "—"),
    ]
    if record.unverified or result is None:
        facts.append(("", t(lang, "unverified_note", code=record.scanned_code)))
    header = table([[_kv_table(facts, st, facts_w - 10, label_share=0.3), code_parts]],
                   colWidths=[facts_w, code_w], hAlign="LEFT")
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [header, Spacer(1, 6)]

    # --- case details beside the findings
    half = (doc_width - 8) / 2
    case_rows: list[tuple[str, Any]] = []
    if item is not None:
        case_rows += [(t(lang, "item"), item.title), (t(lang, "sku"), item.sku),
                      (t(lang, "category"), item.category)]
    else:
        case_rows += [(t(lang, "sku"), record.sku or "—"),
                      (t(lang, "category"), record.category)]
    case_rows += [
        (t(lang, "serial_expected"), record.serial_expected or "—"),
        (t(lang, "serial_scanned"), record.serial_scanned or "—"),
        *_gtin_rows(record, lang),
    ]
    if case is not None:
        case_rows += [
            (t(lang, "received"), fmt_time(case.received_at, tz)),
            (t(lang, "inspect_by"), fmt_time(case.inspect_by, tz)),
            (t(lang, "customer_reason"), value_label(lang, case.customer_reason.value)),
            (t(lang, "customer_comment"), case.customer_comment or "—"),
            (t(lang, "tracking"), ", ".join(case.tracking_numbers) or "—"),
        ]
        if item is not None and item.expected_accessories:
            case_rows.append((t(lang, "expected_accessories"),
                              ", ".join(item.expected_accessories)))
    elif record.customer_reason:
        case_rows.append((t(lang, "customer_reason"),
                          value_label(lang, record.customer_reason)))
    findings: list[tuple[str, Any]] = [(t(lang, "classification"),
                                        classification_text(record, lang))]
    if record.classification_suggested != record.classification or record.override_reason:
        findings += [
            (t(lang, "suggested"), value_label(lang, record.classification_suggested.value)),
            (t(lang, "override_reason"), record.override_reason or "—"),
        ]
    if record.serial_mismatch:
        findings.append((t(lang, "serial_mismatch"), mismatch_text(record, lang, tz)))
    findings += _gate_and_grade_findings(record, lang, tz, prompts)
    findings += [
        (t(lang, "disposition"), disposition_text(record, lang)),
        (t(lang, "missing_accessories"),
         ", ".join(record.missing_accessories) or t(lang, "none")),
    ]
    findings += weight_findings(record.answers, lang)
    failed = [a for a in record.answers if a.result is Result.FAIL]
    for a in failed:
        findings.append((value_label(lang, "fail"), prompts.get(a.step_id, a.step_id)
                         + (f" — {a.note}" if a.note else "")))
    below: list[tuple[str, str]] = []
    case_rows = _move_long(case_rows, lang, below)
    findings = _move_long(findings, lang, below)
    side = table(
        [[st.para(t(lang, "case_details"), st.h2), st.para(t(lang, "findings"), st.h2)],
         [_kv_table(case_rows, st, half), _kv_table(findings, st, half)]],
        colWidths=[half + 8, half], hAlign="LEFT")
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(side)
    story += _in_full(below, st, lang)

    # --- every checklist answer with its note
    story.append(st.para(t(lang, "checklist"), st.h2))
    rows: list[list[Any]] = [[st.para(t(lang, k), st.bold)
                              for k in ("step", "result", "value", "note")]]
    fail_rows: list[int] = []
    long_notes: list[tuple[str, str]] = []
    for i, a in enumerate(record.answers, start=1):
        prompt = prompts.get(a.step_id)
        step_text = f"{prompt}\n{a.step_id}" if prompt else a.step_id
        moved: list[tuple[str, str]] = []
        (_, value), (_, note) = _move_long([("", _answer_value(a)), ("", a.note)], lang, moved)
        long_notes += [(f"{prompt or a.step_id} ({a.step_id})", text) for _, text in moved]
        check = WeightCheck.from_dict((a.extra or {}).get("weight"))
        value = check.report_text(lang) if check is not None else value
        rows.append([st.para(step_text), st.para(value_label(lang, a.result.value)),
                     st.para(value), st.para(note)])
        if a.result is Result.FAIL or (check is not None and check.verdict == "fail"):
            fail_rows.append(i)
    if len(rows) == 1:
        rows.append([st.para("—"), "", "", ""])
    answers = grid_table(rows, [doc_width * w for w in (0.40, 0.11, 0.17, 0.32)])
    answers.setStyle(TableStyle([("BACKGROUND", (0, r), (-1, r), FAIL_BG) for r in fail_rows]))
    story.append(answers)
    story += _in_full(long_notes, st, lang)

    # --- photos: thumbnails in a grid, captions under each
    story.append(st.para(t(lang, "photos"), st.h2))
    photos = list(result.photos if result is not None else record.photos) or list(record.photos)
    if not photos:
        story.append(st.para(t(lang, "no_photos")))
    else:
        cell_w = (doc_width - 6 * (PHOTO_COLUMNS - 1)) / PHOTO_COLUMNS
        cells: list[list[Flowable]] = []
        for n, photo in enumerate(photos, start=1):
            path = photo_file(photo.photo_id) if photo_file else None
            thumb = thumbnail(path, photo.sha256, cache_dir=cache_dir)
            step = prompts.get(photo.step_id or "", photo.step_id or "")
            caption = (f"{n}. {step}\n{fmt_time(photo.taken_at, tz, seconds=True)} · "
                       f"{photo.width}×{photo.height} · SHA-256 {photo.sha256[:16]}…")
            kept = kept_text(photo.quality, lang)
            caption += f"\n{kept}" if kept else ""
            cells.append(_photo_cell(photo, thumb, caption, st, cell_w, lang))
        grid_rows = [cells[i:i + PHOTO_COLUMNS] for i in range(0, len(cells), PHOTO_COLUMNS)]
        grid_rows[-1] += [[]] * (PHOTO_COLUMNS - len(grid_rows[-1]))
        grid = table(grid_rows, colWidths=[cell_w + 6] * PHOTO_COLUMNS, hAlign="LEFT")
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story.append(grid)

    # --- sync status and the hash of the bytes as sent
    sync_rows: list[tuple[str, Any]] = [(t(lang, "sync"), value_label(lang, record.sync_state))]
    sync_below: list[tuple[str, str]] = []
    if record.attention_reason:
        sync_rows += _move_long([(t(lang, "attention_reason"), record.attention_reason)], lang,
                                sync_below)
    sync_rows.append((t(lang, "payload_sha256"),
                      Paragraph(record.payload_sha256, st.mono) if record.payload_sha256
                      else st.para(t(lang, "not_frozen"))))
    story.append(KeepTogether([st.para(t(lang, "sync"), st.h2),
                               _kv_table(sync_rows, st, doc_width, label_share=0.3)]))
    story += _in_full(sync_below, st, lang)
    return story


def build_inspection_pdf(
    record: InspectionRecord,
    *,
    station_id: str = "",
    photo_file: PhotoLocator | None = None,
    paper: str = "a4",
    language: str = "en",
    prompts: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    cache_dir: Path | None = None,
    now: datetime | None = None,
    training: bool = False,
) -> bytes:
    """The PDF bytes of one inspection report (`training`: every page says TRAINING)."""
    check_language(language)
    pagesize = paper_size(paper)
    st = make_styles(language)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 4, initialFontName=SANS,
        title=f"{t(language, 'inspection_title')} {record.rma or ''}",
        author=station_id or "inspection station", subject=record.inspection_id,
    )
    story = build_inspection_story(
        record, doc_width=doc.width, st=st, language=language, station_id=station_id,
        photo_file=photo_file, prompts=prompts, tz=tz, cache_dir=cache_dir)
    left = f"{record.rma or record.inspection_id} · {record.inspection_id}"
    on_page = footer(language, left, now or utcnow(), tz, training=training)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def store_photo_locator(store: Store) -> PhotoLocator:
    """photo_id -> file path, None when the store has no such photo."""

    def locate(photo_id: str) -> Path | None:
        try:
            return store.photo_file(photo_id)
        except Exception:  # StoreError or a refused file name: shown as a missing photo
            return None

    return locate


def render_inspection_report(
    store: Store,
    inspection_id: str,
    out: Path | None = None,
    *,
    station_id: str = "",
    paper: str = "a4",
    language: str = "en",
    prompts: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
    cache_dir: Path | None = None,
) -> bytes:
    """Render one completed inspection; write it to `out` when given; return the bytes.

    Raises app.store.db.StoreError when there is no completed inspection with that id.
    """
    record = store.record(inspection_id)
    pdf = build_inspection_pdf(
        record, station_id=station_id, photo_file=store_photo_locator(store), paper=paper,
        language=language, prompts=prompts, tz=tz, cache_dir=cache_dir,
        training=is_training_folder(store.db_file.parent))
    if out is not None:
        write_file(out, pdf)
    return pdf


def write_file(out: Path, data: bytes) -> None:
    """Write next to the target and rename, so a reader never opens half a PDF.

    On any failure (a full disk above all) the hidden temp file goes too: a failed report
    leaves nothing behind, not even an empty file.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, data, durable=False)
