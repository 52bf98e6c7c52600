"""What services hand to the UI: frozen values, personal data already masked where it is shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from kiosk_core.errors import Refusal
from kiosk_core.identity import normalize
from kiosk_core.model import PlanKind, Role


@dataclass(frozen=True)
class OperatorSession:
    id: int
    username: str
    display_name: str
    role: Role
    counter: str


@dataclass(frozen=True)
class MemberView:
    relation: str
    name: str
    id_masked: str


@dataclass(frozen=True)
class HouseholdView:
    id: int
    filing_no: str
    applicant_name: str
    applicant_id_masked: str
    district: str
    status: str  # FilingStatus value
    status_label: str  # 有效 / 已过期 / 已撤销
    valid_until: date
    phone_masked: str
    family_size: int
    members: tuple[MemberView, ...]


@dataclass(frozen=True)
class PlanOption:
    id: int
    code: str
    name: str
    kind: PlanKind
    kind_label: str
    announcement: str
    window_start: datetime
    window_end: datetime
    cancel_deadline: datetime
    registered_count: int
    notice_version: int
    refusals: tuple[Refusal, ...]  # empty: the household may register
    # None: registered_count is this counter's own; else it is the centre's, counted at this (centre) time
    count_central_at: datetime | None = None
    count_not_included: int = 0  # this counter's registrations the centre's figure does not include yet

    @property
    def available(self) -> bool:
        return not self.refusals


@dataclass(frozen=True)
class UnitTypeOption:
    id: int
    code: str
    name: str
    area: float
    rent: int
    unit_count: int
    free_count: int
    min_family: int
    max_family: int
    refusals: tuple[Refusal, ...]

    @property
    def available(self) -> bool:
        return not self.refusals


@dataclass(frozen=True)
class ProjectOption:
    id: int
    code: str
    name: str
    district: str
    address: str
    description: str
    photos: tuple[str, ...]  # absolute paths
    unit_types: tuple[UnitTypeOption, ...]

    @property
    def available(self) -> bool:
        return any(t.available for t in self.unit_types)


@dataclass(frozen=True)
class UnitOption:
    id: int
    code: str
    project_id: int
    project_name: str
    unit_type_id: int
    unit_type_name: str
    building: str
    floor: int
    number: str
    orientation: str
    area: float
    rent: int
    refusals: tuple[Refusal, ...]

    @property
    def available(self) -> bool:
        return not self.refusals

    @property
    def label(self) -> str:
        return f"{self.building}栋{self.number}室"


@dataclass(frozen=True)
class UnitFilter:
    project_id: int | None = None
    unit_type_id: int | None = None
    floor_min: int | None = None
    floor_max: int | None = None
    orientation: str | None = None
    only_available: bool = False


@dataclass(frozen=True)
class NoticeView:
    plan_id: int
    version: int
    title: str
    text: str


@dataclass(frozen=True)
class RegistrationDraft:
    """What the clerk has chosen so far; the review screen shows it and confirm turns it into a registration."""

    household_id: int
    plan_id: int
    project_id: int
    unit_type_id: int
    unit_id: int | None = None
    notice_version: int | None = None
    notice_read_aloud: bool = False
    notice_ack_at: datetime | None = None


@dataclass(frozen=True)
class RegistrationView:
    reg_no: str  # "" for a draft not yet confirmed
    status: str  # active / cancelled; "draft" on the review screen
    status_label: str
    plan_code: str
    plan_name: str
    plan_kind: PlanKind
    plan_kind_label: str
    filing_no: str
    applicant_name: str
    applicant_id_masked: str
    family_size: int
    district: str
    phone_masked: str
    project_name: str
    project_address: str
    unit_type_name: str
    area: float
    rent: int
    unit_label: str  # "3栋1202室 · 12层 · 朝南" for real-time plans, "" for quick plans
    created_at: datetime | None
    counter: str
    operator_name: str
    notice_version: int
    notice_read_aloud: bool
    verification_code: str
    slip_printed: bool
    slip_path: str
    cancel_deadline: datetime
    cancel_reason_label: str = ""
    cancelled_at: datetime | None = None
    review_status: str = ""
    reject_reason: str = ""
    # pending / accepted / rejected: what the central service said of the registration (standalone: made with
    # no centre configured, final here); change_refused: it
    # holds the registration but would not take a later cancellation or phone change (Records' turned-down list)
    central_status: str = "pending"
    central_message: str = ""  # why the centre rejected it, for staff and the household's notice

    @property
    def is_draft(self) -> bool:
        return not self.reg_no

    @property
    def provisional(self) -> bool:
        """A real-time registration the centre has not confirmed yet (待中心确认): its unit may still be
        another counter's. Accepted by a claim or a sync round it is an ordinary one; rejected, turned down."""
        return (
            not self.is_draft
            and self.status == "active"
            and self.plan_kind is PlanKind.REALTIME
            and self.central_status == "pending"
        )

    @property
    def qr_payload(self) -> str:
        return f"{SLIP_QR_PREFIX}{self.reg_no}:{self.verification_code}"


SLIP_QR_PREFIX = "KIOSK-REG:"


def is_slip_qr(raw: str) -> bool:
    """A scan of a slip's QR code (not a filing number, an ID or a registration number)."""
    return normalize(raw).startswith(normalize(SLIP_QR_PREFIX))


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    online: bool
    last_sync_at: datetime | None
    last_catalog_sync_at: datetime | None
    unsent: int
    rejected: int
    message: str = ""
    device_disabled: bool = False  # the centre refused this counter's device: its outbox waits here


class Verdict(StrEnum):
    GENUINE = "genuine"
    CANCELLED = "cancelled"
    TURNED_DOWN = "turned_down"
    NOT_FOUND = "not_found"
    NOT_GENUINE = "not_genuine"


VERDICT_LABELS = {
    Verdict.GENUINE: "真实有效",
    Verdict.CANCELLED: "已取消",
    Verdict.TURNED_DOWN: "中心未通过",
    Verdict.NOT_FOUND: "查无此登记",
    Verdict.NOT_GENUINE: "不是真实回执",
}


@dataclass(frozen=True)
class SlipCheck:
    verdict: Verdict
    message: str
    hint: str = ""
    registration: RegistrationView | None = None

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class ApplicantId:
    """The applicant's resident ID number, typed again at the counter to confirm a change."""

    raw: str

    def __repr__(self) -> str:
        return "ApplicantId(***)"  # never in a log or a traceback


@dataclass(frozen=True)
class SupervisorApproval:
    username: str
    password: str = field(repr=False)


PhoneConfirmation = ApplicantId | SupervisorApproval
