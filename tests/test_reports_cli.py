"""The report and export commands: files written, CSV safe for spreadsheets, exit codes."""

from __future__ import annotations

import argparse
import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.reports import cli
from app.reports.export import safe_cell
from app.store.store import Store
from tests.builders import add_inspection, report_case, store_clock
from tests.test_reports_support import pdftotext, photo_jpeg

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parser() -> argparse.ArgumentParser:
    """The shape app/cli.py gives it: global --data-dir/--config, then subcommands."""
    p = argparse.ArgumentParser(prog="inspection-station")
    p.add_argument("--data-dir")
    p.add_argument("--config")
    cli.register(p.add_subparsers(dest="command"))
    return p


def run(*argv: str) -> int:
    args = parser().parse_args(list(argv))
    return int(args.func(args))


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, str]:
    d = tmp_path / "data"
    (d).mkdir()
    (d / "config.toml").write_text('station_id = "BENCH-09"\nlanguage = "en"\n',
                                   encoding="utf-8")
    store = Store(d / "station.db", d / "photos")
    t0 = datetime(2024, 5, 2, 23, 10, tzinfo=SHANGHAI).astimezone(UTC)
    with store_clock(t0) as clock:
        iid = add_inspection(
            store, clock,
            report_case(5, comment="=HYPERLINK(\"http://evil\")", title="电饭煲 Łódź"),
            started=t0, completed=t0.replace(minute=20), photos=[photo_jpeg(1)],
            notes={"fn-works": "-2 dB quieter"})
    store.close()
    return d, iid


def test_report_inspection_writes_a_pdf(data: tuple[Path, str], tmp_path: Path) -> None:
    d, iid = data
    out = tmp_path / "out" / "insp.pdf"
    assert run("--data-dir", str(d), "report", "inspection", iid, "--out", str(out),
               "--lang", "zh_CN", "--paper", "letter", "--tz", "Asia/Shanghai") == 0
    flat = " ".join(pdftotext(out).split())
    assert "退货检验报告" in flat and "BENCH-07" in flat and "电饭煲 Łódź" in flat
    assert "2024-05-02 23:10:00" in flat  # local time in the zone given
    assert list((d / "cache" / "thumbs").glob("*.jpg"))  # thumbnails cached in the data folder


def test_report_shift_by_name_and_by_range(data: tuple[Path, str], tmp_path: Path) -> None:
    d, _ = data
    night = tmp_path / "night.pdf"
    assert run("--data-dir", str(d), "report", "shift", "--date", "2024-05-02",
               "--shift", "night", "--tz", "Asia/Shanghai", "--out", str(night)) == 0
    assert "Inspections 1" in " ".join(pdftotext(night).split())
    ranged = tmp_path / "range.pdf"
    assert run("--data-dir", str(d), "report", "shift", "--date", "2024-05-02",
               "--from", "08:00", "--to", "12:00", "--tz", "Asia/Shanghai",
               "--out", str(ranged)) == 0
    assert "No inspections were completed" in " ".join(pdftotext(ranged).split())


def test_export_csv_has_bom_chinese_and_no_formulas(data: tuple[Path, str],
                                                     tmp_path: Path) -> None:
    d, iid = data
    out = tmp_path / "day.csv"
    assert run("--data-dir", str(d), "export", "--date", "2024-05-02", "--format", "csv",
               "--tz", "Asia/Shanghai", "--out", str(out)) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["inspection_id"] == iid
    assert row["item_title"] == "电饭煲 Łódź"
    assert row["customer_comment"] == "'=HYPERLINK(\"http://evil\")"
    assert row["notes"] == "fn-works: -2 dB quieter"  # only a cell's start is dangerous
    assert row["completed_at"] == "2024-05-02T23:20:00+08:00"
    assert row["photos"] == "1" and row["duration_s"] == "600"
    # The next local day has nothing: a header-only file, still with the BOM.
    empty = tmp_path / "empty.csv"
    assert run("--data-dir", str(d), "export", "--date", "2024-05-03", "--tz", "Asia/Shanghai",
               "--out", str(empty)) == 0
    assert empty.read_bytes().decode("utf-8-sig").count("\r\n") == 1


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value
    assert safe_cell(-3) == -3 and safe_cell("a=b") == "a=b"


def test_bad_arguments_exit_2(data: tuple[Path, str], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    d, _ = data
    out = str(tmp_path / "x.pdf")
    base = ("--data-dir", str(d))
    assert run(*base, "report", "inspection", "no-such-id", "--out", out) == 2
    assert "no completed inspection with id 'no-such-id'" in capsys.readouterr().err
    assert run(*base, "report", "shift", "--date", "2024-05-02", "--shift", "brunch",
               "--out", out) == 2
    assert "unknown shift 'brunch'" in capsys.readouterr().err
    assert run(*base, "report", "shift", "--date", "2024-05-02", "--shift", "night",
               "--from", "08:00", "--to", "10:00", "--out", out) == 2
    assert "not both" in capsys.readouterr().err
    assert run(*base, "report", "shift", "--date", "2024-05-02", "--from", "08:00",
               "--out", out) == 2
    assert "--from and --to go together" in capsys.readouterr().err
    assert run("--data-dir", str(tmp_path / "nothing"), "export", "--date", "2024-05-02",
               "--out", out) == 2
    assert "no station database" in capsys.readouterr().err
    assert not Path(out).exists()
    for argv in (["report", "shift", "--date", "2024-02-30", "--out", out],
                 ["report", "shift", "--date", "02.05.2024", "--out", out],
                 ["report", "shift", "--date", "2024-05-02", "--from", "25:00", "--to",
                  "01:00", "--out", out],
                 ["export", "--date", "2024-05-02", "--format", "xlsx", "--out", out],
                 ["report", "inspection", "x", "--out", out, "--paper", "a3"],
                 ["report", "shift", "--date", "2024-05-02", "--tz", "Mars/Base",
                  "--out", out],
                 ["report"]):
        with pytest.raises(SystemExit) as exc:
            parser().parse_args([*base, *argv])
        assert exc.value.code == 2, argv
    err = capsys.readouterr().err
    assert "is not a real date" in err and "expected a date as YYYY-MM-DD" in err
    assert "unknown time zone 'Mars/Base'" in err


def test_printer_memory(tmp_path: Path) -> None:
    from app.reports.printer import PrinterMemory

    mem = PrinterMemory(tmp_path / "data")
    assert mem.last() is None
    mem.remember("HP LaserJet 400 (前台)")
    assert PrinterMemory(tmp_path / "data").last() == "HP LaserJet 400 (前台)"
    mem.path.write_text("{broken", encoding="utf-8")
    assert mem.last() is None
    with pytest.raises(ValueError, match="printer name is empty"):
        mem.remember("  ")
