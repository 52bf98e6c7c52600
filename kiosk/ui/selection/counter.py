"""The selection counter: the household at this counter from its call to its printed sheet, with the hall's
calling screen and unit board fed from the same reads of the centre."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.selection.call_screen import CallScreen
from kiosk.ui.selection.done_screen import DoneScreen
from kiosk.ui.selection.identify_screen import IdentifyScreen
from kiosk.ui.selection.redeclare_screen import RedeclareScreen
from kiosk.ui.selection.state import CounterState
from kiosk.ui.selection.step import SelectionStep
from kiosk.ui.selection.wish_screen import WishScreen
from kiosk.ui.workers import Lane, run_in_background

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.platform.speech import SpeechEngine
    from kiosk.services.selection import SelectionReading, SelectionService
    from kiosk.services.views import OperatorSession
    from kiosk.ui.hall.call_announcer import CallAnnouncer
    from kiosk.ui.hall.launcher import HallLauncher

POLL_MS = 2000  # the push channel says when something moved; this is the fallback, and the centre's heartbeat
TICK_MS = 1000


class SelectionCounter(QWidget):
    """Walks the steps the household's turn calls for: call → identify → re-declare → wish list and turn → done.

    Reads the centre's state every two seconds while shown (and when the push channel says selection moved):
    units taken at other counters leave the choice at once, the countdown keeps the centre's time, and the
    centre hears this counter (a turn whose counter it does not hear is paused there).
    """

    back_requested = Signal()

    def __init__(
        self,
        service: SelectionService,
        operator: Callable[[], OperatorSession | None],
        clock: Callable[[], datetime],
        speech: SpeechEngine | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.state = CounterState(service, operator, clock, self)
        self.hall: HallLauncher | None = None
        self._speech = speech
        self._announcer: CallAnnouncer | None = None
        self.calling = CallScreen(self.state)
        self.identify = IdentifyScreen(self.state)
        self.redeclare = RedeclareScreen(self.state)
        self.wish = WishScreen(self.state)
        self.done = DoneScreen(self.state)
        self.steps: list[SelectionStep] = [self.calling, self.identify, self.redeclare, self.wish, self.done]
        self.stack = QStackedWidget()
        for step in self.steps:
            self.stack.addWidget(step)
            step.moved_on.connect(self.route)
        self.link = QLabel(objectName="selectionLink")
        self.show_calling = QPushButton(self.tr("Hall: calling"), objectName="hallCalling")
        self.show_board = QPushButton(self.tr("Hall: unit board"), objectName="hallBoard")
        self.back = QPushButton(self.tr("Back"), objectName="selectionBack")
        bar = QHBoxLayout()
        bar.addWidget(self.link, 1)
        bar.addWidget(self.show_calling)
        bar.addWidget(self.show_board)
        bar.addWidget(self.back)
        column = QVBoxLayout(self)
        column.setSpacing(8)
        column.addLayout(bar)
        column.addWidget(self.stack, 1)
        self.show_calling.clicked.connect(lambda: self.show_on_hall("calling"))
        self.show_board.clicked.connect(lambda: self.show_on_hall("board"))
        self.back.clicked.connect(self.back_requested)
        self.state.turn_changed.connect(self._turn_changed)
        self.state.selection_changed.connect(self._show_link)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self.refresh)
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._reading = False
        self._show(self.calling)

    # --- the shell ---

    def attach_hall(self, hall: HallLauncher) -> None:
        self.hall = hall

    def show_on_hall(self, which: str) -> None:
        """The calling screen (its calls read aloud here) or the unit board on the hall's window."""
        if self.hall is None:
            return
        from kiosk.ui.hall.board_screen import BoardScreen
        from kiosk.ui.hall.call_announcer import CallAnnouncer
        from kiosk.ui.hall.calling_screen import CallingScreen

        self.state.hall_follows = True
        self.state.watch()
        if which == "calling":
            self.hall.project(self.state.calling, CallingScreen)
            if self._announcer is None and self._speech is not None:
                self._announcer = CallAnnouncer(self.state.calling, self._speech, self)
        else:
            self._stop_announcer()
            self.hall.project(self.state.board, BoardScreen)
        self.hall.open()
        self.current().first_focus().setFocus()  # the counter's window keeps the keyboard

    def enter(self) -> None:
        """The page came up: read the plans and the state, and keep reading while it is shown."""
        self._poll.start()
        self._tick.start()
        self.state.watch()
        self.route()
        self.refresh()
        self.setFocusProxy(self.current().first_focus())
        self.current().first_focus().setFocus()

    def reset(self) -> None:
        """Sign-out: nothing of the household stays; the hall goes back to its notice board."""
        self._poll.stop()
        self._tick.stop()
        self._stop_announcer()
        self.state.set_turn(None)
        self.state.hall_follows = False
        self.state.watch(shown=False)
        if self.hall is not None and self.hall.projection in (self.state.calling, self.state.board):
            self.hall.project(None)
        self._show(self.calling)

    def _stop_announcer(self) -> None:
        if self._announcer is not None:
            self._announcer.stop()
            self._announcer.deleteLater()
            self._announcer = None

    # --- reading the centre ---

    def refresh(self) -> None:
        """The centre's state, once at a time (a slow centre does not pile reads up on the lane)."""
        if self._reading or not self.state.plan_code:
            return
        self._reading = True
        service, plan = self.state.service, self.state.plan_code
        run_in_background(self, lambda: service.state(plan), self._read, self._read_failed, lane=Lane.NETWORK)

    def _read(self, reading: SelectionReading) -> None:
        self._reading = False
        self.state.take_reading(reading)
        self.wish.countdown.refresh()

    def _read_failed(self, exc: Exception) -> None:
        self._reading = False
        self.state.offline = True
        self.state.link_message = str(getattr(exc, "message", "")) or self.tr("The centre cannot be reached")
        self._show_link()
        self.wish.countdown.refresh()

    def _show_link(self) -> None:
        problem = self.state.link_message if self.state.offline else ""
        if not self.state.plan_code:
            self.link.setText("")
            return
        self.link.setText(
            self.tr("Not connected to the centre: {why}").format(why=problem)
            if problem
            else self.tr("Connected to the centre")
        )
        self.link.setProperty("kind", "error" if problem else "hint")
        self.link.style().unpolish(self.link)
        self.link.style().polish(self.link)

    def _on_tick(self) -> None:
        self.state.hall.tick()
        self.wish.countdown.refresh()

    # --- the steps ---

    def _turn_changed(self) -> None:
        step = self._step_for()
        if step is not self.current() or step is self.wish:
            self.route()

    def _step_for(self) -> SelectionStep:
        state, turn = self.state, self.state.turn
        if turn is None:
            return self.calling
        if state.finished:
            return self.done
        if not state.identified:
            return self.identify
        if turn.redeclared_at is None:
            return self.redeclare
        return self.wish

    def route(self) -> None:
        step = self._step_for()
        if step is self.calling and self.current() is self.calling:
            self.refresh()  # the plan may have changed
        if step is not self.current():
            self._show(step)

    def current(self) -> SelectionStep:
        step = self.stack.currentWidget()
        assert isinstance(step, SelectionStep)
        return step

    def _show(self, step: SelectionStep) -> None:
        self.stack.setCurrentWidget(step)
        step.enter()
        step.refresh_primary()
        self.setFocusProxy(step.first_focus())  # the shell focusing the page lands on the next action
        step.first_focus().setFocus()
