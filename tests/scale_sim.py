"""A simulated bench scale on a pseudo-terminal: real frames through a real serial port.

The station opens the pty's slave end with pyserial exactly as it opens /dev/ttyUSB0; the
simulator writes frames to the master end from a thread. In continuous mode it sends the
next scripted frame whenever the station is reading (paced by the station's own reads, not
by a timer, so machine load cannot reorder anything); in request mode it answers each
request with the next frame. `disconnect()` closes the master: the station's next read
fails as an unplugged USB scale does.
"""

from __future__ import annotations

import os
import select
import threading
import tty
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


class SimulatedScale:
    def __init__(self, frames: Iterable[bytes], *, request: bytes | None = None,
                 repeat_last: bool = True, disconnect_after: bool = False) -> None:
        self.master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line discipline: bytes as a real scale sends them
        self.port = os.ttyname(slave)
        self._slave = slave
        self.frames = list(frames)
        self.request = request
        self.repeat_last = repeat_last
        self.disconnect_after = disconnect_after
        self.requests: list[bytes] = []
        self.sent: list[bytes] = []
        self._stop = threading.Event()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="scale-sim", daemon=True)
        self._thread.start()

    def _next(self) -> bytes | None:
        if self.frames:
            frame = self.frames.pop(0)
            if not self.frames and not self.repeat_last:
                self._last = None
            else:
                self._last = frame
            return frame
        return getattr(self, "_last", None)

    def _run(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if self.request is None:
                frame = self._next()
                if frame is None:
                    if self.disconnect_after:
                        self.disconnect()
                        return
                    self._stop.wait(0.05)
                    continue
                self._write(frame)
                # Wait until the station has drained what was sent before the next frame.
                self._wait_drained()
                continue
            if not ready:
                continue
            try:
                buffer += os.read(self.master, 64)
            except OSError:
                return
            while self.request in buffer:
                asked, buffer = buffer.split(self.request, 1)
                self.requests.append(asked + self.request)
                frame = self._next()
                if frame is None:
                    if self.disconnect_after:
                        self.disconnect()
                        return
                    continue
                self._write(frame)

    def _write(self, frame: bytes) -> None:
        with self._lock:
            if self._closed:
                return
            try:
                os.write(self.master, frame)
            except OSError:
                return
            self.sent.append(frame)

    def _wait_drained(self) -> None:
        import fcntl
        import struct
        import termios

        while not self._stop.is_set():
            with self._lock:
                if self._closed:
                    return
                waiting = struct.unpack("i", fcntl.ioctl(self._slave, termios.FIONREAD,
                                                         b"\0\0\0\0"))[0]
            if waiting == 0:
                return
            self._stop.wait(0.01)

    def disconnect(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                os.close(self.master)
                os.close(self._slave)

    def close(self) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=10)
        self.disconnect()


@contextmanager
def simulated_scale(frames: Iterable[bytes], **kwargs: object) -> Iterator[SimulatedScale]:
    sim = SimulatedScale(frames, **kwargs)  # type: ignore[arg-type]
    try:
        yield sim
    finally:
        sim.close()
