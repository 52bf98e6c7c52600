"""The centre's published draws kept at the counter: their records and every registration's outcome.

Rows come from the outcomes feed (kiosk_core.wire.DrawOutcomeRow); a retracted draw's rows come again marked
withdrawn, and its record then says retracted: the rows stay, so a household asking is told its result was
withdrawn rather than that it has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from kiosk.services.central_client import local_time
from kiosk.storage import tables as t

_OUTCOMES: Table = t.DrawOutcome.__table__  # type: ignore[assignment]


def withdrawn(row: Mapping[str, Any]) -> bool:
    return bool(row.get("withdrawn")) or row.get("kind") == "withdrawn"


def keep_record(session: Session, record: Mapping[str, Any], now: datetime) -> t.Draw:
    """The centre's record of a draw (kiosk_core.wire.DrawRecord), inserted or replacing the one kept."""
    draw_id = int(record["draw_id"])
    row = session.get(t.Draw, draw_id)
    if row is None:
        row = t.Draw(draw_id=draw_id)
        session.add(row)
    row.plan_code = str(record["plan_code"])
    row.state = str(record["state"])
    row.list_hash = str(record["list_hash"])
    row.seed = record.get("seed")
    row.published_at = _time(record.get("published_at"))
    row.retracted_at = _time(record.get("retracted_at"))
    row.record_json = dict(record)
    row.fetched_at = now
    return row


def apply_outcomes(
    session: Session, rows: list[Any], records: Mapping[int, Mapping[str, Any]], now: datetime
) -> None:
    """One feed page: the draws' records fetched for it first (the rows point at them), then the rows,
    upserted by (draw, reg_no). The household's filing no. is the feed's when it says, else this counter's
    registration's. Withdrawn rows change nothing here: the draw's record says retracted."""
    for record in records.values():
        keep_record(session, record, now)
    session.flush()
    kept = [row for row in rows if not withdrawn(row)]
    if not kept:
        return
    filings = _local_filings(session, {str(row["reg_no"]) for row in kept})
    values = [
        {
            "draw_id": int(row["draw_id"]),
            "plan_code": str(row["plan_code"]),
            "reg_no": str(row["reg_no"]),
            "rank": int(row["rank"]),
            "pool": str(row["pool"]),
            "kind": str(row["kind"]),
            "unit_code": row.get("unit_code"),
            "number": row.get("number"),
            "filing_no": row.get("filing_no") or filings.get(str(row["reg_no"])),
        }
        for row in kept
    ]
    statement = insert(_OUTCOMES)
    changed = {
        name: statement.excluded[name]
        for name in ("plan_code", "rank", "pool", "kind", "unit_code", "number")
    }
    session.connection().execute(
        statement.on_conflict_do_update(
            index_elements=["draw_id", "reg_no"],
            set_={**changed, "filing_no": func.coalesce(statement.excluded.filing_no, _OUTCOMES.c.filing_no)},
        ),
        values,
    )


def _local_filings(session: Session, reg_nos: Iterable[str]) -> dict[str, str]:
    """reg_no → filing no. of the registrations this counter holds (made here) among ``reg_nos``."""
    wanted = list(reg_nos)
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
        chunk = wanted[start : start + 500]
        query = (
            select(t.Registration.reg_no, t.Household.filing_no)
            .join(t.Household, t.Household.id == t.Registration.household_id)
            .where(t.Registration.reg_no.in_(chunk))
        )
        found.update((reg_no, filing_no) for reg_no, filing_no in session.execute(query))
    return found


def _time(text: object) -> datetime | None:
    return local_time(str(text)) if text else None
