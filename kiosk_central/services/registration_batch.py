"""A batch's registrations applied set-wise: judged in memory against the state read once, written together.

Each message is checked by the very code the single endpoint runs (``registrations.judge``: fields, choice,
rules at the event's time), then against what the batch read once and has added since: the registration
numbers in use, the households' active slots, the units held and the persons taken in each plan. One that
passes is queued and answered at once; the queue is written in one go (the registrations, the persons'
claims, the units taken) under one savepoint. One that may conflict goes alone through the single
endpoint's path after the queue is written, so it meets the database's constraints exactly as it would have
alone. If the queue's write meets a constraint after all (another counter's transaction got there first),
its savepoint is rolled back and its messages go alone one by one, in order.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk_central import id_index, versions
from kiosk_central.services import registrations, request_cache
from kiosk_central.services.bulk import ListSelect, PlainInsert
from kiosk_central.services.event_values import EventContext
from kiosk_central.services.payloads import RegistrationPayload
from kiosk_central.tables import ACTIVE_REGISTRATION, Plan, Registration, RegistrationPerson, Unit
from kiosk_core import model as m
from kiosk_core.errors import InvalidInput

# Their IN lists written out by hand (bulk.ListSelect): a batch's hundreds of values, every batch.
_REG_NOS = ListSelect(
    select(Registration.reg_no).where(Registration.reg_no.in_(bindparam("reg_nos", expanding=True)))
)
# Two statements, each on its index: an OR of the two made SQLite scan every active registration.
_ACTIVE_SLOTS = ListSelect(
    select(Registration.plan_id, Registration.household_id, Registration.slot).where(
        Registration.status == registrations.ACTIVE,
        Registration.household_id.in_(bindparam("households", expanding=True)),
    )
)
# The partial index's own condition, written as it is, so that SQLite can use the index.
_HELD_UNITS = ListSelect(
    select(Registration.unit_id).where(
        ACTIVE_REGISTRATION, Registration.unit_id.in_(bindparam("units", expanding=True))
    )
)
# By plan and the ID number's keyed hash, as the partial unique index on active persons is keyed.
_PERSONS = ListSelect(
    select(RegistrationPerson.plan_id, RegistrationPerson.id_hash, RegistrationPerson.household_id)
    .join(Plan, Plan.id == RegistrationPerson.plan_id)
    .where(
        Plan.code.in_(bindparam("plans", expanding=True)),
        RegistrationPerson.id_hash.in_(bindparam("hashes", expanding=True)),
        RegistrationPerson.active,
    )
)
_TAKE = (
    update(Unit)
    .where(Unit.id == bindparam("unit_id"), Unit.status == m.UnitStatus.FREE.value)
    .values(status=m.UnitStatus.TAKEN.value, version=bindparam("new_version"))
    .execution_options(synchronize_session=False)
)
_INSERT = PlainInsert(Registration.__table__)  # type: ignore[arg-type]
# Rows per persons upsert, 4 parameters each: well inside SQLite's and PostgreSQL's limits.
_CLAIMS_PER_STATEMENT = (128, 32, 8, 2, 1)


class _Conflict(Exception):
    """The queue's write met another transaction's rows: undo it, and let its messages go alone."""


@dataclass(frozen=True)
class _Queued:
    row: dict[str, Any]
    persons: tuple[str, ...]  # the ID numbers' keyed hashes
    unit: Unit | None


class RegistrationBatch:
    """The registrations of one batch, inside its write transaction (``events.SetWise``)."""

    def __init__(self, session: Session, payloads: list[RegistrationPayload]) -> None:
        request_cache.prefetch_households(session, [p.filing_no for p in payloads])
        self._reg_nos_wanted = sorted({n for n in (_maybe_reg_no(session, p.reg_no) for p in payloads) if n})
        self._unit_codes = sorted({p.unit_code for p in payloads if p.unit_code})
        self._filing_nos = {p.filing_no for p in payloads}
        self._plan_codes = sorted({p.plan_code for p in payloads})
        self._stale = True
        self._queue: list[_Queued] = []
        self._reg_nos: set[str] = set()
        self._slots: dict[tuple[int, int], set[int]] = {}
        self._held_units: set[int] = set()
        self._persons: dict[tuple[int, str], int] = {}

    def judge(self, session: Session, ctx: EventContext[Any]) -> dict[str, Any] | None:
        """The answer of a message queued for writing; None when it may conflict and must go alone.

        Refuses (raises) as the single endpoint would, having written nothing.
        """
        if self._stale:
            self._read(session)
        judged = registrations.judge(session, ctx)
        choice = judged.choice
        plan, household, unit = choice.plan, choice.household, choice.unit
        used = self._slots.setdefault((plan.id, household.id), set())
        slot = next((n for n in range(1, plan.max_registrations_per_household + 1) if n not in used), None)
        persons = tuple(sorted(id_index.hashes(session, judged.rule_ctx.household.id_numbers()).values()))
        if (
            slot is None
            or judged.reg_no in self._reg_nos
            or (unit is not None and unit.id in self._held_units)
            or any(self._persons.get((plan.id, n), household.id) != household.id for n in persons)
        ):
            return None
        self._queue.append(_Queued(registrations.registration_row(judged, ctx, slot), persons, unit))
        self._reg_nos.add(judged.reg_no)
        used.add(slot)
        self._persons.update({(plan.id, n): household.id for n in persons})
        if unit is not None:
            self._held_units.add(unit.id)
            registrations.mark_unit(
                unit, m.UnitStatus.TAKEN
            )  # the next message for it is refused by the rule
        return registrations.accepted(judged.reg_no, ctx)

    def flush(self, session: Session) -> bool:
        """Write the queue; False if it met a constraint (nothing written: its messages must go alone)."""
        queue, self._queue = self._queue, []
        if not queue:
            return True
        try:
            with session.begin_nested():
                _write(session, queue)
        except (IntegrityError, _Conflict):
            for q in queue:
                if q.unit is not None:
                    session.expire(q.unit)  # marked taken when queued: read again as the database has it
            self._stale = True
            return False
        return True

    def changed(self) -> None:
        """A message applied alone changed what the batch read: read it again before judging the next."""
        self._stale = True

    def _read(self, session: Session) -> None:
        request_cache.read_units(session, self._unit_codes)
        known = request_cache.households(session)
        households = [h for n in self._filing_nos if (h := known.get(n)) is not None]
        units = request_cache.units(session)
        unit_ids = [u.id for c in self._unit_codes if (u := units.get(c)) is not None]
        conn = session.connection()
        self._reg_nos = {r for (r,) in _REG_NOS.rows(conn, {"reg_nos": self._reg_nos_wanted})}
        self._slots = {}
        for plan_id, household_id, slot in _ACTIVE_SLOTS.rows(
            conn, {"households": [h.id for h in households]}
        ):
            self._slots.setdefault((plan_id, household_id), set()).add(slot)
        self._held_units = {u for (u,) in _HELD_UNITS.rows(conn, {"units": unit_ids})} if unit_ids else set()
        hashed = id_index.hashes(session, {n for h in households for n in h.id_numbers()})
        self._persons = {
            (plan_id, person): household_id
            for plan_id, person, household_id in _PERSONS.rows(
                conn, {"plans": self._plan_codes, "hashes": sorted(hashed.values())}
            )
        }
        self._stale = False


def _write(session: Session, queue: list[_Queued]) -> None:
    """The queue's rows in the single path's lock order: registrations, persons, the catalog counter, units."""
    conn = session.connection()
    _INSERT.execute(conn, [q.row for q in queue])
    claims = Counter((q.row["plan_id"], q.row["household_id"], n) for q in queue for n in q.persons)
    wanted = sorted(claims.items())
    start = 0
    while start < len(wanted):
        # Statements of a few fixed sizes, largest first and in order: the driver keeps them prepared (SQLite
        # preparing one of a few hundred rows anew each batch cost more than running it).
        size = next(n for n in _CLAIMS_PER_STATEMENT if n <= len(wanted) - start)
        chunk = wanted[start : start + size]
        start += size
        params = [
            v for (plan_id, household, person), count in chunk for v in (plan_id, household, person, count)
        ]
        sql = _claims_sql(size, conn.dialect.paramstyle)
        # A person another household took meanwhile is not returned: the queue must go alone.
        if len(conn.exec_driver_sql(sql, tuple(params)).all()) != size:
            raise _Conflict
    units = [q.unit for q in queue if q.unit is not None]
    if not units:
        return
    first = versions.allocate(session, versions.CATALOG, len(units))
    for offset, unit in enumerate(units):
        taken = conn.execute(_TAKE, {"unit_id": unit.id, "new_version": first + offset})
        if getattr(taken, "rowcount", 0) != 1:
            raise _Conflict
        registrations.mark_unit(unit, m.UnitStatus.TAKEN, first + offset)


@functools.lru_cache(maxsize=64)
def _claims_sql(rows: int, paramstyle: str) -> str:
    """The single path's persons upsert for many households at once, each row counting its registrations.

    Handed to the driver as it is: SQLAlchemy's keying and compiling of a statement with thousands of
    parameters cost more than the whole batch's inserts.
    """
    mark = "?" if paramstyle == "qmark" else "%s"
    row = f"({mark}, {mark}, {mark}, {mark}, TRUE)"
    return (
        "INSERT INTO registration_persons (plan_id, household_id, id_hash, registrations, active) "
        f"VALUES {', '.join([row] * rows)} "
        "ON CONFLICT (plan_id, id_hash) WHERE active "
        "DO UPDATE SET registrations = registration_persons.registrations + excluded.registrations "
        "WHERE registration_persons.household_id = excluded.household_id "
        "RETURNING id_hash"
    )


def _maybe_reg_no(session: Session, raw: str) -> str | None:
    try:
        return registrations.canonical_reg_no(session, raw)
    except InvalidInput:
        return None
