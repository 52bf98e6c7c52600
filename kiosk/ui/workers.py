"""Running service calls off the GUI thread, on named lanes; results come back on the GUI thread by signal.

Two lanes, one policy: ``Lane.DATABASE`` is the only writer to the local cache (one thread: SQLite writes one
at a time, and a registration never waits for a printer); ``Lane.NETWORK`` runs printing and calls to the
centre, which may take seconds and must not hold up the counter's reads and writes. Work on the network lane
that has something to record hands it to the database lane (``write_on_database_lane``). An unexpected error
is logged, with its traceback, where the job ends, whatever the screen then does with it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from kiosk.services.failures import log_unexpected

log = logging.getLogger(__name__)


class Lane(Enum):
    DATABASE = "database"
    NETWORK = "network"


_LANE_THREADS = {Lane.DATABASE: 1, Lane.NETWORK: 2}
_pools: dict[Lane, QThreadPool] = {}
_running = threading.local()  # .lane: the lane of the job this thread runs now
T = TypeVar("T")


def lane_pool(lane: Lane) -> QThreadPool:
    pool = _pools.get(lane)
    if pool is None:
        pool = _pools[lane] = QThreadPool()
        pool.setMaxThreadCount(_LANE_THREADS[lane])
        pool.setObjectName(f"kiosk-{lane.value}")
    return pool


def wait_for_lanes(msecs: int) -> None:
    """At shutdown: a registration or a print still under way finishes before the database closes.

    Again until every lane is idle: a print finishing on the network lane may still hand the database lane
    its record after that lane first looked idle.
    """
    for _ in range(3):
        for pool in list(_pools.values()):
            pool.waitForDone(msecs)
        if all(pool.activeThreadCount() == 0 for pool in _pools.values()):
            return


def current_lane() -> Lane | None:
    """The lane of the job this thread runs (None off the lanes: the GUI thread, the sync worker)."""
    lane: Lane | None = getattr(_running, "lane", None)
    return lane


class _Write(QRunnable):
    def __init__(self, write: Callable[[], Any]):
        super().__init__()
        self._write = write
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        _running.lane = Lane.DATABASE
        try:
            self.result = self._write()
        except BaseException as exc:  # handed back to the waiting thread, which raises it there
            self.error = exc
        finally:
            _running.lane = None
            self.done.set()


def write_on_database_lane(write: Callable[[], T]) -> T:
    """``write`` on the database lane, waited for (kiosk.services.database_lane.DatabaseWriter).

    For work on another lane; on the database lane itself it runs in place (waiting there would wait forever).
    """
    if current_lane() is Lane.DATABASE:
        return write()
    job = _Write(write)
    lane_pool(Lane.DATABASE).start(job)
    job.done.wait()
    if job.error is not None:
        raise job.error
    result: T = job.result
    return result


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, lane: Lane):
        super().__init__()
        self._fn = fn
        self._relay = relay
        self._lane = lane

    def run(self) -> None:
        _running.lane = self._lane
        try:
            result = self._fn()
        except Exception as exc:  # every failure goes back to the GUI thread to be shown
            # Logged here, once: the screen's own handler may show its own words and log nothing.
            log_unexpected(exc, f"unexpected error on the {self._lane.value} lane")
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)
        finally:
            _running.lane = None


class Operation(QObject):
    """``Operation(parent, fn).on_success(cb).on_error(cb).run()``: fn runs on a worker.

    The callbacks run on the GUI thread and are dropped if ``parent`` is gone by then.
    ``running`` tells screens to ignore a second press while the first is under way.
    """

    finished = Signal()

    def __init__(self, parent: QObject, fn: Callable[[], Any], lane: Lane = Lane.DATABASE):
        super().__init__(parent)
        self._fn = fn
        self._lane = lane
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
        self._pool.start(_Job(self._fn, self._relay, self._lane))
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
