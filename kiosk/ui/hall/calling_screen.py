"""The hall's calling screen: which household is at which counter, its countdown, and who is next."""

from __future__ import annotations

from string import Template
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.services.hall_calling import CALLING_PAGE, CallingState, ServedTurn
from kiosk.ui import theme
from kiosk.ui.hall.feed import HallFeed
from kiosk.ui.hall.hall_screen import HallScreen

COLUMNS = ("counter", "order", "name", "pool", "time")


def countdown(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class CallingScreen(HallScreen):
    """Renders a CallingState: a page of counters with their household, then the households to get ready.

    Nothing here reads a service: ``SelectionHall`` publishes each state, masked already, and the countdown
    each second.
    """

    STYLE = Template("""
QLabel#callTitle { font-size: ${title_pt}pt; font-weight: bold; color: $header; }
QLabel#callRound { color: $hint; }
QLabel#callHead { color: $hint; border-bottom: 4px solid $border; padding-bottom: 6px; }
QLabel#callCell { color: $text; }
QLabel#callCell[column="counter"] { font-weight: bold; color: $header; }
QLabel#callCell[column="time"] { font-weight: bold; color: $primary; }
QLabel#callCell[column="time"][kind="preparing"] { font-weight: normal; color: $hint; }
QLabel#callCell[column="time"][kind="paused"] { color: $on_error; background: $error; padding: 0 12px; }
QLabel#callCell[column="time"][kind="ending"] { color: $on_error; background: $danger_pressed; padding: 0 12px; }
QLabel#callNext { background: $surface; border-left: 12px solid $primary; padding: 12px ${pt}px; }
QLabel#callNotice { color: $hint; }
QLabel#callNotice[kind="paused"] { background: $error; color: $on_error; padding: 12px ${pt}px; }
QLabel#callPage { color: $hint; }
""")

    def __init__(self, feed: HallFeed[CallingState], parent: QWidget | None = None):
        super().__init__(feed, parent)
        self.title = self._label("callTitle", wrap=True)
        self.round = self._label("callRound", wrap=True)
        self.table = QWidget(objectName="callTable")
        grid = QGridLayout(self.table)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(36)
        grid.setVerticalSpacing(6)
        heads = (
            self.tr("Counter"),
            self.tr("No."),
            self.tr("Household"),
            self.tr("Unit type"),
            self.tr("Time left"),
        )
        self.heads = [self._label("callHead", text=h) for h in heads]
        for column, head in enumerate(self.heads):
            grid.addWidget(head, 0, column)
        # Cells made once and reused: a second's countdown is a few texts set, never a layout rebuilt.
        self.cells: list[list[QLabel]] = []
        for row in range(CALLING_PAGE):
            cells = []
            for column, name in enumerate(COLUMNS):
                cell = self._label("callCell")
                cell.setProperty("column", name)
                if name == "pool":  # a long unit type name is cut at the column's edge
                    cell.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                if name == "time":
                    cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(cell, row + 1, column)
                cells.append(cell)
            self.cells.append(cells)
        grid.setColumnStretch(3, 1)
        grid.setRowStretch(CALLING_PAGE + 1, 1)
        self.empty = self._label("callNotice")
        self.next_up = self._label("callNext", wrap=True)
        self.notice = self._label("callNotice", wrap=True)
        self.page = self._label("callPage")
        foot = QHBoxLayout()
        foot.setSpacing(24)
        foot.addWidget(self.notice, 1)
        foot.addWidget(self.page)
        column = QVBoxLayout(self)
        # The window keeps its screen's size even on a small monitor (a page made for 1080 lines is cut there)
        # rather than growing off it and dropping out of fullscreen.
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        column.setContentsMargins(40, 24, 40, 24)
        column.setSpacing(12)
        column.addWidget(self.title)
        column.addWidget(self.round)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        column.addWidget(self.next_up)
        column.addLayout(foot)
        self.render(feed.current)

    def apply_theme(self, pt: int) -> None:
        super().apply_theme(pt)
        # The round and the notice a size smaller: the counters and the names are what the hall reads.
        small = max(theme.MAX_PT, round(pt * 0.7))
        self.setStyleSheet(
            f"{self.styleSheet()}\nQLabel#callRound, QLabel#callNotice {{ font-size: {small}pt; }}"
        )

    def _label(self, name: str, *, text: str = "", wrap: bool = False) -> QLabel:
        label = QLabel(text, objectName=name)
        label.setWordWrap(wrap)
        return label

    def render(self, state: Any) -> None:
        assert isinstance(state, CallingState)
        self.title.setText(state.title or self.tr("Unit selection"))
        self.round.setText(state.round_label)
        for index, cells in enumerate(self.cells):
            turn = state.serving[index] if index < len(state.serving) else None
            texts, kind = ("", "", "", "", ""), ""
            if turn is not None:
                texts, kind = self._texts(turn), self._kind(turn)
            for cell, text in zip(cells, texts, strict=True):
                cell.setText(text)
            _restyle(cells[-1], kind)
        self.empty.setVisible(not state.serving)
        self.empty.setText(self.tr("No household is at a counter yet"))
        self.next_up.setVisible(bool(state.next_up))
        names = "　".join(f"{w.number:04d} {w.name}" for w in state.next_up)
        self.next_up.setText(self.tr("Please get ready: {names}").format(names=names))
        self.notice.setText(state.notice)
        _restyle(self.notice, "paused" if any(t.paused for t in state.serving) else "")
        self.page.setVisible(state.pages > 1)
        self.page.setText(self.tr("Page {page} of {pages}").format(page=state.page + 1, pages=state.pages))

    def _texts(self, turn: ServedTurn) -> tuple[str, str, str, str, str]:
        counter = self.tr("Counter {n}").format(n=turn.counter)
        if not turn.open:
            time = self.tr("Preparing")
        elif turn.paused:
            time = self.tr("Paused {time}").format(time=countdown(turn.remaining or 0))
        else:
            time = countdown(turn.remaining or 0)
        return (counter, f"{turn.number:04d}", turn.name, turn.pool, time)

    @staticmethod
    def _kind(turn: ServedTurn) -> str:
        if not turn.open:
            return "preparing"
        if turn.paused:
            return "paused"
        return "ending" if (turn.remaining or 0) <= 15 else ""  # the last seconds stand out


def _restyle(label: QLabel, kind: str) -> None:
    if label.property("kind") != kind:
        label.setProperty("kind", kind)
        label.style().unpolish(label)
        label.style().polish(label)
