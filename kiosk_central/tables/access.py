"""Who may act at the centre: operators, enrolled devices and their tokens, and the audits of administrators' and supervisors' changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk_central.tables.base import Base, version_column


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
    version: Mapped[int] = version_column()


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
