"""Running service calls off the GUI thread; results come back on the GUI thread by signal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# SQLite writes one at a time (style guide §5): every service call goes through this single-thread pool.
_service_pool: QThreadPool | None = None


def service_pool() -> QThreadPool:
    global _service_pool
    if _service_pool is None:
        _service_pool = QThreadPool()
        _service_pool.setMaxThreadCount(1)
    return _service_pool


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

    def __init__(self, parent: QObject, fn: Callable[[], Any], pool: QThreadPool | None = None):
        super().__init__(parent)
        self._fn = fn
        self._pool = pool or service_pool()
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
    pool: QThreadPool | None = None,
) -> Operation:
    op = Operation(parent, fn, pool).on_success(on_success)
    if on_error is not None:
        op.on_error(on_error)
    return op.run()
