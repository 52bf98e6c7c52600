"""A household's published draw results kept at this counter, found by ID number (applicant or member), filing
no. or reg no., and read into the counter's views (masked)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.services import draw_names
from kiosk.services.draw_views import DrawOutcomeView, DrawView
from kiosk.services.household_query import named_households
from kiosk.storage import tables as t

# What a household may be told: a draw kept here that the centre published (or withdrew after publishing).
SHOWN_STATES = ("published", "retracted")
MAX_RESULTS = 20

RecordView = Callable[[dict[str, Any]], DrawView]


def find_outcomes(s: Session, query: str, view: RecordView) -> list[DrawOutcomeView]:
    """The results for a normalised ``query``, newest draw first; ``view`` reads a kept record."""
    reg_nos, filings = named_households(s, query)
    if filings:
        reg_nos.update(
            s.scalars(
                select(t.Registration.reg_no)
                .join(t.Household, t.Household.id == t.Registration.household_id)
                .where(t.Household.filing_no.in_(filings))
            )
        )
    rows = s.scalars(
        select(t.DrawOutcome)
        .join(t.Draw, t.Draw.draw_id == t.DrawOutcome.draw_id)
        .where(
            t.Draw.state.in_(SHOWN_STATES),
            or_(t.DrawOutcome.reg_no.in_(reg_nos), t.DrawOutcome.filing_no.in_(filings)),
        )
        .order_by(t.DrawOutcome.draw_id.desc())
        .limit(MAX_RESULTS)
    ).all()
    return [outcome_view(s, row, view) for row in rows]


def outcome_view(s: Session, row: t.DrawOutcome, view: RecordView) -> DrawOutcomeView:
    draw = view(s.get_one(t.Draw, row.draw_id).record_json)
    names = draw_names.Names.read(s, row.draw_id, [row.reg_no])
    group = draw_names.group_of(draw.list_text, row.reg_no)
    return DrawOutcomeView(
        draw_id=draw.draw_id,
        plan_code=draw.plan_code,
        plan_name=draw.plan_name,
        reg_no=row.reg_no,
        filing_no=names.filing_no(row.reg_no),
        applicant_masked=names.applicant(row.reg_no),
        id_masked=names.id_number(row.reg_no),
        rank=row.rank,
        entries=draw.entries,
        pool=row.pool,
        pool_label=names.pool_label(row.pool),
        group_label=draw_names.group_label(group),
        kind=row.kind,
        unit_code=row.unit_code,
        number=row.number,
        outcome_label=names.outcome_label(row.kind, row.unit_code, row.number),
        list_hash=draw.list_hash,
        seed=draw.seed or "",
        result_hash=draw.result_hash or "",
        algorithm=draw.algorithm,
        state=draw.state,
        published_at=draw.published_at,
        retracted_at=draw.retracted_at,
        retract_reason=draw.retract_reason,
        public_url=draw.public_url,
    )
