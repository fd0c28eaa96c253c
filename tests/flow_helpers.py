"""Shared fixtures for the inspection-flow, history, settings and report tests.

A real station context in tmp_path (SQLite file, photo folder), with a small test
checklist and rule table of its own so the tests do not move when the shipped
resources are edited.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PIL import Image

from app.checklists import template_from_dict
from app.context import StationContext
from app.domain import Role
from app.operators import Operator, Operators
from app.paths import Paths
from app.rules import DispositionRules
from app.store import Store
from tests.builders import EXPECTED_SERIAL, GADGET_TEMPLATE

SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "build" / "screenshots"
SCREEN_SIZE = (1366, 768)


RULES: dict[str, Any] = {
    "version": 1,
    "rule": [
        {"classification": "damaged", "customer_reason": "defective",
         "disposition": "return_to_vendor"},
        {"classification": "damaged", "disposition": "refurbish"},
        {"classification": "missing_parts", "disposition": "refurbish"},
        {"classification": "intact", "untested": True, "disposition": "refurbish"},
        {"classification": "intact", "disposition": "restock"},
    ],
}


def make_context(root: Path) -> StationContext:
    """A station with a shift lead (lead1) and an inspector (insp1); inspector logged in."""
    paths = Paths(data_dir=root / "data", config_file=root / "config.toml", log_dir=root / "logs")
    paths.ensure()
    store = Store(paths.db_file, paths.photos_dir)
    operators = Operators(store)
    lead = operators.add("lead1", "Lena Lead", Role.SHIFT_LEAD, "123456", "BADGE-LEAD", by=None)
    inspector = operators.add("insp1", "Ivan Insp", Role.INSPECTOR, "5678", "BADGE-INSP",
                              by=lead)
    from app.config import Settings

    template = template_from_dict(GADGET_TEMPLATE, "test")
    ctx = StationContext(
        paths=paths,
        # auto_advance off: these tests walk the manual flow (P then Enter) on purpose.
        settings=Settings(photo_max_px=640, photo_jpeg_quality=80, auto_advance=False,
                          sound=False),  # no sound server in CI: Qt Multimedia warns
        store=store,
        operators=operators,
        templates={template.category: template},
        rules=DispositionRules.from_dict(RULES, "test rules"),
    )
    ctx.operator = inspector
    LEADS[id(ctx)] = lead
    return ctx


# The shift lead of each test context (by id: a context is not hashable).
LEADS: dict[int, Operator] = {}


def as_lead(ctx: StationContext) -> None:
    ctx.operator = LEADS[id(ctx)]


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[StationContext]:
    context = make_context(tmp_path)
    yield context
    context.close()


def bgr_frame(width: int = 1920, height: int = 1080) -> np.ndarray[Any, Any]:
    """A camera-like BGR frame with some structure (so JPEG sizes are realistic)."""
    y, x = np.mgrid[0:height, 0:width]
    frame = np.zeros((height, width, 3), dtype=np.uint8)
    frame[..., 0] = (x * 255 // max(1, width - 1)).astype(np.uint8)
    frame[..., 1] = (y * 255 // max(1, height - 1)).astype(np.uint8)
    frame[..., 2] = ((x // 40 + y // 40) % 2 * 200).astype(np.uint8)
    return frame


def jpeg_with_exif(width: int = 3000, height: int = 2000) -> bytes:
    """A JPEG file whose EXIF carries a camera model and GPS-like data (must not survive)."""
    img = Image.fromarray(bgr_frame(width, height)[..., ::-1].copy())
    exif = Image.Exif()
    exif[0x0110] = "SecretPhone 12"  # Model
    exif[0x010F] = "ACME"  # Make
    exif[0x9286] = "private comment"
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes(), quality=85)
    return buf.getvalue()


# --- Qt helpers (imported lazily so test_workflow.py stays Qt-free) ------------------------------


class VideoStillSource:
    """A camera stand-in that reads real frames from a video file through cv2.

    Stills are delivered through the event loop, like the real camera worker does.
    """

    def __init__(self, path: Path) -> None:
        import cv2

        self.path = path
        self.capture = cv2.VideoCapture(str(path))
        self.stills = 0

    def is_running(self) -> bool:
        return bool(self.capture.isOpened())

    def take_still(self, on_done: Any, on_error: Any) -> None:
        from PySide6.QtCore import QTimer

        ok, frame = self.capture.read()
        if not ok:
            self.capture.set(1, 0)  # CAP_PROP_POS_FRAMES: loop
            ok, frame = self.capture.read()
        if not ok:
            QTimer.singleShot(0, lambda: on_error("the camera delivered no frame"))
            return
        self.stills += 1
        QTimer.singleShot(0, lambda: on_done(frame))

    def close(self) -> None:
        self.capture.release()


def write_video(path: Path, frames: int = 5, size: tuple[int, int] = (1280, 720)) -> Path:
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 15, size)
    for i in range(frames):
        frame = bgr_frame(*size)
        cv2.putText(frame, f"frame {i}", (50, 100), cv2.FONT_HERSHEY_SIMPLEX, 3,
                    (255, 255, 255), 5)
        writer.write(frame)
    writer.release()
    return path


class PacedClock:
    """A clock that moves `step` seconds each time it is read: every key is a person's.

    The input router tells a scanner from a person by key timestamps; with this clock the
    verdict never depends on how loaded the test machine is. `step=0.002` plays a scanner.
    """

    def __init__(self, step: float = 0.5, start: float = 1000.0) -> None:
        self.step = step
        self.t = start

    def __call__(self) -> float:
        self.t += self.step
        return self.t


@pytest.fixture
def services(ctx: StationContext, qtbot: Any) -> Iterator[Any]:
    """Services over the test context; no worker thread may outlive the test."""
    from shiboken6 import Shiboken

    from ui.services import Services

    svc = Services(ctx)
    svc.router.clock = PacedClock()
    yield svc
    assert svc.wait_idle(10_000), "a background task did not finish"
    # Let queued result callbacks run before the pools go away.
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    assert svc.pool.activeThreadCount() == 0 and svc.db_pool.activeThreadCount() == 0
    camera = getattr(svc, "camera", None)
    if camera is not None and hasattr(camera, "close"):
        camera.close()
    Shiboken.delete(svc)  # the pools join their threads here


@pytest.fixture
def camera(services: Any, tmp_path: Path) -> VideoStillSource:
    source = VideoStillSource(write_video(tmp_path / "camera.avi"))
    services.camera = source
    return source


def screenshot(widget: Any, name: str) -> Path:
    """Grab a widget at the station screen size into build/screenshots/NAME.png."""
    from PySide6.QtWidgets import QApplication

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    widget.resize(*SCREEN_SIZE)
    widget.show()
    QApplication.processEvents()
    path = SCREENSHOT_DIR / f"{name}.png"
    pixmap = widget.grab()
    assert (pixmap.width(), pixmap.height()) == SCREEN_SIZE
    assert pixmap.save(str(path)), f"could not write {path}"
    return path


def walk_all_pass(session: Any, serial: str = EXPECTED_SERIAL, *,
                  product_code: str | None = None, given: dict[str, Any] | None = None) -> None:
    """Answer every step of an InspectionSession so the item is intact; reach the summary.

    An identity-gate step (16.1) gets `product_code`, or N/A when it is None; `given`
    answers the steps it names instead: a Result, a value, or None to skip the step."""
    from app.domain import Result

    given = given or {}
    while session.current is not None:
        step = session.current
        if step.step_id in given:
            answer = given[step.step_id]
            if isinstance(answer, Result):
                session.answer(answer)
            elif answer is not None:
                session.answer(Result.VALUE, answer)
        elif step.capture == "gtin":
            if product_code is None:
                session.answer(Result.NA)
            else:
                session.answer(Result.VALUE, product_code)
        elif step.capture:
            session.answer(Result.VALUE, serial)
        elif step.kind.value == "number":
            session.answer(Result.VALUE, "93")
        elif step.kind.value == "choice":
            session.answer(Result.VALUE, "A")
        elif step.kind.value == "photo":
            session.add_photo(bgr_frame(1280, 720))
        else:
            session.answer(Result.PASS)
        session.next()
