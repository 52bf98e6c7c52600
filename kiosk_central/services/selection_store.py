"""Selection's rows at the centre: loading a plan's selection and turns as kiosk_core.selection values, the
refusals as problems, and the event every change writes (its audit and the push channel's version)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.services.auth import Principal
from kiosk_central.services.draw_rules import DrawRefused
from kiosk_central.services.errors import Forbidden, InvalidRequest, NotFound
from kiosk_central.tables import (
    Plan,
    Project,
    SelectionChoice,
    SelectionEvent,
    SelectionPlan,
    SelectionTurn,
    SelectionWish,
    Unit,
    UnitType,
)
from kiosk_core import model as m
from kiosk_core import selection as sel

COUNTER = "selection"  # the versions counter whose value is the last event's id
_ENSURE_COUNTER = text(
    "INSERT INTO counters (name, value) VALUES ('selection', 0) ON CONFLICT (name) DO NOTHING"
)
# Refusals about what was sent (422); every other selection refusal is about the turn's state (409).
_INPUT = (sel.TooManyWishes, sel.DuplicateWish, sel.UnitNotInPool, sel.UnitNotWished, sel.BadRounds)


class SelectionRefused(DrawRefused):
    """A selection step refused by the turn's or the plan's state: stored under the key like a draw step's."""

    code = "selection_refused"


def refusal(error: sel.SelectionError, **extra: Any) -> DrawRefused | InvalidRequest:
    """The core's refusal as the problem the counter reads (code, Chinese message, hint; masked)."""
    if isinstance(error, _INPUT):
        return InvalidRequest(error.message, code=error.code, hint=error.hint)
    return SelectionRefused(error.message, code=error.code, hint=error.hint, **extra)


def require_supervisor(principal: Principal) -> str:
    operator = principal.operator
    if operator is None or operator.role != m.Role.SUPERVISOR.value:
        raise Forbidden(
            "此项须由主管操作",
            hint="请主管在本窗口登录后再试（安排选房场次、补选场次、转窗口）",
            code="supervisor_required",
        )
    return operator.username


def operator_name(principal: Principal) -> str | None:
    return principal.operator.username if principal.operator else None


@dataclass(frozen=True)
class Loaded:
    plan: Plan
    selection: SelectionPlan


def load_plan(session: Session, plan_code: str, *, lock: bool = False) -> Loaded:
    if not lock:  # every counter's step reads it: one query
        found = session.execute(
            select(Plan, SelectionPlan)
            .outerjoin(SelectionPlan, SelectionPlan.plan_id == Plan.id)
            .where(Plan.code == plan_code)
        ).first()
        plan, selection = found if found is not None else (None, None)
    else:
        plan = session.scalar(select(Plan).where(Plan.code == plan_code))
        locked = select(SelectionPlan).where(SelectionPlan.plan_id == plan.id) if plan is not None else None
        selection = session.scalar(locked.with_for_update()) if locked is not None else None
    if plan is None:
        raise NotFound(f"没有配租计划 {plan_code[:16]}", code="plan_not_found")
    if selection is None:
        raise NotFound(f"「{plan.name}」还没有安排现场选房", code="selection_not_found")
    return Loaded(plan, selection)


def wishes_of(session: Session, turn_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Each turn's wish list as unit codes, in its order."""
    if not turn_ids:
        return {}
    rows = session.execute(
        select(SelectionWish.turn_id, Unit.code)
        .join(Unit, Unit.id == SelectionWish.unit_id)
        .where(SelectionWish.turn_id.in_(list(turn_ids)))
        .order_by(SelectionWish.turn_id, SelectionWish.position)
    )
    out: dict[int, list[str]] = {}
    for turn_id, code in rows:
        out.setdefault(turn_id, []).append(code)
    return {k: tuple(v) for k, v in out.items()}


def as_turn(row: Any, round_no: int, wishes: tuple[str, ...] = (), unit: str | None = None) -> sel.Turn:
    """``row``: a SelectionTurn, or a row of its table's columns (TURN_COLUMNS: no ORM objects to load)."""
    return sel.Turn(
        reg_no=row.reg_no,
        pool=row.pool,
        rank=row.rank,
        order=row.order_no,
        round_no=round_no,
        queue_pos=row.queue_pos,
        state=sel.TurnState(row.state),
        late=row.late,
        requeued=row.requeued,
        counter=row.counter,
        redeclared_at=row.redeclared_at,
        redeclared_by=row.redeclared_by,
        wishes=wishes,
        opened_at=row.opened_at,
        deadline=row.deadline,
        paused_remaining=row.paused_remaining,
        unit_code=unit,
        finished_at=row.finished_at,
        reason=row.reason,
        supplementary=row.supplementary,
    )


_POOL_LOCKS = 0x5E1 << 32  # the advisory locks' namespace: selection pools


def lock_pool(session: Session, plan_id: int, pool: str, supplementary: bool) -> None:
    """The steps that may open a pool's next turn run one at a time per pool, each seeing the one before.

    On PostgreSQL two of them at once (a confirmation finishing a turn, a re-declaration making the next one
    ready) each saw the other's change uncommitted, and neither opened the next turn. An advisory lock held to
    the commit, taken before any turn's row (one order for every taker: no deadlock). SQLite's writers already
    run one at a time.
    """
    if not pools_lock(session):
        return
    key = _POOL_LOCKS | zlib.crc32(f"{plan_id}/{pool}/{supplementary}".encode())
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def pools_lock(session: Session) -> bool:
    """Whether lock_pool locks anything here (PostgreSQL); elsewhere its callers need not look the pool up."""
    return session.get_bind().dialect.name == "postgresql"


def lock_turns_pool(session: Session, plan_id: int, reg_no: str) -> None:
    """lock_pool for the pool of the household's current turn (before its row is locked)."""
    if not pools_lock(session):
        return
    found = session.execute(
        select(SelectionTurn.pool, SelectionTurn.supplementary)
        .where(SelectionTurn.plan_id == plan_id, SelectionTurn.reg_no == reg_no)
        .order_by(SelectionTurn.supplementary.desc())
        .limit(1)
    ).first()
    if found is not None:
        lock_pool(session, plan_id, found.pool, found.supplementary)


def turn_row(session: Session, plan_id: int, reg_no: str, *, lock: bool = False) -> SelectionTurn:
    """The household's current turn: its supplementary one once it has one."""
    query = (
        select(SelectionTurn)
        .where(SelectionTurn.plan_id == plan_id, SelectionTurn.reg_no == reg_no)
        .order_by(SelectionTurn.supplementary.desc())
        .limit(1)
    )
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"登记 {reg_no[:32]} 不在本次选房名单中", code="turn_not_found")
    return row


TURN_COLUMNS = tuple(SelectionTurn.__table__.c)


def pool_rows(session: Session, plan_id: int, pool: str, supplementary: bool) -> list[Any]:
    """The pool's turns as plain rows of TURN_COLUMNS (read on every step: no ORM objects to build)."""
    return list(
        session.execute(
            select(*TURN_COLUMNS).where(
                SelectionTurn.plan_id == plan_id,
                SelectionTurn.pool == pool,
                SelectionTurn.supplementary == supplementary,
            )
        )
    )


def taken_codes(session: Session, plan_id: int) -> set[str]:
    return set(
        session.scalars(
            select(Unit.code)
            .join(SelectionChoice, SelectionChoice.unit_id == Unit.id)
            .where(SelectionChoice.plan_id == plan_id)
        )
    )


def pool_units(session: Session, pool: str) -> dict[str, tuple[int, sel.UnitInfo]]:
    """The units of a pool (project/unit type) by code: their ids and what the rules read."""
    project_code, _, type_code = pool.partition("/")
    rows = session.execute(
        select(Unit, Project.code, UnitType.code)
        .join(Project, Project.id == Unit.project_id)
        .join(UnitType, UnitType.id == Unit.unit_type_id)
        .where(Project.code == project_code, UnitType.code == type_code)
    )
    return {u.code: (u.id, unit_info(u, p, t)) for u, p, t in rows}


def unit_id(session: Session, pool: str, code: str) -> int | None:
    """The id of the pool's unit ``code``."""
    project_code, _, type_code = pool.partition("/")
    return session.scalar(
        select(Unit.id)
        .join(Project, Project.id == Unit.project_id)
        .join(UnitType, UnitType.id == Unit.unit_type_id)
        .where(Unit.code == code, Project.code == project_code, UnitType.code == type_code)
    )


def unit_info(u: Unit, project_code: str, type_code: str) -> sel.UnitInfo:
    return sel.UnitInfo(
        u.code, project_code, type_code, u.building, u.floor, u.number, u.orientation, u.area, u.rent
    )


def hear(row: SelectionTurn, now: datetime) -> list[tuple[Any, ...]]:
    """The turn's counter was heard: note it, and a paused countdown goes on from where it stopped."""
    row.heard_at = now
    if row.state != sel.TurnState.OPEN.value or row.paused_remaining is None:
        return []
    row.deadline = now + timedelta(seconds=row.paused_remaining)
    row.paused_remaining = None
    return [(row.reg_no, "resume", row.counter, None, f"剩余 {row.deadline - now}")]


def record_events(session: Session, at: datetime, plan_id: int, events: Iterable[tuple[Any, ...]]) -> int:
    """Write events ``(reg_no, action, counter, operator, detail)``; the last step before commit (its ids
    come from the "selection" counter, whose row stays locked until then). Returns the last id."""
    items = list(events)
    if not items:
        return versions.current(session, COUNTER)
    session.flush()  # the changes first: the counter's row lock is held from here to the commit
    try:
        first = versions.allocate(session, COUNTER, len(items))
    except NoResultFound:  # the first event ever
        session.execute(_ENSURE_COUNTER)
        first = versions.allocate(session, COUNTER, len(items))
    rows = [
        {
            "id": first + offset,
            "at": at,
            "plan_id": plan_id,
            "reg_no": reg_no,
            "action": action,
            "counter": counter,
            "operator": operator,
            "detail": detail,
        }
        for offset, (reg_no, action, counter, operator, detail) in enumerate(items)
    ]
    session.execute(insert(SelectionEvent), rows)
    return first + len(items) - 1
