"""Reads each new call of the calling screen aloud, one after another, through the counter's speech engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kiosk.services.hall_calling import CallingState, unspoken

if TYPE_CHECKING:
    from kiosk.platform.speech import SpeechEngine
    from kiosk.ui.hall.feed import HallFeed


class CallAnnouncer(QObject):
    """Follows a calling feed and speaks every call it has not spoken, in the order they were made.

    The engine synthesises and plays in child processes (espeak-ng, aplay) or the system's voice service: the
    GUI thread only starts them. A call is never read over another: the next waits for ``finished`` (or
    ``failed``: a broken voice does not hold the queue; the screen shows the call anyway).
    """

    state_arrived = Signal(object)
    spoken = Signal(str)  # a call's text, as handed to the engine

    def __init__(self, feed: HallFeed[CallingState], speech: SpeechEngine, parent: QObject | None = None):
        super().__init__(parent)
        self._speech = speech
        self._said: set[str] = set()
        self._queue: list[str] = []
        self._speaking = False
        self.texts: list[str] = []  # every call handed to the engine, for staff's status and the tests
        speech.finished.connect(self._next)
        speech.failed.connect(lambda _reason: self._next())
        # Queued from another thread (Qt's automatic connection): the engine is driven on the GUI thread only.
        self.state_arrived.connect(self._take)
        self._unsubscribe = feed.subscribe(self.state_arrived.emit)
        self._take(feed.current)

    def stop(self) -> None:
        self._unsubscribe()
        self._queue.clear()
        if self._speaking:
            self._speech.stop()
        self._speaking = False

    def _take(self, state: object) -> None:
        assert isinstance(state, CallingState)
        for call in unspoken(state.announcements, self._said):
            self._said.add(call.key)
            self._queue.append(call.text)
        if not self._speaking:
            self._next()

    def _next(self) -> None:
        self._speaking = False
        if not self._queue or not self._speech.available:
            self._queue.clear()
            return
        text = self._queue.pop(0)
        self._speaking = True
        self.texts.append(text)
        self.spoken.emit(text)
        self._speech.speak(text)
