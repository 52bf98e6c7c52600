"""The catalog as changes since a version: what a kiosk needs to bring its local tables up to date."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from kiosk_central.services.errors import InvalidRequest
from kiosk_central.tables import (
    Household,
    Member,
    Notice,
    Operator,
    Plan,
    Project,
    Registration,
    Unit,
    UnitType,
)
from kiosk_core.wire import (
    CatalogChange,
    CatalogEntity,
    HouseholdData,
    MemberData,
    NoticeData,
    OperatorData,
    PlanData,
    ProjectData,
    ReviewChange,
    UnitData,
    UnitTypeData,
)

Change = CatalogChange
_TABLES: dict[CatalogEntity, Any] = {
    "plan": Plan,
    "notice": Notice,
    "project": Project,
    "unit_type": UnitType,
    "unit": Unit,
    "household": Household,
    "operator": Operator,
}


@dataclass(frozen=True)
class ChangesPage:
    version: int  # the highest version in this page, or ``since`` when the page is empty
    more: bool
    changes: list[CatalogChange] | list[ReviewChange]

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "more": self.more, "changes": self.changes}


def check_paging(since: int, limit: int | None, default: int, maximum: int) -> int:
    if since < 0:
        raise InvalidRequest(f"since 不能为负数：{since}", code="since_negative")
    limit = default if limit is None else limit
    if not 1 <= limit <= maximum:
        raise InvalidRequest(f"limit 应在 1 到 {maximum} 之间，现在是 {limit}", code="limit_range")
    return limit


def catalog_changes(session: Session, since: int, limit: int) -> ChangesPage:
    """Rows changed after ``since``, oldest first, at most ``limit``; each row as it is now.

    First the versions of the page (a merge of the per-table version indexes), then each table's rows in
    (since, last version of the page]. Plain READ COMMITTED is enough: versions commit in order (the counter
    lock), so no row can appear later with a version at or below the page's last; a row changed between the
    statements has moved above it and comes in a later page.
    """
    try:
        branches = [
            select(literal_column(f"'{name}'", String).label("entity"), table.version.label("version")).where(
                table.version > since
            )
            for name, table in _TABLES.items()
        ]
        merged = union_all(*branches).subquery()
        rows = session.execute(
            select(merged.c.entity, merged.c.version).order_by(merged.c.version).limit(limit + 1)
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        if not rows:
            return ChangesPage(since, False, [])
        upper = int(rows[-1].version)
        changes: list[Change] = []
        for entity in {r.entity for r in rows}:
            changes.extend(_LOADERS[entity](session, since, upper))
        changes.sort(key=lambda c: int(c["version"]))
        return ChangesPage(upper, more, changes)
    finally:
        session.rollback()


def plan_counts(session: Session) -> dict[str, int]:
    """Active registrations of every plan, whichever counter took them (plans with none: 0).

    Not a catalog change: counts move with every registration, and versioning them would make every
    registration wait on the catalog counter's lock.
    """
    try:
        active = (
            select(Registration.plan_id, func.count().label("n"))
            .where(Registration.status == "active")
            .group_by(Registration.plan_id)
            .subquery()
        )
        rows = session.execute(
            select(Plan.code, func.coalesce(active.c.n, 0)).outerjoin(active, active.c.plan_id == Plan.id)
        )
        return {code: int(n) for code, n in rows}
    finally:
        session.rollback()


def _change(entity: CatalogEntity, key: str, version: int, data: Any) -> Change:
    return {"entity": entity, "key": key, "version": version, "data": data}


def _plans(s: Session, lo: int, hi: int) -> Iterator[Change]:
    for p in s.scalars(select(Plan).where(Plan.version > lo, Plan.version <= hi)):
        yield _change("plan", p.code, p.version, plan_data(p))


def plan_data(p: Plan) -> PlanData:
    return {
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "announcement": p.announcement,
        "window_start": p.window_start.isoformat(),
        "window_end": p.window_end.isoformat(),
        "cancel_deadline": p.cancel_deadline.isoformat(),
        "allowed_districts": list(p.allowed_districts),
        "max_registrations_per_household": p.max_registrations_per_household,
    }


def _notices(s: Session, lo: int, hi: int) -> Iterator[Change]:
    stmt = (
        select(Notice, Plan.code)
        .join(Plan, Plan.id == Notice.plan_id)
        .where(Notice.version > lo, Notice.version <= hi)
    )
    for n, plan_code in s.execute(stmt):
        data: NoticeData = {
            "plan_code": plan_code,
            "version": n.notice_version,
            "title": n.title,
            "text": n.text,
        }
        yield _change("notice", f"{plan_code}:{n.notice_version}", n.version, data)


def _projects(s: Session, lo: int, hi: int) -> Iterator[Change]:
    stmt = (
        select(Project, Plan.code)
        .join(Plan, Plan.id == Project.plan_id)
        .where(Project.version > lo, Project.version <= hi)
    )
    for p, plan_code in s.execute(stmt):
        data: ProjectData = {
            "code": p.code,
            "plan_code": plan_code,
            "name": p.name,
            "district": p.district,
            "address": p.address,
            "description": p.description,
            "photos": list(p.photos),
        }
        yield _change("project", p.code, p.version, data)


def _unit_types(s: Session, lo: int, hi: int) -> Iterator[Change]:
    stmt = (
        select(UnitType, Project.code)
        .join(Project, Project.id == UnitType.project_id)
        .where(UnitType.version > lo, UnitType.version <= hi)
    )
    for t, project_code in s.execute(stmt):
        data: UnitTypeData = {
            "code": t.code,
            "project_code": project_code,
            "name": t.name,
            "area": t.area,
            "rent": t.rent,
            "unit_count": t.unit_count,
            "min_family": t.min_family,
            "max_family": t.max_family,
        }
        yield _change("unit_type", t.code, t.version, data)


def _units(s: Session, lo: int, hi: int) -> Iterator[Change]:
    stmt = (
        select(Unit, Project.code, UnitType.code)
        .join(Project, Project.id == Unit.project_id)
        .join(UnitType, UnitType.id == Unit.unit_type_id)
        .where(Unit.version > lo, Unit.version <= hi)
    )
    for u, project_code, type_code in s.execute(stmt):
        data: UnitData = {
            "code": u.code,
            "project_code": project_code,
            "unit_type_code": type_code,
            "building": u.building,
            "floor": u.floor,
            "number": u.number,
            "orientation": u.orientation,
            "area": u.area,
            "rent": u.rent,
            "status": u.status,
        }
        yield _change("unit", u.code, u.version, data)


def _households(s: Session, lo: int, hi: int) -> Iterator[Change]:
    # Core rows, not ORM objects: a page can hold 20 000 households and their members.
    in_page = (Household.version > lo) & (Household.version <= hi)
    members: dict[int, list[MemberData]] = {}
    member_rows = s.execute(
        select(Member.household_id, Member.relation, Member.name, Member.id_number)
        .join(Household, Household.id == Member.household_id)
        .where(in_page)
        .order_by(Member.household_id, Member.id)
    )
    for household_id, relation, name, id_number in member_rows:
        members.setdefault(household_id, []).append(
            {"relation": relation, "name": name, "id_number": id_number}
        )
    cols = (
        Household.id,
        Household.filing_no,
        Household.applicant_name,
        Household.applicant_id_number,
        Household.district,
        Household.status,
        Household.valid_until,
        Household.phone,
        Household.version,
    )
    for hid, filing_no, name, id_number, district, status, valid_until, phone, version in s.execute(
        select(*cols).where(in_page)
    ):
        data: HouseholdData = {
            "filing_no": filing_no,
            "applicant_name": name,
            "applicant_id_number": id_number,
            "district": district,
            "status": status,
            "valid_until": valid_until.isoformat(),
            "phone": phone,
            "members": members.get(hid, []),
        }
        yield _change("household", filing_no, version, data)


def _operators(s: Session, lo: int, hi: int) -> Iterator[Change]:
    for o in s.scalars(select(Operator).where(Operator.version > lo, Operator.version <= hi)):
        data: OperatorData = {
            "username": o.username,
            "display_name": o.display_name,
            "role": o.role,
            "password_hash": o.password_hash,
            "active": o.active,
        }
        yield _change("operator", o.username, o.version, data)


_LOADERS: dict[CatalogEntity, Callable[[Session, int, int], Iterator[Change]]] = {
    "plan": _plans,
    "notice": _notices,
    "project": _projects,
    "unit_type": _unit_types,
    "unit": _units,
    "household": _households,
    "operator": _operators,
}
