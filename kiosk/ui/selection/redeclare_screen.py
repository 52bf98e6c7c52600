"""The household re-declares that its circumstances have not changed: a tick, recorded with time and operator."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel

from kiosk.ui.selection.identify_screen import household_line
from kiosk.ui.selection.state import CounterState
from kiosk.ui.selection.step import SelectionStep


class RedeclareScreen(SelectionStep):
    def __init__(self, state: CounterState):
        super().__init__(state)
        self.title.setText(self.tr("Re-declaration"))
        self.household = QLabel(objectName="selectionHousehold", wordWrap=True)
        # Read to the household before it ticks; the tick's words are the seed's (上述条款，我已阅知).
        self.terms = QLabel(
            self.tr(
                "1. The household's members, residence, housing, income and assets are as when it registered; "
                "nothing has changed that bears on its eligibility.\n"
                "2. A concealed or false statement cancels this selection; a unit chosen is taken back.\n"
                "3. Units are chosen in draw order; a confirmed choice is final. When the time runs out without "
                "a confirmation, the first unit of the wish list still free is chosen automatically."
            ),
            objectName="selectionTerms",
            wordWrap=True,
        )
        self.tick = QCheckBox(self.tr("The terms above: I have read them"), objectName="selectionTick")
        self.body.addWidget(self.household)
        self.body.addWidget(self.terms)
        self.body.addWidget(self.tick)
        self.body.addStretch(1)
        self.primary.setText(self.tr("Record the re-declaration"))
        self.tick.toggled.connect(lambda _on: self.refresh_primary())
        self.tick.toggled.connect(lambda on: on and self.primary.setFocus())

    def first_focus(self) -> Any:
        return self.tick

    def enter(self) -> None:
        if self.state.turn is not None:
            self.household.setText(household_line(self.state, self.state.turn))
        self.tick.setChecked(False)
        self.refresh_primary()

    def primary_enabled(self) -> bool:
        return self.tick.isChecked()

    def go_on(self) -> None:
        turn = self.state.turn
        if turn is None:
            return
        service, plan, reg_no = self.state.service, self.state.plan_code, turn.reg_no
        operator = self.state.signed_in()
        self.run_network(lambda: service.redeclare(plan, reg_no, operator), self._done)

    def _done(self, turn: Any) -> None:
        self.state.take_turn(turn)
        self.moved_on.emit()
