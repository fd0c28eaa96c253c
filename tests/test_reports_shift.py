"""Shift report PDFs from a real store: a night shift past midnight, Chinese, empty shifts."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.config import ShiftDefinition
from app.domain import Classification, CustomerReason, Disposition, Result
from app.reports.shift import render_shift_report
from app.reports.stats import shift_window
from app.store.store import Store
from tests.builders import add_inspection, report_case, store_clock
from tests.test_reports_support import pdf_pages, pdftotext

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT = ShiftDefinition("night", time(22, 0), time(6, 0))
DAY = date(2024, 5, 2)


def local(d: int, h: int, m: int = 0) -> datetime:
    return datetime(2024, 5, d, h, m, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "station.db", tmp_path / "photos")
    with store_clock(local(2, 21)) as clock:
        # 23:30 on the 2nd: claimed defective, every function step passed (no fault found).
        add_inspection(s, clock, report_case(1, sku="SKU-HEAD", category="耳机"),
                       started=local(2, 23, 20), completed=local(2, 23, 30), inspector="王芳")
        # 02:00 on the 3rd, after the deadline, overridden with a reason.
        add_inspection(s, clock, report_case(2, reason=CustomerReason.DAMAGED_IN_TRANSIT,
                                           inspect_by=local(3, 1)),
                       started=local(3, 1, 50), completed=local(3, 2), inspector="Łukasz",
                       results={"app-body": Result.FAIL, "fn-works": Result.PASS},
                       classification=Classification.DAMAGED,
                       suggested=Classification.INTACT, override_reason="Dent under the label",
                       disposition=Disposition.RETURN_TO_VENDOR)
        attention = add_inspection(s, clock, report_case(3, reason=CustomerReason.NO_LONGER_NEEDED),
                                   started=local(3, 4), completed=local(3, 4, 12))
        # 07:00 on the 3rd: the early shift, not this one.
        add_inspection(s, clock, report_case(4), started=local(3, 6, 50), completed=local(3, 7))
    s.mark_attention(attention, "case 3 was cancelled on the server")
    yield s
    s.close()


def test_night_shift_report(store: Store, tmp_path: Path) -> None:
    start, end = shift_window(DAY, NIGHT, SHANGHAI)
    out = tmp_path / "night.pdf"
    render_shift_report(store, start, end, out, title="night 2024-05-02", station_id="BENCH-07",
                        tz=SHANGHAI)
    flat = " ".join(pdftotext(out).split())
    assert "Shift report — night 2024-05-02" in flat
    assert "2024-05-02 22:00 – 2024-05-03 06:00" in flat
    assert "Inspections 3" in flat
    assert "66.7% (2/3)" in flat  # inspected by the deadline
    assert "RMA-2024-0000002" in flat and "Dent under the label" in flat
    assert "case 3 was cancelled on the server" in flat
    assert "RMA-2024-0000004" not in flat  # 07:00 belongs to the early shift
    assert "耳机" in flat and "王芳" in flat and "Łukasz" in flat
    assert "SKU-HEAD" in flat and "claimed defective, every function step passed" in flat
    fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(r.split()[-5] == "yes" for r in fonts)


def test_chinese_shift_report_on_letter(store: Store, tmp_path: Path) -> None:
    start, end = shift_window(DAY, NIGHT, SHANGHAI)
    out = tmp_path / "night-zh.pdf"
    render_shift_report(store, start, end, out, title="夜班 2024-05-02", language="zh_CN",
                        paper="letter", tz=SHANGHAI)
    flat = " ".join(pdftotext(out).split())
    for expected in ("班次报告 — 夜班 2024-05-02", "关键指标", "按时检验率", "超时检验",
                     "改判及原因", "需处理事项", "无故障", "完好", "损坏", "退回供应商"):
        assert expected in flat, expected


def test_empty_shift_is_one_clear_page(store: Store, tmp_path: Path) -> None:
    start, end = shift_window(date(2024, 6, 1), NIGHT, SHANGHAI)
    out = tmp_path / "empty.pdf"
    render_shift_report(store, start, end, out, title="night 2024-06-01", tz=SHANGHAI)
    assert pdf_pages(out) == 1
    assert "No inspections were completed in this period." in " ".join(pdftotext(out).split())
