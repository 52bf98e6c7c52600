"""A supervisor arranges a plan's selection: its rounds in draw order from the published draw, then any
supplementary round of the households that applied (kiosk_core.selection has the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk_central.services import selection_store as store
from kiosk_central.services.errors import NotFound
from kiosk_central.tables import (
    Draw,
    DrawOutcome,
    Plan,
    Registration,
    SelectionPlan,
    SelectionRound,
    SelectionTurn,
)
from kiosk_core import model as m
from kiosk_core import selection as sel
from kiosk_core.wire import DrawState

MAX_ROUND_SIZE = 10_000
MAX_ROUND_MINUTES = 24 * 60
MAX_TURN_SECONDS = 3600


def create(
    session: Session,
    operator: str,
    now: datetime,
    plan_code: str,
    round_size: int,
    first_start: datetime,
    round_minutes: int,
    turn_seconds: int,
    supplementary_minutes: int,
) -> store.Loaded:
    """The plan's selection: one turn per household the published selection draw put in order (a skipped,
    i.e. cancelled, one gets none), rounds of ``round_size`` in global rank order."""
    plan = session.scalar(select(Plan).where(Plan.code == plan_code))
    if plan is None:
        raise NotFound(f"没有配租计划 {plan_code[:16]}", code="plan_not_found")
    draw = session.scalar(
        select(Draw).where(Draw.plan_id == plan.id, Draw.state == DrawState.PUBLISHED.value)
    )
    if draw is None or draw.mode != "selection":
        raise store.SelectionRefused(
            f"「{plan.name}」没有已公布的选房摇号",
            hint="须先以“选房”方式摇号并公布结果，才能安排现场选房",
            code="no_selection_draw",
        )
    if session.scalar(select(SelectionPlan.id).where(SelectionPlan.plan_id == plan.id)) is not None:
        raise store.SelectionRefused(f"「{plan.name}」已经安排了现场选房", code="selection_exists")
    outcomes = session.execute(
        select(DrawOutcome.reg_no, DrawOutcome.pool, DrawOutcome.rank, DrawOutcome.number, Registration.id)
        .join(Registration, Registration.reg_no == DrawOutcome.reg_no)
        .where(
            DrawOutcome.draw_id == draw.id,
            DrawOutcome.kind == "order",
            Registration.status == m.RegistrationStatus.ACTIVE.value,
        )
        .order_by(DrawOutcome.rank)
    ).all()
    call_ranks = _call_ranks(outcomes)
    called_in = sorted(outcomes, key=lambda o: call_ranks[o.reg_no])
    try:
        rounds = sel.cut_rounds([o.reg_no for o in called_in], round_size, first_start, round_minutes)
    except sel.SelectionError as e:
        raise store.refusal(e) from None
    selection = SelectionPlan(
        plan_id=plan.id,
        draw_id=draw.id,
        turn_seconds=turn_seconds,
        round_size=round_size,
        round_minutes=round_minutes,
        supplementary_minutes=supplementary_minutes,
        supplementary_deadline=sel.supplementary_deadline(rounds[-1].ends_at, supplementary_minutes),
        created_at=now,
        created_by=operator,
    )
    session.add(selection)
    try:
        session.flush()
    except IntegrityError:
        raise store.SelectionRefused(
            f"「{plan.name}」刚由另一位主管安排了现场选房", code="selection_exists"
        ) from None
    by_reg = {o.reg_no: o for o in outcomes}
    for plan_round in rounds:
        round_id = _add_round(
            session, plan.id, plan_round.round_no, plan_round.starts_at, plan_round.ends_at, False
        )
        households = [by_reg[r] for r in plan_round.reg_nos]
        _add_turns(session, plan.id, round_id, households, False, call_ranks)
    detail = f"{len(outcomes)} 户，{len(rounds)} 场，每场 {round_size} 户 {round_minutes} 分钟，每户 {turn_seconds} 秒"
    store.record_events(session, now, plan.id, [(None, "plan", None, operator, detail)])
    return store.Loaded(plan, selection)


def supplementary_round(
    session: Session, operator: str, now: datetime, plan_code: str, first_start: datetime, round_minutes: int
) -> store.Loaded:
    """A round of the households that applied for supplementary selection, in rank order, with what remains."""
    loaded = store.load_plan(session, plan_code, lock=True)
    plan = loaded.plan
    if not 1 <= round_minutes <= MAX_ROUND_MINUTES:
        raise store.refusal(sel.BadRounds("每场次时长至少 1 分钟", code="bad_round_minutes"))
    again = {
        r
        for r in session.scalars(
            select(SelectionTurn.reg_no).where(
                SelectionTurn.plan_id == plan.id, SelectionTurn.supplementary.is_(True)
            )
        )
    }
    applicants = [
        t
        for t in session.scalars(
            select(SelectionTurn)
            .where(
                SelectionTurn.plan_id == plan.id,
                SelectionTurn.supplementary.is_(False),
                SelectionTurn.applied_at.is_not(None),
                SelectionTurn.state.in_([s.value for s in sel.SUPPLEMENTARY_ALLOWED]),
            )
            .order_by(SelectionTurn.call_rank)
        )
        if t.reg_no not in again
    ]
    if not applicants:
        raise store.SelectionRefused(
            "没有待安排补选的家庭", hint="补选场次只安排已申请补选的家庭", code="no_applicants"
        )
    last = session.scalar(select(func.max(SelectionRound.round_no)).where(SelectionRound.plan_id == plan.id))
    round_no = int(last or 0) + 1
    round_id = _add_round(
        session, plan.id, round_no, first_start, first_start + timedelta(minutes=round_minutes), True
    )
    _add_turns(session, plan.id, round_id, applicants, True, {t.reg_no: t.call_rank for t in applicants})
    detail = f"补选第 {round_no} 场：{len(applicants)} 户，{round_minutes} 分钟"
    store.record_events(session, now, plan.id, [(None, "supplementary_round", None, operator, detail)])
    return loaded


def _add_round(
    session: Session, plan_id: int, round_no: int, starts_at: datetime, ends_at: datetime, supplementary: bool
) -> int:
    row = SelectionRound(
        plan_id=plan_id,
        round_no=round_no,
        starts_at=starts_at,
        ends_at=ends_at,
        supplementary=supplementary,
    )
    session.add(row)
    session.flush()
    return row.id


def _call_ranks(outcomes: Sequence[Any]) -> dict[str, int]:
    """Each pool's ranks, smallest first, given to its households in the pool's order (see call_rank)."""
    pools: dict[str, list[Any]] = {}
    for o in outcomes:
        pools.setdefault(o.pool, []).append(o)
    ranks: dict[str, int] = {}
    for members in pools.values():
        by_order = sorted(members, key=lambda o: o.number)
        ranks.update(zip((o.reg_no for o in by_order), sorted(o.rank for o in members), strict=True))
    return ranks


def _add_turns(
    session: Session,
    plan_id: int,
    round_id: int,
    households: list[Any],
    supplementary: bool,
    call_ranks: dict[str, int],
) -> None:
    """Turns for outcome rows (reg_no, pool, rank, number, id) or earlier turns, waiting in draw order."""
    rows = []
    for h in households:
        order = h.order_no if isinstance(h, SelectionTurn) else h.number
        rows.append(
            {
                "plan_id": plan_id,
                "round_id": round_id,
                "registration_id": h.registration_id if isinstance(h, SelectionTurn) else h.id,
                "reg_no": h.reg_no,
                "pool": h.pool,
                "rank": h.rank,
                "order_no": order,
                "call_rank": call_ranks[h.reg_no],
                "queue_pos": sel.first_queue_pos(order),
                "state": sel.TurnState.WAITING.value,
                "late": False,
                "requeued": False,
                "supplementary": supplementary,
            }
        )
    if rows:
        session.execute(insert(SelectionTurn), rows)
