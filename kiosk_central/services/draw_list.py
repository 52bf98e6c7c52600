"""A plan's frozen list and pools files, read from the registrations and the catalog as they are at the freeze."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk_central.tables import Household, Plan, PoolQuota, Project, Registration, Unit, UnitType
from kiosk_core import lottery
from kiosk_core import model as m

ACTIVE = m.RegistrationStatus.ACTIVE.value


@dataclass(frozen=True)
class PoolFacts:
    """A pool of a plan as the console lists it before the freeze."""

    pool: str
    project_code: str
    unit_type_code: str
    unit_type_name: str
    entries: int
    units: int
    quotas: tuple[tuple[str, int], ...]
    groups: tuple[tuple[str, int], ...]  # entries per priority group


def pool_code(project_code: str, unit_type_code: str) -> str:
    return f"{project_code}/{unit_type_code}"


def entries(session: Session, plan: Plan) -> list[lottery.Entry]:
    """Every active registration of the plan: reg_no, pool, the household's priority group (``-`` for none)."""
    rows = session.execute(
        select(Registration.reg_no, Project.code, UnitType.code, Household.priority_group)
        .join(Project, Project.id == Registration.project_id)
        .join(UnitType, UnitType.id == Registration.unit_type_id)
        .join(Household, Household.id == Registration.household_id)
        .where(Registration.plan_id == plan.id, Registration.status == ACTIVE)
    )
    return [
        lottery.Entry(reg_no, pool_code(project, unit_type), group or lottery.GROUP_NONE)
        for reg_no, project, unit_type, group in rows
    ]


def pools(session: Session, plan: Plan, codes: set[str]) -> list[lottery.Pool]:
    """The pools that have entries: free units in published order (building, floor, number) and quotas.

    A unit type nobody registered for is no pool of this draw (its units are not drawn); in selection mode
    the draw assigns no units, so none are listed.
    """
    types = session.execute(
        select(UnitType.id, Project.code, UnitType.code)
        .join(Project, Project.id == UnitType.project_id)
        .where(Project.plan_id == plan.id)
    ).all()
    chosen = {type_id: pool_code(p, t) for type_id, p, t in types if pool_code(p, t) in codes}
    units: dict[int, list[str]] = {type_id: [] for type_id in chosen}
    if plan.draw_mode == "units":
        for type_id, code in session.execute(
            select(Unit.unit_type_id, Unit.code)
            .where(Unit.unit_type_id.in_(chosen), Unit.status == m.UnitStatus.FREE.value)
            .order_by(Unit.building, Unit.floor, Unit.number, Unit.code)
        ):
            units[type_id].append(code)
    quotas: dict[int, list[tuple[str, int]]] = {type_id: [] for type_id in chosen}
    for type_id, group, count in session.execute(
        select(PoolQuota.unit_type_id, PoolQuota.group, PoolQuota.count)
        .where(PoolQuota.unit_type_id.in_(chosen), PoolQuota.count > 0)
        .order_by(PoolQuota.id)
    ):
        quotas[type_id].append((group, count))
    return [
        lottery.Pool(code, tuple(units[type_id]), tuple(quotas[type_id])) for type_id, code in chosen.items()
    ]


def facts(session: Session, plan: Plan) -> list[PoolFacts]:
    """Each unit type of the plan with its entries, free units, quotas and groups (for the ready list)."""
    listed = entries(session, plan)
    per_pool = Counter(e.pool for e in listed)
    per_group = Counter((e.pool, e.group) for e in listed if e.group != lottery.GROUP_NONE)
    types = session.execute(
        select(UnitType.id, Project.code, UnitType.code, UnitType.name)
        .join(Project, Project.id == UnitType.project_id)
        .where(Project.plan_id == plan.id)
        .order_by(Project.code, UnitType.code)
    ).all()
    free = Counter(
        session.scalars(
            select(Unit.unit_type_id).where(
                Unit.unit_type_id.in_([t[0] for t in types]), Unit.status == m.UnitStatus.FREE.value
            )
        )
    )
    quotas: dict[int, list[tuple[str, int]]] = {}
    for type_id, group, count in session.execute(
        select(PoolQuota.unit_type_id, PoolQuota.group, PoolQuota.count)
        .where(PoolQuota.unit_type_id.in_([t[0] for t in types]))
        .order_by(PoolQuota.id)
    ):
        quotas.setdefault(type_id, []).append((group, count))
    result = []
    for type_id, project, type_code, name in types:
        code = pool_code(project, type_code)
        groups = tuple(sorted((g, n) for (p, g), n in per_group.items() if p == code))
        result.append(
            PoolFacts(
                code,
                project,
                type_code,
                name,
                per_pool[code],
                free[type_id],
                tuple(quotas.get(type_id, [])),
                groups,
            )
        )
    return result
