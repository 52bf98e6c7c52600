"""The housing centre's things as frozen values (see the glossary for the words)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class PlanKind(StrEnum):
    QUICK = "quick"  # 快速配租: project + unit type, a lottery orders the households later
    REALTIME = "realtime"  # 实时配租: one concrete unit, first come first served


class FilingStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class UnitStatus(StrEnum):
    FREE = "free"
    TAKEN = "taken"


class RegistrationStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    REJECTED = "rejected"  # the centre refused it: another counter registered the household or took the unit


REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.ACTIVE: "有效",
    RegistrationStatus.CANCELLED: "已取消",
    RegistrationStatus.REJECTED: "中心未受理",
}


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"


class CancelReason(StrEnum):
    HOUSEHOLD_REQUEST = "household_request"
    WRONG_CHOICE = "wrong_choice"
    DUPLICATE = "duplicate"
    OTHER = "other"


CANCEL_REASON_LABELS = {
    CancelReason.HOUSEHOLD_REQUEST: "家庭申请取消",
    CancelReason.WRONG_CHOICE: "选择有误",
    CancelReason.DUPLICATE: "重复登记",
    CancelReason.OTHER: "其他",
}

FILING_STATUS_LABELS = {
    FilingStatus.VALID: "有效",
    FilingStatus.EXPIRED: "已过期",
    FilingStatus.REVOKED: "已撤销",
}

PLAN_KIND_LABELS = {PlanKind.QUICK: "快速配租", PlanKind.REALTIME: "实时配租"}


@dataclass(frozen=True)
class Member:
    relation: str
    name: str
    id_number: str


@dataclass(frozen=True)
class Household:
    id: int
    filing_no: str
    applicant_name: str
    applicant_id_number: str
    district: str
    status: FilingStatus
    valid_until: date
    phone: str
    members: tuple[Member, ...] = ()

    @property
    def family_size(self) -> int:
        return 1 + len(self.members)

    def id_numbers(self) -> tuple[str, ...]:
        return (self.applicant_id_number, *(m.id_number for m in self.members))


@dataclass(frozen=True)
class Notice:
    version: int
    title: str
    text: str


NO_NOTICE = Notice(0, "", "")  # a plan whose notice has not arrived yet: nobody can acknowledge version 0


@dataclass(frozen=True)
class Plan:
    id: int
    code: str
    name: str
    kind: PlanKind
    announcement: str
    window_start: datetime
    window_end: datetime
    cancel_deadline: datetime
    allowed_districts: tuple[str, ...]  # empty: every district
    max_registrations_per_household: int
    notice: Notice
    registered_count: int = 0


@dataclass(frozen=True)
class Project:
    id: int
    plan_id: int
    code: str
    name: str
    district: str
    address: str
    description: str
    photos: tuple[str, ...]


@dataclass(frozen=True)
class UnitType:
    id: int
    project_id: int
    code: str
    name: str
    area: float
    rent: int  # yuan per month
    unit_count: int
    min_family: int
    max_family: int


@dataclass(frozen=True)
class Unit:
    id: int
    project_id: int
    unit_type_id: int
    code: str
    building: str
    floor: int
    number: str
    orientation: str
    area: float
    rent: int
    status: UnitStatus

    @property
    def label(self) -> str:
        return f"{self.building}栋{self.number}室"
