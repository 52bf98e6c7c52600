"""The public lottery at the counter: the supervisor's console (freeze to publish, the hall's projection
following) and the counter's result lookup. Light on purpose: the entries import nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP

from kiosk.ui.workflows import HeaderButton, Workflow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kiosk.ui.workflows import Navigator, WorkflowContext


def _open_console(context: WorkflowContext) -> QWidget:
    from kiosk.ui.lottery.console import LotteryConsole

    return LotteryConsole(context.services.draws, context.operator)


def _wire_console(page: QWidget, shell: Navigator) -> None:
    page.attach_hall(shell.hall)  # type: ignore[attr-defined]


def _show_console(page: QWidget, _argument: str) -> None:
    page.enter()  # type: ignore[attr-defined]


def _open_results(context: WorkflowContext) -> QWidget:
    from kiosk.services.changes import Change
    from kiosk.ui.lottery.lookup_screen import ResultLookupScreen

    page = ResultLookupScreen(context.services.draws, context.operator)
    # A sync that pulled a published result (or a retraction) shows at once on the household in view.
    context.changes.connect_to((Change.DRAW,), page.refresh, page)
    return page


def _show_results(page: QWidget, query: str) -> None:
    if query:
        page.search(query)  # type: ignore[attr-defined]


WORKFLOW = Workflow(
    name="lottery",
    title=QT_TRANSLATE_NOOP("Workflow", "Lottery console"),
    open=_open_console,
    # Supervisor only: the shell puts it in the supervisor's menu of the header, not in its row of buttons.
    button=HeaderButton(QT_TRANSLATE_NOOP("Workflow", "Lottery console"), "openLottery", shortcut="F6"),
    supervisor_only=True,
    wire=_wire_console,
    show=_show_console,
)

# Every operator looks results up when households ask. No header button: the header is full at 1366 px. Staff
# reach it from Records, where they already scan the household (its query comes along), and the shell's open().
RESULTS = Workflow(
    name="draw_results",
    title=QT_TRANSLATE_NOOP("Workflow", "Draw results"),
    open=_open_results,
    show=_show_results,
)
