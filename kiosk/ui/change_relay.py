"""The change notice, relayed to the GUI thread: screens connect to one signal and refresh themselves."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot

from kiosk.services.changes import Change

if TYPE_CHECKING:
    from kiosk.services.changes import ChangeNotice


class ChangeRelay(QObject):
    """Publishers run on any thread (the database lane, the sync worker); ``changed`` is delivered on the GUI
    thread, where this object lives, so a slot may touch its widgets."""

    changed = Signal(object)  # Change
    _published = Signal(object)  # emitted on the publisher's thread, queued to this object's

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = None
        self._published.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def attach(self, notice: ChangeNotice) -> None:
        """Listen to ``notice`` (once: attaching again changes nothing). Any thread may call it."""
        if self._unsubscribe is None:
            published = self._published

            def relay(change: Change) -> None:
                with contextlib.suppress(RuntimeError):  # this window is gone; the services outlive it
                    published.emit(change)

            self._unsubscribe = notice.subscribe(Change, relay)

    @Slot(object)
    def _deliver(self, change: Change) -> None:
        self.changed.emit(change)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def connect_to(self, kinds: Iterable[Change], slot: Callable[[], None], receiver: QObject) -> None:
        """``slot()`` on each change of ``kinds``; nothing once ``receiver`` is gone."""
        wanted = frozenset(kinds)

        def relay(change: Change) -> None:
            if change in wanted:
                slot()

        def forget() -> None:
            with contextlib.suppress(RuntimeError):  # the relay may be gone first, at the window's end
                self.changed.disconnect(relay)

        self.changed.connect(relay)
        receiver.destroyed.connect(forget)
