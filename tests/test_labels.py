"""Next-location label (16.5): the ZPL captured by a loopback raw-TCP printer, the page PDF
read back (pdftotext) and its Code 128 decoded (pdftoppm + zxing-cpp), failures, reprints."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import cv2
import pytest
import zxingcpp

from app.audit_trail import read_audit
from app.config import ConfigError, Settings, load_settings
from app.context import StationContext
from app.domain import Case, Classification, PermissionDenied
from app.labels.content import LabelError, disposition_code, label_content
from app.labels.page import build_label_pdf
from app.labels.printing import load_label, send_zpl_label, write_page_label
from app.labels.zpl import build_zpl, send_zpl
from app.store.store import OutboxState
from app.workflow import InspectionSession, start_inspection
from tests.builders import gadget_case as make_case
from tests.flow_helpers import walk_all_pass


class LoopbackPrinter:
    """A raw-TCP 'printer' on 127.0.0.1: accepts connections and keeps what each one sent."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self.received = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="loopback-printer", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            conn, _ = self.server.accept()
            with conn:
                chunks = []
                while data := conn.recv(65536):
                    chunks.append(data)
            if self.stopping.is_set():
                return
            self.jobs.append(b"".join(chunks))
            self.received.set()

    def stop(self) -> None:
        """Wake the blocked accept() with one last empty connection (closing does not)."""
        self.stopping.set()
        socket.create_connection(("127.0.0.1", self.port), timeout=10).close()
        self.thread.join(10)
        self.server.close()
        assert not self.thread.is_alive()


@pytest.fixture
def printer() -> Iterator[LoopbackPrinter]:
    p = LoopbackPrinter()
    yield p
    p.stop()


def confirmed(ctx: StationContext, case: Case | None = None) -> str:
    """A completed, intact inspection of `case` (the default gadget case)."""
    case = case or make_case()
    s = InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))
    walk_all_pass(s)
    s.confirm(Classification.INTACT, None)
    return s.inspection_id


def zpl_settings(ctx: StationContext, port: int, **more: object) -> Settings:
    return ctx.settings.replace(label_printer="zpl", label_printer_host="127.0.0.1",
                                label_printer_port=port, **more)


_FIELD = re.compile(r"\^FH_\^FD(.*?)\^FS")


def zpl_texts(zpl: str) -> list[str]:
    """Every ^FH text field of a label, its _XX escapes decoded back to UTF-8."""
    def unescape(text: str) -> str:
        out, i = bytearray(), 0
        while i < len(text):
            if text[i] == "_":
                out.append(int(text[i + 1:i + 3], 16))
                i += 3
            else:
                out += text[i].encode("ascii")
                i += 1
        return out.decode("utf-8")

    return [unescape(f) for f in _FIELD.findall(zpl)]


# --- ZPL over raw TCP -------------------------------------------------------------------------


def test_the_zpl_label_reaches_a_loopback_printer_with_its_fields_and_code128(
        ctx: StationContext, printer: LoopbackPrinter) -> None:
    iid = confirmed(ctx)
    settings = zpl_settings(ctx, printer.port)
    content = load_label(ctx.store, iid, settings)
    assert send_zpl_label(content, settings) == f"127.0.0.1:{printer.port}"
    assert printer.received.wait(10)
    zpl = printer.jobs[0].decode("ascii")
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ") and zpl.count("^XZ") == 1
    assert "^CI28" in zpl and "^PW812" in zpl and "^LL1218" in zpl
    # The inspection id as Code 128 (rotated, no interpretation line), 2-dot modules.
    assert re.search(r"\^BY2,3,110\n\^FO\d+,\d+\^BCR,110,N,N,N\^FD" + re.escape(iid) + r"\^FS",
                     zpl)
    texts = zpl_texts(zpl)
    for expected in ("RMA-2024-0001001", "GX-1", "Gadget X", "intact", "RST", "back to stock",
                     iid, "Station: BENCH-01", "Inspection", "Disposition"):
        assert expected in texts, expected
    assert not any("REPRINT" in text for text in texts)
    stamp = next(text for text in texts if text.startswith("Completed: "))
    assert re.fullmatch(r"Completed: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+", stamp)


def test_zpl_escapes_hostile_text_and_prints_chinese_with_the_cjk_font(
        ctx: StationContext, printer: LoopbackPrinter) -> None:
    base = make_case(case_id="c-evil", rma="RMA-2024-0009999")
    title = "Kopfhörer ^XZ~JA_^FD 无线耳机"
    case = replace(base, items=(replace(base.items[0], title=title),))
    iid = confirmed(ctx, case)
    settings = zpl_settings(ctx, printer.port, language="zh_CN", label_size="100x150mm")
    send_zpl_label(load_label(ctx.store, iid, settings), settings)
    assert printer.received.wait(10)
    zpl = printer.jobs[0].decode("ascii")
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1 and "~JA" not in zpl
    assert "^PW799" in zpl and "^LL1199" in zpl
    texts = zpl_texts(zpl)
    assert title in texts and "返回库存" in texts and "退货授权号" in texts
    # The Chinese field asks for the printer's CJK font; the Latin RMA stays in font 0.
    assert re.search(r"\^A@N,30,30,E:ANMDJ\.TTF\^FB\d+,2,0,L,0\^FH_\^FD[^\^]*_E6", zpl)
    assert re.search(r"\^A0N,56,56\^FB\d+,1,0,L,0\^FH_\^FDRMA-2024-0009999\^FS", zpl)


def test_a_refused_port_says_so_in_both_languages_and_the_inspection_stays_confirmed(
        ctx: StationContext) -> None:
    iid = confirmed(ctx)
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: the connection is refused
    settings = zpl_settings(ctx, port)
    with pytest.raises(LabelError) as refused:
        send_zpl_label(load_label(ctx.store, iid, settings), settings)
    assert refused.value.message("en") == (
        f"The label printer at 127.0.0.1:{port} refused the connection: is it on and online?")
    assert "拒绝连接" in refused.value.message("zh_CN")
    record = ctx.store.record(iid)  # stored before any label, and still queued to be sent
    assert record.classification is Classification.INTACT
    assert record.sync_state == OutboxState.PENDING


def test_a_printer_that_never_accepts_times_out_with_a_message() -> None:
    # A full accept queue (backlog 0, one connection parked) drops the next SYN: the
    # connect can only end by our timeout, whatever the machine's load.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    parked = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        with pytest.raises(LabelError) as late:
            send_zpl(b"^XA^XZ", "127.0.0.1", port, timeout=0.5)
        assert late.value.key == "label_timeout"
        assert late.value.message("en").endswith("did not answer within 0.5 s.")
        assert "秒内没有响应" in late.value.message("zh_CN")
    finally:
        parked.close()
        server.close()


def test_an_unknown_host_is_a_plain_message() -> None:
    with pytest.raises(LabelError) as unknown:
        send_zpl(b"^XA^XZ", "no-such-printer.invalid", 9100, timeout=2)
    assert unknown.value.key == "label_unreachable"
    assert "no-such-printer.invalid:9100" in unknown.value.message("en")


# --- the page label ---------------------------------------------------------------------------


def _decode_png(png: Path) -> set[tuple[str, str]]:
    grey = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
    assert grey is not None
    return {(r.format.name, r.text) for r in zxingcpp.read_barcodes(grey)}


@pytest.mark.parametrize(("size", "points"), [("4x6in", "288 x 432"),
                                              ("100x150mm", "283.465 x 425.197")])
def test_the_page_label_reads_back_and_its_code128_decodes_to_the_inspection_id(
        ctx: StationContext, tmp_path: Path, size: str, points: str) -> None:
    base = make_case(case_id="c-zh", rma="RMA-2024-0007007")
    case = replace(base, items=(replace(base.items[0], title="无线耳机 黑色"),))
    iid = confirmed(ctx, case)
    settings = ctx.settings.replace(label_printer="page", label_size=size, language="zh_CN")
    content = load_label(ctx.store, iid, settings, reprint=True, by=ctx.operator)
    pdf = write_page_label(content, settings, tmp_path / "label.pdf")
    info = " ".join(subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert f"Page size: {points} pts" in info and "Pages: 1" in info
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    for expected in ("RMA-2024-0007007", "GX-1", "无线耳机 黑色", "完好", "RST", "返回库存",
                     "补打", iid, "工作台: BENCH-01", "退货授权号", "处理方式"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    assert "Helvetica" not in fonts and "DroidSansFallback" in fonts
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "label")], check=True)
    assert _decode_png(tmp_path / "label.png") == {("Code128", iid)}


def test_the_page_label_in_english_says_training_on_a_training_station(
        ctx: StationContext, tmp_path: Path) -> None:
    iid = confirmed(ctx)
    record = ctx.store.record(iid)
    content = label_content(record, station_id="X", language="en", training=True)
    pdf = tmp_path / "training.pdf"
    pdf.write_bytes(build_label_pdf(content))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "TRAINING - not a real inspection" in text and "back to stock" in text
    assert "TRAINING" in " ".join(zpl_texts(build_zpl(content).decode("ascii")))


# --- rules: who reprints, no printer, settings ------------------------------------------------


def test_a_reprint_needs_a_logged_in_operator_and_is_audited(ctx: StationContext) -> None:
    iid = confirmed(ctx)
    settings = ctx.settings.replace(label_printer="page")
    with pytest.raises(PermissionDenied) as nobody:
        load_label(ctx.store, iid, settings, reprint=True, by=None)
    assert nobody.value.message("zh_CN") == "请先登录再补打标签。"
    assert ctx.operator is not None and not ctx.operator.is_shift_lead  # an inspector may
    content = load_label(ctx.store, iid, settings, reprint=True, by=ctx.operator)
    assert content.reprint
    trail = read_audit(ctx.store, lead_only=False, inspection=iid, action="label_reprinted")
    assert [(e.actor, e.subject) for e in trail.entries] == [("insp1", iid)]
    assert not load_label(ctx.store, iid, settings).reprint  # the first print is no reprint


def test_no_printer_configured_is_refused_with_a_message(ctx: StationContext) -> None:
    iid = confirmed(ctx)
    with pytest.raises(LabelError) as none:
        load_label(ctx.store, iid, ctx.settings, reprint=True, by=ctx.operator)
    assert none.value.key == "label_no_printer"
    # Refused before anything was written: no reprint in the audit log.
    assert not read_audit(ctx.store, lead_only=False, inspection=iid,
                          action="label_reprinted").entries


def test_label_settings_parse_and_a_zpl_printer_needs_a_host(tmp_path: Path) -> None:
    assert Settings().label_printer == "none" and Settings().label_printer_port == 9100
    with pytest.raises(ConfigError, match="label_printer_host"):
        Settings().replace(label_printer="zpl")
    with pytest.raises(ConfigError, match="label_printer_host"):
        Settings().replace(label_printer_host="bad host;rm")
    with pytest.raises(ConfigError, match="label_size"):
        Settings().replace(label_size="A4")
    env = {"INSPECTION_STATION_LABEL_PRINTER": "zpl",
           "INSPECTION_STATION_LABEL_PRINTER_HOST": "zebra-04.wh1",
           "INSPECTION_STATION_LABEL_PRINTER_PORT": "6101"}
    s = load_settings(tmp_path / "absent.toml", env)
    assert (s.label_printer, s.label_printer_host, s.label_printer_port) == (
        "zpl", "zebra-04.wh1", 6101)


def test_disposition_codes_are_short_and_unknown_values_still_print() -> None:
    assert [disposition_code(v) for v in ("restock", "refurbish", "return_to_vendor", "scrap",
                                          None)] == ["RST", "RFB", "RTV", "SCR", "---"]
    assert disposition_code("hold_for_review") == "HOLD"
