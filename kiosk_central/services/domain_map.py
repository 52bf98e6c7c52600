"""Central rows as the shared core's values, typed on the centre's own tables, so the very same rules judge them."""

from __future__ import annotations

from kiosk_central.tables import Household, Plan, Unit, UnitType
from kiosk_core import model as m


def household(row: Household) -> m.Household:
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


def plan(row: Plan) -> m.Plan:
    latest = row.notices[-1] if row.notices else None
    notice = m.Notice(latest.notice_version, latest.title, latest.text) if latest else m.NO_NOTICE
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
    )


def unit_type(row: UnitType) -> m.UnitType:
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


def unit(row: Unit) -> m.Unit:
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
