"""What a counter and the centre say to each other: one name per event kind, and the shape of every message.

The counter stores its outbox messages under these kinds and sends them as they are; the centre validates
them (pydantic, with the rules in kiosk_core) against models whose fields a test keeps equal to the
dictionaries here. Times travel as ISO 8601 text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, TypedDict


class EventKind(StrEnum):
    """An outbox message's kind, the same word in the counter's table, on the wire and at the centre."""

    REGISTRATION = "registration"
    CANCELLATION = "cancellation"
    PHONE_UPDATE = "phone_update"


# Kinds that change an existing registration or filing (Records lists those the centre turned down).
CHANGE_KINDS = (EventKind.CANCELLATION, EventKind.PHONE_UPDATE)


class RegistrationPayload(TypedDict):
    reg_no: str
    plan_code: str
    filing_no: str
    applicant_id_number: str
    project_code: str
    unit_type_code: str
    unit_code: str | None
    phone: str
    counter: str
    operator_id: int | None
    created_at: str
    notice_version: int
    notice_read_aloud: bool
    notice_ack_at: str
    verification_code: str


class CancellationPayload(TypedDict):
    reg_no: str
    reason: str
    comment: str
    cancelled_at: str
    operator_id: int | None
    approved_by: int | None


class PhoneUpdatePayload(TypedDict):
    filing_no: str
    phone: str
    updated_at: str
    operator_id: int | None


Payload = RegistrationPayload | CancellationPayload | PhoneUpdatePayload

PAYLOADS: dict[EventKind, type[Any]] = {
    EventKind.REGISTRATION: RegistrationPayload,
    EventKind.CANCELLATION: CancellationPayload,
    EventKind.PHONE_UPDATE: PhoneUpdatePayload,
}


class BatchItem(TypedDict):
    """One outbox message in ``POST /v1/events/batch`` (``{"events": [BatchItem, ...]}``, at most 500)."""

    kind: EventKind
    idempotency_key: str
    event_time: str
    payload: Payload


class AuditHeadData(TypedDict):
    """The newest entry of the counter's audit chain (kiosk_core.audit_chain.ChainHead), sent beside a batch's
    events as ``{"events": [...], "audit_head": AuditHeadData}`` (absent from a counter with no audit entries);
    the centre keeps the heads it has seen, so a log cut short or a cache put back to an older copy shows."""

    seq: int
    mac: str | None


class EventResult(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"  # a central rule said no (the unit or the household is taken): final
    INVALID = "invalid"  # the centre can never take the message as it is: final, kept visible


def result_of(status: int) -> EventResult:
    """The outcome of one message from its answer's HTTP status (each batch answer carries one)."""
    if status in (200, 201):
        return EventResult.ACCEPTED
    return EventResult.REJECTED if status == 409 else EventResult.INVALID


class BatchAnswer(TypedDict):
    status: int
    body: dict[str, Any]  # accepted: ``received_at``; refused: ``code``, ``message``, ``hint``


# The catalog and reviews feeds: rows changed since a version, each as it is now.

CatalogEntity = Literal["plan", "notice", "project", "unit_type", "unit", "household", "operator"]
CATALOG_ENTITIES: tuple[CatalogEntity, ...] = (
    "plan",
    "notice",
    "project",
    "unit_type",
    "unit",
    "household",
    "operator",
)


class PlanData(TypedDict):
    code: str
    name: str
    kind: str
    announcement: str
    window_start: str
    window_end: str
    cancel_deadline: str
    allowed_districts: list[str]
    max_registrations_per_household: int


class NoticeData(TypedDict):
    plan_code: str
    version: int
    title: str
    text: str


class ProjectData(TypedDict):
    code: str
    plan_code: str
    name: str
    district: str
    address: str
    description: str
    photos: list[str]


class UnitTypeData(TypedDict):
    code: str
    project_code: str
    name: str
    area: float
    rent: float
    unit_count: int
    min_family: int
    max_family: int


class UnitData(TypedDict):
    code: str
    project_code: str
    unit_type_code: str
    building: str
    floor: int
    number: str
    orientation: str
    area: float
    rent: float
    status: str


class MemberData(TypedDict):
    relation: str
    name: str
    id_number: str


class HouseholdData(TypedDict):
    filing_no: str
    applicant_name: str
    applicant_id_number: str
    district: str
    status: str
    valid_until: str
    phone: str
    members: list[MemberData]


class OperatorData(TypedDict):
    username: str
    display_name: str
    role: str
    password_hash: str
    active: bool


ENTITY_DATA: dict[CatalogEntity, type[Any]] = {
    "plan": PlanData,
    "notice": NoticeData,
    "project": ProjectData,
    "unit_type": UnitTypeData,
    "unit": UnitData,
    "household": HouseholdData,
    "operator": OperatorData,
}


class CatalogChange(TypedDict):
    entity: CatalogEntity
    key: str
    version: int
    data: Any  # the ENTITY_DATA dictionary of ``entity``


class ReviewChange(TypedDict):
    reg_no: str
    review_status: str
    reject_reason: str
    version: int
    status: str
    cancelled_at: str | None
    cancel_reason: str | None
    cancel_comment: str | None
    cancelled_by_counter: str | None


class ChangesPage(TypedDict):
    version: int  # the highest version in the page, or ``since`` when it is empty
    more: bool
    changes: list[Any]  # CatalogChange or ReviewChange


# The public lottery (docs/lottery.md): a draw's record, and the outcomes counters pull once it is published.


class DrawState(StrEnum):
    FROZEN = "frozen"  # the list and pools files are fixed and their hashes published
    COMMITTED = "committed"  # the sources' values are entered
    DRAWN = "drawn"
    PUBLISHED = "published"
    RETRACTED = "retracted"


class DrawSourceSpec(TypedDict):
    """A source committed to before the event: what it will be and the entropy it counts for, not its value."""

    kind: str  # digits | public
    label: str
    bits: float


class DrawRecord(TypedDict):
    """``GET /v1/draws/{draw_id}`` and the public record of a draw."""

    draw_id: int
    plan_code: str
    plan_name: str
    state: str  # DrawState
    algorithm: str
    mode: str  # units | selection
    list_text: str
    list_hash: str
    pools_text: str
    pools_hash: str
    source_specs: list[DrawSourceSpec]
    sources_text: str | None
    seed: str | None  # hex
    cancelled: list[str]  # reg_nos cancelled after the freeze: skipped
    result_text: str | None
    result_hash: str | None
    frozen_at: str
    drawn_at: str | None
    published_at: str | None
    retracted_at: str | None
    retract_reason: str | None
    replaces: int | None  # the retracted draw this one replaces


class DrawOutcomeRow(TypedDict):
    """One registration's outcome in the counters' feed of published draws."""

    draw_id: int
    plan_code: str
    reg_no: str
    rank: int
    pool: str
    kind: str  # unit | waiting | order | skipped
    unit_code: str | None
    number: int | None
    filing_no: str | None  # the household's: any counter finds the result by ID or filing no. (its catalog)
