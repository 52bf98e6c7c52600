"""Applying the centre's catalog changes to the local cache, upserting by natural key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from kiosk.storage import tables as t
from kiosk_core.model import RegistrationStatus, UnitStatus
from kiosk_core.wire import CatalogChange


def apply_changes(session: Session, changes: list[CatalogChange]) -> None:
    """One page, in the centre's order; households (most of a page, and referenced by nothing that comes
    down) are written in bulk after the rest, so a first sync of a large roster takes seconds, not minutes."""
    households: dict[str, dict[str, Any]] = {}
    for change in changes:
        if change["entity"] == "household":
            households[change["data"]["filing_no"]] = change["data"]  # the newest state of each wins
        else:
            _APPLY[change["entity"]](session, change["data"])
    if households:
        _households(session, list(households.values()))


def _upsert(session: Session, model: type[Any], where: Any, values: dict[str, Any]) -> Any:
    row = session.scalar(select(model).where(where))
    if row is None:
        row = model(**values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.flush()
    return row


def _id(session: Session, model: type[Any], column: Any, key: str) -> int:
    found = session.scalar(select(model.id).where(column == key))
    if found is None:
        raise LookupError(f"{model.__tablename__} {key} missing: changes out of order")
    return int(found)


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=None)


def _plan(s: Session, d: dict[str, Any]) -> None:
    _upsert(
        s,
        t.Plan,
        t.Plan.code == d["code"],
        {
            "code": d["code"],
            "name": d["name"],
            "kind": d["kind"],
            "announcement": d.get("announcement", ""),
            "window_start": _dt(d["window_start"]),
            "window_end": _dt(d["window_end"]),
            "cancel_deadline": _dt(d["cancel_deadline"]),
            "allowed_districts": list(d.get("allowed_districts") or []),
            "max_registrations_per_household": int(d.get("max_registrations_per_household", 1)),
        },
    )


def _notice(s: Session, d: dict[str, Any]) -> None:
    plan_id = _id(s, t.Plan, t.Plan.code, d["plan_code"])
    values = {"plan_id": plan_id, "version": int(d["version"]), "title": d["title"], "text": d["text"]}
    _upsert(s, t.Notice, (t.Notice.plan_id == plan_id) & (t.Notice.version == values["version"]), values)


def _project(s: Session, d: dict[str, Any]) -> None:
    values = {k: d[k] for k in ("code", "name", "district", "address", "description")}
    values["plan_id"] = _id(s, t.Plan, t.Plan.code, d["plan_code"])
    values["photos"] = list(d.get("photos") or [])
    _upsert(s, t.Project, t.Project.code == d["code"], values)


def _unit_type(s: Session, d: dict[str, Any]) -> None:
    values = {k: d[k] for k in ("code", "name", "area", "rent", "unit_count", "min_family", "max_family")}
    values["project_id"] = _id(s, t.Project, t.Project.code, d["project_code"])
    _upsert(s, t.UnitType, t.UnitType.code == d["code"], values)


def _unit(s: Session, d: dict[str, Any]) -> None:
    values = {k: d[k] for k in ("code", "building", "floor", "number", "orientation", "area", "rent")}
    values["project_id"] = _id(s, t.Project, t.Project.code, d["project_code"])
    values["unit_type_id"] = _id(s, t.UnitType, t.UnitType.code, d["unit_type_code"])
    status = d.get("status", UnitStatus.FREE.value)
    row = s.scalar(select(t.Unit).where(t.Unit.code == d["code"]))
    if row is not None and status == UnitStatus.FREE.value and _held_here(s, row.id):
        # Our own registration, not yet known to the centre, still holds it.
        status = UnitStatus.TAKEN.value
    values["status"] = status
    _upsert(s, t.Unit, t.Unit.code == d["code"], values)


def _held_here(s: Session, unit_id: int) -> bool:
    return (
        s.scalar(
            select(t.Registration.id).where(
                t.Registration.unit_id == unit_id, t.Registration.status == RegistrationStatus.ACTIVE
            )
        )
        is not None
    )


def _households(s: Session, rows: list[dict[str, Any]]) -> None:
    values = [
        {k: d[k] for k in ("filing_no", "applicant_name", "applicant_id_number", "district", "status")}
        | {"valid_until": date.fromisoformat(d["valid_until"][:10]), "phone": d.get("phone", "")}
        for d in rows
    ]
    filing_nos = [v["filing_no"] for v in values]
    existing = _ids_by_filing_no(s, filing_nos)
    updates = [v | {"id": existing[v["filing_no"]]} for v in values if v["filing_no"] in existing]
    inserts = [v for v in values if v["filing_no"] not in existing]
    if updates:
        s.execute(update(t.Household), updates)
    if inserts:
        s.execute(insert(t.Household), inserts)
    ids = existing | _ids_by_filing_no(s, [v["filing_no"] for v in inserts]) if inserts else existing
    if existing:
        s.execute(delete(t.Member).where(t.Member.household_id.in_(list(existing.values()))))
    members = [
        {
            "household_id": ids[d["filing_no"]],
            "relation": m["relation"],
            "name": m["name"],
            "id_number": m["id_number"],
        }
        for d in rows
        for m in d.get("members", [])
    ]
    if members:
        s.execute(insert(t.Member), members)
    s.expire_all()  # rows changed behind the ORM's back: nothing cached may be trusted


def _ids_by_filing_no(s: Session, filing_nos: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(filing_nos), 5000):  # well under SQLite's limit of bound variables
        chunk = filing_nos[start : start + 5000]
        found.update(
            {
                f: i
                for f, i in s.execute(
                    select(t.Household.filing_no, t.Household.id).where(t.Household.filing_no.in_(chunk))
                )
            }
        )
    return found


def _operator(s: Session, d: dict[str, Any]) -> None:
    row = s.scalar(select(t.Operator).where(t.Operator.username == d["username"]))
    values = {
        "username": d["username"],
        "display_name": d["display_name"],
        "role": d["role"],
        "password_hash": d["password_hash"],
        "active": bool(d.get("active", True)),
    }
    if row is None:
        s.add(t.Operator(**values))
    else:  # keep the local failure count and lock: they protect this counter
        for key, value in values.items():
            setattr(row, key, value)


_APPLY: dict[str, Callable[[Session, dict[str, Any]], None]] = {
    "plan": _plan,
    "notice": _notice,
    "project": _project,
    "unit_type": _unit_type,
    "unit": _unit,
    "operator": _operator,
}
