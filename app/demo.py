"""Training (demo) mode: a whole station on one machine, for newcomers and training.

When no case API is configured the GUI starts the reference server on loopback with
its demo cases, seeds a demo inspector and shift lead, and, when no camera opens,
plays a generated video of the demo cases' labels as the camera. Demo data lives in
its own folder (`<data>/demo`, marked by a TRAINING file) and talks only to 127.0.0.1:
`check_training_target` refuses anything else, and every report from it says TRAINING.

The core never imports the reference server (refserver/): the composition root
(app/__main__.py) hands a `DemoBackend` in, built by refserver.training.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from app.config import Settings, load_settings
from app.domain import Role
from app.paths import Paths
from app.training import TRAINING_MARK

log = logging.getLogger("station.demo")

DEMO_TOKEN = "demo-token"
DEMO_STATION_ID = "DEMO-BENCH-01"


@dataclass(frozen=True, slots=True)
class DemoOperator:
    operator_id: str
    name: str
    role: Role
    badge_code: str
    pin: str


DEMO_OPERATORS: tuple[DemoOperator, ...] = (
    DemoOperator("E1001", "Li Wei 李伟", Role.INSPECTOR, "E1001", "1234"),
    DemoOperator("E2001", "Zhang Min 张敏", Role.SHIFT_LEAD, "E2001", "9876"),
)


class DemoServer(Protocol):
    """A running case API server on loopback, as training mode uses it."""

    @property
    def url(self) -> str: ...

    def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class DemoBackend:
    """What training mode needs from the reference server, passed in (never imported)."""

    start: Callable[[Path, str], DemoServer]  # (database file, accepted token) -> server
    label_texts: Callable[[], list[str]]  # the codes printed on the demo video's labels


def demo_paths(paths: Paths) -> Paths:
    """The demo's own folder, beside (never mixed with) the station's real data."""
    base = paths.data_dir / "demo"
    return Paths(data_dir=base, config_file=base / "config.toml", log_dir=paths.log_dir)


def seed_demo_operators(store: Any) -> None:
    from app.operators import LoginPolicy, Operators

    # The demo lead keeps the short PIN printed in the README (demo data only).
    ops = Operators(store, LoginPolicy(pin_min_length_lead=4))
    if ops.count():
        return
    lead = next(o for o in DEMO_OPERATORS if o.role is Role.SHIFT_LEAD)
    by = ops.add(lead.operator_id, lead.name, lead.role, lead.pin, lead.badge_code, by=None)
    for op in DEMO_OPERATORS:
        if op is not lead:
            ops.add(op.operator_id, op.name, op.role, op.pin, op.badge_code, by=by)


def label_image(text: str, caption: str, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """A return label as a bench camera sees it: Code 128 on white, on a grey bench."""
    import zxingcpp

    width, height = size
    frame = np.full((height, width, 3), 90, dtype=np.uint8)
    code = np.asarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
                      .to_image(scale=3, add_quiet_zones=True))
    label_h, label_w = code.shape[0] + 120, code.shape[1] + 80
    y0, x0 = (height - label_h) // 2, (width - label_w) // 2
    frame[y0:y0 + label_h, x0:x0 + label_w] = 250
    cy, cx = y0 + 30, x0 + 40
    frame[cy:cy + code.shape[0], cx:cx + code.shape[1]] = np.repeat(code[:, :, None], 3, axis=2)
    cv2.putText(frame, caption, (x0 + 40, y0 + label_h - 30), cv2.FONT_HERSHEY_SIMPLEX, 0.9,
                (20, 20, 20), 2, cv2.LINE_AA)
    return frame


def write_label_video(path: Path, texts: list[str], *, fps: int = 15, seconds_each: float = 4.0,
                      gap_seconds: float = 1.5, size: tuple[int, int] = (1280, 720)) -> Path:
    """An MJPG .avi showing each label in turn with an empty bench between them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.avi")
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f"cannot write the demo video {path}")
    empty = np.full((size[1], size[0], 3), 90, dtype=np.uint8)
    try:
        for text in texts:
            frame = label_image(text, text, size)
            for _ in range(int(fps * seconds_each)):
                writer.write(frame)
            for _ in range(int(fps * gap_seconds)):
                writer.write(empty)
    finally:
        writer.release()
    tmp.replace(path)
    return path


def camera_opens(source: str) -> bool:
    cap = cv2.VideoCapture(int(source) if source.isdigit() else source)
    try:
        return bool(cap.isOpened() and cap.read()[0])
    finally:
        cap.release()


class DemoEnvironment:
    """The running demo: reference server, seeded station folder, camera source."""

    def __init__(self, base_paths: Paths, settings: Settings, backend: DemoBackend) -> None:
        self.paths = demo_paths(base_paths)
        self.paths.ensure()
        (self.paths.data_dir / TRAINING_MARK).write_text(
            "Training station: reports say TRAINING, nothing is sent to a real case API.\n",
            encoding="utf-8")
        self.server = backend.start(self.paths.data_dir / "server" / "cases.db", DEMO_TOKEN)
        if self.paths.config_file.exists():
            # Settings saved in training (the language, photo size) live in the demo folder:
            # read them back, or a restart forgets them. The camera stays the station's own.
            settings = load_settings(self.paths.config_file).replace(
                camera_source=settings.camera_source)
        camera = settings.camera_source
        if not camera_opens(camera):
            video = self.paths.data_dir / "demo-labels.avi"
            if not video.exists():
                write_label_video(video, backend.label_texts())
            camera = str(video)
            log.info("no camera opens: playing %s as the camera", video)
        self.settings = settings.replace(
            api_base_url=self.server.url, station_id=DEMO_STATION_ID, token_source="file",
            camera_source=camera,
        )

    def write_token(self) -> None:
        """After the store is open: a token beside no database would read as evidence of
        an earlier station (app.station_store) and stop the demo from starting."""
        self.paths.token_file.write_text(DEMO_TOKEN, encoding="utf-8")
        self.paths.token_file.chmod(0o600)

    def stop(self) -> None:
        self.server.stop()
