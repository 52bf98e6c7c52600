"""The counter wizard's steps as data: which screen, its title in the step bar, and for which plans it applies.

The wizard walks this list: a step that does not apply to the chosen plan's kind is skipped, going on and going
back alike, so the quick-plan path (project and unit type) and the real-time path (a concrete unit) are this one
list. A new step or a new kind of plan is a new entry here, not a branch in the wizard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from kiosk.ui.registration.screens.done_screen import DoneScreen
from kiosk.ui.registration.screens.identify_screen import IdentifyScreen
from kiosk.ui.registration.screens.notice_screen import NoticeScreen
from kiosk.ui.registration.screens.plan_screen import PlanScreen
from kiosk.ui.registration.screens.project_screen import ProjectScreen
from kiosk.ui.registration.screens.review_screen import ReviewScreen
from kiosk.ui.registration.screens.unit_screen import UnitScreen
from kiosk_core.model import PlanKind

if TYPE_CHECKING:
    from kiosk.services.clock import Clock
    from kiosk.services.container import Services
    from kiosk.services.views import OperatorSession
    from kiosk.ui.registration.draft_state import DraftState
    from kiosk.ui.registration.screens import Screen

# Until a plan is chosen the step bar shows the path of the usual case.
DEFAULT_KIND = PlanKind.QUICK
ALL_KINDS = frozenset(PlanKind)


@dataclass(frozen=True)
class StepContext:
    """What a step's screen may be built from; each screen is handed the parts it uses."""

    state: DraftState
    services: Services
    speech: Any
    operator: Callable[[], OperatorSession]
    clock: Clock


@dataclass(frozen=True)
class Step:
    """One step: ``name`` is the wizard's attribute for its screen, ``title`` the step bar's English source
    (context "CounterWizard"). ``back``: Esc and ‹ Back may leave it for the step before (not once registered).
    """

    name: str
    title: str
    build: Callable[[StepContext], Screen]
    applies_to: frozenset[PlanKind] = ALL_KINDS
    back: bool = True


STEPS: tuple[Step, ...] = (
    Step(
        "identify",
        QT_TRANSLATE_NOOP("CounterWizard", "Identify"),
        lambda c: IdentifyScreen(c.state, c.services.households),
    ),
    Step(
        "plans",
        QT_TRANSLATE_NOOP("CounterWizard", "Choose a plan"),
        lambda c: PlanScreen(c.state, c.services.catalog, c.clock),
    ),
    Step(
        "projects",
        QT_TRANSLATE_NOOP("CounterWizard", "Choose a project and a unit type"),
        lambda c: ProjectScreen(c.state, c.services.catalog),
        applies_to=frozenset({PlanKind.QUICK}),
    ),
    Step(
        "units",
        QT_TRANSLATE_NOOP("CounterWizard", "Choose a unit"),
        lambda c: UnitScreen(c.state, c.services.catalog),
        applies_to=frozenset({PlanKind.REALTIME}),
    ),
    Step(
        "notice",
        QT_TRANSLATE_NOOP("CounterWizard", "Notice"),
        lambda c: NoticeScreen(c.state, c.services.catalog, c.speech, c.clock),
    ),
    Step(
        "review",
        QT_TRANSLATE_NOOP("CounterWizard", "Confirm"),
        lambda c: ReviewScreen(c.state, c.services.registration, c.services.slips, c.operator),
    ),
    Step(
        "done",
        QT_TRANSLATE_NOOP("CounterWizard", "Done"),
        lambda c: DoneScreen(c.state, c.services.slips, c.operator),
        back=False,
    ),
)


def path(steps: tuple[Step, ...], kind: PlanKind | None) -> list[Step]:
    """The steps a household goes through for a plan of ``kind`` (the usual path while no plan is chosen)."""
    return [s for s in steps if (kind or DEFAULT_KIND) in s.applies_to]
