"""The shift report: the figures a shift lead reads at handover, as a PDF with charts.

The numbers come from `stats.compute_shift_stats` (pure, tested on its own); this module
only lays them out. An empty shift is a clear one-page report, not an error.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from app.domain import Classification, utcnow
from app.messages import check_language, t, value_label
from app.reports.fonts import SANS, label_font
from app.reports.inspection import write_file
from app.reports.layout import (
    MARGIN,
    Styles,
    drawing,
    fmt_duration,
    fmt_share,
    fmt_time,
    footer,
    grid_table,
    make_styles,
    paper_size,
    shift_label,
    table,
    to_local,
)
from app.reports.stats import (
    ShiftFacts,
    ShiftStats,
    compute_shift_stats,
    default_is_function_step,
)
from app.store.store import Store
from app.training import is_training_folder

BAR = colors.HexColor("#4a78a8")
CLASS_COLOURS: dict[str, colors.Color] = {Classification.INTACT: colors.HexColor("#4c9a5b"),
                                          Classification.DAMAGED: colors.HexColor("#c0504d"),
                                          Classification.MISSING_PARTS: colors.HexColor("#d49a2a")}


def _bar_chart(title: str, labels: list[str], values: list[int], width: float,
               height: float, bar_colours: list[Any] | None = None) -> Drawing:
    chart_drawing = drawing(width, height)
    font = label_font([title, *labels])
    chart_drawing.add(String(0, height - 10, title, fontName=font, fontSize=9))
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 28
    chart.width, chart.height = width - 36, height - 50
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    if len(labels) > 12:
        chart.categoryAxis.labels.angle = 60
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max(values) if values else 0
    chart.valueAxis.valueMax = max(1, top)
    chart.valueAxis.valueStep = max(1, -(-max(1, top) // 5))
    chart.bars[0].fillColor = BAR
    chart.bars.strokeColor = None
    if bar_colours:
        for i, colour in enumerate(bar_colours):
            chart.bars[(0, i)].fillColor = colour
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 6
    chart_drawing.add(chart)
    return chart_drawing


def _counts_table(title: str, counts: dict[str, int], total: int, st: Styles, width: float,
                  label: Callable[[str], str]) -> list[Flowable]:
    rows: list[list[Any]] = [[st.para(title, st.bold), st.para(t(st.language, "count"), st.bold),
                              st.para(t(st.language, "share"), st.bold)]]
    for key, n in counts.items():
        rows.append([st.para(label(key)), st.para(str(n)), st.para(fmt_share(n, total))])
    return [grid_table(rows, [width * 0.6, width * 0.18, width * 0.22])]


def _pairs(left: list[Flowable], right: list[Flowable], width: float) -> Table:
    tbl = table([[left, right]], colWidths=[width / 2, width / 2], hAlign="LEFT")
    tbl.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 8)]))
    return tbl


def _rma(lang: str, rma: str | None, scanned_code: str) -> str:
    """The RMA, or what was scanned while it is unverified: never an internal id."""
    return rma or t(lang, "unverified_rma", code=scanned_code or "—")


def _signed_with_reason(lang: str, lead: str | None, reason: str | None) -> str:
    """Who signed a mismatch off and why (16.1), or that nobody did."""
    if not lead:
        return t(lang, "none")
    return f"{lead}: {reason}" if reason else lead


def _serial_mismatch_section(stats: ShiftStats, st: Styles, lang: str,
                             doc_width: float) -> list[Flowable]:
    """Serial/IMEI mismatches of the shift and who signed each off (issue 14.3)."""
    out: list[Flowable] = [st.para(f"{t(lang, 'serial_mismatches')} "
                                   f"({len(stats.serial_mismatches)})", st.h2)]
    if not stats.serial_mismatches:
        return [*out, st.para(t(lang, "none_listed"))]
    rows: list[list[Any]] = [[st.para(t(lang, k), st.bold) for k in
                              ("rma", "item", "inspector", "serial_expected", "serial_scanned",
                               "signed_off")]]
    for m in stats.serial_mismatches:
        rows.append([st.para(_rma(lang, m.rma, "")), st.para(m.item), st.para(m.inspector_id),
                     st.para(m.expected or "—"), st.para(m.scanned or "—"),
                     st.para(_signed_with_reason(lang, m.signed_by, m.reason))])
    return [*out, grid_table(rows, [doc_width * w for w in (0.18, 0.22, 0.1, 0.17, 0.17, 0.16)],
                             zebra=True)]


def build_shift_story(stats: ShiftStats, *, title: str, station_id: str, doc_width: float,
                      st: Styles, language: str, tz: tzinfo | None) -> list[Flowable]:
    lang = language
    zone = to_local(stats.start, tz).tzname() or ""
    story: list[Flowable] = [
        st.para(f"{t(lang, 'shift_title')} — {title}", st.title),
        st.para(f"{t(lang, 'station')}: {station_id}   ·   {t(lang, 'period')}: "
                f"{shift_label(stats.start, stats.end, tz)}   ·   {t(lang, 'timezone')}: {zone}"),
        Spacer(1, 6),
    ]
    if stats.total == 0:
        story.append(st.para(t(lang, "empty_shift"), st.h2))
        return story

    # --- key figures
    figures = [
        (t(lang, "inspections"), str(stats.total)),
        (t(lang, "avg_duration"), fmt_duration(stats.mean_duration_s)),
        (t(lang, "p90_duration"), fmt_duration(stats.p90_duration_s)),
        (t(lang, "deadline_kept"),
         f"{fmt_share(stats.on_time, stats.with_deadline)} "
         f"({stats.on_time}/{stats.with_deadline})" if stats.with_deadline
         else t(lang, "no_deadline")),
        (t(lang, "overdue"), str(len(stats.overdue))),
        (t(lang, "claim_mismatch_rate"),
         f"{fmt_share(stats.disagreeing, stats.claimed)} ({stats.disagreeing}/{stats.claimed})"),
        (t(lang, "nff_rate"),
         f"{fmt_share(stats.no_fault_found, stats.defective_claims)} "
         f"({stats.no_fault_found}/{stats.defective_claims})"),
        (t(lang, "overrides"), str(len(stats.overrides))),
        (t(lang, "attention_items"), str(len(stats.attention))),
        (t(lang, "serial_mismatches"), str(len(stats.serial_mismatches))),
        (t(lang, "gtin_mismatches"), str(stats.gtin_mismatches)),
        (t(lang, "intact_untested_count"), str(stats.intact_untested)),
    ]
    story.append(st.para(t(lang, "key_figures"), st.h2))
    story.append(grid_table([[st.para(k, st.bold), st.para(v)] for k, v in figures],
                            [doc_width * 0.45, doc_width * 0.55], header=False))

    # --- charts
    half = doc_width / 2
    cls_keys = list(stats.by_classification)
    class_chart = _bar_chart(t(lang, "by_classification"),
                             [value_label(lang, k) for k in cls_keys],
                             [stats.by_classification[k] for k in cls_keys], half - 6, 150,
                             [CLASS_COLOURS.get(k, BAR) for k in cls_keys])
    hours = [to_local(h, tz).strftime("%H") for h, _ in stats.per_hour]
    hour_chart = _bar_chart(t(lang, "per_hour"), hours, [n for _, n in stats.per_hour],
                            half - 6, 150)
    story += [Spacer(1, 6), _pairs([class_chart], [hour_chart], doc_width)]

    # --- totals
    col = half - 8
    story.append(st.para(t(lang, "totals"), st.h2))
    story.append(_pairs(
        _counts_table(t(lang, "by_classification"), stats.by_classification, stats.total, st,
                      col, lambda k: value_label(lang, k)),
        _counts_table(t(lang, "by_disposition"), stats.by_disposition, stats.total, st, col,
                      lambda k: value_label(lang, None if k == "none" else k)),
        doc_width))
    story.append(Spacer(1, 6))
    story.append(_pairs(
        _counts_table(t(lang, "by_category"), stats.by_category, stats.total, st, col, str),
        _counts_table(t(lang, "by_inspector"), stats.by_inspector, stats.total, st, col, str),
        doc_width))
    story.append(st.para(t(lang, "per_hour"), st.h2))
    hour_rows: list[list[Any]] = [[st.para(t(lang, "hour"), st.bold),
                                   st.para(t(lang, "count"), st.bold)]]
    for h, n in stats.per_hour:
        local = to_local(h, tz)
        hour_rows.append([st.para(f"{local:%Y-%m-%d %H:00}"), st.para(str(n))])
    story.append(grid_table(hour_rows, [col * 0.6, col * 0.4]))

    # --- deadlines
    story.append(st.para(f"{t(lang, 'overdue_list')} ({len(stats.overdue)})", st.h2))
    if stats.overdue:
        rows: list[list[Any]] = [[st.para(t(lang, k), st.bold) for k in
                                  ("rma", "item", "inspector", "inspect_by", "completed",
                                   "late_by")]]
        for o in stats.overdue:
            rows.append([st.para(_rma(lang, o.rma, "")), st.para(o.item or o.sku or "—"),
                         st.para(o.inspector_id), st.para(fmt_time(o.inspect_by, tz)),
                         st.para(fmt_time(o.completed_at, tz)),
                         st.para(fmt_duration(o.late_by.total_seconds()))])
        story.append(grid_table(rows, [doc_width * w for w in
                                       (0.22, 0.16, 0.14, 0.18, 0.18, 0.12)], zebra=True))
    else:
        story.append(st.para(t(lang, "none_listed")))

    # --- claim versus finding
    story.append(st.para(t(lang, "claim_vs_finding"), st.h2))
    rows = [[st.para(t(lang, k), st.bold) for k in ("customer_reason", "claims", "disagree",
                                                    "share")]]
    for c in stats.claims:
        rows.append([st.para(value_label(lang, c.reason)), st.para(str(c.claims)),
                     st.para(str(c.disagree)), st.para(fmt_share(c.disagree, c.claims))])
    story.append(grid_table(rows, [doc_width * w for w in (0.4, 0.2, 0.2, 0.2)]))
    if stats.mismatches:
        story.append(Spacer(1, 4))
        story.append(grid_table(
            [[st.para(t(lang, "reason"), st.bold), st.para(t(lang, "count"), st.bold)]]
            + [[st.para(t(lang, f"mismatch_{kind}")), st.para(str(n))]
               for kind, n in sorted(stats.mismatches.items(), key=lambda kv: -kv[1])],
            [doc_width * 0.6, doc_width * 0.2]))
    if stats.nff_by_sku:
        story.append(st.para(t(lang, "nff_per_sku"), st.h2))
        rows = [[st.para(t(lang, k), st.bold) for k in ("sku", "defective_claims", "nff",
                                                        "share")]]
        for s in stats.nff_by_sku:
            rows.append([st.para(s.sku), st.para(str(s.defective_claims)),
                         st.para(str(s.no_fault_found)),
                         st.para(fmt_share(s.no_fault_found, s.defective_claims))])
        story.append(grid_table(rows, [doc_width * w for w in (0.4, 0.2, 0.2, 0.2)],
                                zebra=True))

    # --- overrides with their reasons
    story.append(st.para(f"{t(lang, 'overrides_list')} ({len(stats.overrides)})", st.h2))
    if stats.overrides:
        rows = [[st.para(t(lang, k), st.bold) for k in ("rma", "item", "inspector", "from_to",
                                                        "reason")]]
        for ov in stats.overrides:
            rows.append([st.para(_rma(lang, ov.rma, ov.scanned_code)), st.para(ov.item),
                         st.para(ov.inspector_id),
                         st.para(f"{value_label(lang, ov.suggested.value)} → "
                                 f"{value_label(lang, ov.classification.value)}"),
                         st.para(ov.reason)])
        story.append(grid_table(rows, [doc_width * w for w in (0.2, 0.2, 0.12, 0.2, 0.28)],
                                zebra=True))
    else:
        story.append(st.para(t(lang, "none_listed")))

    # --- items needing attention
    story.append(st.para(f"{t(lang, 'attention_items')} ({len(stats.attention)})", st.h2))
    if stats.attention:
        rows = [[st.para(t(lang, k), st.bold) for k in ("rma", "item", "inspector", "sync",
                                                        "reason")]]
        for a in stats.attention:
            reason = a.reason
            if reason.startswith("unverified:"):
                reason = t(lang, "unverified_attention", code=reason.split(":", 1)[1])
            rows.append([st.para(_rma(lang, a.rma, a.scanned_code)), st.para(a.item),
                         st.para(a.inspector_id),
                         st.para(value_label(lang, a.sync_state)), st.para(reason)])
        story.append(grid_table(rows, [doc_width * w for w in (0.2, 0.18, 0.1, 0.14, 0.38)],
                                zebra=True))
    else:
        story.append(st.para(t(lang, "none_listed")))
    story += _serial_mismatch_section(stats, st, lang, doc_width)
    story.append(st.para(t(lang, "sync_states"), st.h2))
    story.append(grid_table(
        [[st.para(value_label(lang, k)), st.para(str(n))] for k, n in stats.sync_states.items()],
        [doc_width * 0.4, doc_width * 0.2], header=False))
    return story


def build_shift_pdf(
    records: Sequence[ShiftFacts],
    start: datetime,
    end: datetime,
    *,
    title: str,
    station_id: str = "",
    paper: str = "a4",
    language: str = "en",
    tz: tzinfo | None = None,
    is_function_step: Callable[[str], bool] = default_is_function_step,
    now: datetime | None = None,
    training: bool = False,
) -> bytes:
    """The PDF bytes of a shift report over [start, end) (`training`: pages say TRAINING)."""
    check_language(language)
    stats = compute_shift_stats(records, start, end, tz=tz, is_function_step=is_function_step)
    st = make_styles(language)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=paper_size(paper), leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN, bottomMargin=MARGIN + 4, initialFontName=SANS,
        title=f"{t(language, 'shift_title')} {title}", author=station_id or "inspection station")
    story = build_shift_story(stats, title=title, station_id=station_id, doc_width=doc.width,
                              st=st, language=language, tz=tz)
    on_page = footer(language, f"{t(language, 'shift_title')} · {title} · {station_id}",
                     now or utcnow(), tz, training=training)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def render_shift_report(
    store: Store,
    start: datetime,
    end: datetime,
    out: Path | None = None,
    *,
    title: str,
    station_id: str = "",
    paper: str = "a4",
    language: str = "en",
    tz: tzinfo | None = None,
    is_function_step: Callable[[str], bool] = default_is_function_step,
) -> bytes:
    """Render the shift [start, end) from the store; write to `out` when given. Only the
    printed columns are loaded (`Store.shift_rows`), never whole records."""
    records = store.shift_rows(start, end)
    pdf = build_shift_pdf(records, start, end, title=title, station_id=station_id, paper=paper,
                          language=language, tz=tz, is_function_step=is_function_step,
                          training=is_training_folder(store.db_file.parent))
    if out is not None:
        write_file(out, pdf)
    return pdf
