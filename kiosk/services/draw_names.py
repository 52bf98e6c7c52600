"""What a draw's bare registration numbers and codes mean at this counter: the household (masked), the pool's
project and unit type, the unit, the priority group, in the words printed and shown.

A draw names registrations only (no names, no ID numbers: the public files carry none). The household is known
here when the outcomes feed gave its filing no. or when the registration was made at this counter; otherwise
its masked name is left empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.storage import tables as t
from kiosk_core.identity import mask_id_number, mask_name
from kiosk_core.lottery import GROUP_LABELS, GROUP_NONE

_FEW = 500  # looked up by number (SQLite's bound-parameter limit, with room); more: the whole draw read


def group_label(group: str) -> str:
    return "" if group == GROUP_NONE else GROUP_LABELS.get(group, group)


def group_of(list_text: str, reg_no: str) -> str:
    """The priority group the frozen list gives ``reg_no`` (``-`` for none)."""
    start = list_text.find(reg_no + "\t")
    while start > 0 and list_text[start - 1] != "\n":
        start = list_text.find(reg_no + "\t", start + 1)
    if start < 0:
        return GROUP_NONE
    line = list_text[start : list_text.find("\n", start)]
    return line.split("\t")[2] if line.count("\t") == 2 else GROUP_NONE


def pool_labels(s: Session) -> dict[str, str]:
    """``{project_code}/{unit_type_code}`` → ``项目 · 户型`` for every pool in this counter's catalog."""
    rows = s.execute(
        select(t.Project.code, t.Project.name, t.UnitType.code, t.UnitType.name).join(
            t.UnitType, t.UnitType.project_id == t.Project.id
        )
    )
    return {f"{p}/{u}": f"{pn} · {un}" for p, pn, u, un in rows}


def unit_label(building: str, number: str) -> str:
    return f"{building}栋{number}室"


@dataclass(frozen=True)
class Names:
    households: dict[str, tuple[str, str, str]]  # reg_no → (filing no., applicant's name, ID number)
    pools: dict[str, str]
    units: dict[str, str]  # unit code → 3栋0301室

    @classmethod
    def read(cls, s: Session, draw_id: int, reg_nos: Sequence[str]) -> Names:
        """The households of ``reg_nos``: the feed's filing no. (any counter), else this counter's registration.

        A few are looked up by number; a whole draw is read in two statements without a list of numbers.
        """
        wanted = set(reg_nos)
        person = (t.Household.filing_no, t.Household.applicant_name, t.Household.applicant_id_number)
        from_feed = (
            select(t.DrawOutcome.reg_no, *person)
            .join(t.Household, t.Household.filing_no == t.DrawOutcome.filing_no)
            .where(t.DrawOutcome.draw_id == draw_id)
        )
        made_here = select(t.Registration.reg_no, *person).join(
            t.Household, t.Household.id == t.Registration.household_id
        )
        if len(wanted) <= _FEW:
            from_feed = from_feed.where(t.DrawOutcome.reg_no.in_(wanted))
            made_here = made_here.where(t.Registration.reg_no.in_(wanted))
        households: dict[str, tuple[str, str, str]] = {}
        for query in (from_feed, made_here):
            for reg_no, filing_no, name, number in s.execute(query):
                if reg_no in wanted:
                    households[reg_no] = (filing_no, name, number)
        units = {
            code: unit_label(building, number)
            for code, building, number in s.execute(select(t.Unit.code, t.Unit.building, t.Unit.number))
        }
        return cls(households, pool_labels(s), units)

    def filing_no(self, reg_no: str) -> str:
        return self.households.get(reg_no, ("", "", ""))[0]

    def applicant(self, reg_no: str) -> str:
        name = self.households.get(reg_no, ("", "", ""))[1]
        return mask_name(name) if name else ""

    def id_number(self, reg_no: str) -> str:
        number = self.households.get(reg_no, ("", "", ""))[2]
        return mask_id_number(number) if number else ""

    def pool_label(self, pool: str) -> str:
        return self.pools.get(pool, pool)

    def outcome_label(self, kind: str, unit_code: str | None, number: int | None) -> str:
        if kind == "unit":
            return self.units.get(unit_code or "", unit_code or "")
        if kind == "waiting":
            return f"轮候号 {number}"
        if kind == "order":
            return f"选房顺序号 {number}"
        return "登记已取消，不参与分配"
