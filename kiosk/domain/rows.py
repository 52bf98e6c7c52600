"""Domain values from table rows: the counter's cache and the centre's tables use the same attribute names.

Rows are taken as they come (duck-typed): the domain knows no storage, and both sides judge with the same
eligibility rules on the same values.
"""

from __future__ import annotations

from typing import Any

from kiosk.domain import model as m


def household(row: Any) -> m.Household:
    return m.Household(
        id=row.id,
        filing_no=row.filing_no,
        applicant_name=row.applicant_name,
        applicant_id_number=row.applicant_id_number,
        district=row.district,
        status=m.FilingStatus(row.status),
        valid_until=row.valid_until,
        phone=row.phone,
        members=tuple(m.Member(x.relation, x.name, x.id_number) for x in row.members),
    )


def plan(row: Any, notice: m.Notice, registered_count: int = 0) -> m.Plan:
    """``notice`` is the plan's current one: the two sides name its version column differently."""
    return m.Plan(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=m.PlanKind(row.kind),
        announcement=row.announcement,
        window_start=row.window_start,
        window_end=row.window_end,
        cancel_deadline=row.cancel_deadline,
        allowed_districts=tuple(row.allowed_districts or ()),
        max_registrations_per_household=row.max_registrations_per_household,
        notice=notice,
        registered_count=registered_count,
    )


def unit_type(row: Any) -> m.UnitType:
    return m.UnitType(
        id=row.id,
        project_id=row.project_id,
        code=row.code,
        name=row.name,
        area=row.area,
        rent=row.rent,
        unit_count=row.unit_count,
        min_family=row.min_family,
        max_family=row.max_family,
    )


def unit(row: Any) -> m.Unit:
    return m.Unit(
        id=row.id,
        project_id=row.project_id,
        unit_type_id=row.unit_type_id,
        code=row.code,
        building=row.building,
        floor=row.floor,
        number=row.number,
        orientation=row.orientation,
        area=row.area,
        rent=row.rent,
        status=m.UnitStatus(row.status),
    )


NO_NOTICE = m.Notice(0, "", "")
