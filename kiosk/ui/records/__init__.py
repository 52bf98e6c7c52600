"""Records: find a household's registrations, reprint, cancel, change the phone; its screen and dialogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP

from kiosk.ui.workflows import HeaderButton, Workflow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kiosk.ui.workflows import WorkflowContext


def _open(context: WorkflowContext) -> QWidget:
    from kiosk.ui.records.records_screen import RecordsScreen

    return RecordsScreen(context.services, context.operator)


def _show(page: QWidget, query: str) -> None:
    if query:
        page.search(query)  # type: ignore[attr-defined]


WORKFLOW = Workflow(
    name="records",
    title=QT_TRANSLATE_NOOP("Workflow", "Records"),
    open=_open,
    button=HeaderButton(QT_TRANSLATE_NOOP("Workflow", "Records"), "openRecords", shortcut="F3"),
    # Light (no storage or PDF code), and the text-size buttons and tests reach it before it is first shown.
    early=True,
    show=_show,
)
