"""What a household search names: its text (normalised) read as filing nos. and reg nos. kept at this counter."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.storage import tables as t
from kiosk_core.identity import FILING_NO, parse_id_number
from kiosk_core.reg_no import parse_reg_no


def named_households(s: Session, query: str) -> tuple[set[str], set[str]]:
    """``(reg_nos, filings)``: a filing no. as it is, an ID number as its household's filing no. (applicant or
    member), anything else as a reg no. (parse_reg_no refuses what is not one)."""
    reg_nos: set[str] = set()
    filings: set[str] = set()
    if FILING_NO.match(query):
        filings.add(query)
    elif len(query) == 18 and query[:17].isdigit():
        id_number = parse_id_number(query)
        member_of = select(t.Member.household_id).where(t.Member.id_number == id_number)
        filings.update(
            s.scalars(
                select(t.Household.filing_no).where(
                    or_(t.Household.applicant_id_number == id_number, t.Household.id.in_(member_of))
                )
            )
        )
    else:
        reg_nos.add(parse_reg_no(query))
    return reg_nos, filings
