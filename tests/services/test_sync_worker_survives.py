"""The sync loop cannot die silently: whatever fails is logged with its traceback, shown, and the loop goes on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk.bootstrap import Built
from kiosk.services.sync_worker import SyncWorker
from kiosk.services.views import SyncStatus

WAIT = 30  # seconds: a bound for a hung loop, never a speed floor


class Rounds:
    """Counts sync rounds and lets the test wait for the n-th one."""

    def __init__(self, real: Callable[..., SyncStatus], failures: list[BaseException]):
        self._real = real
        self._failures = failures
        self.count = 0
        self._changed = threading.Condition()

    def __call__(self, progress: Any = None) -> SyncStatus:
        with self._changed:
            self.count += 1
            self._changed.notify_all()
        if self._failures:
            raise self._failures.pop(0)
        return self._real(progress)

    def wait_for(self, n: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.count >= n, WAIT), f"round {n} never came"


def worker(
    built: Built, rounds: Rounds, on_status: Callable[[SyncStatus], None], interval: Any, cap: float = 0.0
) -> SyncWorker:
    built.services.sync.sync_once = rounds  # type: ignore[method-assign]
    return SyncWorker(built.services.sync, on_status, interval=interval, base_backoff=0.0, max_backoff=cap)


@pytest.fixture
def stopped() -> Iterator[list[SyncWorker]]:
    workers: list[SyncWorker] = []
    yield workers
    for w in workers:
        w.stop()


def test_an_interval_that_is_not_a_number_does_not_kill_the_loop(
    built: Built, stopped: list[SyncWorker], caplog: pytest.LogCaptureFixture
) -> None:
    rounds = Rounds(_ok(built), [])
    w = worker(built, rounds, lambda _s: None, interval="abc", cap=3600.0)
    stopped.append(w)
    w.start()
    rounds.wait_for(1)
    w.sync_now()
    rounds.wait_for(2)
    assert "not a number of seconds" in caplog.text


def test_an_unexpected_error_is_logged_shown_and_the_loop_goes_on(
    built: Built, stopped: list[SyncWorker], caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[SyncStatus] = []
    broken_once = [True]

    def on_status(status: SyncStatus) -> None:
        shown.append(status)
        if broken_once.pop() if broken_once else False:
            raise RuntimeError("the strip went away")

    rounds = Rounds(_ok(built), [RuntimeError("boom in the round")])
    w = worker(built, rounds, on_status, interval=3600)
    stopped.append(w)
    w.start()
    rounds.wait_for(1)
    w.sync_now()
    rounds.wait_for(2)
    w.sync_now()
    rounds.wait_for(3)
    assert shown[0].message == "同步出错，稍后自动重试" and not shown[0].online
    assert "boom in the round" in caplog.text and "Traceback" in caplog.text
    assert "the strip went away" in caplog.text


def _ok(built: Built) -> Callable[..., SyncStatus]:
    return lambda _progress=None: built.services.sync.status()
