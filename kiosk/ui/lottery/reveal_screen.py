"""The console's reveal: the pace of the hall's result, a page of ranks at a time or all at once; no network."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from kiosk.services.projection import ProjectionState
from kiosk.ui.lottery.state import ConsoleState
from kiosk.ui.lottery.step import ConsoleStep


class RevealScreen(ConsoleStep):
    """What the hall shows now, mirrored; Enter reveals the next page, then goes on to publishing.

    Everything here is local: the checked result is held by the console, so the hall keeps its pace when the
    network drops.
    """

    publish_requested = Signal()

    def __init__(self, state: ConsoleState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self.title.setText(self.tr("Reveal the result"))
        self.progress = QLabel(objectName="revealProgress", wordWrap=True)
        self.progress.setProperty("kind", "subtitle")
        self.mirror = QTableWidget(0, 5)
        self.mirror.setObjectName("revealMirror")
        self.mirror.setHorizontalHeaderLabels(
            [
                self.tr("No."),
                self.tr("Registration no."),
                self.tr("Name"),
                self.tr("Pool"),
                self.tr("Outcome"),
            ]
        )
        self.mirror.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mirror.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mirror.verticalHeader().hide()
        header = self.mirror.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.all = QPushButton(self.tr("All at once"))
        self.all.setObjectName("revealAll")
        self.all.clicked.connect(self._reveal_all)
        self.previous = QPushButton(self.tr("‹ Previous page"))
        self.previous.setObjectName("revealPrevious")
        self.previous.clicked.connect(lambda: self._render(self.state.projection.turn(-1)))
        self.following = QPushButton(self.tr("Next page ›"))
        self.following.setObjectName("revealTurn")
        self.following.clicked.connect(lambda: self._render(self.state.projection.turn(1)))
        self.body.addWidget(self.progress)
        self.body.addWidget(self.mirror, 1)
        for button in (self.previous, self.following, self.all):
            self.actions.insertWidget(self.actions.count() - 1, button)

    def enter(self) -> None:
        self._render(self.state.projection.state)

    def first_focus(self) -> QWidget:
        return self.primary

    def go_on(self) -> None:
        projection = self.state.projection
        if projection.can_reveal():
            self._render(projection.next_page())
        else:
            self.publish_requested.emit()

    def _reveal_all(self) -> None:
        self._render(self.state.projection.reveal_all())
        self.primary.setFocus()

    def _render(self, shown: ProjectionState) -> None:
        total = self.state.projection.total
        self.progress.setText(
            self.tr("The hall shows page {page} of {pages}: {revealed} of {total} revealed").format(
                page=shown.page + 1 if shown.revealed else 0,
                pages=shown.pages,
                revealed=shown.revealed,
                total=total,
            )
        )
        self.mirror.setRowCount(len(shown.rows))
        for row, outcome in enumerate(shown.rows):
            cells = (str(outcome.rank), outcome.reg_no, outcome.name, outcome.pool, outcome.outcome)
            for column, text in enumerate(cells):
                self.mirror.setItem(row, column, QTableWidgetItem(text))
        more = self.state.projection.can_reveal()
        self.primary.setText(self.tr("Reveal the next page ›") if more else self.tr("Go on to publish ›"))
        self.all.setVisible(more)
        for button in (self.previous, self.following):
            button.setVisible(not more and shown.pages > 1)
