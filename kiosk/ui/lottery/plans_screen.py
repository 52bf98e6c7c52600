"""The console's first step: the quick plans whose window has closed, and the state of each one's draw."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from kiosk.services.draw_views import DrawView, ReadyPlan
from kiosk.services.projection import ScheduleItem
from kiosk.ui.lottery.state import ConsoleState
from kiosk.ui.lottery.step import ConsoleStep


class PlansScreen(ConsoleStep):
    """Choose a plan: Enter opens it at the step its draw is at (a new one is frozen first)."""

    chosen = Signal()

    def __init__(self, state: ConsoleState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.title.setText(self.tr("Plans ready to draw"))
        self.plans: list[ReadyPlan] = []
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("readyPlans")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Plan"), self.tr("Households"), self.tr("Pools"), self.tr("Draw"), self.tr("Unsent")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.refresh_primary)
        self.reload = QPushButton(self.tr("Read again"))
        self.reload.setObjectName("reloadPlans")
        self.reload.clicked.connect(self.enter)
        self.body.addWidget(self.table, 1)
        self.actions.insertWidget(0, self.reload)
        self.primary.setText(self.tr("Open this plan ›"))
        self.setFocusProxy(self.table)

    def first_focus(self) -> QWidget:
        return self.table

    def enter(self) -> None:
        draws, operator = self.state.draws, self.state.signed_in()
        self.say(self.tr("Asking the centre…"))
        self.run_network(lambda: draws.ready_plans(operator), self._show, lambda _e: self.say(""))

    def selected(self) -> ReadyPlan | None:
        rows = self.table.selectionModel().selectedRows()
        return self.plans[rows[0].row()] if rows else None

    def primary_enabled(self) -> bool:
        return self.selected() is not None

    def go_on(self) -> None:
        plan = self.selected()
        if plan is None:
            return
        self.state.choose(plan)
        if plan.can_freeze or plan.draw_id is None:
            self.chosen.emit()
            return
        draws, draw_id = self.state.draws, plan.draw_id
        self.say(self.tr("Reading the draw…"))
        self.run_network(lambda: draws.record(draw_id), self._opened)

    def _opened(self, draw: DrawView) -> None:
        self.say("")
        self.state.set_draw(draw)
        self.state.projection.show_draw(draw)
        self.chosen.emit()

    def _show(self, plans: list[ReadyPlan]) -> None:
        previous = self.selected()
        self.plans = plans
        self.table.setRowCount(len(plans))
        for row, plan in enumerate(plans):
            pools = "\n".join(
                self.tr("{pool}: {entries} households, {units} units").format(
                    pool=p.label or p.code, entries=p.entries, units=p.units
                )
                for p in plan.pools
            )
            unsent = "、".join(
                self.tr("counter {counter}: {n}").format(counter=c.counter, n=c.unsent) for c in plan.unsent
            )
            cells = (
                f"{plan.plan_name}\n{plan.plan_code}",
                str(plan.entries),
                pools,
                plan.draw_state_label,
                unsent or self.tr("none"),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        keep = [i for i, p in enumerate(plans) if previous and p.plan_code == previous.plan_code]
        if plans:
            self.table.selectRow(keep[0] if keep else 0)
        self.say(
            ""
            if plans
            else self.tr("No plan is ready to draw: a quick plan is drawn after its window closes")
        )
        self.refresh_primary()
        if self.state.draw is None:
            self.state.projection.show_schedule(
                [ScheduleItem(p.plan_name, self._detail(p)) for p in plans if p.draw_state != "published"]
            )

    def _detail(self, plan: ReadyPlan) -> str:
        return self.tr("{n} households · {state}").format(n=plan.entries, state=plan.draw_state_label)
