"""What every screen may use: the station context and a background task runner.

Screens never block the GUI thread on the disk, the network, the camera or the
decoder: they hand a callable to `run_in_background` and get its result back on the
GUI thread (Anki's taskman pattern). Workers never touch widgets.

Services also hands screens the live parts the main window owns: the camera (for
evidence stills), the case lookup and the sync bridge, so a screen never reaches into
another screen.

Signals:
    operator_changed(object): the logged-in Operator, or None after logout.
    task_failed(str): a background task raised; the message is for a person.
    settings_applied(object): new Settings are in effect (language, camera, API).
    station_ready(): the station context is open (see `attach`).

At start-up the window shows before the station context (database, templates, rules) is
open: Services then exists with the settings alone, and `attach` hands it the context when
the background open finishes. `when_ready` holds an action (a login) until then.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from shiboken6 import isValid

from app.domain import Operator
from app.input_router import InputRouter
from app.scanning.labels import Patterns
from ui.tones import Tones

if TYPE_CHECKING:
    import numpy as np

    from app.config import Settings
    from app.context import StationContext

log = logging.getLogger("station.ui.tasks")


class _Task(QRunnable):
    """Runs fn on a pool thread and reports (task id, ok, result or exception) by signal.

    One long-lived signal on Services carries every result: a QObject relay per task, with
    closures connected to it, formed a cycle through C++ that Python's collector cannot see,
    so every task leaked its relay and callbacks (found by tests/benchmarks/soak_station.py).
    """

    def __init__(self, fn: Callable[[], Any], task_id: int,
                 report: Callable[[int, bool, object], None]) -> None:
        super().__init__()
        self.fn: Callable[[], Any] | None = fn
        self.task_id = task_id
        self.report: Callable[[int, bool, object], None] | None = report
        self.setAutoDelete(True)

    def run(self) -> None:
        fn, report = self.fn, self.report
        assert fn is not None and report is not None, "a task runs once"
        try:
            result = fn()
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            report(self.task_id, False, exc)  # its __traceback__ goes along for the log
        else:
            report(self.task_id, True, result)
        finally:
            self.fn = self.report = None  # no cycle through the pool's C++ side


class StillSource(Protocol):
    """What Services needs from the camera adapter (ui.camera_worker.CameraWorker)."""

    def is_running(self) -> bool: ...

    def take_still(self, on_done: Callable[[np.ndarray], None],
                   on_error: Callable[[str], None]) -> None: ...


class Services(QObject):
    operator_changed = Signal(object)
    task_failed = Signal(str)
    settings_applied = Signal(object)
    station_ready = Signal()
    _task_finished = Signal(int, bool, object)

    def __init__(self, ctx: StationContext | None, parent: QObject | None = None, *,
                 settings: Settings | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        if ctx is not None:
            settings = ctx.settings
        assert settings is not None, "Services needs a context or, until it opens, settings"
        self._settings = settings
        self._waiting: list[Callable[[], None]] = []
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        # One thread for database writes keeps them in order (the store has one writer).
        self.db_pool = QThreadPool(self)
        self.db_pool.setMaxThreadCount(1)
        self._task_ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None,
                                         Callable[[BaseException], None] | None]] = {}
        self._task_finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.camera: StillSource | None = None
        self.lookup: Any = None  # app.sync.lookup.CaseLookup, set by the main window
        self.sync: Any = None  # ui.sync_bridge.SyncBridge, set by the main window
        # One router for every screen: a read seen on one screen is not new on the next.
        self.router = InputRouter(patterns=Patterns.from_settings(settings),
                                  repeat_window=max(2.0, settings.scan_cooldown_s))
        self.tones = Tones(settings.sound, self)

    # --- the station context ------------------------------------------------------------------

    @property
    def ctx(self) -> StationContext:
        """The open station context; only screens shown after `station_ready` may ask."""
        if self._ctx is None:
            raise RuntimeError("the station context is not open yet")
        return self._ctx

    @property
    def ready(self) -> bool:
        return self._ctx is not None

    @property
    def settings(self) -> Settings:
        """The settings in effect: the context's once it is open."""
        return self._ctx.settings if self._ctx is not None else self._settings

    def attach(self, ctx: StationContext) -> None:
        """The context has opened: run what waited for it, then tell the screens."""
        assert self._ctx is None, "the station context is attached once"
        self._ctx = ctx
        waiting, self._waiting = self._waiting, []
        self.station_ready.emit()
        for action in waiting:
            action()

    def when_ready(self, action: Callable[[], None]) -> None:
        """Run `action` now when the context is open, else as soon as it is."""
        if self._ctx is not None:
            action()
        else:
            self._waiting.append(action)

    # --- operator -----------------------------------------------------------------------------

    @property
    def operator(self) -> Operator | None:
        return None if self._ctx is None else self._ctx.operator

    def set_operator(self, operator: Operator | None) -> None:
        if operator == self.ctx.operator:
            return
        self.ctx.operator = operator
        self.operator_changed.emit(operator)

    # --- camera -------------------------------------------------------------------------------

    def camera_available(self) -> bool:
        """True when a camera (or the demo video) is delivering frames."""
        return self.camera is not None and self.camera.is_running()

    def take_still(self, on_done: Callable[[np.ndarray], None],
                   on_error: Callable[[str], None]) -> None:
        """A full-resolution BGR still from the live camera; callbacks on the GUI thread."""
        if self.camera is None:
            on_error(self.tr("No camera is connected."))
            return
        self.camera.take_still(on_done, on_error)

    def run_in_background(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        writes: bool = False,
    ) -> None:
        """Run fn on a worker thread; callbacks run on the GUI thread."""
        task_id = next(self._task_ids)
        self._callbacks[task_id] = (on_done, on_error)
        task = _Task(fn, task_id, self._task_finished.emit)
        (self.db_pool if writes else self.pool).start(task)

    def run_for(
        self,
        widget: QObject,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        *,
        writes: bool = False,
    ) -> None:
        """run_in_background for a dialog that may be closed (and deleted) before the result
        comes: the callbacks are skipped once the widget's C++ object is gone."""

        def done(result: Any) -> None:
            if isValid(widget):
                on_done(result)

        def failed(exc: BaseException) -> None:
            if isValid(widget):
                on_error(exc)
            else:
                log.info("result for a closed window dropped: %s", exc)

        self.run_in_background(fn, done, failed, writes=writes)

    @Slot(int, bool, object)
    def _deliver(self, task_id: int, ok: bool, result: object) -> None:
        on_done, on_error = self._callbacks.pop(task_id, (None, None))
        if ok:
            if on_done is not None:
                on_done(result)
            return
        assert isinstance(result, BaseException)
        if on_error is not None:
            on_error(result)
        else:
            log.error("background task failed: %s", result, exc_info=result)
            self.task_failed.emit(str(result))

    def wait_idle(self, msecs: int = 10_000) -> bool:
        """For shutdown and tests: wait until no background task is running."""
        return self.pool.waitForDone(msecs) and self.db_pool.waitForDone(msecs)
