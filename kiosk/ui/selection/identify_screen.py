"""The called household at the counter: staff scan its filing notice or ID; or record it was not there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.ui.masked_edit import MaskedNumberEdit
from kiosk.ui.selection.state import CounterState
from kiosk.ui.selection.step import SelectionStep

if TYPE_CHECKING:
    from kiosk.services.selection_views import TurnView


def household_line(state: CounterState, turn: TurnView) -> str:
    """0005　张*明　一居室: who the counter serves, masked (never an ID or a phone)."""
    return f"{turn.rank:04d} {turn.masked_name} {state.pool_name(turn)}"


class IdentifyScreen(SelectionStep):
    """The counter checks the papers belong to the called household, that its turn is now and its registration
    is still valid; a household not there is passed over (it goes after the one being served when it comes)."""

    def __init__(self, state: CounterState):
        super().__init__(state)
        self.title.setText(self.tr("Identify the household"))
        self.household = QLabel(objectName="selectionHousehold", wordWrap=True)
        self.call = QLabel(objectName="selectionCall", wordWrap=True)
        # A resident ID number shows masked once checked; the service gets it whole.
        self.scan = MaskedNumberEdit("id", objectName="selectionScan")
        self.scan.setPlaceholderText(self.tr("Scan the filing notice or the resident ID, or type either"))
        self.not_here = QPushButton(self.tr("Not here: pass over"), objectName="selectionNotHere")
        self.body.addWidget(self.household)
        self.body.addWidget(self.call)
        self.body.addWidget(self.scan)
        self.body.addStretch(1)
        self.actions.insertWidget(1, self.not_here)
        self.primary.setText(self.tr("Identify"))
        self.fields = [self.scan]
        self.not_here.clicked.connect(self.pass_over)

    def enter(self) -> None:
        turn = self.state.turn
        if turn is None:
            return
        self.household.setText(
            self.tr("Called: {household}").format(household=household_line(self.state, turn))
        )
        self.call.setText(self.state.service.call_text(turn))
        self.scan.clear()
        self.error.clear()
        self.say("")

    def primary_enabled(self) -> bool:
        return self.state.turn is not None

    def go_on(self) -> None:
        turn, text = self.state.turn, self.scan.number()
        if turn is None:
            return
        if not text.strip():
            self.error.show_text(self.tr("Scan the household's filing notice or resident ID first"))
            self.scan.setFocus()
            return
        service, plan = self.state.service, self.state.plan_code
        self.run_network(lambda: service.identify(plan, text), self._identified, lambda _e: self._again())

    def _again(self) -> None:
        self.scan.conceal()
        self.scan.selectAll()
        self.scan.setFocus()

    def _identified(self, turn: TurnView) -> None:
        called = self.state.turn
        if called is not None and turn.reg_no != called.reg_no:
            # Papers of a household this counter did not call: said, and the called one stays in hand.
            self.error.show_text(
                self.tr(
                    "These papers are not the called household's ({household}); scan the called household's"
                ).format(household=household_line(self.state, turn))
            )
            self._again()
            return
        self.state.identified = True
        self.state.take_turn(turn)
        self.moved_on.emit()

    def pass_over(self) -> None:
        turn = self.state.turn
        if turn is None or self.busy:
            return
        service, plan, reg_no = self.state.service, self.state.plan_code, turn.reg_no

        def done(_turn: Any) -> None:
            self.state.set_turn(None)
            self.moved_on.emit()

        self.run_network(lambda: service.not_here(plan, reg_no), done)
