"""The centre's demo selection: a quick plan drawn in mode ``selection`` and published, with its first round
running from the load on, so ``scripts/run-demo.sh`` shows counters calling and the board at once.

Like the demo lottery (demo_lottery.py): the plan, project and units go through the catalog import, the
registrations are written once as counter 90's, and the draw goes through the lottery's own steps (freeze,
sources, run, publish) by a demo supervisor. A reload leaves a drawn plan and an arranged selection as they are.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from kiosk_central import id_index
from kiosk_central.db import begin_write
from kiosk_central.services import demo_lottery, selection_setup
from kiosk_central.services.auth import OperatorInfo, Principal
from kiosk_central.services.draw_rules import SpecIn
from kiosk_central.services.draws import DrawService
from kiosk_central.services.importer import ImportSummary, import_kind
from kiosk_central.services.registrations import PENDING_REVIEW
from kiosk_central.services.unsent import UnsentReports
from kiosk_central.tables import (
    Draw,
    Household,
    Plan,
    Registration,
    RegistrationPerson,
    SelectionPlan,
    UnitType,
)
from kiosk_core import model as m
from kiosk_core.reg_no import make_reg_no

PLAN = "Q2609"
PROJECT = "P-YZ-01"
TYPES = (  # code suffix, name, area, people, building, floors, units per floor
    ("1R", "一居室", 40.0, (1, 1), "1", 8, 3),
    ("2R", "两居室", 56.0, (2, 3), "2", 8, 2),
    ("3R", "三居室", 72.0, (4, 5), "3", 5, 2),
)
REGISTRATIONS = 90
ROUND_SIZE, ROUND_MINUTES, TURN_SECONDS = 30, 60, 120
SUPERVISOR = Principal(
    demo_lottery.DEVICE_ID, demo_lottery.COUNTER, OperatorInfo("super1", "李建国", "supervisor")
)
_DIGITS = "2718281828 4590452353 6028747135 2662497757"
_SPECS = [SpecIn("digits", "公证员现场摇号（选房演示）", 40 * math.log2(10))]


def catalog(today: date) -> list[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    def at(days: int, clock: time) -> datetime:
        return datetime.combine(today + timedelta(days=days), clock)

    plan: dict[str, Any] = {
        "code": PLAN,
        "name": "2026年第二批公共租赁住房现场选房",
        "kind": m.PlanKind.QUICK.value,
        "announcement": "2026年第二批公共租赁住房已按摇号顺序确定选房顺序，请按场次到服务大厅现场选房。",
        "allowed_districts": [],
        "max_registrations_per_household": 1,
        "window_start": at(-40, time(9, 0)),
        "window_end": at(-25, time(17, 0)),
        "cancel_deadline": at(-27, time(17, 0)),
        "notices": [{"version": 1, "title": "选房告知书", "text": "按摇号顺序现场选房，每户限时两分钟。"}],
    }
    project: dict[str, Any] = {
        "plan_code": PLAN,
        "code": PROJECT,
        "name": "亦庄金茂悦家园",
        "district": "大兴区",
        "address": "北京市大兴区亦庄经济开发区荣华南路东侧",
        "description": "亦庄金茂悦家园共3栋，一居、两居、三居，精装修交付。",
        "photos": [],
    }
    types: list[dict[str, Any]] = []
    units: list[dict[str, Any]] = []
    for suffix, name, area, (low, high), building, floors, per_floor in TYPES:
        code = f"{PROJECT}-{suffix}"
        types.append(
            {"project_code": PROJECT, "code": code, "name": name, "area": area, "rent": round(area * 40),
             "unit_count": floors * per_floor, "min_family": low, "max_family": high}
        )  # fmt: skip
        for floor in range(2, 2 + floors):
            for n in range(1, per_floor + 1):
                number = f"{floor:02d}{n:02d}"
                units.append(
                    {"project_code": PROJECT, "unit_type_code": code, "code": f"{PROJECT}-{building}-{number}",
                     "building": building, "floor": floor, "number": number,
                     "orientation": ("南北", "南", "东")[(n - 1) % 3], "area": area, "rent": round(area * 40),
                     "status": m.UnitStatus.FREE.value}
                )  # fmt: skip
    return [
        (kind, [(f"选房演示{label}第{n}条", item) for n, item in enumerate(items, 1)])
        for kind, label, items in (
            ("plans", "计划", [plan]),
            ("projects", "项目", [project]),
            ("unit-types", "户型", types),
            ("units", "房源", units),
        )
    ]


def load(
    session: Session, households: list[dict[str, Any]], *, now: datetime, photo_dir: Any
) -> list[ImportSummary]:
    """Import the plan (caller's transaction, after the demo lottery's device exists) and register once."""
    summaries = [
        import_kind(session, kind, labeled, photo_dir=photo_dir, now=now)
        for kind, labeled in catalog(now.date())
    ]
    session.execute(update(Plan).where(Plan.code == PLAN).values(draw_mode="selection"))
    plan = session.scalars(select(Plan).where(Plan.code == PLAN)).one()
    if session.scalar(select(Registration.id).where(Registration.plan_id == plan.id).limit(1)) is None:
        _register(session, plan, households)
    return summaries


def arrange(session: Session, *, now: datetime) -> None:
    """Draw the plan through the lottery's steps and publish it, then arrange its selection from ``now``."""
    plan = session.scalars(select(Plan).where(Plan.code == PLAN)).one()
    drawn = session.scalar(select(Draw.id).where(Draw.plan_id == plan.id, Draw.state != "retracted"))
    selection = session.scalar(select(SelectionPlan.id).where(SelectionPlan.plan_id == plan.id))
    session.rollback()
    if drawn is None:
        draws = DrawService(lambda: now, PasswordHasher(), UnsentReports(lambda: now))
        record = _done(draws.freeze(session, SUPERVISOR, str(uuid.uuid4()), PLAN, _SPECS, True).body)
        draw_id = int(record["draw_id"])
        _done(
            draws.commit_sources(
                session, SUPERVISOR, str(uuid.uuid4()), draw_id, [(_SPECS[0].label, _DIGITS)]
            ).body
        )
        _done(draws.run(session, SUPERVISOR, str(uuid.uuid4()), draw_id).body)
        _done(draws.publish(session, SUPERVISOR, str(uuid.uuid4()), draw_id).body)
    if selection is None:
        begin_write(session)
        first = now.replace(second=0) - timedelta(
            minutes=5
        )  # the first round is running when the demo starts
        selection_setup.create(
            session, "super1", now, PLAN, ROUND_SIZE, first, ROUND_MINUTES, TURN_SECONDS, 3
        )
        session.commit()


def _done(body: dict[str, Any]) -> dict[str, Any]:
    if "code" in body:
        raise RuntimeError(f"demo selection draw refused: {body['code']} {body['message']}")
    return body


def _register(session: Session, plan: Plan, households: list[dict[str, Any]]) -> None:
    ids = {f: i for f, i in session.execute(select(Household.filing_no, Household.id))}
    types = {
        c: (i, p) for c, i, p in session.execute(select(UnitType.code, UnitType.id, UnitType.project_id))
    }
    registrations: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    taken: set[str] = set()
    # From the end of the list: the demo lottery registers from the start, and a person is in one plan's list
    # only once, so the two demo plans overlap as little as they can.
    for h in sorted(households, key=lambda h: h["filing_no"], reverse=True):
        people = [h["applicant_id_number"], *(x["id_number"] for x in h["members"])]
        fits = [t for t in TYPES if t[3][0] <= len(people) <= t[3][1]]
        if (
            len(registrations) == REGISTRATIONS
            or not fits
            or h["status"] != "valid"
            or int(h.get("valid_until_days", 0)) <= 0
            or taken.intersection(people)
        ):
            continue
        taken.update(people)
        seq = len(registrations) + 1
        type_id, project_id = types[f"{PROJECT}-{fits[0][0]}"]
        at = plan.window_start + timedelta(minutes=97 * seq)
        registrations.append(
            {"reg_no": make_reg_no(PLAN, seq, demo_lottery.COUNTER), "plan_id": plan.id,
             "household_id": ids[h["filing_no"]], "project_id": project_id, "unit_type_id": type_id,
             "unit_id": None, "slot": 1, "status": m.RegistrationStatus.ACTIVE.value, "phone": h["phone"],
             "counter": demo_lottery.COUNTER, "device_id": demo_lottery.DEVICE_ID, "kiosk_operator_id": None,
             "created_at": at, "event_time": at, "received_at": at + timedelta(minutes=1), "notice_version": 1,
             "notice_read_aloud": False, "notice_ack_at": at,
             "verification_code": hashlib.sha256(f"selection{seq}".encode()).hexdigest()[:8].upper(),
             "review_status": PENDING_REVIEW, "reject_reason": ""}
        )  # fmt: skip
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
