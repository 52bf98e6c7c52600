"""Registration at the counter: the wizard, its steps and screens. Light on purpose: the entry imports nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP

from kiosk.ui.workflows import HeaderButton, Workflow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kiosk.ui.workflows import Navigator, WorkflowContext


def _open(context: WorkflowContext) -> QWidget:
    # The flow screens pull in the whole service layer, which the first frame (the login screen) does without.
    from kiosk.ui.registration.wizard import CounterWizard

    return CounterWizard(
        context.services, context.speech, context.operator, context.parent, clock=context.clock
    )


def _wire(page: QWidget, shell: Navigator) -> None:
    page.records_requested.connect(lambda filing_no: shell.open("records", filing_no))  # type: ignore[attr-defined]


WORKFLOW = Workflow(
    name="registration",
    title=QT_TRANSLATE_NOOP("Workflow", "Registration"),
    open=_open,
    button=HeaderButton(
        QT_TRANSLATE_NOOP("Workflow", "Next household"),
        "nextHousehold",
        shortcut="F2",
        primary=True,
        starts_over=True,
    ),
    home=True,
    wire=_wire,
)
