"""A hall screen's state and who listens to it: plain Python, no Qt, so a service or a test can publish to it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Generic, TypeVar

S = TypeVar("S")
Listener = Callable[[S], None]


class HallFeed(Generic[S]):
    """The latest state (a frozen dataclass) for a hall screen; each ``publish`` tells every listener.

    Any thread may publish: a listener is called on the publishing thread, so a window hands the state over to
    its own thread (HallScreen does, through a queued signal). A listener never blocks the publisher.
    """

    def __init__(self, state: S) -> None:
        self._state = state
        self._listeners: list[Listener[S]] = []
        self._lock = threading.Lock()

    @property
    def current(self) -> S:
        return self._state

    def publish(self, state: S) -> None:
        with self._lock:
            self._state = state
            listeners = list(self._listeners)
        for listener in listeners:
            listener(state)

    def update(self, **changes: Any) -> S:
        """The current state with ``changes`` (dataclass fields), published; returns it."""
        state: S = replace(self._state, **changes)  # type: ignore[type-var]
        self.publish(state)
        return state

    def subscribe(self, listener: Listener[S]) -> Callable[[], None]:
        """Call ``listener`` with each new state; returns the call that stops it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe
