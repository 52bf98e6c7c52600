"""The background loop that keeps a counter in sync: capped exponential backoff with jitter, never on the GUI thread."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import replace

from kiosk.services.changes import Change
from kiosk.services.failures import log_unexpected
from kiosk.services.sync import SyncService
from kiosk.services.views import SyncStatus
from kiosk_core.errors import KioskError

log = logging.getLogger(__name__)


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Full jitter in the upper half: counters that lost the network together do not return in step."""
    ceiling: float = min(cap, base * 2.0 ** max(0, failures - 1))
    return ceiling * (0.5 + rng.random() / 2)


class SyncWorker:
    """``on_status`` and ``on_progress`` are called on the worker thread; the UI relays them by signal."""

    def __init__(
        self,
        sync: SyncService,
        on_status: Callable[[SyncStatus], None],
        on_progress: Callable[[float, str], None] = lambda _f, _t: None,
        *,
        interval: float = 15.0,
        base_backoff: float = 1.0,
        max_backoff: float = 60.0,
        rng: random.Random | None = None,
    ):
        self._sync = sync
        self._on_status = on_status
        self._on_progress = on_progress
        self.interval = interval
        self._base = base_backoff
        self._cap = max_backoff
        self._rng = rng or random.Random()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
        self.failures = 0

    def start(self) -> None:
        self._thread.start()

    def sync_now(self) -> None:
        self._wake.set()

    def on_change(self, _change: Change) -> None:
        """A listener on the change notice: a registration made here goes out now, not at the next poll.

        What this worker's own round published (the centre's answers, reviews) is already here: no second round.
        """
        if threading.current_thread() is not self._thread:
            self._wake.set()

    def stop(self, timeout: float = 20.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        # Nothing may end this loop but stop(): a dead sync thread looks exactly like a quiet network.
        while not self._stopping.is_set():
            try:
                delay = self._round()
            except Exception as exc:
                log_unexpected(exc, "sync loop failed; it goes on", log)
                self.failures += 1
                delay = backoff_delay(self.failures, self._base, self._cap, self._rng)
                self._report(self._status_after(exc))
            self._wait(delay)

    def _round(self) -> float:
        delay = self.interval
        try:
            status = self._sync.sync_once(self._on_progress)
            self.failures = 0
        except Exception as exc:  # keep the loop alive whatever happens; the status shows why
            self.failures += 1
            delay = backoff_delay(self.failures, self._base, self._cap, self._rng)
            log_unexpected(exc, "sync round failed", log)  # a KioskError (the centre away) is no fault
            status = self._status_after(exc)
        self._on_status(status)
        return delay

    def _report(self, status: SyncStatus) -> None:
        try:
            self._on_status(status)
        except Exception as exc:
            log_unexpected(exc, "could not report the sync status", log)

    def _wait(self, delay: float) -> None:
        try:
            seconds = float(delay)
        except (TypeError, ValueError):
            log.error("sync interval %r is not a number of seconds; waiting %s s", delay, self._cap)
            seconds = self._cap
        self._wake.wait(min(max(seconds, 0.0), 86_400.0))
        self._wake.clear()

    def _status_after(self, exc: Exception) -> SyncStatus:
        message = exc.message if isinstance(exc, KioskError) else "同步出错，稍后自动重试"
        try:
            return replace(self._sync.status(), online=False, message=message)
        except Exception:
            log.exception("could not read sync status")
            return SyncStatus(self._sync.configured, False, None, None, 0, 0, message)
