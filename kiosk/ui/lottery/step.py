"""The base of the console's steps: a title, one primary action, Enter to move on, centre calls on the network lane."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kiosk.ui.centre_step import CentreStep
from kiosk.ui.lottery.state import ConsoleState


class ConsoleStep(CentreStep):
    """One step of the lottery console (kiosk.ui.centre_step); its answers are dropped once the console starts
    over."""

    state: ConsoleState

    def __init__(self, state: ConsoleState, parent: QWidget | None = None):
        super().__init__(state, "console", parent)
