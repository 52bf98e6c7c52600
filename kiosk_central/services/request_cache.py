"""What one request to the centre has read, kept on its session (``Session.info``) for the messages after.

A batch reads its households and units once; each message of it (and the single path a message may take
alone) looks them up here before asking the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kiosk_central.services.bulk import ListSelect
from kiosk_central.tables import Household, Member, Unit
from kiosk_core import model as m

# Plain rows, not ORM objects: a batch reads a hundred households and their members, and building the
# core's values from rows costs a fraction of loading and then converting mapped objects.
_HOUSEHOLDS = ListSelect(
    select(
        Household.id,
        Household.filing_no,
        Household.applicant_name,
        Household.applicant_id_number,
        Household.district,
        Household.status,
        Household.valid_until,
        Household.phone,
        Member.relation,
        Member.name,
        Member.id_number,
    )
    .outerjoin(Member, Member.household_id == Household.id)
    .where(Household.filing_no.in_(bindparam("filing_nos", expanding=True)))
    .order_by(Household.id, Member.id)
)
_UNIT = select(Unit).where(Unit.code == bindparam("code"))
_UNITS = select(Unit).where(Unit.code.in_(bindparam("codes", expanding=True)))

HOUSEHOLDS_KEY = "registration_households"
UNITS_KEY = "registration_units"


def unit(s: Session, code: str) -> Unit | None:
    units: dict[str, Unit | None] = s.info.setdefault(UNITS_KEY, {})
    if code in units:
        return units[code]
    return s.scalars(_UNIT, {"code": code}).first()


def prefetch_households(session: Session, filing_nos: list[str]) -> None:
    """These households as the core's values, in one query (a batch's: instead of one query per message).

    Inside the batch's write transaction, before its first message: what the messages then read is what
    they would have read one by one (a batch changes no household's filing, members or district).
    """
    wanted = sorted(set(filing_nos))
    if not wanted:
        return
    heads: dict[str, tuple[Any, ...]] = {}
    members: dict[str, list[m.Member]] = {}
    # On the session's connection, its list written out by hand (bulk.ListSelect): the ORM's execution path
    # and SQLAlchemy's expansion of the list cost more than the query. Nothing of these rows is pending.
    for row in _HOUSEHOLDS.rows(session.connection(), {"filing_nos": wanted}):
        filing_no = row[1]
        if filing_no not in heads:
            heads[filing_no], members[filing_no] = tuple(row[:8]), []
        if row[10] is not None:
            members[filing_no].append(m.Member(row[8], row[9], row[10]))
    cache: dict[str, m.Household | None] = session.info.setdefault(HOUSEHOLDS_KEY, {})
    cache.update({n: None for n in wanted})
    for n, (hid, filing_no, name, id_number, district, status, valid_until, phone) in heads.items():
        cache[n] = m.Household(
            hid,
            filing_no,
            name,
            id_number,
            district,
            m.FilingStatus(status),
            valid_until,
            phone,
            tuple(members[n]),
        )


def units(session: Session) -> dict[str, Unit | None]:
    """The units read so far in this request, by code."""
    cache: dict[str, Unit | None] = session.info.get(UNITS_KEY, {})
    return cache


def households(session: Session) -> dict[str, m.Household | None]:
    """The households read so far in this request, by filing number (None: the centre has no such filing)."""
    cache: dict[str, m.Household | None] = session.info.get(HOUSEHOLDS_KEY, {})
    return cache


def read_units(session: Session, codes: list[str]) -> None:
    """The batch's units as they are now, in one query (again after a message applied alone moved them).

    Populating existing objects: a unit taken or freed by plain SQL earlier in the batch is read as it is.
    """
    if not codes:
        return
    rows = session.scalars(_UNITS, {"codes": codes}, execution_options={"populate_existing": True})
    found = {u.code: u for u in rows}
    cache: dict[str, Unit | None] = session.info.setdefault(UNITS_KEY, {})
    cache.update({c: found.get(c) for c in codes})
