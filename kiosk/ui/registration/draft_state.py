"""The household being served and what the clerk has chosen so far, told to the screens by signals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Signal

from kiosk.services.views import (
    HouseholdView,
    PlanOption,
    ProjectOption,
    RegistrationDraft,
    RegistrationView,
    UnitOption,
    UnitTypeOption,
)


@dataclass(frozen=True)
class NoticeAck:
    plan_id: int
    version: int
    read_aloud: bool
    at: datetime


class DraftState(QObject):
    """What the clerk has chosen for the household at the counter; screens follow it by its signals.

    A change upstream clears what depended on it: another household clears the plan, another plan clears
    the choice and the notice acknowledgement.
    """

    household_changed = Signal(object)  # HouseholdView | None
    plan_changed = Signal(object)  # PlanOption | None
    choice_changed = Signal()  # project, unit type or unit
    ack_changed = Signal()
    registration_changed = Signal(object)  # RegistrationView | None

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.generation = 0  # bumped for each new household: late worker results for the last one are dropped
        self.household: HouseholdView | None = None
        self.plan: PlanOption | None = None
        self.project: ProjectOption | None = None
        self.unit_type: UnitTypeOption | None = None
        self.unit: UnitOption | None = None
        self.ack: NoticeAck | None = None
        self.registration: RegistrationView | None = None

    def set_household(self, household: HouseholdView | None) -> None:
        if not _same(household, self.household):
            self.set_plan(None)
        self.household = household
        self.household_changed.emit(household)

    def set_plan(self, plan: PlanOption | None) -> None:
        if not _same(plan, self.plan):
            self.set_choice(None, None)
            self.withdraw_ack()
        self.plan = plan
        self.plan_changed.emit(plan)

    def set_choice(self, project: ProjectOption | None, unit_type: UnitTypeOption | None) -> None:
        """A quick plan's choice: project and unit type."""
        self.project, self.unit_type, self.unit = project, unit_type, None
        self.choice_changed.emit()

    def set_unit(self, unit: UnitOption | None) -> None:
        """A real-time plan's choice: one unit (its project and unit type come with it)."""
        self.project, self.unit_type, self.unit = None, None, unit
        self.choice_changed.emit()

    def acknowledge(self, plan_id: int, version: int, read_aloud: bool, at: datetime) -> None:
        self.ack = NoticeAck(plan_id, version, read_aloud, at)
        self.ack_changed.emit()

    def withdraw_ack(self) -> None:
        if self.ack is not None:
            self.ack = None
            self.ack_changed.emit()

    def set_registration(self, view: RegistrationView | None) -> None:
        self.registration = view
        self.registration_changed.emit(view)

    def draft(self) -> RegistrationDraft | None:
        h, p, ack = self.household, self.plan, self.ack
        if h is None or p is None:
            return None
        if self.unit is not None:
            project_id, unit_type_id, unit_id = self.unit.project_id, self.unit.unit_type_id, self.unit.id
        elif self.project is not None and self.unit_type is not None:
            project_id, unit_type_id, unit_id = self.project.id, self.unit_type.id, None
        else:
            return None
        acked = ack is not None and ack.plan_id == p.id
        return RegistrationDraft(
            household_id=h.id,
            plan_id=p.id,
            project_id=project_id,
            unit_type_id=unit_type_id,
            unit_id=unit_id,
            notice_version=ack.version if acked and ack is not None else None,
            notice_read_aloud=acked and ack is not None and ack.read_aloud,
            notice_ack_at=ack.at if acked and ack is not None else None,
        )

    def reset(self) -> None:
        self.generation += 1
        self.set_registration(None)
        self.set_household(None)


def _same(a: object | None, b: object | None) -> bool:
    return a is not None and b is not None and getattr(a, "id", None) == getattr(b, "id", None)
