"""Records: find a household's registrations, reprint, cancel, change the phone; its screen and dialogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP

from kiosk.ui.workflows import HeaderButton, Workflow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kiosk.ui.workflows import Navigator, WorkflowContext


def _open(context: WorkflowContext) -> QWidget:
    from kiosk.services.changes import Change
    from kiosk.ui.records.records_screen import RecordsScreen

    services = context.services
    page = RecordsScreen(services.records, services.slips, context.operator, exports=services.exports)
    # A registration made, cancelled or settled elsewhere (the wizard, the sync worker) shows at once.
    context.changes.connect_to((Change.REGISTRATION,), page.refresh, page)
    return page


def _show(page: QWidget, query: str) -> None:
    if query:
        page.search(query)  # type: ignore[attr-defined]


def _wire(page: QWidget, shell: Navigator) -> None:
    page.draw_results_requested.connect(lambda query: shell.open("draw_results", query))  # type: ignore[attr-defined]
    page.selection_results_requested.connect(lambda query: shell.open("selection_results", query))  # type: ignore[attr-defined]


WORKFLOW = Workflow(
    name="records",
    title=QT_TRANSLATE_NOOP("Workflow", "Records"),
    open=_open,
    button=HeaderButton(QT_TRANSLATE_NOOP("Workflow", "Records"), "openRecords", shortcut="F3"),
    show=_show,
    wire=_wire,
)
