"""What just changed in the counter's data, told to whoever listens: screens refresh, the sync worker sends.

Qt-free on purpose: services publish after they commit, on whatever thread they ran; the UI relays a notice
to the GUI thread by signal, the sync worker only sets its wake-up event. A listener that fails is logged and
never stops the publisher (the change is already committed).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from enum import StrEnum

log = logging.getLogger(__name__)


class Change(StrEnum):
    REGISTRATION = "registration"  # made, cancelled, its phone changed, or settled by the centre
    CATALOG = "catalog"  # plans, projects, units or filings came down from the centre
    SYNC_STATE = "sync_state"  # sent, refused, online or offline
    DRAW = "draw"  # the lottery (issue 9)
    SELECTION = "selection"  # on-site unit selection (issue 10)


Listener = Callable[[Change], None]


class ChangeNotice:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[tuple[frozenset[Change], Listener]] = []

    def subscribe(self, kinds: Iterable[Change], listener: Listener) -> Callable[[], None]:
        """``listener`` is called with each published change of ``kinds``; returns the unsubscribe call."""
        entry = (frozenset(kinds), listener)
        with self._lock:
            self._listeners.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._listeners:
                    self._listeners.remove(entry)

        return unsubscribe

    def publish(self, change: Change) -> None:
        with self._lock:
            listeners = [listener for kinds, listener in self._listeners if change in kinds]
        for listener in listeners:
            try:
                listener(change)
            except Exception:
                log.exception("a listener to %s changes failed", change.value)
