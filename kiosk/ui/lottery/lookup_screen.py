"""The counter's draw results: a household found by ID, filing no. or reg no., its outcome, its result notice."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from kiosk.ui import messages
from kiosk.ui.lookup_page import lay_out, results_table
from kiosk.ui.lottery.formats import grouped
from kiosk.ui.masked_edit import MaskedNumberEdit
from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import Lane, run_in_background

if TYPE_CHECKING:
    from kiosk.services.draw_views import DrawOutcomeView
    from kiosk.services.draws import DrawService, NoticePrinted
    from kiosk.services.views import OperatorSession


class ResultLookupScreen(QWidget):
    """One scan finds every published result of the household; Enter searches, the notice prints the selected."""

    back_requested = Signal()
    printed = Signal(object)  # the notice's PDF path

    def __init__(
        self,
        draws: DrawService,
        operator: Callable[[], OperatorSession | None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._draws = draws
        self._operator = operator
        self._views: list[DrawOutcomeView] = []
        self._searched = ""
        title = QLabel(self.tr("Draw results"))
        set_kind(title, "title")
        # A resident ID number searched for shows masked once searched; the service gets it whole.
        self.query = MaskedNumberEdit("id", objectName="resultsQuery")
        self.query.setPlaceholderText(
            self.tr("Scan or type a resident ID, filing number or registration number")
        )
        self.query.setClearButtonEnabled(True)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setObjectName("resultsSearch")
        set_kind(self.search_button, "primary")
        self.back = QPushButton(self.tr("Back"))
        self.back.setObjectName("resultsBack")
        self.error = InlineError()
        self.error.setObjectName("resultsError")
        self.table = results_table(
            [
                self.tr("Plan"),
                self.tr("Registration no."),
                self.tr("Applicant"),
                self.tr("Outcome"),
                self.tr("Rank"),
            ],
            "resultsTable",
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.detail = QLabel(objectName="resultDetail", wordWrap=True)
        self.print_button = QPushButton(self.tr("Print result notice"))
        self.print_button.setObjectName("printResultNotice")
        set_kind(self.print_button, "primary")

        lay_out(
            self,
            title,
            self.back,
            (self.query, self.search_button),
            (self.error,),
            self.table,
            self.detail,
            self.print_button,
        )

        self.query.returnPressed.connect(lambda: self.search())
        self.search_button.clicked.connect(lambda: self.search())
        self.back.clicked.connect(self.back_requested)
        self.table.itemSelectionChanged.connect(self._selected_changed)
        self.print_button.clicked.connect(self.print_notice)
        self.setFocusProxy(self.query)
        self._busy = False
        self._selected_changed()

    # --- public slots ---

    def search(self, query: str | None = None) -> None:
        if query is not None:
            self.query.setText(query)
        text = self.query.number()
        self._searched = text
        self.error.clear()
        draws = self._draws
        run_in_background(self, lambda: draws.lookup(text), self._show, self._failed)  # local: database lane

    def refresh(self) -> None:
        """A sync brought results (or a retraction): the household in view is read again, the box left alone."""
        if not self._searched:
            return
        draws, text = self._draws, self._searched
        run_in_background(self, lambda: draws.lookup(text), self._show, lambda _exc: None)

    def reset(self) -> None:
        self.query.clear()
        self.error.clear()
        self._searched = ""
        self._views = []
        self.table.setRowCount(0)
        self._selected_changed()

    def selected(self) -> DrawOutcomeView | None:
        rows = self.table.selectionModel().selectedRows()
        return self._views[rows[0].row()] if rows else None

    def print_notice(self) -> None:
        view = self.selected()
        if view is None or self._busy:
            return
        self._busy = True
        self._selected_changed()
        operator = self._operator()
        if operator is None:
            self._busy = False
            self._selected_changed()
            return
        draws = self._draws
        run_in_background(
            self,
            lambda: draws.print_result_notice(view, operator),
            self._printed,
            self._print_failed,
            lane=Lane.NETWORK,
        )

    # --- rendering ---

    def _show(self, views: list[DrawOutcomeView]) -> None:
        self._views = list(views)
        self.table.setRowCount(len(views))
        for row, v in enumerate(views):
            outcome = v.outcome_label
            if v.retracted:
                outcome = self.tr("{outcome} (draw retracted: void)").format(outcome=outcome)
            cells = (
                v.plan_name,
                v.reg_no,
                v.applicant_masked,
                outcome,
                self.tr("{rank} of {n}").format(rank=v.rank, n=v.entries),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        if views:
            self.table.selectRow(0)
        self.query.conceal()
        self.query.selectAll()  # a scan typed now replaces this one
        self._selected_changed()
        # The next action: print the notice (Enter or Space); printing hands the keyboard back to the query.
        (self.print_button if views else self.query).setFocus()

    def _selected_changed(self) -> None:
        view = self.selected()
        self.print_button.setEnabled(view is not None and not self._busy)
        if view is None:
            self.detail.clear()
            return
        lines = [
            self.tr("List SHA-256 {hash}").format(hash=grouped(view.list_hash)),
            self.tr("Seed {seed}").format(seed=grouped(view.seed)),
        ]
        if view.retracted:
            lines.append(self.tr("Retracted: {reason}").format(reason=view.retract_reason or ""))
        self.detail.setText("\n".join(lines))

    def _failed(self, exc: Exception) -> None:
        self._views = []
        self.table.setRowCount(0)
        self._selected_changed()
        self.error.show_error(exc)
        self.query.conceal()  # a well-formed ID number searched in vain is not shown whole either
        self.query.setFocus()
        self.query.selectAll()

    def _printed(self, outcome: NoticePrinted) -> None:
        self._busy = False
        self._selected_changed()
        # The service's own words: sent to the printer, or why not and that the file is kept.
        messages.show(messages.Level.SUCCESS if outcome.printed else messages.Level.WARNING, outcome.message)
        self.query.setFocus()  # ready for the next household's scan
        self.query.selectAll()
        self.printed.emit(outcome.path)

    def _print_failed(self, exc: Exception) -> None:
        self._busy = False
        self._selected_changed()
        messages.show_error(exc)
