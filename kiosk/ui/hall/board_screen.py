"""The hall's unit board (房源播报): every unit by building × floor × number, free or taken, and counts per type."""

from __future__ import annotations

from string import Template
from typing import Any

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

from kiosk.services.hall_board import BoardBuilding, BoardCell, BoardState
from kiosk.ui import theme
from kiosk.ui.flow_layout import FlowLayout
from kiosk.ui.hall.feed import HallFeed
from kiosk.ui.hall.hall_screen import HallScreen

GAP = 28  # between buildings
CELL_GAP = 4


class BoardGrid(QWidget):
    """The buildings side by side, each a grid of its floors (top floor first) and numbers, painted: a board of
    hundreds of units repaints in a few milliseconds, and cells grow or shrink to fill the screen."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("boardGrid")
        self.buildings: tuple[BoardBuilding, ...] = ()
        self.floor_label = "{floor}F"
        self.building_label = "{name}"
        self._colors = theme.colors()
        self.painted = 0  # paints so far: a test or a benchmark waits for the next one

    def show_buildings(self, buildings: tuple[BoardBuilding, ...]) -> None:
        self.buildings = buildings
        self.update()

    def layout_cells(self) -> list[tuple[BoardCell, QRect]]:
        """Each unit's cell on the widget, as painted."""
        return [(cell, rect) for cell, rect, _ in self._cells()]

    def cell_font(self) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(self._metrics()[2])
        return font

    def _rows(self) -> int:
        return max((len(b.floors) for b in self.buildings), default=0)

    def _metrics(self) -> tuple[int, int, int]:
        """(cell width, cell height, text px) that fit every building on the widget."""
        columns = sum(len(b.numbers) + 1 for b in self.buildings)  # +1: the floor column
        rows = 1 + self._rows()  # +1: the building's head
        if not columns or rows <= 1:
            return (0, 0, 12)
        width = (self.width() - GAP * (len(self.buildings) - 1)) // columns
        height = self.height() // rows
        longest = max(
            (len(c.label) for b in self.buildings for f in b.floors for c in f.cells if c), default=4
        )
        px = int(min(height * 0.62, (width - 2 * CELL_GAP) / (0.62 * max(4, longest))))
        return (width, height, max(10, px))

    def _cells(self) -> list[tuple[BoardCell, QRect, int]]:
        width, height, _ = self._metrics()
        out = []
        x = 0
        for building in self.buildings:
            # A lower building stands on the same ground: its floors start as many rows down.
            for row, floor in enumerate(building.floors, 1 + self._rows() - len(building.floors)):
                for column, cell in enumerate(floor.cells, 1):
                    if cell is not None:
                        rect = QRect(x + column * width, row * height, width, height)
                        out.append((cell, rect.adjusted(CELL_GAP, CELL_GAP, -CELL_GAP, -CELL_GAP), row))
            x += (len(building.numbers) + 1) * width + GAP
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, height, px = self._metrics()
        c = {k: QColor(v) for k, v in self._colors.items()}
        font = QFont(self.font())
        font.setPixelSize(px)
        painter.setFont(font)
        center = Qt.AlignmentFlag.AlignCenter
        x = 0
        for building in self.buildings:
            span = (len(building.numbers) + 1) * width
            painter.setPen(c["header"])
            bold = QFont(font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(
                QRect(x, (self._rows() - len(building.floors)) * height, span, height),  # above its top floor
                center,
                self.building_label.format(name=building.name),
            )
            painter.setFont(font)
            painter.setPen(c["hint"])
            # A lower building stands on the same ground: its floors start as many rows down.
            for row, floor in enumerate(building.floors, 1 + self._rows() - len(building.floors)):
                painter.drawText(
                    QRect(x, row * height, width, height), center, self.floor_label.format(floor=floor.floor)
                )
            x += span + GAP
        for cell, rect, _row in self._cells():
            if cell.taken:
                painter.fillRect(rect, c["disabled_bg"])
                painter.setPen(QPen(c["disabled_text"], 2))
                painter.drawLine(rect.bottomLeft(), rect.topRight())  # struck through: not by colour alone
                painter.setPen(c["disabled_text"])
            else:
                painter.fillRect(rect, c["success"])
                painter.setPen(c["on_success"])
            painter.drawText(QRectF(rect), center, cell.label)
        painter.end()
        self.painted += 1


class BoardScreen(HallScreen):
    """Renders a BoardState: the plan, the counts per unit type, then the grid of every unit, free or taken.

    Nothing here reads a service: ``SelectionHall`` publishes each state. No household is named: a taken unit
    is only taken.
    """

    STYLE = Template("""
QLabel#boardTitle { font-size: ${title_pt}pt; font-weight: bold; color: $header; }
QLabel#boardRound { color: $hint; }
QLabel#boardCount { background: $surface; border-left: 12px solid $primary; padding: 6px 18px; }
QLabel#boardLegendFree { background: $success; color: $on_success; padding: 4px 18px; }
QLabel#boardLegendTaken { background: $disabled_bg; color: $disabled_text; padding: 4px 18px; }
""")

    def __init__(self, feed: HallFeed[BoardState], parent: QWidget | None = None):
        super().__init__(feed, parent)
        self.title = QLabel(objectName="boardTitle")
        self.round = QLabel(objectName="boardRound")
        for label in (
            self.title,
            self.round,
        ):  # a long plan name wraps, never widens the window off its screen
            label.setWordWrap(True)
        # The legend, then a count per unit type, wrapping: many unit types take a second line, never more width.
        self.counts_box = QWidget(objectName="boardCounts")
        self.counts_row = FlowLayout(self.counts_box, spacing=18)
        self.counts_row.setContentsMargins(0, 0, 0, 0)
        self.counts: list[QLabel] = []
        self.legend_free = QLabel(self.tr("Free"), objectName="boardLegendFree")
        self.legend_taken = QLabel(self.tr("Taken"), objectName="boardLegendTaken")
        self.grid = BoardGrid()
        self.grid.floor_label = self.tr("{floor}F")
        self.grid.building_label = self.tr("Building {name}")
        self.empty = QLabel(self.tr("No units to show"), objectName="boardRound")
        self.counts_row.addWidget(self.legend_free)
        self.counts_row.addWidget(self.legend_taken)
        column = QVBoxLayout(self)
        # The window keeps its screen's size even on a small monitor (a page made for 1080 lines is cut there)
        # rather than growing off it and dropping out of fullscreen.
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        column.setContentsMargins(40, 24, 40, 24)
        column.setSpacing(14)
        column.addWidget(self.title)
        column.addWidget(self.round)
        column.addWidget(self.counts_box)
        column.addWidget(self.empty)
        column.addWidget(self.grid, 1)
        self.render(feed.current)

    def apply_theme(self, pt: int) -> None:
        super().apply_theme(pt)
        # The counts a size smaller than the title, so that four unit types fit on one line at 1080.
        small = max(theme.MAX_PT, round(pt * 0.7))
        self.setStyleSheet(
            f"{self.styleSheet()}\nQLabel#boardCount, QLabel#boardLegendFree, QLabel#boardLegendTaken, "
            f"QLabel#boardRound {{ font-size: {small}pt; }}"
        )

    def render(self, state: Any) -> None:
        assert isinstance(state, BoardState)
        self.title.setText(state.title or self.tr("Unit board"))
        self.round.setText(state.notice)
        while len(self.counts) < len(state.counts):
            label = QLabel(objectName="boardCount")
            self.counts.append(label)
            self.counts_row.addWidget(label)
        for n, label in enumerate(self.counts):
            count = state.counts[n] if n < len(state.counts) else None
            label.setVisible(count is not None)
            if count is not None:
                label.setText(
                    self.tr("{type}: {free} free, {taken} taken").format(
                        type=count.name, free=count.free, taken=count.taken
                    )
                )
        self.empty.setVisible(not state.buildings)
        self.grid.show_buildings(state.buildings)
