"""Camera capture over cv2.VideoCapture on its own thread (device, video file or stream URL).

The capture thread keeps only the newest frame: a consumer that is slower than the camera
gets the latest picture, never a queue of stale ones. A source that stops delivering
(USB cable pulled, stream dropped) is reopened by the thread itself; state changes are
reported through a callback. No Qt here: ui/ wraps this in a QObject.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from app.scanning.pacing import SIGNATURE_SIZE

log = logging.getLogger("app.scanning.camera")


class CameraState(StrEnum):
    """Lifecycle of a source, in the order it usually goes through them."""

    OPENING = "opening"
    RUNNING = "running"
    RECONNECTING = "reconnecting"
    ENDED = "ended"  # a video file played to its end (no loop)
    FAILED = "failed"
    STOPPED = "stopped"


class CameraError(RuntimeError):
    """Base of camera errors; the message is meant for the inspector, in plain words."""


class CameraOpenError(CameraError):
    """The camera, file or stream could not be opened."""


class CameraNotRunning(CameraError):
    """An operation needs a running source (e.g. a still while stopped)."""


class StillTimeout(CameraError):
    """No frame arrived in time for a still."""


class Frame:
    """One captured picture; ``seq`` grows by one per frame the thread captured.

    A frame from an MJPEG source may arrive still compressed (``jpeg``): the full picture
    is decoded on first use of ``image``, and only if somebody uses it. The preview and the
    change signature decode it at 1/2 to 1/8 size, which libjpeg does 3-6x faster. A
    decoded frame is shared by the threads that read it; nobody may write into ``image``.
    """

    __slots__ = ("_image", "_jpeg", "_lock", "_signature", "seq", "timestamp")

    def __init__(self, image: np.ndarray | None, seq: int, timestamp: float, *,
                 jpeg: np.ndarray | None = None) -> None:
        if image is None and jpeg is None:
            raise ValueError("a frame needs a picture or its JPEG bytes")
        self._image = image
        self._jpeg = jpeg
        self._signature: np.ndarray | None = None
        self._lock = threading.Lock()
        self.seq = seq
        self.timestamp = timestamp

    @property
    def image(self) -> np.ndarray:
        """The full-resolution BGR picture."""
        with self._lock:
            if self._image is None:
                self._image = _decode_jpeg(self._jpeg, cv2.IMREAD_COLOR)
            return self._image

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the full picture, read from the JPEG header when compressed."""
        if self._image is None and self._jpeg is not None:
            header = jpeg_size(self._jpeg)
            if header is not None:
                return header
        h, w = self.image.shape[:2]
        return w, h

    def reduced(self, max_width: int, max_height: int) -> np.ndarray:
        """A BGR copy no larger than needed to fill max_width x max_height (kept in ratio)."""
        full_w, full_h = self.size
        scale = min(max_width / full_w, max_height / full_h, 1.0)
        source = self._image
        if source is None:
            factor = next((f for f in (8, 4, 2) if full_w / f >= full_w * scale
                           and full_h / f >= full_h * scale), 1)
            source = _decode_jpeg(self._jpeg, _REDUCED_COLOR[factor])
        target = (max(1, int(full_w * scale)), max(1, int(full_h * scale)))
        if (source.shape[1], source.shape[0]) == target:
            return source
        return cv2.resize(source, target, interpolation=cv2.INTER_AREA)

    def signature(self) -> np.ndarray:
        """A tiny greyscale thumbnail for change detection (computed once per frame)."""
        with self._lock:
            if self._signature is None:
                if self._image is None:
                    small = _decode_jpeg(self._jpeg, cv2.IMREAD_REDUCED_GRAYSCALE_8)
                else:
                    step = max(1, self._image.shape[1] // 240)
                    small = self._image[::step, ::step]
                    if small.ndim == 3:
                        small = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_BGR2GRAY)
                self._signature = cv2.resize(small, SIGNATURE_SIZE, interpolation=cv2.INTER_AREA)
            return self._signature


_REDUCED_COLOR = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2,
                  4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}


def _decode_jpeg(data: np.ndarray | None, flags: int) -> np.ndarray:
    image = cv2.imdecode(data, flags) if data is not None else None
    if image is None:
        raise CameraError("The camera sent a picture that cannot be decoded.")
    return image


def jpeg_size(data: np.ndarray) -> tuple[int, int] | None:
    """(width, height) from a JPEG's start-of-frame marker, without decoding it."""
    raw = data.reshape(-1)[:65536].tobytes()
    i = 2
    while i + 9 < len(raw):
        if raw[i] != 0xFF:
            return None
        marker = raw[i + 1]
        length = int.from_bytes(raw[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(raw[i + 7:i + 9], "big"), int.from_bytes(raw[i + 5:i + 7], "big")
        i += 2 + length
    return None


StateCallback = Callable[[CameraState, str], None]


class CameraSource(Protocol):
    """What the rest of the app needs from a picture source (a stub can stand in)."""

    @property
    def state(self) -> CameraState: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def latest_frame(self) -> Frame | None: ...

    def wait_frame(self, newer_than: int, timeout: float) -> Frame | None: ...

    def take_still(self, timeout: float = 3.0) -> np.ndarray: ...


class VideoCaptureLike(Protocol):
    """The part of cv2.VideoCapture the camera uses (lets tests inject failures)."""

    def isOpened(self) -> bool: ...

    def read(self) -> tuple[bool, Any]: ...

    def set(self, prop: int, value: float) -> bool: ...

    def get(self, prop: int) -> float: ...

    def release(self) -> None: ...


CaptureFactory = Callable[[int | str, int], VideoCaptureLike]

BACKENDS: dict[str, int] = {
    "any": cv2.CAP_ANY,
    "dshow": cv2.CAP_DSHOW,
    "msmf": cv2.CAP_MSMF,
    "v4l2": cv2.CAP_V4L2,
    "ffmpeg": cv2.CAP_FFMPEG,
    "gstreamer": cv2.CAP_GSTREAMER,
    "avfoundation": cv2.CAP_AVFOUNDATION,
}


@dataclass(frozen=True)
class CameraConfig:
    """Where pictures come from and how; ``source`` is a device index, file path or URL."""

    source: int | str
    backend: str = "auto"
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    autofocus: bool | None = None
    still_width: int | None = None  # full resolution for evidence stills, if different
    still_height: int | None = None
    loop: bool = False  # video files: start again at the end (demo mode)
    pace: bool = True  # video files: play at their own frame rate
    # MJPEG video files: hand frames on still compressed, decoded only where used (Frame)
    compressed_frames: bool = True
    fail_reads_before_reconnect: int = 10
    reconnect_interval_s: float = 0.5
    give_up_after_s: float | None = None  # None: keep trying until stopped
    open_timeout_ms: int = 5000


def is_device(source: int | str) -> bool:
    return isinstance(source, int) or (isinstance(source, str) and source.isdigit())


def is_url(source: int | str) -> bool:
    return isinstance(source, str) and "://" in source


def pick_backend(config: CameraConfig, platform: str = sys.platform) -> int:
    """DirectShow opens USB cameras fastest on Windows; elsewhere let OpenCV choose."""
    name = config.backend.lower()
    if name != "auto":
        if name not in BACKENDS:
            raise CameraOpenError(
                f"Unknown camera backend '{config.backend}'. Use one of: auto, "
                + ", ".join(sorted(BACKENDS))
            )
        return BACKENDS[name]
    if is_device(config.source) and platform.startswith("win"):
        return cv2.CAP_DSHOW
    if is_url(config.source):
        return cv2.CAP_FFMPEG
    return cv2.CAP_ANY


def _default_factory(source: int | str, api: int) -> VideoCaptureLike:
    src: int | str = int(source) if is_device(source) else source
    cap: VideoCaptureLike = cv2.VideoCapture(src, api)
    return cap


def video_backends() -> list[str]:
    """The capture backends this OpenCV was built with (the bundle's lean build has no
    FFmpeg: USB cameras through V4L2 and MJPEG video files through OpenCV's own reader)."""
    registry = cv2.videoio_registry
    # getBackends() also names backends OpenCV only knows of as optional plugins (FFMPEG,
    # GSTREAMER in the lean build); hasBackend() is true only for one that can be used.
    names = (registry.getBackendName(b) for b in registry.getBackends() if registry.hasBackend(b))
    return list(dict.fromkeys(names))


def has_ffmpeg() -> bool:
    return "FFMPEG" in video_backends()


def unsupported_source(source: int | str) -> str | None:
    """Why this OpenCV cannot open `source` at all, or None when it may try."""
    if is_url(source) and not has_ffmpeg():
        return (f"{describe(source)} is a network camera, and this station's OpenCV is built "
                "without FFmpeg (the installed bundle). Connect a USB camera, or run the "
                "station from a source install (pip) for network cameras.")
    return None


def describe(source: int | str) -> str:
    if is_device(source):
        return f"camera {source}"
    if is_url(source):
        # Never show credentials embedded in a stream URL.
        head, _, tail = str(source).partition("://")
        host = tail.split("@", 1)[-1]
        return f"stream {head}://{host}"
    return f"video file {Path(str(source)).name}"


class Camera:
    """A capture thread over cv2.VideoCapture.

    ``on_state(state, message)`` is called from the capture thread on every change; the
    UI adapter turns it into a signal. ``start`` opens the source synchronously so a
    camera that cannot be opened is a CameraOpenError for the caller, not a log line.
    """

    def __init__(
        self,
        config: CameraConfig,
        on_state: StateCallback | None = None,
        *,
        capture_factory: CaptureFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._on_state = on_state
        self._factory = capture_factory or _default_factory
        self._clock = clock
        self._api = pick_backend(config)
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._seq = 0
        self._state = CameraState.STOPPED
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._cap: VideoCaptureLike | None = None
        self._still_request = False
        self._still: np.ndarray | None = None
        self._still_error: str | None = None
        self._file_fps = 0.0
        self._compressed = False

    # -- public API

    @property
    def state(self) -> CameraState:
        return self._state

    @property
    def is_file(self) -> bool:
        return not is_device(self.config.source) and not is_url(self.config.source)

    def start(self) -> None:
        """Open the source and start the capture thread; raises CameraOpenError."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._set_state(CameraState.OPENING, f"Opening {describe(self.config.source)}")
        if self.is_file and not os.path.isfile(str(self.config.source)):
            self._set_state(CameraState.FAILED, "file not found")
            raise CameraOpenError(f"The video file {self.config.source} does not exist.")
        reason = unsupported_source(self.config.source)
        if reason is not None:
            self._set_state(CameraState.FAILED, "not supported by this build")
            raise CameraOpenError(reason)
        cap = self._open()
        if cap is None:
            self._set_state(CameraState.FAILED, "could not open")
            raise CameraOpenError(
                f"Could not open {describe(self.config.source)}. Check that it is connected, "
                "not used by another program, and that the station may use the camera."
            )
        self._cap = cap
        self._thread = threading.Thread(
            target=self._run, name=f"camera-{describe(self.config.source)}", daemon=True
        )
        self._set_state(CameraState.RUNNING, f"{describe(self.config.source)} is running")
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and join the capture thread; the capture is released on that thread."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise CameraError("The camera thread did not stop in time.")
        self._thread = None
        if self._cap is not None:  # start() opened but the thread never ran
            self._cap.release()
            self._cap = None
        if self._state != CameraState.STOPPED:
            self._set_state(CameraState.STOPPED, "stopped")

    def __enter__(self) -> Camera:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def latest_frame(self) -> Frame | None:
        """The newest frame (the same object until a newer one arrives), or None."""
        with self._cond:
            return self._frame

    def wait_frame(self, newer_than: int, timeout: float) -> Frame | None:
        """Block until a frame with seq > newer_than exists (or timeout); returns newest."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._frame is None or self._frame.seq <= newer_than:
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    return None
                self._cond.wait(left)
            return self._frame

    def take_still(self, timeout: float = 3.0) -> np.ndarray:
        """A full-resolution picture from the same source, for evidence photos."""
        if self._thread is None or not self._thread.is_alive():
            raise CameraNotRunning("The camera is not running; start it before taking a photo.")
        deadline = time.monotonic() + timeout
        with self._cond:
            self._still = None
            self._still_error = None
            self._still_request = True
            # Read through a method: the capture thread sets both while this waits, which
            # the reset just above would otherwise hide from the type checker.
            still, error = self._still_result()
            while still is None and error is None:
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    self._still_request = False
                    raise StillTimeout("The camera gave no picture in time for the photo.")
                self._cond.wait(left)
                still, error = self._still_result()
            if error is not None:
                raise CameraError(error)
            assert still is not None
            return still

    def _still_result(self) -> tuple[np.ndarray | None, str | None]:
        return self._still, self._still_error

    # -- capture thread

    def _set_state(self, state: CameraState, message: str) -> None:
        if state == self._state and state != CameraState.RECONNECTING:
            return
        self._state = state
        log.info("camera %s: %s (%s)", describe(self.config.source), state, message)
        if self._on_state is not None:
            try:
                self._on_state(state, message)
            except Exception:  # a faulty listener must not kill capture
                log.exception("camera state callback failed")

    def _open(self) -> VideoCaptureLike | None:
        cfg = self.config
        try:
            cap = self._factory(cfg.source, self._api)
        except Exception as exc:  # cv2 raises cv2.error for odd URLs
            log.warning("opening %s failed: %s", describe(cfg.source), exc)
            return None
        if not cap.isOpened():
            cap.release()
            return None
        if not self.is_file:
            self._apply_settings(cap, cfg.width, cfg.height)
        else:
            fps = cap.get(cv2.CAP_PROP_FPS)
            self._file_fps = fps if 1.0 <= fps <= 240.0 else 25.0
            self._compressed = self._try_compressed(cap)
        return cap

    def _try_compressed(self, cap: VideoCaptureLike) -> bool:
        """MJPEG files through FFmpeg: read packets, not pictures (decoding is 90% of a read).

        Only with OpenCV's own capture on an MJPG file; anything else reads as before.
        """
        if not self.config.compressed_frames or self._factory is not _default_factory:
            return False
        fourcc = int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode("latin-1")
        if fourcc.upper() != "MJPG" or not cap.set(cv2.CAP_PROP_FORMAT, -1.0):
            return False
        ok, data = cap.read()
        cap.set(cv2.CAP_PROP_POS_FRAMES, 0.0)
        if ok and data is not None and data.ndim == 2 and data.shape[0] == 1 \
                and jpeg_size(data) is not None:
            return True
        cap.set(cv2.CAP_PROP_FORMAT, float(cv2.CV_8UC3))  # not JPEG packets: read pictures
        return False

    def _apply_settings(self, cap: VideoCaptureLike, width: int | None, height: int | None) -> None:
        cfg = self.config
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, float(width))
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, float(height))
        if cfg.fps:
            cap.set(cv2.CAP_PROP_FPS, float(cfg.fps))
        if cfg.autofocus is not None:
            cap.set(cv2.CAP_PROP_AUTOFOCUS, 1.0 if cfg.autofocus else 0.0)
        if is_device(cfg.source):
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1.0)  # fewer stale frames in the driver

    def _run(self) -> None:
        cfg = self.config
        failures = 0
        next_due = time.monotonic()
        try:
            while not self._stop.is_set():
                cap = self._cap
                if cap is None:
                    if not self._reconnect():
                        break
                    failures = 0
                    next_due = time.monotonic()
                    continue
                ok, image = cap.read()
                if ok and image is not None:
                    failures = 0
                    self._publish(image)
                    if self._still_request:
                        self._serve_still(cap, image)
                    if self.is_file and cfg.pace:
                        next_due += 1.0 / self._file_fps
                        delay = next_due - time.monotonic()
                        if delay > 0:
                            self._stop.wait(delay)
                        else:
                            next_due = time.monotonic()
                    continue
                if self.is_file and failures == 0 and self._at_end(cap):
                    if cfg.loop:
                        cap.set(cv2.CAP_PROP_POS_FRAMES, 0.0)
                        if self._retry_loop(cap):
                            continue
                    else:
                        self._set_state(CameraState.ENDED, "end of video")
                        break
                failures += 1
                if failures >= cfg.fail_reads_before_reconnect:
                    cap.release()
                    self._cap = None
                    self._set_state(CameraState.RECONNECTING, "the source stopped sending pictures")
                else:
                    self._stop.wait(0.01)
        finally:
            if self._cap is not None:
                self._cap.release()
                self._cap = None
            with self._cond:
                if self._still_request:
                    self._still_error = "The camera stopped before the photo was taken."
                self._cond.notify_all()

    def _at_end(self, cap: VideoCaptureLike) -> bool:
        total = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        pos = cap.get(cv2.CAP_PROP_POS_FRAMES)
        return total > 0 and pos >= total - 1

    def _retry_loop(self, cap: VideoCaptureLike) -> bool:
        ok, image = cap.read()
        if ok and image is not None:
            self._publish(image)
            return True
        return False

    def _reconnect(self) -> bool:
        """Reopen until it works, the give-up time passes, or stop() is called."""
        cfg = self.config
        started = time.monotonic()
        attempt = 0
        while not self._stop.is_set():
            attempt += 1
            cap = self._open()
            if cap is not None:
                self._cap = cap
                self._set_state(
                    CameraState.RUNNING, f"{describe(cfg.source)} is back (attempt {attempt})"
                )
                return True
            if cfg.give_up_after_s is not None and time.monotonic() - started > cfg.give_up_after_s:
                self._set_state(
                    CameraState.FAILED, f"{describe(cfg.source)} did not come back; giving up"
                )
                return False
            self._set_state(CameraState.RECONNECTING, f"waiting for {describe(cfg.source)}")
            self._stop.wait(cfg.reconnect_interval_s)
        return False

    def _publish(self, image: np.ndarray) -> None:
        if self._compressed:  # a packet: copy it out of the capture's buffer, decode later
            frame_args: dict[str, Any] = {"image": None, "jpeg": image.copy()}
        else:
            frame_args = {"image": image}
        with self._cond:
            self._seq += 1
            self._frame = Frame(seq=self._seq, timestamp=self._clock(), **frame_args)
            self._cond.notify_all()

    def _serve_still(self, cap: VideoCaptureLike, current: np.ndarray) -> None:
        cfg = self.config
        still = current
        if cfg.still_width and cfg.still_height and not self.is_file:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, float(cfg.still_width))
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, float(cfg.still_height))
            for _ in range(5):  # the first frames after a mode switch are often dark
                ok, image = cap.read()
                if ok and image is not None:
                    still = image
            self._apply_settings(cap, cfg.width, cfg.height)
        if self._compressed:
            still = _decode_jpeg(still, cv2.IMREAD_COLOR)
        with self._cond:
            self._still = still.copy()
            self._still_request = False
            self._cond.notify_all()
