"""The centre's demo lottery: a quick plan whose window has closed, 300 registrations, quotas, priority groups.

So that ``scripts/run-demo.sh`` shows a plan ready to freeze and draw at once. The plan, its project and units
go through the catalog import like the rest of the demo (dates relative to the load: the window always
closed two days ago); the registrations are written once, as if counter 90 (an import device, never enabled)
had taken them during the window, and never again: a reload leaves a drawn demo plan as it is.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from kiosk_central import id_index
from kiosk_central.services.importer import ImportSummary, import_kind
from kiosk_central.services.registrations import PENDING_REVIEW
from kiosk_central.tables import (
    Device,
    Household,
    Plan,
    PoolQuota,
    Registration,
    RegistrationPerson,
    UnitType,
)
from kiosk_core import model as m
from kiosk_core.reg_no import make_reg_no

PLAN = "Q2610"
PROJECT = "P-DX-01"
ONE_ROOM, TWO_ROOMS = f"{PROJECT}-1R", f"{PROJECT}-2R"
REGISTRATIONS = 300
COUNTER = "90"
DEVICE_ID = "00000000-0000-4000-8000-000000002610"
NOTICE_VERSION = 1
QUOTAS = {
    ONE_ROOM: (("elderly", 6), ("disabled", 3), ("hardship", 2)),
    TWO_ROOMS: (("elderly", 3), ("disabled", 2), ("hardship", 2)),
}
ELDERLY_BORN_BEFORE = "19500101"  # the applicant's birth date, from the ID number
_HOUSEHOLDS: Table = Household.__table__  # type: ignore[assignment]
_SET_GROUP = (
    update(_HOUSEHOLDS)
    .where(_HOUSEHOLDS.c.filing_no == bindparam("filing"))
    .values(priority_group=bindparam("group"))
)


def catalog(today: date) -> list[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """The plan, project, unit types and units as import kinds (times relative to ``today``)."""

    def at(days: int, clock: time) -> datetime:
        return datetime.combine(today + timedelta(days=days), clock)

    plan: dict[str, Any] = {
        "code": PLAN,
        "name": "2026年第三批公共租赁住房快速配租",
        "kind": m.PlanKind.QUICK.value,
        "announcement": "2026年第三批公共租赁住房快速配租登记已结束，将在公证机构监督下公开摇号，结果在本中心公示。",
        "allowed_districts": [],
        "max_registrations_per_household": 1,
        "window_start": at(-20, time(9, 0)),
        "window_end": at(-2, time(17, 0)),
        "cancel_deadline": at(-4, time(17, 0)),
        "notices": [
            {"version": NOTICE_VERSION, "title": "快速配租登记告知书", "text": "登记结束后公开摇号确定顺序。"}
        ],
    }
    project: dict[str, Any] = {
        "plan_code": PLAN,
        "code": PROJECT,
        "name": "瀛海和悦家园",
        "district": "大兴区",
        "address": "北京市大兴区瀛海镇南海子公园东侧",
        "description": "瀛海和悦家园位于大兴区瀛海镇，距地铁亦庄线约1公里，共3栋高层住宅，精装修交付。",
        "photos": [],  # its window has closed: no counter shows it for registration
    }
    types: list[dict[str, Any]] = [
        {"project_code": PROJECT, "code": ONE_ROOM, "name": "一居室", "area": 38.5, "rent": 1540,
         "unit_count": 24, "min_family": 1, "max_family": 2},
        {"project_code": PROJECT, "code": TWO_ROOMS, "name": "两居室", "area": 54.0, "rent": 2160,
         "unit_count": 16, "min_family": 2, "max_family": 4},
    ]  # fmt: skip
    units: list[dict[str, Any]] = []
    for building, type_code, floors, per_floor, area in (
        ("1", ONE_ROOM, 12, 2, 38.5),
        ("2", TWO_ROOMS, 8, 2, 54.0),
    ):
        for floor in range(2, 2 + floors):
            for n in range(1, per_floor + 1):
                number = f"{floor:02d}{n:02d}"
                units.append(
                    {"project_code": PROJECT, "unit_type_code": type_code, "code": f"{PROJECT}-{building}-{number}",
                     "building": building, "floor": floor, "number": number, "orientation": "南北" if n == 1 else "南",
                     "area": area, "rent": round(area * 40), "status": m.UnitStatus.FREE.value}
                )  # fmt: skip
    return [
        (kind, [(f"摇号演示{label}第{n}条", item) for n, item in enumerate(items, 1)])
        for kind, label, items in (
            ("plans", "计划", [plan]),
            ("projects", "项目", [project]),
            ("unit-types", "户型", types),
            ("units", "房源", units),
        )
    ]


def priority_group(index: int, applicant_id_number: str) -> str | None:
    """A demo household's group: the oldest applicants elderly, a few others disabled or in hardship."""
    if applicant_id_number[6:14] < ELDERLY_BORN_BEFORE:
        return "elderly"
    if index % 29 == 3:
        return "disabled"
    if index % 31 == 5:
        return "hardship"
    return None


def load(
    session: Session, households: list[dict[str, Any]], *, now: datetime, photo_dir: Any
) -> list[ImportSummary]:
    """Import the plan (caller's transaction), set groups and quotas, and register 300 households once."""
    summaries = [
        import_kind(session, kind, labeled, photo_dir=photo_dir, now=now)
        for kind, labeled in catalog(now.date())
    ]
    for index, h in enumerate(sorted(households, key=lambda h: h["filing_no"])):
        group = priority_group(index, h["applicant_id_number"])
        session.execute(
            update(Household).where(Household.filing_no == h["filing_no"]).values(priority_group=group)
        )
    plan = session.scalars(select(Plan).where(Plan.code == PLAN)).one()
    _quotas(session)
    if not session.scalar(
        select(func.count()).select_from(Registration).where(Registration.plan_id == plan.id)
    ):
        _register(session, plan, households, now)
    return summaries


def _quotas(session: Session) -> None:
    types = {
        c: i
        for c, i in session.execute(select(UnitType.code, UnitType.id).where(UnitType.code.in_(list(QUOTAS))))
    }
    have = {(t, g) for t, g in session.execute(select(PoolQuota.unit_type_id, PoolQuota.group))}
    for code, quotas in QUOTAS.items():
        for group, count in quotas:
            if (types[code], group) not in have:
                session.add(PoolQuota(unit_type_id=types[code], group=group, count=count))


def _register(session: Session, plan: Plan, households: list[dict[str, Any]], now: datetime) -> None:
    if session.get(Device, DEVICE_ID) is None:
        session.add(
            Device(
                id=DEVICE_ID,
                counter=COUNTER,
                name="摇号演示数据（中心导入）",
                secret_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                active=False,
                enrolled_at=now,
            )
        )
        session.flush()
    ids = {f: i for f, i in session.execute(select(Household.filing_no, Household.id))}
    types = {c: i for c, i in session.execute(select(UnitType.code, UnitType.id))}
    project_id = session.scalars(select(UnitType.project_id).where(UnitType.code == ONE_ROOM)).one()
    taken: set[str] = set()
    registrations: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    for h in sorted(households, key=lambda h: h["filing_no"]):
        people = [h["applicant_id_number"], *(x["id_number"] for x in h["members"])]
        if (
            len(registrations) == REGISTRATIONS
            or h["status"] != "valid"
            or int(h.get("valid_until_days", 0)) <= 0
            or len(people) > 4
            or taken.intersection(people)
        ):
            continue
        taken.update(people)
        seq = len(registrations) + 1
        type_code = ONE_ROOM if len(people) == 1 or (len(people) == 2 and seq % 2) else TWO_ROOMS
        at = plan.window_start + timedelta(minutes=53 * seq)  # spread over the window's first weeks
        registrations.append(
            {
                "reg_no": make_reg_no(PLAN, seq, COUNTER),
                "plan_id": plan.id,
                "household_id": ids[h["filing_no"]],
                "project_id": project_id,
                "unit_type_id": types[type_code],
                "unit_id": None,
                "slot": 1,
                "status": m.RegistrationStatus.ACTIVE.value,
                "phone": h["phone"],
                "counter": COUNTER,
                "device_id": DEVICE_ID,
                "kiosk_operator_id": None,
                "created_at": at,
                "event_time": at,
                "received_at": at + timedelta(minutes=1),
                "notice_version": NOTICE_VERSION,
                "notice_read_aloud": False,
                "notice_ack_at": at,
                "verification_code": hashlib.sha256(f"demo{seq}".encode()).hexdigest()[:8].upper(),
                "review_status": PENDING_REVIEW,
                "reject_reason": "",
            }
        )
        persons.extend(
            {
                "plan_id": plan.id,
                "household_id": ids[h["filing_no"]],
                "id_hash": person,
                "registrations": 1,
                "active": True,
            }
            for person in id_index.hashes(session, people).values()
        )
    session.execute(insert(Registration), registrations)
    session.execute(insert(RegistrationPerson), persons)
