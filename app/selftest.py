"""`inspection-station --self-test`: proves an installation (source tree or frozen bundle) works.

Checks what a bundle most often gets wrong, with no display and no camera: bundled
resources, the data folder, the database and its migrations, a report PDF with its
barcodes, both decoders on the bundled sample label, OpenCV's video path, and the Qt
platform plugin. One line per check, exit status 1 when any check fails.

The Qt check runs in a child process of the same executable: a Qt platform plugin
that cannot load aborts the process (qFatal), and that must become a FAIL line, not
the end of the self-test. app/ never imports PySide6; the check lives in
ui/selftest_qt.py and is reached by name.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__

if TYPE_CHECKING:
    from app.domain import ChecklistTemplate

SAMPLE_RMA = "RMA-2026-0001234"  # what resources/samples/label_rma.png carries (Code 128)
SAMPLE_QR = "C-000123"  # ... and in its QR code (scripts/make_sample_label.py)
CHILD_ENV = "INSPECTION_STATION_SELFTEST_CHILD"  # set: this process is the Qt check child
QT_TIMEOUT_S = 60.0

CheckResult = tuple[bool, str]


class _Scratch:
    """What the checks hand to each other: the temp folder and the rendered report."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.report_pdf: Path | None = None
        self.preview_png: Path | None = None


def _sample_grey() -> Any:
    """The bundled sample label as a greyscale array (decoders, photo, video)."""
    import cv2

    from app.resources import resource_path

    path = resource_path("samples", "label_rma.png")
    grey = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if grey is None:
        raise RuntimeError(f"the sample label {path} is missing or unreadable")
    return grey


# --------------------------------------------------------------------------- checks


def check_resources() -> CheckResult:
    """Checklists, rules, fonts, icon, sound and sample label are in the installation."""
    from app.checklists import load_templates
    from app.resources import resource_path, resources_dir
    from app.rules import DispositionRules

    root = resources_dir()
    needed = [
        resource_path("dispositions.toml"),
        resource_path("fonts", "DejaVuSans.ttf"),
        resource_path("fonts", "DroidSansFallbackFull.ttf"),
        resource_path("icons", "app.png"),
        resource_path("sounds", "beep.wav"),
        resource_path("samples", "label_rma.png"),
    ]
    missing = [str(p.relative_to(root)) for p in needed if not p.is_file()]
    if missing:
        return False, f"missing from {root}: {', '.join(missing)}"
    templates = load_templates(resource_path("checklists"))
    DispositionRules.load(resource_path("dispositions.toml"))
    qm = sorted(p.name for p in resource_path("translations").glob("*.qm"))
    return True, (f"{len(templates)} checklists, dispositions, fonts, icon, sound, sample label; "
                  f"translations: {', '.join(qm) if qm else 'none built (English only)'}")


def check_data_folder(args: argparse.Namespace) -> CheckResult:
    """The station's real data and log folders (platform folders or --data-dir) accept files."""
    from app.doctor import check_writable
    from app.paths import resolve_paths

    paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "config", None))
    details = []
    for folder in (paths.data_dir, paths.log_dir):
        ok, detail = check_writable(folder)
        if not ok:
            return False, detail
        details.append(str(folder))
    return True, "writable: " + ", ".join(details)


def check_config(args: argparse.Namespace) -> CheckResult:
    from app.config import load_settings
    from app.paths import resolve_paths

    paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "config", None))
    settings = load_settings(paths.config_file)  # ConfigError becomes the FAIL line
    where = paths.config_file if paths.config_file.exists() else f"defaults ({paths.config_file})"
    mode = "demo mode" if settings.demo_mode else f"case API {settings.api_base_url}"
    return True, f"{where}; station {settings.station_id}, {mode}"


def check_database(scratch: _Scratch) -> CheckResult:
    """A schema-1 database is migrated to the current schema, then takes a whole inspection."""
    from app.store import Store
    from app.store.db import SCHEMA_VERSION, init_db, make_engine

    db_file = scratch.folder / "station.db"
    old = make_engine(db_file)
    try:
        init_db(old, upto=1)
    finally:
        old.dispose()
    store = Store(db_file, scratch.folder / "photos")
    try:
        version = store.schema_version()
        if version != SCHEMA_VERSION:
            return False, f"schema {version} after migration, expected {SCHEMA_VERSION}"
        inspection_id = _complete_sample_inspection(store)
        ok, detail = store.integrity()
        counts = store.queue_counts()
        if not ok:
            return False, f"integrity check: {detail}"
        if counts.pending != 1:
            return False, f"the completed inspection is not queued (pending {counts.pending})"
        scratch.report_pdf = scratch.folder / f"{inspection_id}.pdf"
        _render_report(store, inspection_id, scratch.report_pdf)
    finally:
        store.close()
    return True, f"migrated schema 1 -> {version}; inspection saved and queued; integrity ok"


def check_audit(scratch: _Scratch, args: argparse.Namespace) -> CheckResult:
    """The keyed audit chain: the scratch chain is keyed, verifies, and an edited row is
    caught; then this station's own chain, when it has a database, is verified (logged)."""
    import secrets

    from sqlalchemy import text

    from app.store import Store

    db_file = scratch.folder / "station.db"
    if not db_file.exists():
        return False, "no scratch database (the database check failed first)"
    store = Store(db_file, scratch.folder / "photos", audit_key=secrets.token_bytes(32),
                  adopt_unkeyed_audit=True)
    try:
        keyed = store.verify_audit()
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE audit SET actor = 'forged' WHERE seq = 1"))
        tampered = store.verify_audit()
    finally:
        store.close()
    if not keyed.ok or tampered.ok:
        return False, (f"keyed chain verifies: {keyed.ok}; an edited entry is caught: "
                       f"{not tampered.ok}")
    detail = f"keyed chain of {keyed.entries} entries verifies, an edited entry is caught"
    from app.config import load_settings
    from app.paths import resolve_paths
    from app.station_store import open_station_store

    paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "config", None))
    if not paths.db_file.exists():
        return True, f"{detail}; this station has no database yet"
    station, check = open_station_store(paths, load_settings(paths.config_file))
    station.close()
    if not check.ok:
        return False, (f"{detail}; but THIS station's audit log was edited outside the station "
                       f"(entry {check.first_bad_seq} of {check.entries})")
    return True, f"{detail}; this station's chain of {check.entries} entries verifies"


def scratch_template() -> ChecklistTemplate:
    """The self-test's two-step checklist (a housing step with a photo gate, a function
    step): the tests' audio template starts with the same two steps (tests/builders.py)."""
    from app.domain import ChecklistStep, ChecklistTemplate, Section, StepKind
    from app.messages import Both

    return ChecklistTemplate(
        template_id="selftest", version=1, category="generic", title=Both("Self-test", "自检"),
        steps=(
            ChecklistStep("app-shell", Both("Housing free of cracks", "外壳无裂纹"),
                          StepKind.PASS_FAIL, Section.APPEARANCE, photo_on_fail=True),
            ChecklistStep("fn-power", Both("Powers on", "可以开机"), StepKind.PASS_FAIL,
                          Section.FUNCTION),
        ),
    )


def _complete_sample_inspection(store: Any) -> str:
    """Start, answer (with a photo), complete: the path every bench takes."""
    import cv2

    from app.domain import Answer, Case, Classification, Disposition, Result

    template = scratch_template()
    case = Case.from_api({
        "case_id": SAMPLE_QR, "rma": SAMPLE_RMA, "order_id": "SO-SELFTEST",
        "status": "awaiting_inspection", "customer_reason": "defective",
        "customer_comment": "自检 self-test", "tracking_numbers": [],
        "received_at": "2026-01-01T08:00:00Z", "inspect_by": "2026-01-02T08:00:00Z",
        "items": [{"line_id": "L1", "sku": "SELFTEST-1", "title": "Self-test item",
                   "category": "generic", "quantity": 1, "serial_number": "ST-0001",
                   "unit_price": "1.00", "currency": "EUR", "expected_accessories": []}],
    })
    insp = store.start_inspection(template=template, station_id="SELFTEST",
                                  inspector_id="selftest", case=case, item=case.items[0])
    grey = _sample_grey()
    ok, jpeg = cv2.imencode(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise RuntimeError("OpenCV cannot encode a JPEG")
    photo = store.add_photo(insp.inspection_id, "app-shell", jpeg.tobytes(), mime="image/jpeg",
                            width=grey.shape[1], height=grey.shape[0], actor="selftest")
    store.save_answer(insp.inspection_id,
                      Answer("app-shell", Result.FAIL, note="scratch",
                             photo_ids=(photo.photo_id,)),
                      current_step=1, actor="selftest")
    store.save_answer(insp.inspection_id, Answer("fn-power", Result.PASS), current_step=2,
                      actor="selftest")
    store.complete(insp.inspection_id, answers_in_order=["app-shell", "fn-power"],
                   classification=Classification.DAMAGED,
                   classification_suggested=Classification.DAMAGED, override_reason=None,
                   disposition=Disposition.REFURBISH, missing_accessories=[], actor="selftest")
    return str(insp.inspection_id)


_report_kind = "not rendered"


def _render_report(store: Any, inspection_id: str, out: Path) -> None:
    """The real inspection report when app.reports is installed, else a bare ReportLab page."""
    global _report_kind
    try:
        reports: Any = importlib.import_module("app.reports.inspection")
    except ImportError:
        reports = None
    if reports is not None:
        reports.render_inspection_report(store, inspection_id, out, station_id="SELFTEST",
                                         cache_dir=out.parent / "thumbs")
        _report_kind = "inspection report"
        return
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import createBarcodeDrawing
    from reportlab.graphics.shapes import Drawing
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(out))
    pdf.drawString(72, 760, f"Self-test {inspection_id}")
    barcode: Drawing = createBarcodeDrawing("Code128", value=SAMPLE_RMA, barWidth=1.3,
                                            barHeight=36, humanReadable=True)
    renderPDF.draw(barcode, pdf, 72, 680)
    pdf.showPage()
    pdf.save()
    _report_kind = "minimal ReportLab page (app.reports missing)"


def check_report(scratch: _Scratch) -> CheckResult:
    pdf = scratch.report_pdf
    if pdf is None or not pdf.is_file():
        return False, "no report was rendered (the database check failed first)"
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
        return False, f"{pdf.name} is not a complete PDF"
    return True, f"{_report_kind}: {len(data) // 1024} KiB PDF with Code 128, QR and photo"


def _found(reads: list[tuple[str, str]]) -> CheckResult:
    want = {("CODE128", SAMPLE_RMA), ("QR", SAMPLE_QR)}
    missing = want - set(reads)
    if missing:
        return False, f"read {sorted(reads)}, missing {sorted(missing)}"
    return True, f"sample label: Code 128 {SAMPLE_RMA}, QR {SAMPLE_QR}"


def check_zxing() -> CheckResult:
    grey = _sample_grey()
    try:
        from app.scanning.engines import ZxingEngine
        from app.scanning.symbols import CODE128, QR
    except ImportError:  # scanning not installed: the library on its own
        import zxingcpp

        names = {"Code128": "CODE128", "QRCode": "QR"}
        reads = [(names.get(r.format.name, r.format.name), r.text)
                 for r in zxingcpp.read_barcodes(grey)]
        ok, detail = _found(reads)
        return ok, detail + " (zxingcpp directly; app.scanning missing)"
    engine = ZxingEngine()
    return _found([(r.symbology, r.text)
                   for r in engine.read(grey, frozenset({CODE128, QR}))])


def check_zbar() -> CheckResult:
    grey = _sample_grey()
    try:
        from app.scanning.engines import ZbarEngine
        from app.scanning.symbols import CODE128, QR
    except ImportError:
        from pyzbar import pyzbar

        names = {"QRCODE": "QR"}
        reads = [(names.get(s.type, s.type), s.data.decode()) for s in pyzbar.decode(grey)]
        ok, detail = _found(reads)
        return ok, detail + " (pyzbar directly; app.scanning missing)"
    engine = ZbarEngine()
    ok, detail = _found([(r.symbology, r.text)
                         for r in engine.read(grey, frozenset({CODE128, QR}))])
    return ok, f"{detail}; libzbar {_zbar_library()}"


def _zbar_library() -> str:
    from pyzbar import wrapper

    lib = getattr(wrapper, "LIBZBAR", None)
    return getattr(lib, "_name", None) or "loaded"


def check_opencv(scratch: _Scratch) -> CheckResult:
    """Writes and reads back a short MJPG video: the capture path demo mode and files use."""
    import cv2

    grey = _sample_grey()
    frame = cv2.cvtColor(cv2.resize(grey, (640, 360)), cv2.COLOR_GRAY2BGR)
    video = scratch.folder / "selftest.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 360))
    if not writer.isOpened():
        return False, f"OpenCV {cv2.__version__} cannot write an MJPG video"
    try:
        for _ in range(3):
            writer.write(frame)
    finally:
        writer.release()
    cap = cv2.VideoCapture(str(video))
    try:
        ok, back = cap.read()
    finally:
        cap.release()
    if not ok or back is None or back.shape != frame.shape:
        return False, f"OpenCV {cv2.__version__} cannot read back a video file"
    from app.scanning.camera import video_backends

    return True, (f"OpenCV {cv2.__version__}: video file write and read (capture: "
                  f"{', '.join(video_backends())})")


def check_qt(scratch: _Scratch) -> CheckResult:
    """The Qt check in a child of this executable; an abort there is a FAIL here."""
    out = scratch.folder / "qt-check.json"
    preview = scratch.folder / "report-page1.png"
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not getattr(sys, "frozen", False):  # the child imports this source tree, not another
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env[CHILD_ENV] = json.dumps({
        "out": str(out),
        "pdf": str(scratch.report_pdf) if scratch.report_pdf else "",
        "png": str(preview),
    })
    try:
        proc = subprocess.run(_child_command(), env=env, capture_output=True, text=True,
                              timeout=QT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return False, f"the Qt check did not finish within {QT_TIMEOUT_S:.0f} s"
    if not out.is_file():
        if "bool_dealloc" in proc.stderr or "deallocating None" in proc.stderr:
            return False, ("the Qt check aborted on a reference-count error while emitting "
                           "signals: this PySide6 build (6.12.0 has the defect) would crash "
                           "the station within minutes; install the pinned release "
                           "(constraints.txt)")
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return False, (f"the Qt check died (exit {proc.returncode}): "
                       + (" | ".join(tail) or "no output"))
    result = json.loads(out.read_text(encoding="utf-8"))
    if result.get("ok") and preview.is_file():
        scratch.preview_png = preview
    return bool(result.get("ok")), str(result.get("detail", ""))


def _child_command() -> list[str]:
    if getattr(sys, "frozen", False):  # the bundle's own executable; its entry sees CHILD_ENV
        return [sys.executable]
    return [sys.executable, "-c", "import sys, app.selftest as s; sys.exit(s.child_main())"]


def child_main() -> int:
    """The Qt check child: runs ui.selftest_qt and leaves its verdict as JSON for the parent."""
    job = json.loads(os.environ.pop(CHILD_ENV))
    out = Path(job["out"])
    try:
        qt_check = importlib.import_module("ui.selftest_qt")  # app/ stays free of Qt imports
    except ImportError as exc:
        verdict = {"ok": False, "detail": f"the ui package is not installed ({exc})"}
    else:
        try:
            ok, detail = qt_check.check_qt(pdf=Path(job["pdf"]) if job.get("pdf") else None,
                                           png=Path(job["png"]))
            verdict = {"ok": ok, "detail": detail}
        except Exception as exc:
            verdict = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}
    out.write_text(json.dumps(verdict), encoding="utf-8")
    return 0 if verdict["ok"] else 1


def check_preview(scratch: _Scratch) -> CheckResult:
    """The report page as Qt renders it still carries a readable RMA barcode."""
    if scratch.preview_png is None:
        return False, "no rendered report page (the Qt check failed or had no PDF)"
    import cv2
    import zxingcpp

    grey = cv2.imread(str(scratch.preview_png), cv2.IMREAD_GRAYSCALE)
    texts = {r.text for r in zxingcpp.read_barcodes(grey)} if grey is not None else set()
    if SAMPLE_RMA not in texts:
        return False, f"the RMA barcode does not read back from the rendered page ({texts})"
    return True, f"page 1 rendered by QtPdf; {SAMPLE_RMA} reads back from it"


# --------------------------------------------------------------------------- runner


def _line(ok: bool, name: str, detail: str, ms: float) -> str:
    return f"{'OK  ' if ok else 'FAIL'} {name}: {detail} [{ms:.0f} ms]"


def run_checks(checks: list[tuple[str, Callable[[], CheckResult]]]) -> int:
    """Run every check even after a failure; returns how many failed."""
    failed = 0
    for name, check in checks:
        t0 = time.perf_counter()
        try:
            ok, detail = check()
        except Exception as exc:  # each failure is a line with its cause, never a traceback
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        print(_line(ok, name, detail, (time.perf_counter() - t0) * 1000), flush=True)
        failed += not ok
    return failed


def run_self_test(args: argparse.Namespace) -> int:
    """Every check, one line each; 0 when all pass, 1 otherwise."""
    t0 = time.perf_counter()
    where = f"bundle {Path(sys.executable).parent}" if getattr(sys, "frozen", False) \
        else f"Python {sys.version.split()[0]} at {Path(__file__).resolve().parent.parent}"
    print(f"inspection-station {__version__} self-test ({where})", flush=True)
    with tempfile.TemporaryDirectory(prefix="station-selftest-") as tmp:
        scratch = _Scratch(Path(tmp))
        failed = run_checks([
            ("resources", check_resources),
            ("config", lambda: check_config(args)),
            ("data folder", lambda: check_data_folder(args)),
            ("database", lambda: check_database(scratch)),
            ("audit log", lambda: check_audit(scratch, args)),
            ("report", lambda: check_report(scratch)),
            ("zxing-cpp", check_zxing),
            ("zbar", check_zbar),
            ("opencv", lambda: check_opencv(scratch)),
            ("qt", lambda: check_qt(scratch)),
            ("report preview", lambda: check_preview(scratch)),
        ])
    seconds = time.perf_counter() - t0
    if failed:
        print(f"self-test FAILED: {failed} check(s) failed ({seconds:.1f} s)", flush=True)
        return 1
    print(f"self-test passed ({seconds:.1f} s)", flush=True)
    return 0
