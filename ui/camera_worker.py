"""The camera adapter for Qt: capture thread, preview thread and decoder thread, results by signal.

Capture (app.scanning.camera.Camera) runs on its own thread and keeps only the newest
frame; the camera is opened on the decoder thread, since opening a USB camera or a
stream can take seconds and the GUI thread must not wait for it. Two consumers each
take only the newest frame, so neither ever queues stale pictures: the preview thread
downsizes and converts to a QImage copy (the GUI thread only paints it), and the
decoder thread runs `Decoder.decode_live` and the acceptance rule (N matching reads,
cooldown, preference by kind). Workers never touch widgets: they emit signals, which
Qt delivers on the GUI thread.

Signals:
    frame_ready(QImage, QSize): a preview image and the full frame size it came from.
    codes_seen(object, QSize): corner polygons of codes in the newest decoded frame.
    scanned(object): an accepted ScanEvent (source camera).
    state_changed(str, str): camera state (app.scanning.camera.CameraState) and a message.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QImage

from app.config import Settings
from app.scanning.acceptance import Acceptor
from app.scanning.camera import Camera, CameraConfig, CameraError, CameraState, is_device
from app.scanning.decoder import Decoder
from app.scanning.labels import Patterns
from app.scanning.pacing import DecodePacer, PreviewPacer, SceneActivity

log = logging.getLogger("station.ui.camera")

PREVIEW_MAX = QSize(960, 540)  # what a 1366x768 screen shows of the picture anyway


def camera_config(settings: Settings) -> CameraConfig:
    """Settings to capture config; a video file (demo) loops at its own frame rate."""
    source: int | str = settings.camera_source
    device = is_device(source)
    return CameraConfig(
        source=int(source) if device else source,
        backend="auto" if settings.camera_backend == "auto" else settings.camera_backend,
        width=settings.camera_width if device else None,
        height=settings.camera_height if device else None,
        autofocus=settings.camera_autofocus if device else None,
        loop=not device and "://" not in str(source),
        pace=True,
    )


def to_qimage(image: np.ndarray, max_size: QSize = PREVIEW_MAX) -> QImage:
    """A BGR frame as a QImage that owns its pixels, downsized to fit `max_size`."""
    h, w = image.shape[:2]
    scale = min(max_size.width() / w, max_size.height() / h, 1.0)
    if scale < 1.0:
        image = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))),
                           interpolation=cv2.INTER_AREA)
    return _bgr_to_qimage(image)


def _bgr_to_qimage(image: np.ndarray) -> QImage:
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    image = np.ascontiguousarray(image)
    h, w = image.shape[:2]
    return QImage(image.data, w, h, int(image.strides[0]), QImage.Format.Format_BGR888).copy()


class CameraWorker(QObject):
    frame_ready = Signal(QImage, QSize)
    codes_seen = Signal(object, QSize)
    scanned = Signal(object)
    state_changed = Signal(str, str)
    _still_done = Signal(int, object)
    _still_failed = Signal(int, str)

    def __init__(self, settings: Settings, *, decoder: Decoder | None = None,
                 preview_fps: float = 30.0, preview_max: QSize = PREVIEW_MAX,
                 camera: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._decoder = decoder
        self.preview_fps = preview_fps
        self.preview_max = preview_max
        self._camera: Any = camera
        self.acceptor = Acceptor(required_reads=settings.accept_reads,
                                 cooldown_s=settings.scan_cooldown_s,
                                 patterns=Patterns.from_settings(settings))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._decoding = threading.Event()
        self._decoding.set()
        self._forget_reads = threading.Event()  # the decoder thread resets its acceptor
        self._still_lock = threading.Lock()
        self._still_requests: list[int] = []
        self._still_callbacks: dict[int, tuple[Callable[[np.ndarray], None],
                                               Callable[[str], None]]] = {}
        self._ids = itertools.count(1)
        self.state = CameraState.STOPPED.value
        self.message = ""
        self.frames_emitted = 0
        self.frames_decoded = 0
        # Work only as often as scanning needs (app/scanning/pacing.py): the preview thread
        # watches for change, the decoder reads every frame only while something happens.
        self.activity = SceneActivity()
        self.decode_pacer = DecodePacer(self.activity)
        self.preview_pacer = PreviewPacer(self.activity, fps=preview_fps)
        self.decode_ms: list[float] = []
        self._still_done.connect(self._deliver_still, Qt.ConnectionType.QueuedConnection)
        self._still_failed.connect(self._fail_still, Qt.ConnectionType.QueuedConnection)
        self.state_changed.connect(self._remember_state)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> bool:
        """Start the threads; the camera opens on the decoder thread, never on this one.

        Whether it opened arrives as `state_changed` (running, or failed with the reason).
        """
        if self._threads:
            return True
        if self._camera is None:
            self._camera = Camera(camera_config(self.settings), self._on_camera_state)
        if self._decoder is None:
            self._decoder = Decoder()
        # A fresh event per run: a thread of the previous run still opening a slow camera
        # must not see the next run's cleared flag and carry on.
        self._stop = threading.Event()
        for name, target in (("camera-preview", self._preview_loop),
                             ("camera-decode", self._decode_loop)):
            thread = threading.Thread(target=target, args=(self._camera, self._stop),
                                      name=name, daemon=True)
            self._threads.append(thread)
            thread.start()
        return True

    def stop(self) -> None:
        """Stop and join every thread this worker started; pending stills fail."""
        self._stop.set()
        for thread in self._threads:
            thread.join(5.0)
        self._threads.clear()
        if self._camera is not None:
            try:
                self._camera.stop()
            except CameraError as exc:
                log.warning("camera stop: %s", exc)
            self._camera = None
        with self._still_lock:
            pending = list(self._still_callbacks)
            self._still_requests.clear()
        for request in pending:
            self._fail_still(request, self.tr("The camera was stopped."))

    def restart(self, settings: Settings) -> bool:
        self.stop()
        self.settings = settings
        self.acceptor = Acceptor(required_reads=settings.accept_reads,
                                 cooldown_s=settings.scan_cooldown_s,
                                 patterns=Patterns.from_settings(settings))
        return self.start()

    def is_running(self) -> bool:
        return bool(self._threads) and self.state == CameraState.RUNNING.value

    def set_decoding(self, on: bool) -> None:
        """Decoding costs CPU: the main window pauses it on screens that take no scans."""
        if on:
            # The acceptor belongs to the decoder thread (it iterates its dicts in offer()):
            # ask that thread to forget half-seen codes instead of clearing them from here.
            self._forget_reads.set()
            self._decoding.set()
        else:
            self._decoding.clear()

    # --- stills -------------------------------------------------------------------------------

    def take_still(self, on_done: Callable[[np.ndarray], None],
                   on_error: Callable[[str], None]) -> None:
        """A full-resolution BGR still; callbacks run on the GUI thread."""
        if not self.is_running() or self._camera is None:
            on_error(self.tr("No camera is running: check the camera, or import a photo "
                             "from a file."))
            return
        request = next(self._ids)
        with self._still_lock:
            self._still_callbacks[request] = (on_done, on_error)
            self._still_requests.append(request)

    @Slot(int, object)
    def _deliver_still(self, request: int, image: object) -> None:
        with self._still_lock:
            callbacks = self._still_callbacks.pop(request, None)
        if callbacks is not None:
            assert isinstance(image, np.ndarray)
            callbacks[0](image)

    @Slot(int, str)
    def _fail_still(self, request: int, message: str) -> None:
        with self._still_lock:
            callbacks = self._still_callbacks.pop(request, None)
        if callbacks is not None:
            callbacks[1](message)

    # --- threads ------------------------------------------------------------------------------

    def _on_camera_state(self, state: CameraState, message: str) -> None:
        self.state_changed.emit(state.value, message)

    @Slot(str, str)
    def _remember_state(self, state: str, message: str) -> None:
        self.state, self.message = state, message

    def _preview_loop(self, camera: Any, stop: threading.Event) -> None:
        seq = 0
        while not stop.is_set():
            frame = camera.wait_frame(seq, 0.2)
            if frame is None:
                continue
            seq = frame.seq
            try:
                changed = self.activity.observe(frame.signature())
                if not self.preview_pacer.should_show(changed):
                    continue
                w, h = frame.size
                image = _bgr_to_qimage(frame.reduced(self.preview_max.width(),
                                                     self.preview_max.height()))
            except CameraError as exc:  # one undecodable picture: skip it
                log.warning("preview: %s", exc)
                continue
            self.frames_emitted += 1
            self.frame_ready.emit(image, QSize(w, h))

    def _open(self, camera: Any, stop: threading.Event) -> bool:
        """Open the camera (slow: a driver or a stream); state changes arrive by signal."""
        try:
            camera.start()
        except CameraError as exc:
            self.state_changed.emit(CameraState.FAILED.value, str(exc))
            self._fail_pending_stills(str(exc))
            return False
        if stop.is_set():  # stopped while opening: the capture thread must not stay behind
            try:
                camera.stop()
            except CameraError as exc:
                log.warning("camera stop: %s", exc)
            return False
        return True

    def _fail_pending_stills(self, message: str) -> None:
        with self._still_lock:
            pending = list(self._still_requests)
            self._still_requests.clear()
        for request in pending:
            self._still_failed.emit(request, message)

    def _decode_loop(self, camera: Any, stop: threading.Event) -> None:
        if not self._open(camera, stop):
            return
        seq = 0
        decoder = self._decoder
        assert decoder is not None
        had_codes = False
        while not stop.is_set():
            self._serve_stills(camera)
            if not self._decoding.wait(0.1):
                continue
            frame = camera.wait_frame(seq, 0.1)
            if frame is None:
                continue
            seq = frame.seq
            if self._forget_reads.is_set():
                self.decode_pacer.reset()
            if not self.decode_pacer.should_decode():
                continue
            t0 = time.perf_counter()
            try:
                codes = decoder.decode_live(frame.image)
            except Exception:  # one bad frame must not stop scanning
                log.exception("decoding a frame failed")
                continue
            self.decode_pacer.decoded(bool(codes))
            self.frames_decoded += 1
            self.decode_ms.append((time.perf_counter() - t0) * 1000)
            if len(self.decode_ms) > 1000:
                del self.decode_ms[:500]
            w, h = frame.size
            if codes or had_codes:
                self.codes_seen.emit([c.points for c in codes], QSize(w, h))
            had_codes = bool(codes)
            if self._forget_reads.is_set():  # right before offer: no read carries over
                self._forget_reads.clear()
                self.acceptor.reset()
            event = self.acceptor.offer(codes)
            if event is not None:
                log.info("camera accepted a %s code", event.kind)
                self.scanned.emit(event)

    def _serve_stills(self, camera: Any) -> None:
        with self._still_lock:
            if not self._still_requests:
                return
            request = self._still_requests.pop(0)
        try:
            image = camera.take_still()
        except CameraError as exc:
            self._still_failed.emit(request, str(exc))
        else:
            self._still_done.emit(request, image)
