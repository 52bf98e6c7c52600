"""Step 3 of a real-time plan: one concrete free unit, found with filters (project, type, floor, orientation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.catalog import CatalogService
from kiosk.services.views import ProjectOption, UnitFilter, UnitOption
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.registration.screens import MessageLabel, Screen, area, label, refusal_lines, rent

if TYPE_CHECKING:
    from kiosk.ui.registration.draft_state import DraftState

GREY_TEXT = QColor("#4a4a4a")
GREY_BACK = QColor("#e6e6e6")


@dataclass(frozen=True)
class _Choices:
    projects: list[ProjectOption]
    orientations: list[str]
    floors: tuple[int, int]


class UnitScreen(Screen):
    chooses = True

    def __init__(self, state: DraftState, catalog: CatalogService, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._catalog = catalog
        self._units: list[UnitOption] = []
        self._projects: list[ProjectOption] = []
        self._request = 0
        self.title = label(self.tr("Choose a unit"), kind="subtitle")
        self.message = MessageLabel()
        self.project_combo = QComboBox(objectName="projectFilter")
        self.type_combo = QComboBox(objectName="typeFilter")
        # Floors are picked from a list, not typed: a big target, and no impossible floor.
        self.floor_min = QComboBox(objectName="floorMin")
        self.floor_max = QComboBox(objectName="floorMax")
        self.orientation_combo = QComboBox(objectName="orientationFilter")
        self.only_available = QCheckBox(self.tr("Only units that can be chosen"), objectName="onlyAvailable")
        self.count_label = label(kind="hint", wrap=False)
        self.table = self._build_table()
        # Each filter keeps its title beside it; the filters wrap onto more lines at large text.
        filters = FlowLayout(spacing=16)
        for title, widget in (
            (self.tr("Project"), self.project_combo),
            (self.tr("Unit type"), self.type_combo),
            (self.tr("Floor"), self.floor_min),
            ("–", self.floor_max),
            (self.tr("Facing"), self.orientation_combo),
        ):
            pair = QHBoxLayout()
            pair.setSpacing(8)
            pair.addWidget(label(title, wrap=False))
            pair.addWidget(widget)
            filters.addItem(pair)
            widget.setMinimumHeight(52)
            widget.setMinimumWidth(110)
        self.project_combo.setMinimumWidth(220)
        self.type_combo.setMinimumWidth(180)
        filters.addWidget(self.only_available)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 8)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(head)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        # Filters may change in bursts (arrow keys on a list): query once they settle.
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._query)
        self.project_combo.currentIndexChanged.connect(self._on_project_changed)
        for combo in (self.type_combo, self.orientation_combo, self.floor_min, self.floor_max):
            combo.currentIndexChanged.connect(self._debounce.start)
        self.only_available.toggled.connect(self._debounce.start)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.itemDoubleClicked.connect(self._on_double_clicked)
        state.choice_changed.connect(self._on_choice_changed)
        self._reset_filters()

    def _build_table(self) -> QTableWidget:
        headers = [
            self.tr("Project"),
            self.tr("Unit type"),
            self.tr("Unit"),
            self.tr("Floor"),
            self.tr("Facing"),
            self.tr("Area"),
            self.tr("Rent"),
            self.tr("Note"),
        ]
        table = QTableWidget(0, len(headers), objectName="unitTable")
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(50)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        return table

    # --- wizard ---
    def primary_enabled(self) -> bool:
        return not self.busy and self.state.unit is not None

    def enter(self) -> None:
        plan, household = self.state.plan, self.state.household
        if plan is None or household is None:
            return
        self.message.clear_message()

        def load() -> _Choices:
            orientations, floors = self._catalog.unit_filters(plan.id)
            return _Choices(self._catalog.project_options(household.id, plan.id), orientations, floors)

        self.run(load, self._on_choices_loaded, self.message.show_error)

    def clear(self) -> None:
        self._debounce.stop()
        self._request += 1  # results still on their way are for the previous household
        self._units = []
        self._projects = []
        self.table.setRowCount(0)
        self.count_label.clear()
        self.message.clear_message()
        self._reset_filters()

    def default_focus(self) -> QWidget:
        return self.table

    def show_refusal(self, exc: BaseException) -> None:
        # Shown over the reloaded list, where the unit now shows taken.
        self.message.show_error(exc)

    # --- slots ---
    def _reset_filters(self) -> None:
        widgets = (
            self.project_combo,
            self.type_combo,
            self.orientation_combo,
            self.floor_min,
            self.floor_max,
        )
        blockers = [w.blockSignals(True) for w in (*widgets, self.only_available)]
        for combo in (self.project_combo, self.type_combo, self.orientation_combo):
            combo.clear()
            combo.addItem(self.tr("All"), None)
        for combo in (self.floor_min, self.floor_max):
            combo.clear()
        self.only_available.setChecked(False)
        for w, was in zip((*widgets, self.only_available), blockers, strict=True):
            w.blockSignals(was)

    def _on_choices_loaded(self, choices: _Choices) -> None:
        self._reset_filters()
        self._projects = choices.projects
        low, high = choices.floors
        for w in (self.project_combo, self.orientation_combo, self.floor_min, self.floor_max):
            w.blockSignals(True)
        for p in choices.projects:
            self.project_combo.addItem(p.name, p.id)
        for o in choices.orientations:
            self.orientation_combo.addItem(o, o)
        for combo in (self.floor_min, self.floor_max):
            for floor in range(low, high + 1):
                combo.addItem(self.tr("{n}F").format(n=floor), floor)
        self.floor_max.setCurrentIndex(self.floor_max.count() - 1)
        for w in (self.project_combo, self.orientation_combo, self.floor_min, self.floor_max):
            w.blockSignals(False)
        self._fill_types()
        self._query()

    def _on_project_changed(self) -> None:
        self._fill_types()
        self._debounce.start()

    def _fill_types(self) -> None:
        project_id = self.project_combo.currentData()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItem(self.tr("All"), None)
        for p in self._projects:
            if project_id is None or p.id == project_id:
                for t in p.unit_types:
                    name = t.name if project_id is not None else f"{p.name} · {t.name}"
                    self.type_combo.addItem(name, t.id)
        self.type_combo.blockSignals(False)

    def current_filter(self) -> UnitFilter:
        return UnitFilter(
            project_id=self.project_combo.currentData(),
            unit_type_id=self.type_combo.currentData(),
            floor_min=self.floor_min.currentData(),
            floor_max=self.floor_max.currentData(),
            orientation=self.orientation_combo.currentData(),
            only_available=self.only_available.isChecked(),
        )

    def _query(self) -> None:
        plan, household = self.state.plan, self.state.household
        if plan is None or household is None:
            return
        unit_filter = self.current_filter()
        self._request += 1
        request = self._request

        def shown(units: list[UnitOption]) -> None:
            if request == self._request:  # a later filter change wins
                self._show_units(units)

        self.run(
            lambda: self._catalog.unit_options(household.id, plan.id, unit_filter), shown, self._on_failed
        )

    def _on_failed(self, exc: Exception) -> None:
        self.message.show_error(exc)

    def _show_units(self, units: list[UnitOption]) -> None:
        self._units = units
        chosen = self.state.unit
        table = self.table
        table.blockSignals(True)
        table.clearSelection()
        table.setRowCount(len(units))
        for row, u in enumerate(units):
            note = u.refusals[0].message if u.refusals else self.tr("Can be chosen")
            cells = [u.project_name, u.unit_type_name, u.label, str(u.floor), u.orientation]
            cells += [area(u.area), rent(u.rent), note]
            tip = refusal_lines(u.refusals)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, u.id)
                if not u.available:
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # readable, not selectable
                    item.setForeground(QBrush(GREY_TEXT))
                    item.setBackground(QBrush(GREY_BACK))
                    item.setToolTip(tip)
                table.setItem(row, col, item)
        available = [u for u in units if u.available]
        keep = next((u for u in available if chosen is not None and u.id == chosen.id), None)
        if keep is None and len(available) == 1:
            keep = available[0]  # the only possible choice: pre-selected, still shown
        if keep is not None:
            table.selectRow(units.index(keep))
            table.scrollToItem(table.item(units.index(keep), 0))
        else:
            table.scrollToTop()
            if available:  # the keyboard starts on a unit that can be chosen, not on a taken one
                table.setCurrentCell(units.index(available[0]), 0, QItemSelectionModel.SelectionFlag.NoUpdate)
        table.blockSignals(False)
        self.count_label.setText(
            self.tr("{n} units, {free} can be chosen").format(n=len(units), free=len(available))
        )
        self.state.set_unit(keep)

    def _on_selection_changed(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        unit = self._units[rows.pop()] if len(rows) == 1 else None
        self.state.set_unit(unit if unit is not None and unit.available else None)

    def _on_double_clicked(self, item: QTableWidgetItem) -> None:
        if self.state.unit is not None and self._units[item.row()].id == self.state.unit.id:
            self.go_on()

    def _on_choice_changed(self) -> None:
        self.primary_changed.emit()
