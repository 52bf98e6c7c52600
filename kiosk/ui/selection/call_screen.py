"""The selection counter's first step: the plan, then the next household called to this counter in one action."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton

from kiosk.ui.selection.state import CounterState
from kiosk.ui.selection.step import SelectionStep


class CallScreen(SelectionStep):
    """Take next: the centre calls this counter's next household (its round, draw order, late arrivals first).

    A household passed over earlier that has now come is queued after the one being served (``arrived``).
    """

    def __init__(self, state: CounterState):
        super().__init__(state)
        self.title.setText(self.tr("Call the next household"))
        self.plan = QLineEdit(objectName="selectionPlan")
        self.plan.setPlaceholderText(self.tr("The plan's code, e.g. Q2609; Enter reads its selection"))
        self.plan_name = QLabel(objectName="selectionPlanName", wordWrap=True)
        self.round = QLabel(objectName="selectionRound", wordWrap=True)
        self.waiting = QLabel(objectName="selectionWaiting", wordWrap=True)
        form = QFormLayout()
        form.addRow(self.tr("Plan"), self.plan)
        form.addRow("", self.plan_name)
        form.addRow(self.tr("Round"), self.round)
        form.addRow(self.tr("Waiting"), self.waiting)
        self.body.addLayout(form)
        self.arrived_box = QLineEdit(objectName="selectionArrived")
        self.arrived_box.setPlaceholderText(self.tr("Registration no. of a late household that has come"))
        self.arrived_button = QPushButton(
            self.tr("Late household arrived"), objectName="selectionArrivedButton"
        )
        late = QHBoxLayout()
        late.addWidget(self.arrived_box, 1)
        late.addWidget(self.arrived_button)
        self.body.addLayout(late)
        self.body.addStretch(1)
        self.primary.setText(self.tr("Take the next household"))
        self.arrived_button.clicked.connect(self.arrived)
        self.plan.textEdited.connect(lambda _text: self.refresh_primary())
        self.fields = [self.plan]
        state.selection_changed.connect(self._show_selection)

    def first_focus(self) -> Any:
        return self.primary if self.state.selection is not None else self.plan

    def enter(self) -> None:
        self.plan.setText(self.state.plan_code)
        self._show_selection()

    def choose_plan(self) -> None:
        """The plan typed: its selection read from the centre (the counter goes on reading it)."""
        code = self.plan.text().strip().upper()
        if not code or self.busy:
            return
        self.state.choose_plan(code)
        service = self.state.service

        def read(reading: Any) -> None:
            self.state.take_reading(reading)
            if reading.view is None:
                self.error.show_text(reading.message)
            self.refresh_primary()
            self.primary.setFocus()

        self.run_network(lambda: service.state(code), read, lambda _e: self.plan.selectAll())

    def _show_selection(self) -> None:
        from kiosk.services.hall_rounds import round_label

        view = self.state.selection
        if view is None:
            for label in (self.plan_name, self.round, self.waiting):
                label.setText("—")
            self.refresh_primary()
            return
        self.plan_name.setText(view.plan_name)
        self.round.setText(round_label(view.wire) or "—")  # type: ignore[arg-type]
        waiting = sum(1 for t in view.turns if t.state == "waiting" and not t.late)
        late = sum(1 for t in view.turns if t.state == "waiting" and t.late)
        self.waiting.setText(self.tr("{n} waiting, {late} passed over").format(n=waiting, late=late))
        self.refresh_primary()

    def primary_enabled(self) -> bool:
        return bool(self.plan.text().strip())

    def go_on(self) -> None:
        """Enter: the plan typed is read first; once it is, the next household is called."""
        view = self.state.selection
        if view is None or self.plan.text().strip().upper() != view.plan_code:
            self.choose_plan()
            return
        service, plan = self.state.service, self.state.plan_code
        self.run_network(lambda: service.call_next(plan), self._called)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.focusWidget() is self.arrived_box and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.arrived()  # Enter there queues the late household; it never calls the next one
            return
        super().keyPressEvent(event)

    def _called(self, turn: Any) -> None:
        self.state.set_turn(turn)
        self.moved_on.emit()

    def arrived(self) -> None:
        reg_no = self.arrived_box.text().strip()
        if not reg_no or self.busy:
            return
        service, plan = self.state.service, self.state.plan_code

        def done(_turn: Any) -> None:
            self.arrived_box.clear()
            self.say(self.tr("{reg_no} is queued after the household being served").format(reg_no=reg_no))
            self.primary.setFocus()

        self.run_network(lambda: service.arrived(plan, reg_no), done)
