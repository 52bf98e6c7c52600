"""The lottery's tables: the priority groups' quotas per pool, each draw with its outcomes, and its audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk_central.tables.base import Base, JSONValue


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
