"""Writes beep.wav: the good-read tone (a short 2.4 kHz sine with soft edges), stdlib only."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 44_100
FREQ = 2_400.0
SECONDS = 0.09
FADE = 0.008  # a hard edge clicks on cheap speakers


def write_beep(path: Path) -> Path:
    n = int(RATE * SECONDS)
    fade = int(RATE * FADE)
    frames = bytearray()
    for i in range(n):
        env = min(1.0, i / fade, (n - 1 - i) / fade)
        sample = 0.6 * 32767 * env * math.sin(2 * math.pi * FREQ * i / RATE)
        frames += struct.pack("<h", int(sample))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path


if __name__ == "__main__":
    print(write_beep(Path(__file__).with_name("beep.wav")))
