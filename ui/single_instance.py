"""One station GUI per data folder: a second start brings the first one's window forward.

A QLockFile in the data folder says who runs (its PID, so a lock left by a crashed run
is recognised as stale and taken over); a QLocalServer named after the folder lets a
second start ask the running one to come to the front before it exits. The lock file
is the GUI's own, separate from the outbox sender's lock used by `sync`.

Signals:
    raise_requested(): another start on this data folder asked for the window.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger("station.ui.instance")

LOCK_NAME = "station-gui.lock"
_RAISE = b"raise\n"


def server_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"inspection-station-{digest}"


class SingleInstance(QObject):
    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.name = server_name(data_dir)
        self._lock = QLockFile(str(data_dir / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        self._server: QLocalServer | None = None
        self._sockets: list[QLocalSocket] = []  # kept referenced until they disconnect

    def acquire(self) -> bool:
        """True: this process is the station for the folder. False: another one is."""
        if not self._lock.tryLock(500):
            if self._lock.error() == QLockFile.LockError.LockFailedError:
                self._ask_to_raise()
                return False
            # Permission or unknown error: do not block the station over its own lock file.
            log.warning("cannot use the lock file in %s (%s); starting anyway", self.data_dir,
                        self._lock.error())
            return True
        QLocalServer.removeServer(self.name)  # a socket left by a crashed run
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if server.listen(self.name):
            server.newConnection.connect(self._connection)
            self._server = server
        else:
            log.warning("second starts cannot reach this window: %s", server.errorString())
        return True

    def _ask_to_raise(self) -> None:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(2000):
            socket.write(_RAISE)
            socket.flush()
            socket.waitForBytesWritten(2000)
            socket.disconnectFromServer()
        else:
            log.warning("the running station does not answer: %s", socket.errorString())

    def _connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(self._ready)
            socket.disconnected.connect(self._gone)
            self._sockets.append(socket)

    def _ready(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and bytes(socket.readAll().data()).startswith(
                _RAISE.strip()):
            log.info("another start on this data folder: bringing the window forward")
            self.raise_requested.emit()

    def _gone(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            if socket.bytesAvailable():
                self._ready()
            if socket in self._sockets:
                self._sockets.remove(socket)
            socket.deleteLater()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()
