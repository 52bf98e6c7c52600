"""On-site unit selection at the counter: the household called, identified, re-declared, its wish list, its turn
and its printed sheet; the hall's calling screen and unit board follow. Light on purpose: the entry imports
nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP

from kiosk.ui.workflows import HeaderButton, Workflow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kiosk.ui.workflows import Navigator, WorkflowContext


def _open(context: WorkflowContext) -> QWidget:
    from kiosk.services.changes import Change
    from kiosk.ui.selection.counter import SelectionCounter

    page = SelectionCounter(context.services.selection, context.operator, context.clock, context.speech)
    # The push channel says selection moved (a unit taken at another counter): read the centre's state at once.
    context.changes.connect_to((Change.SELECTION,), page.refresh, page)
    return page


def _wire(page: QWidget, shell: Navigator) -> None:
    page.attach_hall(shell.hall)  # type: ignore[attr-defined]


def _show(page: QWidget, _argument: str) -> None:
    page.enter()  # type: ignore[attr-defined]


def _open_results(context: WorkflowContext) -> QWidget:
    from kiosk.ui.selection.results_screen import SelectionResultsScreen

    return SelectionResultsScreen(context.services.selection, context.services.draws, context.operator)


def _show_results(page: QWidget, query: str) -> None:
    if query:
        page.search(query)  # type: ignore[attr-defined]


SHORTCUT = "F7"

WORKFLOW = Workflow(
    name="selection",
    title=QT_TRANSLATE_NOOP("Workflow", "Unit selection"),
    open=_open,
    button=HeaderButton(
        QT_TRANSLATE_NOOP("Workflow", "Unit selection"), "openSelection", SHORTCUT, in_menu=True
    ),
    wire=_wire,
    show=_show,
)

# A household's chosen unit and its sheet printed again; reached from Records like the draw results (no header
# button: the header is full at 1366 px).
RESULTS = Workflow(
    name="selection_results",
    title=QT_TRANSLATE_NOOP("Workflow", "Selection results"),
    open=_open_results,
    show=_show_results,
)
