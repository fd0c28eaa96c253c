"""Does this Qt binding keep Python's reference counts straight when signals are emitted?

PySide6 6.12.0 on Python 3.11 returns True from every `SignalInstance.emit()` without
taking a reference: each emit steals one reference to True, and after some ten thousand
emits the interpreter aborts ("bool_dealloc: deallocating True or False"). Python 3.12+
makes True/False/None immortal, which hides the bug; the station runs on 3.11. Every test
run checks this in a subprocess (tests/test_qt_refcounts.py) and so does `--self-test`, so
a site running another build learns it before a shift, not minutes into one.

Run as `python -m ui.qt_refcheck [EMITS]` to print the figures as JSON.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QImage

WATCHED: dict[str, object] = {"True": True, "False": False, "None": None}


class _Emitter(QObject):
    """Signals of the shapes the station emits (camera, services, sync, screens)."""

    text = Signal(str)
    pair = Signal(str, str)
    obj = Signal(object)
    image = Signal(QImage, QSize)
    result = Signal(int, bool, object)
    flag = Signal(bool)


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.received = 0

    @Slot(str)
    @Slot(object)
    @Slot(bool)
    def one(self, _value: Any) -> None:
        self.received += 1

    @Slot(str, str)
    @Slot(QImage, QSize)
    def two(self, _a: Any, _b: Any) -> None:
        self.received += 1

    @Slot(int, bool, object)
    def three(self, _a: int, _b: bool, _c: object) -> None:
        self.received += 1


def _counts() -> dict[str, int]:
    gc.collect()
    return {name: sys.getrefcount(value) for name, value in WATCHED.items()}


def _emit_all(emitter: _Emitter, rounds: int, image: QImage) -> None:
    size = QSize(image.width(), image.height())
    for i in range(rounds):
        emitter.text.emit("RMA-2026-0001234")
        emitter.pair.emit("running", "camera 0")
        emitter.obj.emit(None if i % 2 else {"code": i})
        emitter.image.emit(image, size)
        emitter.result.emit(i, bool(i % 2), None)
        emitter.flag.emit(bool(i % 3))


def emit_refcount_drift(emits: int = 30_000) -> dict[str, Any]:
    """Emit about `emits` signals (direct, queued, across threads); report refcount drift.

    Returns {"emits": n, "drift": {"True": d, "False": d, "None": d}, "received": n}. A
    sound binding drifts by 0 (a few stray references from the interpreter at most); the
    defective one drifts by minus one per emit, or aborts the process on the way.
    """
    app = QCoreApplication.instance() or QCoreApplication(["refcheck"])
    image = QImage(64, 36, QImage.Format.Format_RGB888)
    image.fill(0)
    emitter, receiver = _Emitter(), _Receiver()
    queued = Qt.ConnectionType.QueuedConnection
    for sig, slot in ((emitter.text, receiver.one), (emitter.obj, receiver.one),
                      (emitter.flag, receiver.one), (emitter.pair, receiver.two),
                      (emitter.image, receiver.two), (emitter.result, receiver.three)):
        sig.connect(slot)  # direct
        sig.connect(slot, queued)  # queued, delivered by processEvents
    per_round = 6
    rounds = max(1, emits // (per_round * 2))
    _emit_all(emitter, 10, image)  # warm caches before the first count
    app.processEvents()
    before = _counts()
    for _ in range(rounds // 100 + 1):
        _emit_all(emitter, min(100, rounds), image)
        app.processEvents()
    # From another thread, as the camera and background tasks emit: queued to this one.
    worker_emitter = _Emitter()
    for sig, slot in ((worker_emitter.text, receiver.one), (worker_emitter.obj, receiver.one),
                      (worker_emitter.pair, receiver.two), (worker_emitter.image, receiver.two),
                      (worker_emitter.result, receiver.three), (worker_emitter.flag, receiver.one)):
        sig.connect(slot)
    thread = threading.Thread(target=_emit_all, args=(worker_emitter, rounds, image),
                              name="refcheck-emitter")
    thread.start()
    while thread.is_alive():
        thread.join(0.01)
        app.processEvents()
    app.processEvents()
    total = (rounds // 100 + 1) * min(100, rounds) * per_round + rounds * per_round
    after = _counts()
    return {"emits": total, "received": receiver.received,
            "drift": {name: after[name] - before[name] for name in WATCHED}}


def refcounts_hold(result: dict[str, Any], emits_tolerance: float = 0.01) -> bool:
    """True when no watched refcount moved by more than 1% of the emits (0 is typical)."""
    limit = max(20, int(result["emits"] * emits_tolerance))
    return all(abs(d) <= limit for d in result["drift"].values())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    result = emit_refcount_drift(int(args[0]) if args else 30_000)
    result["ok"] = refcounts_hold(result)
    import PySide6

    result["pyside6"] = PySide6.__version__
    result["python"] = sys.version.split()[0]
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
