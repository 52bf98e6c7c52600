"""The shell's registry of workflows: what the main window hosts, each from its own package under kiosk/ui/.

A workflow is one kind of work at the counter (registration, records; the lottery console, selection and the
application later). Adding one is adding its package and one entry to ``WORKFLOWS``; the main window builds
its page, its header button and its shortcut from the entry and knows nothing else about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kiosk.services.clock import Clock
    from kiosk.services.container import Services
    from kiosk.services.views import OperatorSession
    from kiosk.ui.change_relay import ChangeRelay
    from kiosk.ui.hall.launcher import HallLauncher

OperatorGetter = Callable[[], "OperatorSession | None"]


@dataclass(frozen=True)
class WorkflowContext:
    """What a workflow's page may be built from: the services (built by then), the speech engine, who is signed
    in, the clock and the change notice on the GUI thread. A page is handed only the parts it uses."""

    services: Services
    speech: Any
    operator: OperatorGetter
    parent: QWidget
    clock: Clock
    changes: ChangeRelay


class Navigator(Protocol):
    """What a page may ask of the shell: another workflow (with an argument, say a filing number), or back;
    the hall's window (the lottery console projects on it)."""

    hall: HallLauncher

    def open(self, name: str, argument: str = "") -> None: ...

    def go_back(self) -> None: ...


@dataclass(frozen=True)
class HeaderButton:
    """A workflow's button in the header, or its entry in the header's menu. ``starts_over``: clear every workflow
    first (the next household)."""

    text: str  # English source, translated in the context "Workflow" (QT_TRANSLATE_NOOP at the entry)
    object_name: str
    shortcut: str = ""  # a QKeySequence string, e.g. "F3"
    primary: bool = False
    starts_over: bool = False
    in_menu: bool = False  # an entry of the header's menu rather than a button (a supervisor's always is)


@dataclass(frozen=True)
class Workflow:
    """One registry entry.

    ``open`` builds the page (imports inside it: the first frame loads no workflow), once the services are
    built. ``home``: the page shown after sign-in and when another page goes back. ``wire`` connects the
    page's own signals to the shell; ``show`` hands the page the argument it was opened with. A page may have ``reset()`` (forget the
    household: next household, sign-out) and ``back_requested`` (Esc and its back button lead home).
    """

    name: str
    title: str
    open: Callable[[WorkflowContext], QWidget]
    button: HeaderButton | None = None
    home: bool = False
    supervisor_only: bool = False
    wire: Callable[[QWidget, Navigator], None] | None = None
    show: Callable[[QWidget, str], None] | None = None


def registered() -> tuple[Workflow, ...]:
    """Every workflow, in the order of their header buttons (the primary one last, beside sign-out)."""
    from kiosk.ui.lottery import RESULTS as DRAW_RESULTS
    from kiosk.ui.lottery import WORKFLOW as LOTTERY
    from kiosk.ui.records import WORKFLOW as RECORDS
    from kiosk.ui.registration import WORKFLOW as REGISTRATION
    from kiosk.ui.selection import RESULTS as SELECTION_RESULTS
    from kiosk.ui.selection import WORKFLOW as SELECTION

    return (LOTTERY, DRAW_RESULTS, SELECTION, SELECTION_RESULTS, RECORDS, REGISTRATION)
