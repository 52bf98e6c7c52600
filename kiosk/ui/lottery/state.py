"""What the console knows of the draw in hand, shared by its steps, and the projection it drives."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kiosk.services.projection import Projection, ProjectionState
from kiosk.ui.hall.feed import HallFeed

if TYPE_CHECKING:
    from kiosk.services.draw_views import DrawView, ReadyPlan
    from kiosk.services.draws import DrawService
    from kiosk.services.views import OperatorSession


class ConsoleState(QObject):
    """The plan and its draw as the centre last answered; ``generation`` goes up when the console starts over,
    so an answer to a call made before (a sign-out, another plan) is dropped."""

    draw_changed = Signal()

    def __init__(
        self,
        draws: DrawService,
        operator: Callable[[], OperatorSession | None],
        centre: str,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.draws = draws
        self.operator = operator
        self.plan: ReadyPlan | None = None
        self.draw: DrawView | None = None
        self.checked: int | None = None  # the draw whose result this console computed and found the centre's
        self.generation = 0
        # The hall's window renders this feed; the console alone publishes to it.
        self.feed: HallFeed[ProjectionState] = HallFeed(ProjectionState(title=centre))
        self.projection = Projection(self.feed.publish, centre=centre)

    def signed_in(self) -> OperatorSession:
        session = self.operator()
        if session is None:
            raise RuntimeError("the console is used signed in")  # the shell shows it to supervisors only
        return session

    def choose(self, plan: ReadyPlan | None) -> None:
        self.generation += 1
        self.plan, self.draw, self.checked = plan, None, None
        self.draw_changed.emit()

    def set_draw(self, draw: DrawView) -> None:
        self.draw = draw
        self.draw_changed.emit()

    def retracted(self, draw: DrawView) -> None:
        """The draw was withdrawn: the hall stops showing it; the plan may be frozen again, with new sources."""
        self.checked = None
        self.set_draw(draw)
        self.projection.show_schedule((), "本场摇号已撤销，结果作废")

    def reset(self) -> None:
        self.choose(None)
        self.projection.show_schedule(())
