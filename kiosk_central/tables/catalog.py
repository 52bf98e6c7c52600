"""The catalog the counters pull: plans and their notices, projects and photos, unit types and units, and the filed households with their members."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk_central.tables.base import Base, version_column


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
    version: Mapped[int] = version_column()
    notices: Mapped[list[Notice]] = relationship(order_by="Notice.notice_version", back_populates="plan")


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("plan_id", "notice_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    notice_version: Mapped[int]  # the notice's own revision, "version" in the kiosk's table
    title: Mapped[str] = mapped_column(String(128))
    text: Mapped[str]
    version: Mapped[int] = version_column()
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
    version: Mapped[int] = version_column()


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
    version: Mapped[int] = version_column()


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
    version: Mapped[int] = version_column()


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
    version: Mapped[int] = version_column()
    members: Mapped[list[Member]] = relationship(order_by="Member.id", cascade="all, delete-orphan")


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
