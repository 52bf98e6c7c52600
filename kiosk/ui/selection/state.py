"""What the selection counter knows: the plan, the centre's last state, the household at this counter; the hall's
two feeds follow it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from kiosk.services.hall_board import BoardState
from kiosk.services.hall_calling import CallingState
from kiosk.services.hall_selection import SelectionHall
from kiosk.services.selection_watch import Shown
from kiosk.ui.hall.feed import HallFeed

if TYPE_CHECKING:
    from datetime import datetime

    from kiosk.services.selection import SelectionReading, SelectionService
    from kiosk.services.selection_views import SelectionView, TurnView
    from kiosk.services.views import OperatorSession


class CounterState(QObject):
    """The household at this counter as the centre last answered, and the selection around it.

    ``generation`` goes up when the counter moves to another household (or plan), so an answer to a call made
    for the one before is dropped. ``identified`` is this counter's: staff scanned the household's papers.
    """

    turn_changed = Signal()  # another household, or the same one in another state
    selection_changed = Signal()  # the centre's state read again (units taken, the countdown's base)

    def __init__(
        self,
        service: SelectionService,
        operator: Callable[[], OperatorSession | None],
        clock: Callable[[], datetime],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.service = service
        self.operator = operator
        self.clock = clock
        self.plan_code = ""
        self.selection: SelectionView | None = None
        self.turn: TurnView | None = None
        self.identified = False
        self.generation = 0
        self.printed: str = ""  # the sheet's PDF, once printed for this household
        self.offline = False  # the last read of the centre's state failed: the turn is paused there too
        self.link_message = ""  # why, in the service's words
        self.calling: HallFeed[CallingState] = HallFeed(CallingState())
        self.board: HallFeed[BoardState] = HallFeed(BoardState())
        self.hall = SelectionHall(self.calling.publish, self.board.publish, clock)
        self.hall_follows = False  # the hall's calling screen or board shows this counter's reads

    # --- who is signed in ---

    def signed_in(self) -> OperatorSession:
        session = self.operator()
        if session is None:
            raise RuntimeError("the counter is used signed in")  # the shell shows it to those signed in only
        return session

    # --- answers from the centre ---

    def choose_plan(self, plan_code: str) -> None:
        if plan_code != self.plan_code:
            self.plan_code = plan_code
            self.selection = None
            self.set_turn(None)

    def watch(self, shown: bool = True) -> None:
        """Tell the service what this counter shows: the push channel's moves for others are let pass."""
        turn = self.turn if self.turn is not None and not self.turn.finished else None
        self.service.watch.show(
            Shown(
                self.plan_code,
                turn.reg_no if turn is not None else None,
                turn.pool if turn is not None else None,
                self.hall_follows,
            )
            if shown and self.plan_code
            else None
        )

    def take_reading(self, reading: SelectionReading) -> None:
        """A read of the centre's state: offline, the last one stays (the turn is paused at the centre)."""
        self.offline = not reading.online
        self.link_message = reading.message
        if reading.online and reading.view is not None:
            self.take_selection(reading.view)
        else:
            self.selection_changed.emit()

    def take_selection(self, view: SelectionView) -> None:
        """A state from the centre: the hall's screens, and this counter's household as the centre has it."""
        if view.plan_code != self.plan_code:
            return  # another plan was chosen meanwhile
        if self.selection is not None and view.version < self.selection.version:
            return  # two reads came back out of order
        self.hall.take(view.wire)
        self.selection = view
        if self.turn is not None:
            mine = view.turn(self.turn.reg_no)
            if mine is not None and _differs(mine, self.turn):
                self._replace_turn(mine)
        self.selection_changed.emit()

    def set_turn(self, turn: TurnView | None) -> None:
        """Another household at this counter (or none): what belonged to the one before is forgotten."""
        self.generation += 1
        self.identified = False
        self.printed = ""
        self.turn = turn
        self.watch()
        self.turn_changed.emit()

    def take_turn(self, turn: TurnView) -> None:
        """The centre's answer about the household in hand; the state the service read with it comes along
        (units taken meanwhile, the countdown's base), so the screens need not wait for the next poll."""
        if self.turn is None or turn.reg_no != self.turn.reg_no:
            self.set_turn(turn)
        else:
            self._replace_turn(turn)
        view = self.service.last(self.plan_code) if self.plan_code else None
        if view is not None:
            self.take_selection(view)

    def _replace_turn(self, turn: TurnView) -> None:
        self.turn = turn
        self.watch()
        self.turn_changed.emit()

    # --- what the screens ask ---

    @property
    def finished(self) -> bool:
        return self.turn is not None and self.turn.finished

    def remaining(self) -> int | None:
        """Whole seconds left of the household's formal turn on the centre's clock; None before it opens."""
        if self.turn is None or self.selection is None or self.turn.state != "open":
            return None
        turn = self.selection.turn(self.turn.reg_no)
        if turn is None or turn.state != "open":  # the state read before the turn opened: the answer's figure
            return (
                None
                if self.turn.remaining_seconds is None
                else max(0, int(self.turn.remaining_seconds + 0.999))
            )
        left = self.selection.remaining(turn, self.clock())
        return None if left is None else max(0, int(left + 0.999))

    def units(self) -> list[Mapping[str, Any]]:
        """The units as the centre sent them (the wish list's filters read these)."""
        return list(self.selection.wire["units"]) if self.selection is not None else []  # type: ignore[arg-type]

    def unit(self, code: str | None) -> Mapping[str, Any] | None:
        return next((u for u in self.units() if u.get("unit_code") == code), None)

    def pool_name(self, turn: TurnView) -> str:
        """The unit type's name of the household's pool (一居室), or the pool's code."""
        type_code = turn.pool.rsplit("/", 1)[-1]
        unit = next((u for u in self.units() if u.get("unit_type_code") == type_code), None)
        return str(unit.get("unit_type_name")) if unit is not None else turn.pool


def _differs(a: TurnView, b: TurnView) -> bool:
    keys = ("state", "paused", "deadline", "wishes", "unit_code", "redeclared_at", "counter", "late")
    return any(getattr(a, k) != getattr(b, k) for k in keys)
