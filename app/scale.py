"""Bench scales on a serial port: read one stable weight, or say plainly why not.

Two ways scales talk, a site setting (`scale_protocol`):

- **continuous**: the scale sends a frame every few hundred milliseconds, e.g.
  ``ST,GS,+  1234.5 g`` (stable) and ``US,GS,+  1201.0 g`` (still settling); ``OL`` is an
  overload. The reader waits for the first stable frame.
- **request**: the scale answers one frame per request (``W\\r`` on many bench scales,
  ``P\\r\\n`` on others: setting `scale_request`); an unstable answer is asked again.

SICS-style frames (``S S     123.45 g`` stable, ``S D ...`` dynamic) parse too. Every wait
has a deadline (`timeout_s`, an injectable clock), so a silent or unplugged scale ends in a
`ScaleError` with a message in both languages, never a hang; the GUI runs the reader on a
worker thread (ui/scale_worker.py). pyserial is imported only when a port is opened.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from app.domain import DomainError

__all__ = [
    "ScaleError",
    "ScaleProtocol",
    "ScaleReader",
    "ScaleReading",
    "SerialLike",
    "open_serial",
    "parse_frame",
    "parse_request",
    "read_from_settings",
]

MAX_FRAME = 64  # bytes: a frame is ~18; a longer line is noise
EMPTY_SCALE_G = 1.0  # the station's reads wait for something on the scale
_UNITS = {"g": 1.0, "kg": 1000.0, "mg": 0.001, "lb": 453.59237, "oz": 28.349523125}

# A&D / many Chinese bench scales: header, gross/net, signed value, unit.
_AND = re.compile(r"^(ST|US|OL|QT|WT)\s*,\s*(GS|NT|TR|G|N)?\s*,?\s*([+-]?)\s*([0-9.]+)?\s*"
                  r"([A-Za-z]{1,3})?$")
# SICS (Mettler-Toledo, Ohaus and clones): "S S     123.45 g" / "S D ..." / "S I" / "S +".
_SICS = re.compile(r"^S\s+([SDI+-])\s*([+-]?)\s*([0-9.]+)?\s*([A-Za-z]{1,3})?$")


class ScaleProtocol(StrEnum):
    CONTINUOUS = "continuous"
    REQUEST = "request"


class ScaleError(DomainError):
    """The scale gave no usable weight; `message(language)` says why for the inspector."""


@dataclass(frozen=True, slots=True)
class ScaleReading:
    """One parsed frame: weight in grams, whether the scale called it stable, the raw text."""

    grams: float
    stable: bool
    raw: str


class SerialLike(Protocol):
    """What the reader needs of a pyserial `Serial` (tests may pass their own)."""

    def readline(self) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...

    def reset_input_buffer(self) -> None: ...

    def close(self) -> None: ...


def parse_request(text: str) -> bytes:
    """A request setting as bytes: literal ``\\r`` / ``\\n`` escapes become CR / LF."""
    return text.replace("\\r", "\r").replace("\\n", "\n").encode("ascii")


def parse_frame(line: bytes | str) -> ScaleReading:
    """One frame as a reading; ScaleError `scale_garbage` / `scale_overload` otherwise."""
    raw = line.decode("ascii", "replace") if isinstance(line, bytes) else line
    text = raw.strip().strip("\x00\x02\x03")
    if not text or len(text) > MAX_FRAME:
        raise ScaleError(key="scale_garbage", frame=_shown(raw))
    if text.startswith("OL"):  # A&D overload: the value field holds dashes or nines
        raise ScaleError(key="scale_overload")
    m = _AND.match(text)
    if m is not None:
        header, _kind, sign, number, unit = m.groups()
        if header == "OL":
            raise ScaleError(key="scale_overload")
        return _reading(raw, header == "ST", sign, number, unit)
    m = _SICS.match(text)
    if m is not None:
        status, sign, number, unit = m.groups()
        if status in "+-":
            raise ScaleError(key="scale_overload")
        if status == "I":
            raise ScaleError(key="scale_unstable")
        return _reading(raw, status == "S", sign, number, unit)
    raise ScaleError(key="scale_garbage", frame=_shown(raw))


def _reading(raw: str, stable: bool, sign: str, number: str | None,
             unit: str | None) -> ScaleReading:
    factor = _UNITS.get((unit or "g").lower())
    if number is None or factor is None or number.count(".") > 1 or number == ".":
        raise ScaleError(key="scale_garbage", frame=_shown(raw))
    grams = float(number) * factor
    return ScaleReading(grams=-grams if sign == "-" else grams, stable=stable, raw=raw.strip())


def _shown(raw: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in raw.strip())
    return text[:24] + ("..." if len(text) > 24 else "")


class ScaleReader:
    """Reads a stable weight from an open port within a deadline (any thread but the GUI's).

    The port must be opened with a short read timeout (`open_serial` uses 0.2 s), so a
    silent scale returns empty reads and the deadline is checked between them.
    """

    def __init__(self, port: SerialLike, protocol: ScaleProtocol | str, *,
                 request: bytes = b"W\r", timeout_s: float = 3.0, min_g: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self.protocol = ScaleProtocol(protocol)
        self.request = request
        self.timeout_s = timeout_s
        self.min_g = min_g  # a stable reading below this is an empty scale: wait on
        self._clock = clock

    def read_stable(self) -> ScaleReading:
        """The first stable reading; ScaleError naming the last problem at the deadline."""
        deadline = self._clock() + self.timeout_s
        last: ScaleError | None = None
        try:
            self.port.reset_input_buffer()
            asked = False
            while self._clock() < deadline:
                if self.protocol is ScaleProtocol.REQUEST and not asked:
                    self.port.write(self.request)
                    asked = True
                line = self.port.readline()
                if not line:
                    asked = False  # a request-response scale that missed the request: ask again
                    continue
                if not line.endswith((b"\n", b"\r")) and len(line) < MAX_FRAME:
                    # The read timed out in the middle of a frame: keep it for the next read.
                    line += self.port.readline()
                try:
                    reading = parse_frame(line)
                except ScaleError as exc:
                    last = exc
                    asked = False
                    continue
                if reading.stable and reading.grams >= self.min_g:
                    return reading
                last = ScaleError(key="scale_unstable" if not reading.stable else "scale_empty")
                asked = False
        except ScaleError:
            raise
        except (OSError, ValueError) as exc:  # serial.SerialException is an OSError
            raise ScaleError(key="scale_disconnected", detail=str(exc)[:80] or type(exc).__name__
                             ) from exc
        raise last or ScaleError(key="scale_no_data", seconds=f"{self.timeout_s:g}")


def read_from_settings(settings: Any, min_g: float = EMPTY_SCALE_G) -> ScaleReading:
    """Open the station's scale, read one stable weight, close it (a worker thread's job)."""
    port = open_serial(settings.scale_port, settings.scale_baud)
    try:
        return ScaleReader(port, settings.scale_protocol,
                           request=parse_request(settings.scale_request),
                           timeout_s=settings.scale_timeout_s, min_g=min_g).read_stable()
    finally:
        port.close()


def open_serial(port: str, baud: int) -> SerialLike:
    """Open a scale's serial port (8N1, 0.2 s reads); ScaleError `scale_open` when it cannot."""
    import serial  # pyserial: loaded only when a scale is used

    try:
        handle: SerialLike = serial.Serial(port=port, baudrate=baud, bytesize=8, parity="N",
                                           stopbits=1, timeout=0.2, write_timeout=1.0)
    except (OSError, ValueError) as exc:
        raise ScaleError(key="scale_open", port=port, detail=str(exc)[:80]) from exc
    return handle
