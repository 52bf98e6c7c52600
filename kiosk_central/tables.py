"""Tables of the central database (SQLite or PostgreSQL, one schema, one migration set)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
JSONValue = JSON().with_variant(JSONB(), "postgresql")
ACTIVE_REGISTRATION = text("status = 'active'")
ACTIVE_PERSON = text("active")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSONValue, list[str]: JSONValue, str: Text}


def _version() -> Mapped[int]:
    """The catalog version: taken from the global counter in the transaction that changed the row."""
    return mapped_column(BigInteger, index=True, unique=True)


class Counter(Base):
    """Monotonic counters ("catalog", "reviews"); the row lock on them orders writers (docs/central-api.md)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class Plan(Base):
    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    announcement: Mapped[str]
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    cancel_deadline: Mapped[datetime]
    allowed_districts: Mapped[list[str]]
    max_registrations_per_household: Mapped[int]
    # How a quick plan's lottery allocates: units (the draw assigns them) or selection (the rank orders the
    # on-site selection). Not in the catalog feed: only the centre's draw reads it.
    draw_mode: Mapped[str] = mapped_column(String(16), server_default="units")
    version: Mapped[int] = _version()
    notices: Mapped[list[Notice]] = relationship(order_by="Notice.notice_version", back_populates="plan")


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("plan_id", "notice_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    notice_version: Mapped[int]  # the notice's own revision, "version" in the kiosk's table
    title: Mapped[str] = mapped_column(String(128))
    text: Mapped[str]
    version: Mapped[int] = _version()
    plan: Mapped[Plan] = relationship(back_populates="notices")


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    district: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    description: Mapped[str]
    photos: Mapped[list[str]]  # SHA-256 hex digests of rows in ``photos``: counters fetch the bytes by hash
    version: Mapped[int] = _version()


class Photo(Base):
    """A project photo's bytes, named by their SHA-256: a counter that has a hash never needs it again."""

    __tablename__ = "photos"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime]


class UnitType(Base):
    __tablename__ = "unit_types"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    area: Mapped[float]
    rent: Mapped[int]
    unit_count: Mapped[int]
    min_family: Mapped[int]
    max_family: Mapped[int]
    version: Mapped[int] = _version()


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    unit_type_id: Mapped[int] = mapped_column(ForeignKey("unit_types.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    building: Mapped[str] = mapped_column(String(16))
    floor: Mapped[int]
    number: Mapped[str] = mapped_column(String(16))
    orientation: Mapped[str] = mapped_column(String(8))
    area: Mapped[float]
    rent: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = _version()


class Household(Base):
    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_no: Mapped[str] = mapped_column(String(16), unique=True)
    applicant_name: Mapped[str] = mapped_column(String(64))
    # Not indexed: a search index on plain ID numbers would give them away (docs/centre-data.md).
    applicant_id_number: Mapped[str] = mapped_column(String(18))
    district: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    valid_until: Mapped[date]
    phone: Mapped[str] = mapped_column(String(20))
    # The kiosk event time of the phone last applied: an older update arriving late does not win.
    phone_updated_at: Mapped[datetime | None]
    # elderly | disabled | hardship (kiosk_core.lottery.GROUP_LABELS), or none: the lottery serves groups first.
    priority_group: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = _version()
    members: Mapped[list[Member]] = relationship(order_by="Member.id", cascade="all, delete-orphan")


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))


class Operator(Base):
    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool]
    failed_attempts: Mapped[int]
    locked_until: Mapped[datetime | None]
    version: Mapped[int] = _version()


class Device(Base):
    """An enrolled kiosk: it proves itself with a secret shown once at enrolment (only its hash is kept)."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    counter: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(128))
    secret_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool]
    enrolled_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]


class AdminAudit(Base):
    """What an administrator did from the command line (disable or enable an operator or a device), and who."""

    __tablename__ = "admin_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(128))  # a user name or a device id
    actor: Mapped[str] = mapped_column(String(64))  # the system account that ran the command
    detail: Mapped[str]


class OverrideAudit(Base):
    """A supervisor's change to what another counter made (a cancellation): who, from which device, when, what."""

    __tablename__ = "override_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]  # when the centre received it
    event_time: Mapped[datetime]  # when it happened at the counter
    action: Mapped[str] = mapped_column(String(32))  # cancel | phone_update
    subject: Mapped[str] = mapped_column(String(32))  # a reg_no or a filing_no
    owner_counter: Mapped[str | None] = mapped_column(String(2))  # whose it was (None: no counter's)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    counter: Mapped[str] = mapped_column(String(2))  # the device's counter
    operator: Mapped[str] = mapped_column(String(64))  # the supervisor's username


class Token(Base):
    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # device | operator
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        # The rules that must hold under concurrency are held here, by the database, not by a check.
        Index(
            "uq_registrations_active_unit",
            "unit_id",
            unique=True,
            postgresql_where=ACTIVE_REGISTRATION,
            sqlite_where=ACTIVE_REGISTRATION,
        ),  # fmt: skip
        Index(
            "uq_registrations_active_slot",
            "plan_id",
            "household_id",
            "slot",
            unique=True,
            postgresql_where=ACTIVE_REGISTRATION,
            sqlite_where=ACTIVE_REGISTRATION,
        ),  # fmt: skip
        CheckConstraint("slot >= 1", name="slot_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    unit_type_id: Mapped[int] = mapped_column(ForeignKey("unit_types.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    slot: Mapped[int]  # 1..plan.max_registrations_per_household
    status: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(20))
    counter: Mapped[str] = mapped_column(String(2))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    kiosk_operator_id: Mapped[int | None]  # the operator's id in the kiosk's own cache
    created_at: Mapped[datetime]  # when the kiosk registered it (payload)
    event_time: Mapped[datetime]  # the kiosk's outbox event time: the rules are judged at this moment
    received_at: Mapped[datetime]  # when the central service accepted it
    notice_version: Mapped[int]
    notice_read_aloud: Mapped[bool]
    notice_ack_at: Mapped[datetime]
    verification_code: Mapped[str] = mapped_column(String(16))
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    cancel_comment: Mapped[str | None]
    cancelled_at: Mapped[datetime | None]
    cancel_received_at: Mapped[datetime | None]
    # The counter whose message cancelled it: another counter's (a supervisor's) is told to the owner.
    cancelled_by_counter: Mapped[str | None] = mapped_column(String(2))
    review_status: Mapped[str] = mapped_column(String(32))
    reject_reason: Mapped[str]
    reviewed_at: Mapped[datetime | None]
    review_version: Mapped[int | None] = mapped_column(BigInteger, index=True)


class RegistrationPerson(Base):
    """A person (applicant or member) taken by one household's active registrations in a plan.

    One row per (plan, household, person), counting that household's active registrations, so a plan that
    allows a household several registrations does not clash with itself; the partial unique index keeps a
    person in one household per plan. The person is known by the keyed hash of the ID number
    (kiosk_central.id_index), never the number itself: the household's rows hold that.
    """

    __tablename__ = "registration_persons"
    __table_args__ = (
        Index(
            "uq_registration_persons_active",
            "plan_id",
            "id_hash",
            unique=True,
            postgresql_where=ACTIVE_PERSON,
            sqlite_where=ACTIVE_PERSON,
        ),  # fmt: skip
        Index("ix_registration_persons_plan_household", "plan_id", "household_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    id_hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 of the ID number, hex
    registrations: Mapped[int]
    active: Mapped[bool]


class IdempotencyRecord(Base):
    """The stored answer to one outbox message of one device, so a retried message gets the very same answer.

    Keyed by the key and the device that sent it: another device sending the same key is a message of its own
    and never reads this answer. The key comes first, so a lookup by key alone uses the primary key's index.
    """

    __tablename__ = "idempotency_keys"
    key: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(32))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[str]  # the JSON text as sent: a replay is the same bytes, key order included
    created_at: Mapped[datetime]


class PoolQuota(Base):
    """How many of a pool's (a unit type's) units a priority group is served first in the draw."""

    __tablename__ = "pool_quotas"
    __table_args__ = (
        UniqueConstraint("unit_type_id", "group"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_type_id: Mapped[int] = mapped_column(ForeignKey("unit_types.id"))
    group: Mapped[str] = mapped_column(String(16))
    count: Mapped[int]


CURRENT_DRAW = text("state != 'retracted'")


class Draw(Base):
    """One lottery of a plan: the frozen list and pools, the committed sources, the result, its publication.

    The texts are the canonical files of kiosk_core.lottery, kept byte for byte: the public record serves
    them and anyone can recompute the result from them. One draw per plan that is not retracted, held by
    the partial unique index (two supervisors freezing at once meet there).
    """

    __tablename__ = "draws"
    __table_args__ = (
        Index(
            "uq_draws_current_plan",
            "plan_id",
            unique=True,
            postgresql_where=CURRENT_DRAW,
            sqlite_where=CURRENT_DRAW,
        ),  # fmt: skip
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    state: Mapped[str] = mapped_column(String(16))  # kiosk_core.wire.DrawState
    algorithm: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))
    entries: Mapped[int]
    list_text: Mapped[str]
    list_hash: Mapped[str] = mapped_column(String(64))
    pools_text: Mapped[str]
    pools_hash: Mapped[str] = mapped_column(String(64))
    source_specs: Mapped[list[dict[str, Any]]] = mapped_column(JSONValue)  # [{kind, label, bits}]
    sources_text: Mapped[str | None]
    seed: Mapped[str | None] = mapped_column(String(64))
    cancelled: Mapped[list[str]]  # reg_nos on the list cancelled after the freeze, as the run found them
    result_text: Mapped[str | None]
    result_hash: Mapped[str | None] = mapped_column(String(64))
    frozen_at: Mapped[datetime]
    committed_at: Mapped[datetime | None]
    drawn_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    retracted_at: Mapped[datetime | None]
    retract_reason: Mapped[str | None]
    replaces: Mapped[int | None] = mapped_column(ForeignKey("draws.id"))
    # The outcomes feed: published rows have versions feed_first + rank - 1 (one block taken at publication),
    # the retraction one version of its own; both from the "draws" counter.
    feed_first: Mapped[int | None] = mapped_column(BigInteger, index=True)
    retract_version: Mapped[int | None] = mapped_column(BigInteger, index=True)


class DrawOutcome(Base):
    """One entry's outcome in a drawn order (the result file's line, as rows for the feed and look-ups)."""

    __tablename__ = "draw_outcomes"
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    pool: Mapped[str] = mapped_column(String(72))
    kind: Mapped[str] = mapped_column(String(16))  # unit | waiting | order | skipped
    unit_code: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[int | None]


class DrawAudit(Base):
    """Every change to a draw: who (the supervisor, and a second one for a retraction), from where, when, what."""

    __tablename__ = "draw_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("draws.id"), index=True)
    plan_code: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))  # freeze | sources | run | publish | retract
    operator: Mapped[str] = mapped_column(String(64))
    second_operator: Mapped[str | None] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    counter: Mapped[str] = mapped_column(String(2))
    detail: Mapped[str]


class DeviceUnsent(Base):
    """The count of unsent outbox messages a counter last reported (``X-Kiosk-Unsent``), and when."""

    __tablename__ = "device_unsent"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    unsent: Mapped[int]
    reported_at: Mapped[datetime]


class SelectionPlan(Base):
    """A plan's on-site selection (issue 10): which published draw orders it, and its timing."""

    __tablename__ = "selection_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), unique=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.id"))
    turn_seconds: Mapped[int]
    round_size: Mapped[int]
    round_minutes: Mapped[int]
    supplementary_minutes: Mapped[int]
    supplementary_deadline: Mapped[datetime | None]  # the day's last round's end + supplementary_minutes
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class SelectionRound(Base):
    """A block of households called in draw order from a set time (场次); supplementary rounds come after."""

    __tablename__ = "selection_rounds"
    __table_args__ = (UniqueConstraint("plan_id", "round_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    round_no: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    supplementary: Mapped[bool]


class SelectionTurn(Base):
    """One household's turn in a round; the conditional updates on ``state`` are what the ticker and counters race on."""

    __tablename__ = "selection_turns"
    __table_args__ = (
        UniqueConstraint("plan_id", "reg_no", "supplementary"),
        Index("ix_selection_turns_plan_id_pool_queue_pos", "plan_id", "pool", "queue_pos"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("selection_rounds.id"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    reg_no: Mapped[str] = mapped_column(String(32))
    pool: Mapped[str] = mapped_column(String(72))
    rank: Mapped[int]
    order_no: Mapped[int]  # the draw's order within the pool ("order" on the wire)
    # Where it is called: its pool's ranks given to its pool's orders, so a pool's priority households (first
    # in order, anywhere in rank) are called in the pool's order while each round keeps its pools' shares.
    call_rank: Mapped[int]
    queue_pos: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), index=True)  # kiosk_core.selection.TurnState
    late: Mapped[bool]
    requeued: Mapped[bool]  # came late and was queued after the household being served: called first
    supplementary: Mapped[bool]
    counter: Mapped[str | None] = mapped_column(String(2))
    called_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    deadline: Mapped[datetime | None]
    paused_remaining: Mapped[float | None]  # seconds left when paused; None while the countdown runs
    heard_at: Mapped[datetime | None]  # the counter's last read of the state while the turn was at it
    redeclared_at: Mapped[datetime | None]
    redeclared_by: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    finished_at: Mapped[datetime | None]
    reason: Mapped[str | None]
    applied_at: Mapped[datetime | None]  # applied for supplementary selection (absent or no unit)


class SelectionWish(Base):
    """A unit on a turn's ordered wish list (预选, at most kiosk_core.selection.MAX_WISHES)."""

    __tablename__ = "selection_wishes"
    __table_args__ = (UniqueConstraint("turn_id", "position"), UniqueConstraint("turn_id", "unit_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("selection_turns.id", ondelete="CASCADE"))
    position: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))


class SelectionChoice(Base):
    """A chosen unit. The two unique constraints are the arbitration: a second choice of a unit, or a second
    unit for a household, fails on insert, whatever any counter checked before."""

    __tablename__ = "selection_choices"
    __table_args__ = (UniqueConstraint("plan_id", "reg_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    reg_no: Mapped[str] = mapped_column(String(32))
    turn_id: Mapped[int] = mapped_column(ForeignKey("selection_turns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    how: Mapped[str] = mapped_column(String(16))  # confirmed | auto_picked
    counter: Mapped[str | None] = mapped_column(String(2))
    operator: Mapped[str | None] = mapped_column(String(64))
    chosen_at: Mapped[datetime]


class SelectionEvent(Base):
    """Every change of a selection, in commit order: the audit, and (its id) the push channel's version.

    The id comes from the "selection" counter, taken last in the transaction, so ids commit in order and the
    highest one read is a position nothing earlier can still land behind (kiosk_central/versions.py).
    """

    __tablename__ = "selection_events"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    reg_no: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(24))
    counter: Mapped[str | None] = mapped_column(String(2))
    operator: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str]


class AuditHeadSeen(Base):
    """A head of a counter's audit chain as a batch brought it (kiosk_core.audit_chain): kept whenever it moved.

    ``verdict``: ``ok``; ``rolled_back`` (behind a head seen before: the log cut short or an older cache put
    back); ``forked`` (a number seen before with another MAC: edited, or an older copy written on since).
    """

    __tablename__ = "audit_heads"
    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), ForeignKey("devices.id"), index=True)
    seq: Mapped[int]
    mac: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime]
    verdict: Mapped[str] = mapped_column(String(16))
