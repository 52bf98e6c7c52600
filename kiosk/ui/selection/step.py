"""The base of the selection counter's steps: a title, one primary action, Enter to move on, centre calls on the
network lane."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kiosk.ui.centre_step import CentreStep
from kiosk.ui.selection.state import CounterState


class SelectionStep(CentreStep):
    """One step of the counter's selection (kiosk.ui.centre_step); its answers are dropped once the counter moves
    to another household. Enter in a table acts on its row only."""

    state: CounterState
    enter_in_a_table_goes_on = False

    def __init__(self, state: CounterState, parent: QWidget | None = None):
        super().__init__(state, "selection", parent)
