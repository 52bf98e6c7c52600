"""Tables of the local cache."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Operator(Base):
    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)


class Household(Base):
    __tablename__ = "households"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_no: Mapped[str] = mapped_column(String(16), unique=True)
    applicant_name: Mapped[str] = mapped_column(String(64))
    applicant_id_number: Mapped[str] = mapped_column(String(18), index=True)
    district: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    valid_until: Mapped[date]
    phone: Mapped[str] = mapped_column(String(20), default="")
    members: Mapped[list[Member]] = relationship(
        back_populates="household", order_by="Member.id", cascade="all, delete-orphan"
    )


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    household: Mapped[Household] = relationship(back_populates="members")


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
    allowed_districts: Mapped[list[str]] = mapped_column(default=list)
    max_registrations_per_household: Mapped[int] = mapped_column(default=1)
    next_sequence: Mapped[int] = mapped_column(default=1)
    # The centre's count of the plan's active registrations (every counter's) and the centre's time of it.
    central_count: Mapped[int | None]
    central_count_at: Mapped[datetime | None]
    notices: Mapped[list[Notice]] = relationship(order_by="Notice.version")


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(128))
    text: Mapped[str]


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    district: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    description: Mapped[str]
    photos: Mapped[list[str]] = mapped_column(default=list)


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
    status: Mapped[str] = mapped_column(String(16), default="free")


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        # A unit can be held by one active registration only; the database holds that, not a check.
        Index(
            "uq_active_unit",
            "unit_id",
            unique=True,
            sqlite_where=text("status = 'active' AND unit_id IS NOT NULL"),
            postgresql_where=text("status = 'active' AND unit_id IS NOT NULL"),
        ),
        Index("ix_registrations_plan_household", "plan_id", "household_id"),
        # The retention purge looks only at registrations it has not purged yet (kiosk.services.retention).
        Index("ix_registrations_unpurged", "plan_id", sqlite_where=text("purged_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    unit_type_id: Mapped[int] = mapped_column(ForeignKey("unit_types.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    phone: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime]
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    counter: Mapped[str] = mapped_column(String(16))
    notice_version: Mapped[int]
    notice_read_aloud: Mapped[bool]
    notice_ack_at: Mapped[datetime]
    notice_ack_operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    verification_code: Mapped[str] = mapped_column(String(16))
    slip_printed: Mapped[bool] = mapped_column(default=False)
    slip_path: Mapped[str] = mapped_column(String(512), default="")
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    cancel_comment: Mapped[str | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    cancel_approved_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    review_status: Mapped[str] = mapped_column(String(32), default="")
    reject_reason: Mapped[str] = mapped_column(default="")
    # What the central service said: pending until the outbox message is answered.
    central_status: Mapped[str] = mapped_column(
        String(16), default="pending", server_default="pending", index=True
    )
    central_code: Mapped[str] = mapped_column(String(48), default="", server_default="")
    central_message: Mapped[str] = mapped_column(default="", server_default="")
    central_received_at: Mapped[datetime | None]
    # When the retention purge masked this registration's personal data: it is not looked at again.
    purged_at: Mapped[datetime | None]


class RegisteredPerson(Base):
    """One row per person in an active registration, so a member clash is one indexed lookup."""

    __tablename__ = "registered_persons"
    __table_args__ = (Index("ix_registered_persons_plan_id_number", "plan_id", "id_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    id_number: Mapped[str] = mapped_column(String(18))


# Written out, not bound: SQLite uses a partial index only for a query with this very condition.
OUTBOX_REFUSED = "result IN ('rejected', 'invalid')"


class OutboxMessage(Base):
    """An event for the central service, written in the same transaction as the change it describes."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The sender and the offline guard look at unsent messages only; sent ones pile up for good.
        Index(
            "ix_outbox_unsent",
            "id",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
        # The sync strip counts the few the centre refused on every refresh.
        Index("ix_outbox_refused", "id", sqlite_where=text(OUTBOX_REFUSED)),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(32), index=True)
    event_time: Mapped[datetime]
    payload: Mapped[dict[str, Any]]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    result: Mapped[str] = mapped_column(
        String(16), default="", server_default=""
    )  # accepted / rejected / invalid
    last_error: Mapped[str] = mapped_column(default="", server_default="")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)  # 1, 2, 3 … the chain's order (kiosk_core.audit_chain)
    mac: Mapped[str | None] = mapped_column(String(64))  # None: written while no key could be had
    at: Mapped[datetime] = mapped_column(index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    counter: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64), default="", index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str]


class Draw(Base):
    """A draw of a plan (the lottery) as the centre recorded it; pulled on sync once published."""

    __tablename__ = "draws"
    draw_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # the centre's id
    plan_code: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(String(16))
    list_hash: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None]
    retracted_at: Mapped[datetime | None]
    record_json: Mapped[dict[str, Any]]  # kiosk_core.wire.DrawRecord as received
    fetched_at: Mapped[datetime]


class DrawOutcome(Base):
    """One registration's outcome in a published draw (the centre's outcomes feed)."""

    __tablename__ = "draw_outcomes"
    __table_args__ = (UniqueConstraint("draw_id", "reg_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draws.draw_id"))
    plan_code: Mapped[str] = mapped_column(String(16))
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    rank: Mapped[int]
    pool: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))  # unit | waiting | order | skipped
    unit_code: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[int | None]
    # The household, when the feed or this counter's own registration says: lookup by filing no. and ID.
    filing_no: Mapped[str | None] = mapped_column(String(16), index=True)


class SelectionSheet(Base):
    """A selection result sheet (选房确认书) this counter fetched: its data as the centre sent it, for reprints
    from Records and a household's later look-up without the centre (on-site selection, issue 10)."""

    __tablename__ = "selection_sheets"
    __table_args__ = (UniqueConstraint("plan_code", "reg_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_code: Mapped[str] = mapped_column(String(16))
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    filing_no: Mapped[str] = mapped_column(String(16), index=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    how: Mapped[str] = mapped_column(String(16))  # confirmed | auto_picked
    chosen_at: Mapped[datetime]
    counter: Mapped[str] = mapped_column(String(16), default="")
    data: Mapped[dict[str, Any]]  # kiosk_core.selection_wire.SheetData as received
    fetched_at: Mapped[datetime]
    printed_at: Mapped[datetime | None]
    sheet_path: Mapped[str] = mapped_column(String(512), default="")
