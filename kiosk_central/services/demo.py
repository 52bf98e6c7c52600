"""The kiosk's demo data (kiosk_resources/demo, ``python -m kiosk.demo.generate``) loaded into the central catalog.

A quick plan whose window has closed, with 300 registrations and quotas, waits to be drawn (demo_lottery.py);
another, drawn for on-site selection, has its first round running (demo_selection.py).

The projects' photos (kiosk_resources/demo/photos, drawn by kiosk/demo/photos.py) are stored at the centre too, so
counters that sync get them with the catalog.

Times in the files are relative to the load, as kiosk/services/demo_data.py reads them: ``*_days`` are days
from today; windows open at 09:00 and close (and cancelling ends) at 17:00, local wall time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk_central.db import begin_write
from kiosk_central.services import demo_lottery, demo_selection
from kiosk_central.services.auth import AuthService
from kiosk_central.services.importer import ImportSummary, import_kind
from kiosk_central.tables import Operator
from kiosk_core.resources import RESOURCES

WINDOW_OPENS = time(9, 0)
WINDOW_CLOSES = time(17, 0)
DEFAULT_RESOURCES = RESOURCES
# The centre's own demo accounts, besides the counter accounts listed in catalog.json.
DEMO_OPERATORS = (
    {"username": "clerk1", "password": "kiosk-demo-1", "display_name": "王晓梅", "role": "clerk"},
    {"username": "super1", "password": "kiosk-demo-2", "display_name": "李建国", "role": "supervisor"},
)


@dataclass(frozen=True)
class DemoLoad:
    summaries: list[ImportSummary]
    operators_created: list[str]


def load_demo(
    session: Session, auth: AuthService, *, now: datetime, resources: Path | None = None
) -> DemoLoad:
    """Insert or update the demo catalog (dates moved to ``now``) and create missing demo operators."""
    demo = (resources or DEFAULT_RESOURCES) / "demo"
    catalog = _read(demo / "catalog.json")
    households = _read(demo / "households.json")["households"]
    today = now.date()
    batches = demo_batches(catalog, households, today)
    begin_write(session)
    summaries = [
        import_kind(session, kind, labeled, photo_dir=demo / "photos", now=now) for kind, labeled in batches
    ]
    # After the households: the lottery's plan registers some of them.
    summaries += demo_lottery.load(session, households, now=now, photo_dir=demo / "photos")
    summaries += demo_selection.load(session, households, now=now, photo_dir=demo / "photos")
    session.commit()
    demo_selection.arrange(session, now=now)
    created = []
    existing = set(session.scalars(select(Operator.username)))
    session.rollback()
    for account in [*catalog.get("operators", []), *DEMO_OPERATORS]:
        if account["username"] not in existing:
            auth.create_operator(
                session, account["username"], account["display_name"], account["role"], account["password"]
            )
            existing.add(account["username"])
            created.append(account["username"])
    return DemoLoad(summaries, created)


def demo_batches(
    catalog: dict[str, Any], households: list[dict[str, Any]], today: date
) -> list[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """The nested demo catalog as the import kinds, in reference order."""

    def at(days: int, clock: time) -> datetime:
        return datetime.combine(today + timedelta(days=days), clock)

    plans: list[dict[str, Any]] = []
    projects: list[dict[str, Any]] = []
    unit_types: list[dict[str, Any]] = []
    units: list[dict[str, Any]] = []
    for plan in catalog["plans"]:
        plans.append(
            {
                **{k: plan[k] for k in ("code", "name", "kind", "announcement", "allowed_districts")},
                "max_registrations_per_household": plan["max_registrations_per_household"],
                "window_start": at(plan["window_start_days"], WINDOW_OPENS),
                "window_end": at(plan["window_end_days"], WINDOW_CLOSES),
                "cancel_deadline": at(plan["cancel_deadline_days"], WINDOW_CLOSES),
                "notices": plan["notices"],
            }
        )
        for project in plan["projects"]:
            keep = ("code", "name", "district", "address", "description", "photos")
            projects.append({"plan_code": plan["code"], **{k: project[k] for k in keep}})
            unit_types.extend({"project_code": project["code"], **t} for t in project["unit_types"])
            units.extend(
                {"project_code": project["code"], "unit_type_code": u["unit_type"]}
                | {k: v for k, v in u.items() if k != "unit_type"}
                for u in project["units"]
            )
    filings = [
        {k: v for k, v in h.items() if k != "valid_until_days"}
        | (
            {"valid_until": today + timedelta(days=int(h["valid_until_days"]))}
            if "valid_until_days" in h
            else {}
        )
        for h in households
    ]
    return [
        (kind, [(f"{label}第{n}条", item) for n, item in enumerate(items, 1)])
        for kind, label, items in (
            ("plans", "catalog.json 计划", plans),
            ("projects", "catalog.json 项目", projects),
            ("unit-types", "catalog.json 户型", unit_types),
            ("units", "catalog.json 房源", units),
            ("households", "households.json ", filings),
        )
    ]


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
