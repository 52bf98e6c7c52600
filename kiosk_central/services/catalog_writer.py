"""Writing catalog records (from an import or the demo): insert or update by natural key, a new version per change.

Versions are allocated once the changes are known and before the rows are written, so the counter is locked
only while writing (lock order: counter, then catalog rows; docs/central-api.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.services.import_rows import Record
from kiosk_central.tables import Household, Member, Notice, Plan, Project, Unit, UnitType

T = TypeVar("T")
CHUNK = 5000
_HOUSEHOLD_FIELDS = ("applicant_name", "applicant_id_number", "district", "status", "valid_until", "phone")


@dataclass
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: WriteCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


def table_of(model: Any) -> Table:
    table: Table = model.__table__
    return table


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _upsert(
    s: Session, model: Any, key: str, rows: Sequence[dict[str, Any]]
) -> tuple[WriteCounts, list[int]]:
    """ORM upsert for the small tables (plans … units: thousands of rows, not millions); also the updated ids."""
    counts = WriteCounts()
    updated: list[int] = []
    column = getattr(model, key)
    existing: dict[Any, Any] = {}
    for batch in chunks([r[key] for r in rows]):
        existing.update((getattr(o, key), o) for o in s.scalars(select(model).where(column.in_(batch))))
    changed = []
    for values in rows:
        row = existing.get(values[key])
        if row is None or any(getattr(row, k) != v for k, v in values.items()):
            changed.append((row, values))
        else:
            counts.unchanged += 1
    if changed:
        first = versions.allocate(s, versions.CATALOG, len(changed))
        for offset, (row, values) in enumerate(changed):
            if row is None:
                row = model(**values)
                s.add(row)
                counts.inserted += 1
            else:
                for k, v in values.items():
                    setattr(row, k, v)
                counts.updated += 1
                updated.append(row.id)
            row.version = first + offset
        s.flush()
    return counts, updated


def restamp_children(
    s: Session,
    plan_ids: Sequence[int] = (),
    project_ids: Sequence[int] = (),
    unit_type_ids: Sequence[int] = (),
) -> None:
    """After a parent changed, give the rows that name it newer versions than the parent's.

    Kiosks apply changes in version order and look parents up by code: a project must never come before its
    plan, a unit before its unit type. New and changed rows always get the newest versions, so only a changed
    parent can break the order; re-versioning its notices, projects, unit types and units restores it.
    """
    notices = list(s.scalars(select(Notice).where(Notice.plan_id.in_(plan_ids)))) if plan_ids else []
    projects = list(s.scalars(select(Project).where(Project.plan_id.in_(plan_ids)))) if plan_ids else []
    project_ids = sorted({*project_ids, *(p.id for p in projects)})
    types = list(
        s.scalars(
            select(UnitType).where(UnitType.project_id.in_(project_ids) | UnitType.id.in_(unit_type_ids))
        )
    )
    type_ids = sorted({*unit_type_ids, *(t.id for t in types)})
    units = list(
        s.scalars(select(Unit).where(Unit.project_id.in_(project_ids) | Unit.unit_type_id.in_(type_ids)))
    )
    rows: list[Any] = [*notices, *projects, *types, *units]
    if rows:
        versions.stamp(s, rows)
        s.flush()


def code_ids(s: Session, model: Any, codes: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in chunks(sorted(set(codes))):
        found.update(s.execute(select(model.code, model.id).where(model.code.in_(batch))).all())
    return found


def upsert_plans(s: Session, records: Sequence[Record]) -> WriteCounts:
    counts, updated = _upsert(
        s, Plan, "code", [{k: v for k, v in r.items() if k != "notices"} for r in records]
    )
    plan_ids = code_ids(s, Plan, [r["code"] for r in records])
    for r in records:
        if r["notices"]:
            notices = [{"plan_id": plan_ids[r["code"]], **n} for n in r["notices"]]
            counts.add(_upsert_notices(s, plan_ids[r["code"]], notices))
    restamp_children(s, plan_ids=updated)
    return counts


def _upsert_notices(s: Session, plan_id: int, notices: Sequence[dict[str, Any]]) -> WriteCounts:
    counts = WriteCounts()
    existing = {n.notice_version: n for n in s.scalars(select(Notice).where(Notice.plan_id == plan_id))}
    changed = [
        n
        for n in notices
        if n["notice_version"] not in existing
        or any(getattr(existing[n["notice_version"]], k) != v for k, v in n.items())
    ]
    counts.unchanged = len(notices) - len(changed)
    if changed:
        first = versions.allocate(s, versions.CATALOG, len(changed))
        for offset, n in enumerate(changed):
            row = existing.get(n["notice_version"])
            if row is None:
                s.add(Notice(**n, version=first + offset))
                counts.inserted += 1
            else:
                row.title, row.text, row.version = n["title"], n["text"], first + offset
                counts.updated += 1
        s.flush()
    return counts


def upsert_projects(s: Session, records: Sequence[Record]) -> WriteCounts:
    plan_ids = code_ids(s, Plan, [r["plan_code"] for r in records])
    rows = [
        {"plan_id": plan_ids[r["plan_code"]], **{k: v for k, v in r.items() if k != "plan_code"}}
        for r in records
    ]
    counts, updated = _upsert(s, Project, "code", rows)
    restamp_children(s, project_ids=updated)
    return counts


def upsert_unit_types(s: Session, records: Sequence[Record]) -> WriteCounts:
    project_ids = code_ids(s, Project, [r["project_code"] for r in records])
    rows = [
        {"project_id": project_ids[r["project_code"]], **{k: v for k, v in r.items() if k != "project_code"}}
        for r in records
    ]
    counts, updated = _upsert(s, UnitType, "code", rows)
    restamp_children(s, unit_type_ids=updated)
    return counts


def upsert_units(s: Session, records: Sequence[Record]) -> WriteCounts:
    codes = sorted({r["unit_type_code"] for r in records})
    types: dict[str, tuple[int, int]] = {}
    for batch in chunks(codes):
        for code, type_id, project_id in s.execute(
            select(UnitType.code, UnitType.id, UnitType.project_id).where(UnitType.code.in_(batch))
        ):
            types[code] = (type_id, project_id)
    rows = []
    for r in records:
        type_id, project_id = types[r["unit_type_code"]]
        values = {k: v for k, v in r.items() if k not in ("unit_type_code", "project_code")}
        rows.append({"unit_type_id": type_id, "project_id": project_id, **values})
    return _upsert(s, Unit, "code", rows)[0]


def upsert_households(s: Session, records: Iterable[Record]) -> WriteCounts:
    """Core statements in chunks: an import may carry a million households.

    A phone changed at a counter (``phone_updated_at`` set) is newer than any filing file: the import keeps it.
    """
    counts = WriteCounts()
    h, m = table_of(Household), table_of(Member)
    for batch in chunks(records):
        existing = {
            row.filing_no: row
            for row in s.execute(
                select(
                    h.c.id, h.c.filing_no, h.c.phone_updated_at, *(h.c[f] for f in _HOUSEHOLD_FIELDS)
                ).where(h.c.filing_no.in_([r["filing_no"] for r in batch]))
            )
        }
        members: dict[int, list[tuple[str, str, str]]] = {}
        for hid, relation, name, number in s.execute(
            select(m.c.household_id, m.c.relation, m.c.name, m.c.id_number)
            .where(m.c.household_id.in_([row.id for row in existing.values()]))
            .order_by(m.c.household_id, m.c.id)
        ):
            members.setdefault(hid, []).append((relation, name, number))
        new, changed = [], []
        for r in batch:
            old = existing.get(r["filing_no"])
            if old is None:
                new.append(r)
                continue
            values = {f: r[f] for f in _HOUSEHOLD_FIELDS}
            if old.phone_updated_at is not None:
                values["phone"] = old.phone
            wanted = [(x["relation"], x["name"], x["id_number"]) for x in r["members"]]
            if any(getattr(old, f) != v for f, v in values.items()) or members.get(old.id, []) != wanted:
                changed.append((old.id, values, r["members"]))
            else:
                counts.unchanged += 1
        if not new and not changed:
            continue
        first = versions.allocate(s, versions.CATALOG, len(new) + len(changed))
        member_rows: list[dict[str, Any]] = []
        if new:
            ids = s.scalars(
                insert(h).returning(h.c.id, sort_by_parameter_order=True),
                [
                    {
                        "filing_no": r["filing_no"],
                        **{f: r[f] for f in _HOUSEHOLD_FIELDS},
                        "version": first + i,
                    }
                    for i, r in enumerate(new)
                ],
            ).all()
            for hid, r in zip(ids, new, strict=True):
                member_rows.extend({"household_id": hid, **x} for x in r["members"])
        if changed:
            base = first + len(new)
            s.execute(
                update(h).where(h.c.id == bindparam("b_id")),
                [{"b_id": hid, **values, "version": base + i} for i, (hid, values, _) in enumerate(changed)],
            )
            s.execute(delete(m).where(m.c.household_id.in_([hid for hid, _, _ in changed])))
            for hid, _, wanted_members in changed:
                member_rows.extend({"household_id": hid, **x} for x in wanted_members)
        if member_rows:
            s.execute(insert(m), member_rows)
        counts.inserted += len(new)
        counts.updated += len(changed)
    return counts
