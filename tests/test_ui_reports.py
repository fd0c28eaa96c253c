"""Report preview (QtPdf) and printing to a PDF file without any printer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtPdf import QPdfDocument
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.reports.printer import PrinterMemory
from tests.flow_helpers import as_lead
from tests.test_ui_history import completed
from ui.history_screen import HistoryScreen
from ui.report_preview import ReportPreviewDialog


def two_page_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for page in (1, 2):
        c.setFont("Helvetica", 24)
        c.drawString(72, 700, f"Report page {page}")
        c.showPage()
    c.save()
    return path


def test_preview_loads_and_prints_to_a_pdf_file(qtbot: Any, services: Any, ctx: Any,
                                                  tmp_path: Path) -> None:
    dialog = ReportPreviewDialog(services, two_page_pdf(tmp_path / "r.pdf"))
    qtbot.addWidget(dialog)
    assert dialog.load_error == QPdfDocument.Error.None_
    assert dialog.page_count == 2 and "2" in dialog.pages_label.text()
    assert not dialog.again_button.isEnabled()  # no printer remembered yet
    out = tmp_path / "printed.pdf"
    with qtbot.waitSignal(dialog.printed, timeout=10_000) as sig:
        assert dialog.save_pdf_as(out)
    assert sig.args == [str(out)]
    assert len(PdfReader(str(out)).pages) == 2
    assert PrinterMemory(ctx.paths.data_dir).last() is None  # a file is not a printer


def test_a_damaged_pdf_is_reported(qtbot: Any, services: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    dialog = ReportPreviewDialog(services, bad)
    qtbot.addWidget(dialog)
    assert dialog.load_error != QPdfDocument.Error.None_
    assert "could not be opened" in dialog.message.text()


def test_print_again_names_the_remembered_printer(qtbot: Any, services: Any, ctx: Any,
                                                  tmp_path: Path) -> None:
    PrinterMemory(ctx.paths.data_dir).remember("Returns-Desk-Laser")
    dialog = ReportPreviewDialog(services, two_page_pdf(tmp_path / "r.pdf"))
    qtbot.addWidget(dialog)
    assert dialog.again_button.isEnabled()
    assert "Returns-Desk-Laser" in dialog.again_button.text()
    with qtbot.assertNotEmitted(dialog.printed):
        assert not dialog.print_again()  # no such printer on this machine (no CUPS here)
    assert "not available" in dialog.message.text()


def test_history_renders_the_inspection_report_in_the_background(
        qtbot: Any, services: Any, ctx: Any, tmp_path: Path) -> None:
    iid = completed(ctx, 5)
    as_lead(ctx)
    screen = HistoryScreen(services)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.refresh()
    screen.select(iid)
    with qtbot.waitSignal(screen.report_ready, timeout=20_000) as sig:
        screen.preview_inspection_report()
    dialog = sig.args[0]
    qtbot.addWidget(dialog)
    assert dialog.page_count >= 1
    text = "".join(p.extract_text() for p in PdfReader(str(dialog.pdf_path)).pages)
    assert "RMA-2024-0000005" in text
    out = tmp_path / "copy.pdf"
    assert dialog.save_pdf_as(out) and out.stat().st_size > 1000


def test_history_renders_an_empty_shift_report(qtbot: Any, services: Any, ctx: Any) -> None:
    as_lead(ctx)
    screen = HistoryScreen(services)
    qtbot.addWidget(screen)
    assert screen.shift_combo.count() == len(ctx.settings.shifts)
    screen.shift_combo.setCurrentIndex(screen.shift_combo.findData("late"))
    with qtbot.waitSignal(screen.report_ready, timeout=20_000) as sig:
        screen.preview_shift_report()
    dialog = sig.args[0]
    qtbot.addWidget(dialog)
    assert dialog.page_count >= 1 and "late" in dialog.pdf_path.name


def test_print_errors_speak_the_interface_language(qtbot: Any, services: Any, tmp_path: Path,
                                                   qm_dir: Path) -> None:
    from ui.i18n import Translations

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    dialog = ReportPreviewDialog(services, bad)
    qtbot.addWidget(dialog)
    assert not dialog.save_pdf_as(tmp_path / "out.pdf")
    assert dialog.message.text() == "The report has no pages."
    translations = Translations(qm_dir)
    try:
        assert translations.switch("zh_CN")
        assert not dialog.save_pdf_as(tmp_path / "out.pdf")
        assert dialog.message.text() == "报告没有页面。"
    finally:
        translations.switch("en")
