"""Loading the demo data (kiosk_resources/demo, written by ``python -m kiosk.demo.generate``) into the local cache.

The files store times relative to the load: ``*_days`` are days from ``now``'s date; registration windows open
at 09:00 and close (and cancelling ends) at 17:00, naive local wall time like ``kiosk.services.clock``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select
from sqlalchemy.orm import Session

from kiosk.services.auth import AuthService
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core.model import Role

WINDOW_OPENS = time(9, 0)
WINDOW_CLOSES = time(17, 0)


def load_demo(
    uow_factory: UnitOfWorkFactory, *, now: datetime, resources: Path, operators: bool = True
) -> None:
    """Fill an empty cache with the demo plans, projects, units and households; a no-op once plans exist.

    ``resources`` is the resources folder (the one holding ``demo/``). ``operators``: also create the demo
    counter accounts listed in ``catalog.json`` (passwords in kiosk_resources/demo/README.md) through AuthService;
    accounts whose username exists already are left alone.
    """
    demo = resources / "demo"
    catalog = _read(demo / "catalog.json")
    households = _read(demo / "households.json")["households"]
    today = now.date()
    with uow_factory() as uow:
        s = uow.session
        # Checked inside the write transaction (BEGIN IMMEDIATE): two instances starting at once cannot both load.
        if s.scalar(select(t.Plan.id).limit(1)) is not None:
            return
        for plan in catalog["plans"]:
            _load_plan(s, plan, today, demo / "photos")
        bulk_load_households(s, households, today=today)
        uow.commit()
    if operators:
        _create_operators(uow_factory, catalog["operators"], now)


def bulk_load_households(
    target: Engine | Connection | Session,
    rows: Iterable[Mapping[str, Any]],
    batch: int = 20_000,
    *,
    today: date | None = None,
) -> int:
    """Insert households with their members in batches of ``batch``; returns how many households.

    Rows are shaped like households.json: ``valid_until_days`` (from ``today``, default the real today) or an
    absolute ``valid_until`` (date or ISO text), and ``members`` as a list of relation/name/id_number. Given an
    Engine, everything is one transaction committed here; given a Session or Connection, the caller commits.
    """
    if isinstance(target, Engine):
        with target.begin() as conn:
            return _bulk(conn, rows, batch, today or date.today())
    return _bulk(target, rows, batch, today or date.today())


def _bulk(target: Connection | Session, rows: Iterable[Mapping[str, Any]], batch: int, today: date) -> int:
    # Household ids are given, not generated, so members can point at them without reading ids back.
    next_id = (target.scalar(select(func.max(t.Household.id))) or 0) + 1
    households, members = _table("households"), _table("members")
    total = 0
    it = iter(rows)
    while chunk := list(islice(it, batch)):
        h_rows: list[dict[str, Any]] = []
        m_rows: list[dict[str, Any]] = []
        for row in chunk:
            h_rows.append(
                {
                    "id": next_id,
                    "filing_no": row["filing_no"],
                    "applicant_name": row["applicant_name"],
                    "applicant_id_number": row["applicant_id_number"],
                    "district": row["district"],
                    "status": row["status"],
                    "valid_until": _valid_until(row, today),
                    "phone": row.get("phone", ""),
                }
            )
            m_rows.extend(
                {
                    "household_id": next_id,
                    "relation": m["relation"],
                    "name": m["name"],
                    "id_number": m["id_number"],
                }
                for m in row.get("members", ())
            )
            next_id += 1
        target.execute(insert(households), h_rows)
        if m_rows:
            target.execute(insert(members), m_rows)
        total += len(chunk)
    return total


def _valid_until(row: Mapping[str, Any], today: date) -> date:
    if "valid_until_days" in row:
        return today + timedelta(days=int(row["valid_until_days"]))
    value = row["valid_until"]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _load_plan(s: Session, data: Mapping[str, Any], today: date, photos: Path) -> None:
    def at(days: int, clock: time) -> datetime:
        return datetime.combine(today + timedelta(days=days), clock)

    plan = t.Plan(
        code=data["code"],
        name=data["name"],
        kind=data["kind"],
        announcement=data["announcement"],
        window_start=at(data["window_start_days"], WINDOW_OPENS),
        window_end=at(data["window_end_days"], WINDOW_CLOSES),
        cancel_deadline=at(data["cancel_deadline_days"], WINDOW_CLOSES),
        allowed_districts=list(data["allowed_districts"]),
        max_registrations_per_household=data["max_registrations_per_household"],
        notices=[t.Notice(version=n["version"], title=n["title"], text=n["text"]) for n in data["notices"]],
    )
    s.add(plan)
    s.flush()
    for p in data["projects"]:
        project = t.Project(
            plan_id=plan.id,
            code=p["code"],
            name=p["name"],
            district=p["district"],
            address=p["address"],
            description=p["description"],
            photos=[str((photos / name).resolve()) for name in p["photos"]],
        )
        s.add(project)
        s.flush()
        type_ids: dict[str, int] = {}
        for u in p["unit_types"]:
            unit_type = t.UnitType(project_id=project.id, **u)
            s.add(unit_type)
            s.flush()
            type_ids[u["code"]] = unit_type.id
        units = [
            {
                "project_id": project.id,
                "unit_type_id": type_ids[u["unit_type"]],
                **{k: v for k, v in u.items() if k != "unit_type"},
            }
            for u in p["units"]
        ]
        s.execute(insert(_table("units")), units)


def _create_operators(uow_factory: UnitOfWorkFactory, accounts: list[dict[str, str]], now: datetime) -> None:
    auth = AuthService(uow_factory, clock=lambda: now, counter="demo")
    with uow_factory() as uow:
        existing = set(uow.session.scalars(select(t.Operator.username)))
    for a in accounts:
        if a["username"] not in existing:
            auth.create_operator(a["username"], a["display_name"], Role(a["role"]), a["password"])


def _table(name: str) -> Table:
    # Core tables, not ORM entities: a plain executemany, the quickest way SQLite takes many rows.
    return t.Base.metadata.tables[name]


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
