"""The lottery console: the supervisor's page for one draw, freeze to publish, with the hall's projection following."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.lottery.draw_screen import DrawScreen
from kiosk.ui.lottery.freeze_screen import FreezeScreen
from kiosk.ui.lottery.plans_screen import PlansScreen
from kiosk.ui.lottery.publish_screen import PublishScreen
from kiosk.ui.lottery.reveal_screen import RevealScreen
from kiosk.ui.lottery.sources_screen import SourcesScreen
from kiosk.ui.lottery.state import ConsoleState
from kiosk.ui.lottery.step import ConsoleStep
from kiosk.ui.theme import set_kind

if TYPE_CHECKING:
    from kiosk.services.draws import DrawService
    from kiosk.services.views import OperatorSession
    from kiosk.ui.hall.launcher import HallLauncher


class LotteryConsole(QWidget):
    """Walks the steps in the order the draw's state calls for; each step tells the projection what is known."""

    back_requested = Signal()

    def __init__(
        self,
        draws: DrawService,
        operator: Callable[[], OperatorSession | None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.state = ConsoleState(draws, operator, self.tr("Public rental housing lottery"), self)
        self.hall: HallLauncher | None = None
        self.plans = PlansScreen(self.state)
        self.freeze = FreezeScreen(self.state)
        self.sources = SourcesScreen(self.state)
        self.drawing = DrawScreen(self.state)
        self.reveal = RevealScreen(self.state)
        self.publish = PublishScreen(self.state)
        self.steps: list[ConsoleStep] = [
            self.plans,
            self.freeze,
            self.sources,
            self.drawing,
            self.reveal,
            self.publish,
        ]
        names = (
            self.tr("Plans"),
            self.tr("Freeze"),
            self.tr("Sources"),
            self.tr("Draw"),
            self.tr("Reveal"),
            self.tr("Publish"),
        )
        self.stack = QStackedWidget()
        self.marks: list[QLabel] = []
        bar = QHBoxLayout()
        bar.setSpacing(6)
        for n, (step, name) in enumerate(zip(self.steps, names, strict=True), 1):
            self.stack.addWidget(step)
            step.moved_on.connect(self.route)
            mark = QLabel(f"{n} {name}", objectName="consoleStepMark")
            mark.setProperty("current", False)
            self.marks.append(mark)
            bar.addWidget(mark)
            if n < len(names):
                bar.addWidget(QLabel("›"))
        bar.addStretch(1)
        self.hall_button = QPushButton(self.tr("Show on the hall screen"))
        self.hall_button.setObjectName("projectOnHall")
        self.hall_button.clicked.connect(self.show_on_hall)
        self.back = QPushButton(self.tr("Back"))
        self.back.setObjectName("consoleBack")
        self.back.clicked.connect(self.back_requested)
        bar.addWidget(self.hall_button)
        bar.addWidget(self.back)
        column = QVBoxLayout(self)
        column.setSpacing(8)
        column.addLayout(bar)
        column.addWidget(self.stack, 1)
        self.plans.chosen.connect(self.route)
        self.reveal.publish_requested.connect(lambda: self._show(self.publish))
        self.publish.retracted.connect(self._after_retract)
        self.setFocusProxy(self.plans)
        # Built before anyone signs in (the shell prepares its pages): the plans are read when it is opened.
        self._show(self.plans, load=False)

    # --- the shell ---

    def attach_hall(self, hall: HallLauncher) -> None:
        """The shell's hall window: while the console is open it projects this console's draw."""
        self.hall = hall

    def show_on_hall(self) -> None:
        if self.hall is None:
            return
        self.hall.project(self.state.feed)
        self.hall.open()

    def enter(self) -> None:
        """The console came up: the hall (if open) follows it; the plans are read again unless a draw is in hand."""
        if self.hall is not None:
            self.hall.project(self.state.feed)
        if self.state.draw is None:
            self._show(self.plans)

    def reset(self) -> None:
        """Sign-out: nothing of the draw in hand stays; the hall goes back to its notice board."""
        self.state.reset()
        if self.hall is not None:
            self.hall.project(None)
        self._show(self.plans, load=False)

    # --- the steps ---

    def route(self) -> None:
        """The step the draw's state calls for: frozen → sources, committed → draw, drawn → draw (its check)."""
        draw = self.state.draw
        if self.state.plan is None and draw is None:
            self._show(self.plans)
        elif draw is None or draw.state == "retracted":
            self._show(self.freeze)
        elif draw.state == "frozen":
            self._show(self.sources)
        elif draw.state == "committed" or (draw.state == "drawn" and self.state.checked != draw.draw_id):
            self._show(self.drawing)
        elif draw.state == "drawn":
            self._show(self.reveal)
        else:
            self._show(self.publish)

    def current(self) -> ConsoleStep:
        step = self.stack.currentWidget()
        assert isinstance(step, ConsoleStep)
        return step

    def _show(self, step: ConsoleStep, load: bool = True) -> None:
        self.stack.setCurrentWidget(step)
        for mark, other in zip(self.marks, self.steps, strict=True):
            mark.setProperty("current", other is step)
            set_kind(mark, "subtitle" if other is step else "hint")
        if load:
            step.enter()
        step.first_focus().setFocus()

    def _after_retract(self) -> None:
        self.state.choose(None)  # the plan's list is read again: it can be frozen anew, with new sources
        self._show(self.plans)
