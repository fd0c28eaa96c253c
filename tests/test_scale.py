"""The bench scale reader against a simulated scale on a pseudo-terminal (real serial I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from app.scale import (
    ScaleError,
    ScaleReader,
    ScaleReading,
    open_serial,
    parse_frame,
    parse_request,
)
from tests.scale_sim import SimulatedScale, simulated_scale


@pytest.mark.parametrize(("frame", "grams", "stable"), [
    (b"ST,GS,+  1234.5 g\r\n", 1234.5, True),
    (b"US,GS,+  1201.0 g\r\n", 1201.0, False),
    (b"ST,NT,-    12.0 g\r\n", -12.0, True),
    (b"ST,GS,+0001.235kg\r\n", 1235.0, True),
    (b"ST,GS,+   2.000lb\r\n", 907.18474, True),
    (b"S S     123.45 g\r\n", 123.45, True),
    (b"S D     120.00 g\r\n", 120.0, False),
])
def test_frames_of_both_common_formats_parse(frame: bytes, grams: float, stable: bool) -> None:
    reading = parse_frame(frame)
    assert reading.grams == pytest.approx(grams)
    assert reading.stable is stable


@pytest.mark.parametrize(("frame", "key"), [
    (b"\x00\xff#@!\r\n", "scale_garbage"),
    (b"ST,GS,+  12.3.4 g\r\n", "scale_garbage"),
    (b"ST,GS,+  12.3 furlong\r\n", "scale_garbage"),
    (b"OL,GS,+  ---- g\r\n", "scale_overload"),
    (b"\r\n", "scale_garbage"),
])
def test_bad_frames_are_refused_by_name(frame: bytes, key: str) -> None:
    with pytest.raises(ScaleError) as err:
        parse_frame(frame)
    assert err.value.key == key
    assert err.value.message("zh_CN") != err.value.message("en")


def test_request_text_escapes() -> None:
    assert parse_request("W\\r") == b"W\r"
    assert parse_request("P\\r\\n") == b"P\r\n"


def _read(sim: SimulatedScale, protocol: str = "continuous", **kwargs: Any) -> ScaleReading:
    """One read_stable through a real serial port opened on the simulator's pty."""
    port = open_serial(sim.port, 9600)
    try:
        return ScaleReader(port, protocol, **kwargs).read_stable()
    finally:
        port.close()


def _refusal(frames: list[bytes], timeout_s: float = 1.0, **kwargs: Any) -> ScaleError:
    with simulated_scale(frames, **kwargs) as sim, pytest.raises(ScaleError) as err:
        _read(sim, timeout_s=timeout_s)
    return err.value


def test_continuous_scale_waits_through_garbage_and_unstable_frames() -> None:
    frames = [b"\x13\x00garbage\r\n", b"US,GS,+  1100.0 g\r\n", b"US,GS,+  1230.0 g\r\n",
              b"ST,GS,+  1234.5 g\r\n"]
    with simulated_scale(frames) as sim:
        reading = _read(sim, timeout_s=20)
    assert reading.grams == 1234.5 and reading.stable


def test_request_response_scale_is_asked_again_while_unstable() -> None:
    frames = [b"US,GS,+   500.0 g\r\n", b"S D     501.00 g\r\n", b"ST,GS,+   502.5 g\r\n"]
    with simulated_scale(frames, request=b"P\r\n") as sim:
        reading = _read(sim, "request", request=b"P\r\n", timeout_s=20)
        assert reading.grams == 502.5
        assert sim.requests[:3] == [b"P\r\n"] * 3


def test_only_unstable_frames_end_in_a_plain_unstable_message() -> None:
    err = _refusal([b"US,GS,+   800.0 g\r\n"])
    assert err.key == "scale_unstable"
    assert "静止" in err.message("zh_CN")


def test_only_garbage_ends_in_a_garbage_message() -> None:
    err = _refusal([b"~~~noise~~~\r\n"])
    assert err.key == "scale_garbage"
    assert "~~~noise~~~" in err.message("en")


def test_a_silent_scale_ends_at_the_deadline() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 0.25  # each read of 0.2 s moves the injected clock on
        return now[0]

    with simulated_scale([], request=b"W\r", repeat_last=False) as sim:
        port = open_serial(sim.port, 9600)
        try:
            with pytest.raises(ScaleError) as err:
                ScaleReader(port, "request", request=b"W\r", timeout_s=2, clock=clock
                            ).read_stable()
        finally:
            port.close()
        assert err.value.key == "scale_no_data"
        assert sim.requests  # it was asked (again after each silent read)
    assert "2 s" in err.value.message("en") and "2 秒" in err.value.message("zh_CN")


def test_a_disconnect_is_told_plainly() -> None:
    err = _refusal([b"US,GS,+   800.0 g\r\n"], timeout_s=20, repeat_last=False,
                   disconnect_after=True)
    assert err.key == "scale_disconnected"
    assert "断开" in err.message("zh_CN")


def test_a_port_that_does_not_exist_is_named() -> None:
    with pytest.raises(ScaleError) as err:
        open_serial("/dev/no-such-scale", 9600)
    assert err.value.key == "scale_open"
    assert "/dev/no-such-scale" in err.value.message("zh_CN")
