"""The counter's selection results, reached from Records: a household found by ID, filing no. or reg no., the unit
it chose, and its 选房确认书 printed again, the same sheet as at the counter where it chose."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from kiosk.services.selection_sheet import unit_label
from kiosk.services.selection_views import SelectionOffline
from kiosk.ui import messages
from kiosk.ui.lookup_page import lay_out, results_table
from kiosk.ui.masked_edit import MaskedNumberEdit
from kiosk.ui.theme import InlineError, set_kind
from kiosk.ui.workers import Lane, run_in_background
from kiosk_core.errors import KioskError, NotFound

if TYPE_CHECKING:
    from kiosk.services.draws import DrawService
    from kiosk.services.selection import SelectionService, SheetPrinted
    from kiosk.services.selection_views import SheetView
    from kiosk.services.views import OperatorSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Looked:
    """What one search found: the sheets (kept here, or ``fetched`` from the centre and kept here now), or why
    the centre could not give one (``offline``: it could not be reached; ``refused``: its words)."""

    sheets: tuple[SheetView, ...]
    fetched: bool = False
    offline: bool = False
    refused: str = ""


def look_up(
    selection: SelectionService, draws: DrawService, text: str, operator: OperatorSession | None
) -> Looked:
    """The sheets kept here; else, for a household that chose at another counter, the centre's (network lane).

    Its selection order came here with the draw's results, which names the plan and the reg no. to ask for.
    """
    try:
        return Looked(tuple(selection.find_sheets(text)))
    except NotFound as exc:
        if exc.code != "sheet_not_found":
            raise
        not_kept = exc
    try:
        orders = [o for o in draws.lookup(text) if o.kind == "order" and not o.retracted]
    except NotFound:
        orders = []
    if not orders:  # no selection order here either: nothing to ask the centre for
        raise not_kept
    sheets: list[SheetView] = []
    offline, refused = False, ""
    for order in orders:
        try:
            sheets.append(selection.sheet(order.plan_code, order.reg_no, operator))
        except SelectionOffline as exc:
            log.info("selection sheet of %s not fetched: %s", order.reg_no, exc.message)
            offline = True
        except KioskError as exc:  # the centre's answer: not chosen yet, not in the selection, ...
            refused = f"{exc.message}\n→ {exc.hint}" if exc.hint else exc.message
    return Looked(tuple(sheets), True, offline, refused)


class SelectionResultsScreen(QWidget):
    """One scan finds the household's chosen unit; Enter searches, the sheet prints the selected row."""

    back_requested = Signal()
    printed = Signal(object)  # the sheet's PDF path

    def __init__(
        self,
        selection: SelectionService,
        draws: DrawService,
        operator: Callable[[], OperatorSession | None],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._selection = selection
        self._draws = draws
        self._operator = operator
        self._views: list[SheetView] = []
        self._busy = False
        title = QLabel(self.tr("Selection results"))
        set_kind(title, "title")
        # A resident ID number searched for shows masked once searched; the service gets it whole.
        self.query = MaskedNumberEdit("id", objectName="selectionResultsQuery")
        self.query.setPlaceholderText(
            self.tr("Scan or type a resident ID, filing number or registration number")
        )
        self.query.setClearButtonEnabled(True)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setObjectName("selectionResultsSearch")
        set_kind(self.search_button, "primary")
        self.back = QPushButton(self.tr("Back"))
        self.back.setObjectName("selectionResultsBack")
        self.error = InlineError()
        self.error.setObjectName("selectionResultsError")
        self.note = QLabel(objectName="selectionResultsNote", wordWrap=True)
        set_kind(self.note, "subtitle")
        self.note.hide()
        self.table = results_table(
            [
                self.tr("Registration no."),
                self.tr("Household"),
                self.tr("Unit"),
                self.tr("Area / rent"),
                self.tr("Chosen"),
            ],
            "selectionResultsTable",
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )  # the unit: the longest words wrap there
        self.detail = QLabel(objectName="selectionResultDetail", wordWrap=True)
        self.print_button = QPushButton(self.tr("Print the selection result sheet"))
        self.print_button.setObjectName("printSelectionSheet")
        set_kind(self.print_button, "primary")

        lay_out(
            self,
            title,
            self.back,
            (self.query, self.search_button),
            (self.error, self.note),
            self.table,
            self.detail,
            self.print_button,
        )

        self.query.returnPressed.connect(lambda: self.search())
        self.search_button.clicked.connect(lambda: self.search())
        self.back.clicked.connect(self.back_requested)
        self.table.itemSelectionChanged.connect(self._selected_changed)
        self.print_button.clicked.connect(self.print_sheet)
        self.setFocusProxy(self.query)
        self._selected_changed()

    # --- public slots ---

    def search(self, query: str | None = None) -> None:
        if query is not None:
            self.query.setText(query)
        text = self.query.number()
        self.error.clear()
        self._show_note("")
        selection, draws, operator = self._selection, self._draws, self._operator()
        run_in_background(
            self,
            lambda: look_up(selection, draws, text, operator),
            self._show,
            self._failed,
            lane=Lane.NETWORK,  # the centre may be asked, with its timeout: never the database lane's queue
        )

    def reset(self) -> None:
        self.query.clear()
        self.error.clear()
        self._show_note("")
        self._views = []
        self.table.setRowCount(0)
        self._selected_changed()

    def selected(self) -> SheetView | None:
        rows = self.table.selectionModel().selectedRows()
        return self._views[rows[0].row()] if rows else None

    def print_sheet(self) -> None:
        view, operator = self.selected(), self._operator()
        if view is None or operator is None or self._busy:
            return
        self._busy = True
        self._selected_changed()
        selection = self._selection
        run_in_background(
            self,
            lambda: selection.reprint_sheet(view.plan_code, view.reg_no, operator),
            self._printed,
            self._print_failed,
            lane=Lane.NETWORK,  # the printer may take a while
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        focused = self.focusWidget()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(focused, QPushButton):
            focused.click()  # Enter after a hit prints, as Space does (a button outside a dialog ignores it)
            return
        super().keyPressEvent(event)

    # --- rendering ---

    def _show(self, looked: Looked) -> None:
        self._views = list(looked.sheets)
        self.table.setRowCount(len(self._views))
        for row, v in enumerate(self._views):
            cells = (
                v.reg_no,
                f"{v.masked_name}\n{v.masked_id}",
                f"{v.project_name} · {v.unit_type_name}\n{unit_label(v)}",
                self.tr("{area} m²\n{rent} a month").format(area=_number(v.area), rent=_number(v.rent)),
                f"{v.chosen_at:%Y-%m-%d %H:%M}\n{self._counter(v.counter)} · {v.how_label}",
            )
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(cell))
        self.table.resizeRowsToContents()
        if self._views:
            self.table.selectRow(0)
            if looked.fetched:
                self._show_note(
                    self.tr("Chosen at another counter: the sheet came from the centre and is kept here now")
                )
        elif looked.offline:
            self.error.show_text(
                self.tr(
                    "No selection result sheet of this household is kept at this counter, and the centre cannot"
                    " be reached to fetch it\n→ Try again once the counter is online, or reprint it at the counter"
                    " where the household chose"
                )
            )
        elif looked.refused:
            self.error.show_text(looked.refused)
        self.query.conceal()
        self.query.selectAll()  # a scan typed now replaces this one
        self._selected_changed()
        # The next action: print the sheet (Enter or Space); printing hands the keyboard back to the query.
        (self.print_button if self._views else self.query).setFocus()

    def _counter(self, counter: str | None) -> str:
        if not counter:
            return self.tr("by the centre")
        return self.tr("counter {n}").format(n=str(int(counter)) if counter.isdigit() else counter)

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _selected_changed(self) -> None:
        view = self.selected()
        self.print_button.setEnabled(view is not None and not self._busy)
        if view is None:
            self.detail.clear()
            return
        lines = [
            f"{view.plan_name}（{view.plan_code}）",
            self.tr("Filing no. {filing_no} · orientation {orientation} · operator {operator}").format(
                filing_no=view.filing_no or "—",
                orientation=view.orientation or "—",
                operator=view.operator or "—",
            ),
        ]
        if view.verify_url:
            lines.append(self.tr("Checked at {url}").format(url=view.verify_url))
        self.detail.setText("\n".join(lines))

    def _failed(self, exc: Exception) -> None:
        self._views = []
        self.table.setRowCount(0)
        self._selected_changed()
        self.error.show_error(exc)
        self.query.conceal()  # a well-formed ID number searched in vain is not shown whole either
        self.query.setFocus()
        self.query.selectAll()

    def _printed(self, outcome: SheetPrinted) -> None:
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


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")
