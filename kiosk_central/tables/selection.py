"""On-site selection's tables (issue 10): a plan's selection, its rounds, the households' turns and wishes, the choices, the events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kiosk_central.tables.base import Base


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
