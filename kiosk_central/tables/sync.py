"""What the counters' sync leaves at the centre: each message's stored answer, the unsent counts reported, the audit heads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk_central.tables.base import Base


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


class DeviceUnsent(Base):
    """The count of unsent outbox messages a counter last reported (``X-Kiosk-Unsent``), and when."""

    __tablename__ = "device_unsent"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    unsent: Mapped[int]
    reported_at: Mapped[datetime]


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
