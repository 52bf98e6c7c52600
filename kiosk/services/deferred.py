"""A value built once, later: the counter's services are built behind the login screen, not before it.

Qt-free and light (the first frame imports it): ``get()`` builds on whichever thread asks first; any other
caller waits for that build instead of starting a second one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")


class Deferred(Generic[T]):
    """``build`` runs once. A failure of a ``final`` type is kept and raised to every later caller (a damaged
    cache is set aside by the first attempt: a second would find nothing to judge); any other failure lets
    the next ``get()`` try again."""

    def __init__(self, build: Callable[[], T], *, final: tuple[type[Exception], ...] = ()):
        self._build = build
        self._final = final
        self._lock = threading.RLock()  # a part (map) is offered its value from inside its own build
        self._value: T | None = None
        self._failure: Exception | None = None
        self._listeners: list[Callable[[T], None]] = []

    @classmethod
    def of(cls, value: T) -> Deferred[T]:
        """Already built (tests, and whatever needs no waiting)."""
        deferred: Deferred[T] = cls(lambda: value)
        deferred.get()
        return deferred

    @property
    def built(self) -> T | None:
        return self._value

    def get(self) -> T:
        """The value, building it first if nobody has; blocks while another thread builds it."""
        listeners: list[Callable[[T], None]] = []
        with self._lock:
            if self._failure is not None:
                raise self._failure
            if self._value is None:
                try:
                    value = self._build()
                except self._final as exc:
                    self._failure = exc
                    raise
                if self._value is None:  # unless the build offered it already (a part, see map)
                    self._value = value
                    listeners, self._listeners = self._listeners, []
            value = self._value
        for listener in listeners:  # outside the lock: a listener may wait on another Deferred
            listener(value)
        return value

    def _offer(self, value: T) -> None:
        with self._lock:
            if self._value is not None:
                return
            self._value = value
            listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener(value)

    def map(self, part: Callable[[T], U]) -> Deferred[U]:
        """A part of this value, deferred with it: built by the same build, on the same thread."""
        child: Deferred[U] = Deferred(lambda: part(self.get()))

        def built(value: T) -> None:
            # Offered, not built: the child's own get() may be the very call building this one.
            child._offer(part(value))

        self.when_built(built)
        return child

    def when_built(self, listener: Callable[[T], None]) -> None:
        """``listener(value)`` once it is built: now if it is, else on the building thread right after."""
        with self._lock:
            value = self._value
            if value is None:
                self._listeners.append(listener)
                return
        listener(value)
