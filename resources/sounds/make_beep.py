"""Writes beep.wav (good read: a short 2.4 kHz sine) and error.wav (refused: two low buzzes)."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 44_100
FREQ = 2_400.0
SECONDS = 0.09
FADE = 0.008  # a hard edge clicks on cheap speakers


def _tone(freq: float, seconds: float) -> bytearray:
    n = int(RATE * seconds)
    fade = int(RATE * FADE)
    frames = bytearray()
    for i in range(n):
        env = min(1.0, i / fade, (n - 1 - i) / fade)
        sample = 0.6 * 32767 * env * math.sin(2 * math.pi * freq * i / RATE)
        frames += struct.pack("<h", int(sample))
    return frames


def write_beep(path: Path, frames: bytearray | None = None) -> Path:
    if frames is None:
        frames = _tone(FREQ, SECONDS)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


def write_error_tone(path: Path) -> Path:
    """Two low buzzes: unmistakably not the good-read beep."""
    silence = bytearray(2 * int(RATE * 0.06))
    return write_beep(path, _tone(330.0, 0.14) + silence + _tone(330.0, 0.14))


if __name__ == "__main__":
    print(write_beep(Path(__file__).with_name("beep.wav")))
    print(write_error_tone(Path(__file__).with_name("error.wav")))
