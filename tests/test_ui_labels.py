"""Next-location label in the window (16.5): confirm prints it on a loopback raw-TCP printer,
a refused printer shows the strip with a retry (the result stays stored), and the history
reprints it, on the ZPL printer and through the print queue (a QPrinter writing a PDF)."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from app.store.store import OutboxState
from refserver import RunningServer
from tests.test_labels import LoopbackPrinter, confirmed, printer, zpl_texts
from tests.test_ui_e2e import answer_current_step, open_flow_from_scan, press
from tests.ui_helpers import (
    RMA,
    Station,
    close_station,
    login_pin,
    make_context,
    open_window,
    wait_until,
)
from ui.history_screen import HistoryScreen

__all__ = ["printer"]


def _station(tmp_path: Path, qtbot: Any, server: RunningServer, video: Path, qm: Path,
             port: int) -> Iterator[Station]:
    ctx_ = make_context(tmp_path, api_url=server.url, camera_source=str(video),
                        label_printer="zpl", label_printer_host="127.0.0.1",
                        label_printer_port=port)
    window = open_window(ctx_, qtbot, qm)
    try:
        yield Station(ctx_, server, window)
    finally:
        close_station(ctx_, window)


@pytest.fixture
def zpl_station(tmp_path: Path, qtbot: Any, ui_refserver: RunningServer, empty_video: Path,
                qm_dir: Path, printer: LoopbackPrinter) -> Iterator[Station]:
    yield from _station(tmp_path, qtbot, ui_refserver, empty_video, qm_dir, printer.port)


@pytest.fixture
def refused_station(tmp_path: Path, qtbot: Any, ui_refserver: RunningServer, empty_video: Path,
                    qm_dir: Path) -> Iterator[Station]:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens: the printer "refuses"
    yield from _station(tmp_path, qtbot, ui_refserver, empty_video, qm_dir, port)


def inspect_and_confirm(qtbot: Any, w: Any) -> str:
    """Log in, scan the demo RMA, answer every step by keys, confirm; the inspection id."""
    login_pin(qtbot, w)
    flow = open_flow_from_scan(qtbot, w)
    steps = 0
    while flow.session.current is not None:
        answer_current_step(qtbot, flow)
        steps += 1
        assert steps < 60, "the checklist never reached the summary"
    iid: str = flow.session.inspection_id
    wait_until(qtbot, flow.services.router.confirm_ready, what="summary readable")
    press(qtbot, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: w.current_screen() is w.scan_screen, what="back to scanning")
    return iid


def test_confirm_prints_the_label_and_the_history_reprints_it(
        zpl_station: Station, printer: LoopbackPrinter, qtbot: Any) -> None:
    w = zpl_station.window
    iid = inspect_and_confirm(qtbot, w)
    wait_until(qtbot, lambda: len(printer.jobs) == 1, what="the label at the printer")
    zpl = printer.jobs[0].decode("ascii")
    assert f"^BCR,110,N,N,N^FD{iid}^FS" in zpl
    texts = zpl_texts(zpl)
    assert RMA in texts and "HX-200-BLK" in texts and "RST" in texts
    assert "Station: UI-BENCH-01" in texts and not any("REPRINT" in t for t in texts)
    assert w.label_bar.isHidden()

    press(qtbot, Qt.Key.Key_F5)
    history = w.history
    wait_until(qtbot, lambda: history is not None and history.select(iid), what="in history")
    assert history.label_button.isEnabled()
    with qtbot.waitSignal(history.label_done, timeout=10_000) as done:
        qtbot.mouseClick(history.label_button, Qt.MouseButton.LeftButton)
    assert done.args == [iid, True]
    wait_until(qtbot, lambda: len(printer.jobs) == 2, what="the reprint at the printer")
    assert "REPRINT" in zpl_texts(printer.jobs[1].decode("ascii"))
    assert history.message.text() == f"Label printed on 127.0.0.1:{printer.port}."


def test_a_refused_printer_shows_the_strip_and_the_retry_prints_the_label(
        refused_station: Station, qtbot: Any) -> None:
    w, ctx_ = refused_station.window, refused_station.ctx
    iid = inspect_and_confirm(qtbot, w)
    wait_until(qtbot, lambda: w.label_bar.isVisible(), what="the label failure strip")
    assert "refused the connection" in w.label_bar.text.text()
    assert "The result is saved." in w.label_bar.text.text()
    assert "Result saved" in w.scan_screen.message.text()  # the scan screen carries on
    assert ctx_.store.record(iid).sync_state in {OutboxState.PENDING, OutboxState.SENT}
    w.set_language("zh_CN")
    wait_until(qtbot, lambda: w.label_bar.retry_button.text() == "重新打印标签",
               what="the strip in Chinese")
    assert "标签未打印" in w.label_bar.text.text()
    w.set_language("en")

    fixed = LoopbackPrinter()  # the printer is back (on another port)
    try:
        ctx_.settings = ctx_.settings.replace(label_printer_port=fixed.port)
        with qtbot.waitSignal(w.labels.printed, timeout=10_000):
            qtbot.mouseClick(w.label_bar.retry_button, Qt.MouseButton.LeftButton)
        assert w.label_bar.isHidden()
        assert fixed.received.wait(10)
        assert iid in zpl_texts(fixed.jobs[0].decode("ascii"))
    finally:
        fixed.stop()


def test_the_history_reprints_a_page_label_through_the_print_queue(
        qtbot: Any, services: Any, ctx: Any, tmp_path: Path) -> None:
    iid = confirmed(ctx)
    ctx.settings = ctx.settings.replace(label_printer="page", label_size="100x150mm")
    out = tmp_path / "queue.pdf"

    def to_file(_queue: str) -> QPrinter:  # the print queue, as a PDF file
        printer_ = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer_.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer_.setOutputFileName(str(out))
        return printer_

    screen = HistoryScreen(services)
    qtbot.addWidget(screen)
    screen.labels.printer_factory = to_file
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.refresh()
    assert screen.select(iid)
    assert screen.label_action.text() == "Reprint label"  # the table's context menu
    with qtbot.waitSignal(screen.label_done, timeout=10_000) as done:
        screen.label_action.trigger()
    assert done.args == [iid, True]
    info = " ".join(subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "Pages: 1" in info and "Page size: 283 x 425 pts" in info  # 100 x 150 mm
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(out),
                    str(tmp_path / "queue")], check=True)
    grey = cv2.imread(str(tmp_path / "queue.png"), cv2.IMREAD_GRAYSCALE)
    assert {(r.format.name, r.text) for r in zxingcpp.read_barcodes(grey)} == {("Code128", iid)}


def test_a_reprint_with_no_label_printer_says_so(qtbot: Any, services: Any, ctx: Any) -> None:
    iid = confirmed(ctx)
    screen = HistoryScreen(services)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.loaded, timeout=5000):
        screen.refresh()
    assert screen.select(iid)
    with qtbot.waitSignal(screen.label_done, timeout=10_000) as done:
        qtbot.mouseClick(screen.label_button, Qt.MouseButton.LeftButton)
    assert done.args == [iid, False]
    assert "No label printer is set up" in screen.message.text()


def test_a_page_label_on_a_missing_print_queue_says_so_and_keeps_the_result(
        qtbot: Any, services: Any, ctx: Any) -> None:
    from ui.label_printing import LabelPrinting

    iid = confirmed(ctx)
    ctx.settings = ctx.settings.replace(label_printer="page",
                                        label_printer_queue="Zebra-Bench-04")
    labels = LabelPrinting(services)
    with qtbot.waitSignal(labels.failed, timeout=10_000) as failed:
        assert labels.print_label(iid)
    assert failed.args == [iid, "The label printer Zebra-Bench-04 is not available."]
    assert not labels.busy  # free to try again
    assert ctx.store.record(iid).sync_state == OutboxState.PENDING

