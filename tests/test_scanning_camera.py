"""Camera capture through the real cv2.VideoCapture path, on generated MJPG videos."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from app.scanning.acceptance import Acceptor
from app.scanning.camera import (
    Camera,
    CameraConfig,
    CameraNotRunning,
    CameraOpenError,
    CameraState,
    pick_backend,
)
from app.scanning.decoder import Decoder
from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import Kind
from tests.scanning_fixtures import code128_image, empty_frame, label_frame, write_mjpg

SIZE = (640, 360)


def _wait_until(cond: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)  # polling a thread with a deadline, not sleeping to pass
    return cond()


@pytest.fixture
def label_video(tmp_path: Path) -> Path:
    """1.2 s at 25 fps: empty desk, a Code 128 RMA label in view for 0.6 s, empty again."""
    label = label_frame(
        code128_image("RMA-2025-0042137", module_px=3), size=(1280, 720), at=(150, 250)
    )
    label = cv2.resize(label, (960, 540), interpolation=cv2.INTER_AREA)
    empty = cv2.resize(empty_frame(), (960, 540), interpolation=cv2.INTER_AREA)
    frames = [empty] * 8 + [label] * 15 + [empty] * 7
    return write_mjpg(tmp_path / "label.avi", frames, fps=25.0)


@pytest.fixture
def small_video(tmp_path: Path) -> Path:
    frames = []
    for i in range(20):
        f = np.full((SIZE[1], SIZE[0], 3), 40 + i * 5, np.uint8)
        cv2.putText(f, str(i), (50, 200), cv2.FONT_HERSHEY_SIMPLEX, 4, (255, 255, 255), 6)
        frames.append(f)
    return write_mjpg(tmp_path / "small.avi", frames, fps=50.0)


def _no_camera_threads() -> bool:
    return not any(t.name.startswith("camera-") for t in threading.enumerate())


def test_label_video_gives_exactly_one_accepted_scan(label_video: Path) -> None:
    states: list[CameraState] = []
    cam = Camera(CameraConfig(str(label_video), pace=True), on_state=lambda s, m: states.append(s))
    decoder = Decoder()
    acceptor = Acceptor(required_reads=2, cooldown_s=3.0)
    events: list[ScanEvent] = []
    cam.start()
    try:
        seq = 0
        deadline = time.monotonic() + 15
        while cam.state == CameraState.RUNNING and time.monotonic() < deadline:
            frame = cam.wait_frame(seq, timeout=0.5)
            if frame is None:
                continue
            seq = frame.seq
            ev = acceptor.offer(decoder.decode_live(frame.image), now=frame.timestamp)
            if ev is not None:
                events.append(ev)
    finally:
        cam.stop()
    assert states[:2] == [CameraState.OPENING, CameraState.RUNNING]
    assert CameraState.ENDED in states and states[-1] == CameraState.STOPPED
    assert len(events) == 1
    ev = events[0]
    assert (ev.text, ev.source, ev.symbology, ev.interpretation.kind) == (
        "RMA-2025-0042137",
        ScanSource.CAMERA,
        "CODE128",
        Kind.RMA,
    )
    assert _no_camera_threads()


def test_missing_file_and_missing_device_are_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(CameraOpenError, match="does not exist"):
        Camera(CameraConfig(str(tmp_path / "nope.avi"))).start()
    bogus = tmp_path / "not-a-video.avi"
    bogus.write_bytes(b"this is not a video")
    with pytest.raises(CameraOpenError, match=r"Could not open video file not-a-video\.avi"):
        Camera(CameraConfig(str(bogus))).start()
    with pytest.raises(CameraOpenError, match="Unknown camera backend"):
        Camera(CameraConfig(0, backend="telepathy"))
    assert _no_camera_threads()


def test_backend_choice() -> None:
    assert pick_backend(CameraConfig(0), platform="win32") == cv2.CAP_DSHOW
    assert pick_backend(CameraConfig(0, backend="msmf"), platform="win32") == cv2.CAP_MSMF
    assert pick_backend(CameraConfig(0), platform="linux") == cv2.CAP_ANY
    assert pick_backend(CameraConfig("rtsp://cam/stream"), platform="linux") == cv2.CAP_FFMPEG
    assert pick_backend(CameraConfig("demo.avi"), platform="win32") == cv2.CAP_ANY


def test_latest_frame_is_the_newest_and_stale_frames_are_dropped(small_video: Path) -> None:
    cam = Camera(CameraConfig(str(small_video), loop=True, pace=False))
    with cam:
        first = cam.wait_frame(0, timeout=5)
        assert first is not None
        # A slow consumer: by the time it looks again the camera has moved on several frames.
        later = cam.wait_frame(first.seq + 5, timeout=5)
        assert later is not None and later.seq > first.seq + 5
        assert cam.latest_frame() is not None
        assert cam.latest_frame().seq >= later.seq  # type: ignore[union-attr]
        # Looping: more frames than the file holds.
        assert _wait_until(lambda: (cam.latest_frame() or first).seq > 45)
        running = cam.state
    assert running == CameraState.RUNNING
    assert cam.state == CameraState.STOPPED
    assert _no_camera_threads()


def test_video_files_are_paced_at_their_frame_rate(small_video: Path) -> None:
    cam = Camera(CameraConfig(str(small_video), loop=False, pace=True))
    t0 = time.monotonic()
    with cam:
        assert _wait_until(lambda: cam.state == CameraState.ENDED)
    elapsed = time.monotonic() - t0
    assert elapsed >= 0.3  # 20 frames at 50 fps = 0.4 s; unpaced this takes ~10 ms


def test_take_still_gives_a_full_resolution_frame(small_video: Path) -> None:
    cam = Camera(CameraConfig(str(small_video), loop=True))
    with pytest.raises(CameraNotRunning):
        cam.take_still()
    with cam:
        still = cam.take_still(timeout=5)
        assert still.shape == (SIZE[1], SIZE[0], 3)
        frame = cam.latest_frame()
        assert frame is not None and still is not frame.image  # a copy, safe to keep


class FlakyCapture:
    """A real cv2.VideoCapture whose reads can be made to fail, like a pulled USB cable."""

    broken = threading.Event()

    def __init__(self, source: int | str, api: int) -> None:
        self._cap = cv2.VideoCapture(str(source), api)

    def isOpened(self) -> bool:
        return bool(self._cap.isOpened())

    def read(self) -> tuple[bool, Any]:
        if self.broken.is_set():
            return False, None
        ok, img = self._cap.read()
        if not ok:  # loop the file
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, img = self._cap.read()
        return ok, img

    def set(self, prop: int, value: float) -> bool:
        return bool(self._cap.set(prop, value))

    def get(self, prop: int) -> float:
        return float(self._cap.get(prop))

    def release(self) -> None:
        self._cap.release()


def test_source_that_fails_mid_stream_reconnects_by_itself(small_video: Path) -> None:
    """Reads fail and the file disappears (device unplugged); it comes back; capture resumes."""
    states: list[tuple[CameraState, str]] = []
    FlakyCapture.broken.clear()
    cfg = CameraConfig(
        str(small_video), pace=False, fail_reads_before_reconnect=3, reconnect_interval_s=0.05
    )
    cam = Camera(cfg, on_state=lambda s, m: states.append((s, m)), capture_factory=FlakyCapture)
    moved = small_video.with_suffix(".gone")
    with cam:
        first = cam.wait_frame(0, timeout=5)
        assert first is not None
        small_video.rename(moved)  # reopening fails while it is away
        FlakyCapture.broken.set()
        assert _wait_until(lambda: cam.state == CameraState.RECONNECTING)
        assert _wait_until(lambda: sum(s == CameraState.RECONNECTING for s, _ in states) >= 3)
        stalled = cam.latest_frame()
        assert stalled is not None
        FlakyCapture.broken.clear()
        moved.rename(small_video)
        assert _wait_until(lambda: cam.state == CameraState.RUNNING)
        resumed = cam.wait_frame(stalled.seq, timeout=5)
        assert resumed is not None and resumed.seq > stalled.seq
    kinds = [s for s, _ in states]
    assert kinds[:2] == [CameraState.OPENING, CameraState.RUNNING]
    back = kinds.index(CameraState.RUNNING, kinds.index(CameraState.RECONNECTING))
    assert "is back" in states[back][1]
    assert kinds[-1] == CameraState.STOPPED
    assert _no_camera_threads()


def test_gives_up_after_the_configured_time(small_video: Path) -> None:
    FlakyCapture.broken.clear()
    cfg = CameraConfig(
        str(small_video),
        pace=False,
        fail_reads_before_reconnect=2,
        reconnect_interval_s=0.02,
        give_up_after_s=0.2,
    )
    cam = Camera(cfg, capture_factory=FlakyCapture)
    with cam:
        assert cam.wait_frame(0, timeout=5) is not None
        small_video.unlink()
        FlakyCapture.broken.set()
        assert _wait_until(lambda: cam.state == CameraState.FAILED)
    FlakyCapture.broken.clear()
    assert _no_camera_threads()


def test_network_cameras_are_refused_only_by_a_build_without_ffmpeg() -> None:
    """The pip wheel (this venv) has FFmpeg; the bundle's lean build has not (test_bundle)."""
    from app.scanning.camera import has_ffmpeg, unsupported_source

    url = "rtsp://user:secret@127.0.0.1:9/cam"
    reason = unsupported_source(url)
    if has_ffmpeg():
        assert reason is None
    else:
        assert reason is not None and "FFmpeg" in reason and "secret" not in reason
    assert unsupported_source(0) is None
    assert unsupported_source("labels.avi") is None
