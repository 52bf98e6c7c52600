"""The end of a household's turn: the unit chosen and its result sheet printed, or why there is none."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.services.selection_filters import unit_label
from kiosk.ui.selection.identify_screen import household_line
from kiosk.ui.selection.state import CounterState
from kiosk.ui.selection.step import SelectionStep

if TYPE_CHECKING:
    from kiosk.services.selection import SheetPrinted
    from kiosk.services.selection_views import TurnView

CHOSEN = ("confirmed", "auto_picked")


class DoneScreen(SelectionStep):
    """A chosen unit prints its 选房确认书 at once (kept as a PDF, printable again); a household with no unit
    (time ran out, none of its wishes free) may apply for supplementary selection; then the next household."""

    def __init__(self, state: CounterState):
        super().__init__(state)
        self.title.setText(self.tr("Selection result"))
        self.household = QLabel(objectName="selectionHousehold", wordWrap=True)
        self.outcome = QLabel(objectName="selectionOutcome", wordWrap=True)
        self.sheet = QLabel(objectName="selectionSheet", wordWrap=True)
        self.body.addWidget(self.household)
        self.body.addWidget(self.outcome)
        self.body.addWidget(self.sheet)
        self.body.addStretch(1)
        self.print_again = QPushButton(self.tr("Print the result sheet again"), objectName="selectionReprint")
        self.supplementary = QPushButton(
            self.tr("Apply for supplementary selection"), objectName="selectionSupplementary"
        )
        self.actions.insertWidget(1, self.supplementary)
        self.actions.insertWidget(1, self.print_again)
        self.primary.setText(self.tr("Next household"))
        self.print_again.clicked.connect(self.print_sheet)
        self.supplementary.clicked.connect(self.apply_supplementary)

    def enter(self) -> None:
        turn = self.state.turn
        if turn is None:
            return
        self.household.setText(household_line(self.state, turn))
        how = str(turn.state)
        chosen = how in CHOSEN
        unit = self.state.unit(turn.unit_code) if chosen else None
        if chosen:
            label = unit_label(unit) if unit is not None else str(turn.unit_code)
            words = (
                self.tr("Chosen: {unit}")
                if how == "confirmed"
                else self.tr("Chosen automatically when the time ran out: {unit}")
            )
            detail = ""
            if unit is not None:
                detail = self.tr("{type}, {area:.1f} m², rent {rent:.0f} a month").format(
                    type=unit.get("unit_type_name", ""),
                    area=float(unit.get("area", 0)),
                    rent=float(unit.get("rent", 0)),
                )
            self.outcome.setText(f"{words.format(unit=label)}\n{detail}".strip())
        elif how == "no_unit":
            self.outcome.setText(self.tr("No unit: the time ran out and none of its wishes was free"))
        elif how == "declined":
            self.outcome.setText(
                self.tr("The household declined; it may not apply for supplementary selection")
            )
        else:
            self.outcome.setText(self.tr("Recorded absent"))
        self.print_again.setVisible(chosen)
        self.supplementary.setVisible(how in ("no_unit", "absent"))
        if chosen and not self.state.printed:
            self.print_sheet()
        else:
            self._show_printed()

    def first_focus(self) -> Any:
        return self.primary

    def print_sheet(self) -> None:
        turn = self.state.turn
        if turn is None or self.busy:
            return
        service, plan, reg_no = self.state.service, self.state.plan_code, turn.reg_no
        operator = self.state.operator()
        if operator is None:
            return
        self.sheet.setText(self.tr("Printing the result sheet…"))
        self.run_network(
            lambda: service.print_sheet(plan, reg_no, operator), self._printed, self._not_printed
        )

    def _printed(self, printed: SheetPrinted) -> None:
        self.state.printed = str(printed.path)
        self._show_printed(printed.message)
        # Not printed (no printer, a jam): the file is kept and the next action is printing it again.
        (self.primary if printed.printed else self.print_again).setFocus()

    def _not_printed(self, _exc: Exception) -> None:
        self.sheet.setText(self.tr("The result sheet was not printed; print it again"))
        self.print_again.setFocus()

    def _show_printed(self, message: str = "") -> None:
        if self.state.printed:
            self.sheet.setText(message or self.tr("The result sheet is printed: have it signed"))
        else:
            self.sheet.setText("")

    def apply_supplementary(self) -> None:
        turn = self.state.turn
        if turn is None or self.busy:
            return
        service, plan, reg_no = self.state.service, self.state.plan_code, turn.reg_no

        def done(answer: TurnView) -> None:
            self.state.take_turn(answer)
            self.supplementary.hide()
            self.sheet.setText(self.tr("Applied: the household will be called in the supplementary round"))
            self.primary.setFocus()

        self.run_network(lambda: service.apply_supplementary(plan, reg_no), done)

    def go_on(self) -> None:
        self.state.set_turn(None)
        self.moved_on.emit()
