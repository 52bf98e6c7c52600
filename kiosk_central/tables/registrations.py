"""Registrations as the counters sent them, and the persons each household's active registrations take in a plan."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk_central.tables.base import ACTIVE_PERSON, ACTIVE_REGISTRATION, Base


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


class KeyFingerprint(Base):
    """Which key a secret-keyed column was made with, without the key: HMAC(key, a fixed label), hex.

    One row, "id_key", for registration_persons.id_hash: a process whose key gives another fingerprint refuses
    to start (services/id_keys.py), since its hashes would never meet the stored ones.
    """

    __tablename__ = "key_fingerprints"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
