"""Running service calls off the GUI thread, on named lanes; results come back on the GUI thread by signal.

Two lanes, one policy: ``Lane.DATABASE`` is the only writer to the local cache (one thread: SQLite writes one
at a time, and a registration never waits for a printer); ``Lane.NETWORK`` runs printing and calls to the
centre, which may take seconds and must not hold up the counter's reads and writes. Work on the network lane
that has something to record hands it to the database lane (``write_on_database_lane``). An unexpected error
is logged, with its traceback, where the job ends, whatever the screen then does with it.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

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


class _Dispatcher(QObject):
    """Lives on the GUI thread for the whole run: a job's end is delivered there by this one queued signal.

    Nothing a job touches is released on its worker thread. The function (whose closure may hold the last
    reference to a screen), its result and its exception (whose traceback holds the function's frames) go back
    to the GUI thread in ``_outcomes`` before the job says it is done, so a widget is never destroyed on a
    worker, and no per-job Qt object is ever deleted on one thread while another delivers to it.
    """

    done = Signal(object)  # the job's token

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, token: int) -> None:
        with _lock:
            operation = _waiting.pop(token, None)
            outcome = _outcomes.pop(token, None)
        if operation is not None and outcome is not None:
            operation._deliver(*outcome)


_lock = threading.Lock()
_tokens = itertools.count(1)
_waiting: dict[int, Operation] = {}  # GUI thread: the operations whose jobs have not been delivered
_outcomes: dict[int, tuple[bool, Any]] = {}  # worker -> GUI thread: (succeeded, result or exception)
_dispatcher: _Dispatcher | None = None


def _gui_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None:  # made by the first operation, on the GUI thread, where it then lives
        _dispatcher = _Dispatcher()
    return _dispatcher


class _Job(QRunnable):
    def __init__(self, token: int, fn: Callable[[], Any], lane: Lane, dispatcher: _Dispatcher):
        super().__init__()
        self._token = token
        self._fn: Callable[[], Any] | None = fn
        self._lane = lane
        self._dispatcher = dispatcher

    def run(self) -> None:
        fn, self._fn = self._fn, None
        assert fn is not None
        _running.lane = self._lane
        try:
            outcome: tuple[bool, Any] = (True, fn())
        except Exception as exc:  # every failure goes back to the GUI thread to be shown
            # Logged here, once: the screen's own handler may show its own words and log nothing.
            log_unexpected(exc, f"unexpected error on the {self._lane.value} lane")
            outcome = (False, exc)
        finally:
            _running.lane = None
            del fn  # the operation still holds it; the GUI thread lets go of it
        with _lock:
            _outcomes[self._token] = outcome
        del outcome
        self._dispatcher.done.emit(self._token)


class Operation:
    """``Operation(parent, fn).on_success(cb).on_error(cb).run()``: fn runs on a lane.

    The callbacks run on the GUI thread and are dropped if ``parent`` is gone by then.
    """

    def __init__(self, parent: QObject, fn: Callable[[], Any], lane: Lane = Lane.DATABASE):
        self._parent = parent
        self._fn = fn
        self._lane = lane
        self._success: Callable[[Any], None] = lambda _r: None
        self._error: Callable[[Exception], None] | None = None

    def on_success(self, callback: Callable[[Any], None]) -> Operation:
        self._success = callback
        return self

    def on_error(self, callback: Callable[[Exception], None]) -> Operation:
        self._error = callback
        return self

    def run(self) -> Operation:
        dispatcher = _gui_dispatcher()
        token = next(_tokens)
        with _lock:
            _waiting[token] = self
        lane_pool(self._lane).start(_Job(token, self._fn, self._lane, dispatcher))
        return self

    def _deliver(self, succeeded: bool, payload: Any) -> None:
        if not shiboken6.isValid(self._parent):
            return  # the screen that asked is gone; nobody is left to tell
        if succeeded:
            self._success(payload)
        elif self._error is not None:
            self._error(payload)
        else:
            from kiosk.ui.messages import show_error

            show_error(payload)


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
