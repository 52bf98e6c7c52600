"""What is read about a selection: its whole state (for counters, or masked for the hall), a turn, a sheet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.clock import wire_time
from kiosk_central.services import selection_store as store
from kiosk_central.services.errors import NotFound
from kiosk_central.tables import (
    Household,
    Project,
    Registration,
    SelectionChoice,
    SelectionRound,
    SelectionTurn,
    Unit,
    UnitType,
)
from kiosk_core import selection as sel
from kiosk_core.identity import mask_id_number, mask_name
from kiosk_core.selection_wire import (
    BoardUnit,
    RoundRow,
    SelectionPlanRow,
    SelectionState,
    SheetData,
    TurnRow,
    UnitCounts,
)


def _time(value: datetime | None) -> str | None:
    return wire_time(value) if value is not None else None


def round_state(r: SelectionRound, now: datetime) -> sel.RoundState:
    return times_state(r.starts_at, r.ends_at, now)


def times_state(starts_at: datetime, ends_at: datetime, now: datetime) -> sel.RoundState:
    if now < starts_at:
        return sel.RoundState.UPCOMING
    return sel.RoundState.RUNNING if now < ends_at else sel.RoundState.ENDED


@dataclass(frozen=True)
class _Person:
    name: str
    filing_no: str
    id_number: str


def _people(session: Session, turns: Sequence[Any]) -> dict[int, _Person]:
    ids = [t.registration_id for t in turns]
    rows = session.execute(
        select(Registration.id, Household.applicant_name, Household.filing_no, Household.applicant_id_number)
        .join(Household, Household.id == Registration.household_id)
        .where(Registration.id.in_(ids))
    )
    return {i: _Person(n, f, d) for i, n, f, d in rows}


def _row(
    t: Any,  # a SelectionTurn or a row of store.TURN_COLUMNS
    round_no: int,
    person: _Person,
    wishes: tuple[str, ...],
    taken: set[str],
    unit: str | None,
    now: datetime,
) -> TurnRow:
    turn = store.as_turn(t, round_no, wishes, unit)
    return {
        "reg_no": t.reg_no,
        "filing_no": person.filing_no,
        "masked_name": mask_name(person.name),
        "pool": t.pool,
        "rank": t.rank,
        "order": t.order_no,
        "round_no": round_no,
        "queue_pos": t.queue_pos,
        "state": t.state,
        "late": t.late,
        "counter": t.counter,
        "called_at": _time(t.called_at),
        "opened_at": _time(t.opened_at),
        "deadline": _time(t.deadline),
        "paused": turn.paused,
        "remaining_seconds": sel.remaining_seconds(turn, now),
        "redeclared_at": _time(t.redeclared_at),
        "redeclared_by": t.redeclared_by,
        "wishes": [{"unit_code": w, "taken": w in taken and w != unit} for w in wishes],
        "unit_code": unit,
        "finished_at": _time(t.finished_at),
        "reason": t.reason,
        "supplementary": t.supplementary,
    }


def turn(session: Session, loaded: store.Loaded, reg_no: str, now: datetime) -> TurnRow:
    """One household's current turn, as its counter sees it."""
    t = store.turn_row(session, loaded.plan.id, reg_no)
    round_no = session.scalar(select(SelectionRound.round_no).where(SelectionRound.id == t.round_id)) or 0
    return turn_of(session, loaded, t, round_no, now)


def turn_of(
    session: Session, loaded: store.Loaded, t: SelectionTurn, round_no: int, now: datetime
) -> TurnRow:
    """The turn of a row already in hand (a step's answer: the row it just changed)."""
    unit = session.scalar(select(Unit.code).where(Unit.id == t.unit_id)) if t.unit_id else None
    wishes = store.wishes_of(session, [t.id]).get(t.id, ())
    taken = store.taken_codes(session, loaded.plan.id) if wishes else set()
    return _row(t, round_no, _people(session, [t])[t.registration_id], wishes, taken, unit, now)


def state(session: Session, loaded: store.Loaded, now: datetime) -> SelectionState:
    """Everything the counters show; the hall screens' is public(state)."""
    plan, selection = loaded.plan, loaded.selection
    version = versions.current(session, store.COUNTER)  # first: the rest is at least as new as this
    rounds = list(
        session.scalars(
            select(SelectionRound).where(SelectionRound.plan_id == plan.id).order_by(SelectionRound.round_no)
        )
    )
    round_nos = {r.id: r.round_no for r in rounds}
    turns = list(
        session.execute(  # plain rows: ninety ORM objects cost more than the rest of the state
            select(*store.TURN_COLUMNS)
            .where(SelectionTurn.plan_id == plan.id)
            .order_by(SelectionTurn.supplementary, SelectionTurn.rank)
        )
    )
    chosen = {
        unit_id: order
        for unit_id, order in session.execute(
            select(SelectionChoice.unit_id, SelectionTurn.order_no)
            .join(SelectionTurn, SelectionTurn.id == SelectionChoice.turn_id)
            .where(SelectionChoice.plan_id == plan.id)
        )
    }
    units = _units(session, {t.pool for t in turns}, set(chosen))
    codes = {u.id: u.code for u, _, _ in units}
    taken = {codes[i] for i in chosen if i in codes}
    wishes = store.wishes_of(session, [t.id for t in turns])
    people = _people(session, turns)
    plan_row: SelectionPlanRow = {
        "plan_code": plan.code,
        "plan_name": plan.name,
        "draw_id": selection.draw_id,
        "turn_seconds": selection.turn_seconds,
        "round_size": selection.round_size,
        "supplementary_deadline": _time(selection.supplementary_deadline),
    }
    round_rows: list[RoundRow] = [
        {
            "round_no": r.round_no,
            "starts_at": wire_time(r.starts_at),
            "ends_at": wire_time(r.ends_at),
            "supplementary": r.supplementary,
            "state": round_state(r, now).value,
        }
        for r in rounds
    ]
    turn_rows = [
        _row(
            t,
            round_nos[t.round_id],
            people[t.registration_id],
            wishes.get(t.id, ()),
            taken,
            codes.get(t.unit_id) if t.unit_id else None,
            now,
        )
        for t in turns
    ]
    board: list[BoardUnit] = [
        {
            "unit_code": u.code,
            "project_code": project,
            "unit_type_code": ut.code,
            "unit_type_name": ut.name,
            "building": u.building,
            "floor": u.floor,
            "number": u.number,
            "orientation": u.orientation,
            "area": u.area,
            "rent": float(u.rent),
            "taken": u.id in chosen,
            "taken_by_order": chosen.get(u.id),
        }
        for u, project, ut in units
    ]
    counts: dict[str, UnitCounts] = {}
    for b in board:
        c = counts.setdefault(b["unit_type_code"], {"free": 0, "taken": 0})
        c["taken" if b["taken"] else "free"] += 1
    return {
        "plan": plan_row,
        "server_time": wire_time(now),
        "version": version,
        "rounds": round_rows,
        "turns": turn_rows,
        "units": board,
        "counts": counts,
    }


def public(state: SelectionState) -> SelectionState:
    """The hall's state of a counters' one: no filing numbers, operators or wish lists."""
    turns = [{**t, "filing_no": "", "redeclared_by": None, "wishes": []} for t in state["turns"]]
    return {**state, "turns": turns}  # type: ignore[typeddict-item]


def _units(session: Session, pools: set[str], chosen: set[int]) -> list[tuple[Unit, str, UnitType]]:
    """The pools' units a household may choose (free ones, and those chosen here), by building, floor, number."""
    if not pools:
        return []
    projects = {p.partition("/")[0] for p in pools}
    rows = session.execute(
        select(Unit, Project.code, UnitType)
        .join(Project, Project.id == Unit.project_id)
        .join(UnitType, UnitType.id == Unit.unit_type_id)
        .where(Project.code.in_(projects))
        .order_by(Project.code, Unit.building, Unit.floor, Unit.number)
    )
    return [
        (u, p, ut)
        for u, p, ut in rows
        if sel.pool_code(p, ut.code) in pools and (u.status == "free" or u.id in chosen)
    ]


def sheet(session: Session, loaded: store.Loaded, reg_no: str, verify_url: str) -> SheetData:
    """The selection result sheet of a household that has a unit (选房确认书)."""
    plan = loaded.plan
    row = session.execute(
        select(SelectionChoice, Unit, UnitType, Project, Household)
        .join(Unit, Unit.id == SelectionChoice.unit_id)
        .join(UnitType, UnitType.id == Unit.unit_type_id)
        .join(Project, Project.id == Unit.project_id)
        .join(SelectionTurn, SelectionTurn.id == SelectionChoice.turn_id)
        .join(Registration, Registration.id == SelectionTurn.registration_id)
        .join(Household, Household.id == Registration.household_id)
        .where(SelectionChoice.plan_id == plan.id, SelectionChoice.reg_no == reg_no)
    ).first()
    if row is None:
        raise NotFound(f"登记 {reg_no[:32]} 还没有选定住房", code="no_choice")
    choice, unit, unit_type, project, household = row
    return {
        "plan_code": plan.code,
        "plan_name": plan.name,
        "reg_no": reg_no,
        "filing_no": household.filing_no,
        "masked_name": mask_name(household.applicant_name),
        "masked_id": mask_id_number(household.applicant_id_number),
        "unit_code": unit.code,
        "project_name": project.name,
        "unit_type_name": unit_type.name,
        "building": unit.building,
        "floor": unit.floor,
        "number": unit.number,
        "orientation": unit.orientation,
        "area": unit.area,
        "rent": float(unit.rent),
        "chosen_at": wire_time(choice.chosen_at),
        "how": choice.how,
        "counter": choice.counter,
        "operator": choice.operator,
        "verify_url": verify_url,
    }
