"""Live-path pacing: decode every frame while something happens, about once a second when not.

Qt-free, with an injected clock; the frames are real pictures (an empty bench with sensor
noise, a label sliding in) and, for compressed frames, a real MJPG video through OpenCV.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from app.demo import label_image
from app.scanning.camera import Camera, CameraConfig, Frame, jpeg_size
from app.scanning.pacing import DecodePacer, PreviewPacer, SceneActivity


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def bench(seed: int, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    """An empty grey bench with a little sensor noise (different per seed)."""
    rng = np.random.default_rng(seed)
    base = np.full((size[1], size[0], 3), 90, dtype=np.uint8)
    return cv2.add(base, rng.integers(0, 8, size=base.shape, dtype=np.uint8))


def test_sensor_noise_is_not_a_change_but_a_label_arriving_is() -> None:
    clock = Clock()
    activity = SceneActivity(clock=clock)
    assert activity.observe(Frame(bench(0), 1, 0).signature())  # the first picture
    for seed in range(1, 30):
        assert not activity.observe(Frame(bench(seed), seed + 1, 0).signature())
    label = label_image("RMA-2026-0001234", "RMA-2026-0001234", (1280, 720))
    assert activity.observe(Frame(label, 99, 0).signature())
    assert activity.changes == 2


def test_a_slow_slide_accumulates_until_it_counts() -> None:
    activity = SceneActivity(clock=Clock())
    label = label_image("RMA-2026-0001234", "RMA-2026-0001234", (1280, 720))
    empty = bench(0)
    activity.observe(Frame(empty, 0, 0).signature())
    seen = []
    for step in range(1, 40):  # the label slides in by 16 px a frame
        shift = 1280 - step * 16
        picture = empty.copy()
        picture[:, shift:] = label[:, : 1280 - shift]
        seen.append(activity.observe(Frame(picture, step, 0).signature()))
    assert any(seen), "a label sliding into view never counted as a change"


def test_decoder_reads_ten_frames_a_second_while_busy_and_one_on_a_still_bench() -> None:
    clock = Clock()
    activity = SceneActivity(clock=clock)
    pacer = DecodePacer(activity, settle_s=3.0, idle_interval_s=1.0, clock=clock)
    activity.observe(Frame(bench(0), 0, 0).signature())
    decoded = 0
    for _ in range(90):  # 3 s at 30 fps right after a change: ten a second
        clock.now += 1 / 30
        if pacer.should_decode():
            pacer.decoded(False)
            decoded += 1
    assert 28 <= decoded <= 31
    decoded = 0
    for _ in range(300):  # 10 s of a still, empty bench
        clock.now += 1 / 30
        if pacer.should_decode():
            pacer.decoded(False)
            decoded += 1
    assert 9 <= decoded <= 11


def test_a_code_in_view_keeps_ten_reads_a_second_even_on_a_still_picture() -> None:
    clock = Clock()
    activity = SceneActivity(clock=clock)
    pacer = DecodePacer(activity, clock=clock)
    clock.now += 100  # long after any change
    assert pacer.should_decode()
    pacer.decoded(True)  # a code was read: the acceptance rule needs the next frames too
    decoded = 0
    for _ in range(30):  # a still label for one second: ten reads
        clock.now += 1 / 30
        if pacer.should_decode():
            pacer.decoded(True)
            decoded += 1
    assert 9 <= decoded <= 11
    pacer.decoded(False)  # the label went: back to once a second
    clock.now += 0.2
    assert not pacer.should_decode()
    pacer.reset()  # a screen that takes codes came back: read the next frame at once
    assert pacer.should_decode()


def test_preview_shows_every_frame_while_moving_and_five_a_second_when_still() -> None:
    clock = Clock()
    activity = SceneActivity(clock=clock)
    preview = PreviewPacer(activity, fps=30, still_fps=5, settle_s=0.5, clock=clock)
    shown = 0
    for i in range(30):  # one second of motion
        clock.now += 1 / 30
        shown += preview.should_show(activity.observe(np.full((18, 32), (i * 9) % 250, np.uint8)))
    assert shown >= 27
    shown = 0
    still = np.full((18, 32), 100, np.uint8)
    activity.observe(still)
    clock.now += 1.0
    for _ in range(90):  # three still seconds
        clock.now += 1 / 30
        shown += preview.should_show(activity.observe(still))
    assert 13 <= shown <= 17


@pytest.fixture(scope="module")
def mjpg_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mjpg") / "labels.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 15, (1280, 720))
    label = label_image("RMA-2026-0001234", "RMA-2026-0001234", (1280, 720))
    for i in range(10):
        writer.write(label if i % 2 else bench(i))
    writer.release()
    return path


def test_compressed_mjpeg_frames_decode_to_the_same_pictures(mjpg_video: Path) -> None:
    """Packets decoded where used give the pictures OpenCV's own reading gives (to +-4)."""
    camera = Camera(CameraConfig(source=str(mjpg_video), loop=True))  # running for the still
    camera.start()
    try:
        assert camera._compressed, "an MJPG file was not read as packets"
        frame = camera.wait_frame(0, 5.0)
        assert frame is not None
        assert frame.size == (1280, 720)  # from the JPEG header, nothing decoded yet
        assert frame._image is None
        small = frame.reduced(640, 360)
        assert small.shape == (360, 640, 3) and frame._image is None  # a 1/2-size decode
        still = camera.take_still()
        assert still.shape == (720, 1280, 3)
    finally:
        camera.stop()
    packets = cv2.VideoCapture(str(mjpg_video))
    assert packets.set(cv2.CAP_PROP_FORMAT, -1)
    pictures = cv2.VideoCapture(str(mjpg_video))
    try:
        for _ in range(4):
            ok_packet, packet = packets.read()
            ok_picture, picture = pictures.read()
            assert ok_packet and ok_picture
            decoded = Frame(None, 1, 0.0, jpeg=packet.copy()).image.astype(np.int16)
            # libjpeg and FFmpeg's MJPEG decoder round the colour conversion differently
            difference = np.abs(decoded - picture.astype(np.int16))
            assert decoded.shape == picture.shape
            assert difference.max() <= 4 and difference.mean() < 1.0
    finally:
        packets.release()
        pictures.release()


def test_a_damaged_packet_is_a_camera_error_not_a_crash() -> None:
    from app.scanning.camera import CameraError

    frame = Frame(None, 1, 0.0, jpeg=np.frombuffer(b"\xff\xd8\xff\xc0garbage", np.uint8))
    with pytest.raises(CameraError):
        _ = frame.image
    assert jpeg_size(np.frombuffer(b"not a jpeg at all", np.uint8)) is None
