"""The wish list's filters of the free units: building, unit type, orientation and floor, on one line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from kiosk.services.selection_filters import UnitFilter, choices


class UnitFilters(QWidget):
    changed = Signal()  # a filter's choice changed (not when ``fill`` offers new choices)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.building = QComboBox(objectName="filterBuilding")
        self.unit_type = QComboBox(objectName="filterUnitType")
        self.orientation = QComboBox(objectName="filterOrientation")
        self.floor = QComboBox(objectName="filterFloor")
        # Each filter names itself in its items (楼栋：全部): no labels beside them, so four fit on one line.
        filters = QHBoxLayout(self)
        filters.setContentsMargins(0, 0, 0, 0)
        for box in (self.building, self.unit_type, self.orientation, self.floor):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(4)
            filters.addWidget(box, 1)
            box.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def fill(self, pool: Sequence[Mapping[str, Any]]) -> None:
        """The choices the units of the household's pool offer, each filter back at all."""
        offer = choices(pool)
        for box, name, values in (
            (
                self.building,
                self.tr("Building"),
                [(self.tr("Building {name}").format(name=b), b) for b in offer.buildings],
            ),
            (self.unit_type, self.tr("Unit type"), [(name, code) for code, name in offer.unit_types]),
            (self.orientation, self.tr("Orientation"), [(o, o) for o in offer.orientations]),
            (self.floor, self.tr("Floor"), [(self.tr("{floor}F").format(floor=f), f) for f in offer.floors]),
        ):
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr("{filter}: all").format(filter=name), None)
            for text, value in values:
                box.addItem(text, value)
            box.setAccessibleName(name)
            box.blockSignals(False)

    def unit_filter(self) -> UnitFilter:
        return UnitFilter(
            building=self.building.currentData() or "",
            unit_type=self.unit_type.currentData() or "",
            orientation=self.orientation.currentData() or "",
            floor=self.floor.currentData(),
        )
