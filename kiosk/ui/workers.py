"""Running service calls off the GUI thread, on named lanes; results come back on the GUI thread by signal.

Two lanes, one policy: ``Lane.DATABASE`` is the only writer to the local cache (one thread: SQLite writes one
at a time, and a registration never waits for a printer); ``Lane.NETWORK`` runs printing and calls to the
centre, which may take seconds and must not hold up the counter's reads and writes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class Lane(Enum):
    DATABASE = "database"
    NETWORK = "network"


_LANE_THREADS = {Lane.DATABASE: 1, Lane.NETWORK: 2}
_pools: dict[Lane, QThreadPool] = {}


def lane_pool(lane: Lane) -> QThreadPool:
    pool = _pools.get(lane)
    if pool is None:
        pool = _pools[lane] = QThreadPool()
        pool.setMaxThreadCount(_LANE_THREADS[lane])
        pool.setObjectName(f"kiosk-{lane.value}")
    return pool


def service_pool() -> QThreadPool:
    """The database lane (the name older callers use)."""
    return lane_pool(Lane.DATABASE)


def wait_for_lanes(msecs: int) -> None:
    """At shutdown: a registration or a print still under way finishes before the database closes."""
    for pool in _pools.values():
        pool.waitForDone(msecs)


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # every failure goes back to the GUI thread to be shown
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class Operation(QObject):
    """``Operation(parent, fn).on_success(cb).on_error(cb).run()``: fn runs on a worker.

    The callbacks run on the GUI thread and are dropped if ``parent`` is gone by then.
    ``running`` tells screens to ignore a second press while the first is under way.
    """

    finished = Signal()

    def __init__(self, parent: QObject, fn: Callable[[], Any], lane: Lane = Lane.DATABASE):
        super().__init__(parent)
        self._fn = fn
        self._pool = lane_pool(lane)
        self._success: Callable[[Any], None] = lambda _r: None
        self._error: Callable[[Exception], None] | None = None
        self._relay = _Relay()
        self._relay.succeeded.connect(self._on_succeeded)
        self._relay.failed.connect(self._on_failed)
        self.running = False

    def on_success(self, callback: Callable[[Any], None]) -> Operation:
        self._success = callback
        return self

    def on_error(self, callback: Callable[[Exception], None]) -> Operation:
        self._error = callback
        return self

    def run(self) -> Operation:
        self.running = True
        self._pool.start(_Job(self._fn, self._relay))
        return self

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self.running = False
        try:
            self._success(result)
        finally:
            self._done()

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self.running = False
        try:
            if self._error is not None:
                self._error(exc)
            else:
                from kiosk.ui.messages import show_error

                show_error(exc)
        finally:
            self._done()

    def _done(self) -> None:
        # The callbacks may hold the last reference to our parent; drop them before Qt deletes us, or the
        # parent is freed inside our own destructor.
        self._success = lambda _r: None
        self._error = None
        self._fn = lambda: None
        self.finished.emit()
        self.deleteLater()


def run_in_background(
    parent: QObject,
    fn: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_error: Callable[[Exception], None] | None = None,
    lane: Lane = Lane.DATABASE,
) -> Operation:
    op = Operation(parent, fn, lane).on_success(on_success)
    if on_error is not None:
        op.on_error(on_error)
    return op.run()
