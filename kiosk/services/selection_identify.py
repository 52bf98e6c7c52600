"""Who stands at the selection counter: the household of a scanned filing notice or ID card (applicant or member),
its turn in the centre's state, and whether it may be served here now."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from kiosk.services import mapping
from kiosk.services.selection_views import SelectionRefused, SelectionView, TurnView
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core import model as m
from kiosk_core import selection as core
from kiosk_core.eligibility import filing_refusal
from kiosk_core.errors import InvalidInput, NotFound, Refused
from kiosk_core.identity import mask_id_number, normalize, parse_filing_no, parse_id_number
from kiosk_core.model import RegistrationStatus
from kiosk_core.selection import TurnState

Found = tuple[list[m.Household], set[str]]


def normalise_scan(text: str) -> tuple[str, str]:
    """What staff scanned or typed, as ("filing_no" | "id_number", value): the registration path's reading
    (full-width digits, spaces, lower-case x; a filing number inside a scanned URL or label)."""
    value = normalize(text)
    if not value:
        raise InvalidInput("请扫描备案通知单或身份证", hint="也可输入备案编号或身份证号码", code="scan_empty")
    if len(value) == 18 and value[:17].isdigit():
        return "id_number", parse_id_number(value)
    return "filing_no", parse_filing_no(text)


def households_of(uow: UnitOfWorkFactory, kind: str, value: str, reg_nos: list[str]) -> Found:
    """The catalog's households of a filing no. or ID number, and which of ``reg_nos`` are no longer active."""
    with uow() as work:
        s = work.session
        if kind == "filing_no":
            where = t.Household.filing_no == value
        else:
            member_of = select(t.Member.household_id).where(t.Member.id_number == value)
            where = or_(t.Household.applicant_id_number == value, t.Household.id.in_(member_of))
        households = [mapping.household(r) for r in s.scalars(select(t.Household).where(where))]
        inactive = s.scalars(
            select(t.Registration.reg_no).where(
                t.Registration.reg_no.in_(reg_nos), t.Registration.status != RegistrationStatus.ACTIVE
            )
        )
        return households, set(inactive)


def turn_at_counter(
    view: SelectionView, kind: str, value: str, found: Found, today: date, counter: str
) -> TurnView:
    """The household's live turn (its supplementary one once it has one), if it may be served at ``counter``."""
    households, cancelled = found
    filings = {value} if kind == "filing_no" else {h.filing_no for h in households}
    turns = [x for x in view.turns if x.filing_no in filings and not x.finished] or [
        x for x in view.turns if x.filing_no in filings
    ]
    if not turns:
        raise NotFound(
            f"本次选房名单中没有该家庭：{mask_id_number(value) if kind == 'id_number' else value}",
            hint="请核对是否本计划的选房家庭，或所持是否本家庭的备案通知单、身份证",
            code="not_in_selection",
        )
    turn = min(
        turns, key=lambda x: (x.supplementary is False, x.rank)
    )  # a supplementary turn is the live one
    if turn.reg_no in cancelled:
        raise SelectionRefused(
            f"登记 {turn.reg_no} 已取消或未通过审核，不能选房",
            hint="请到咨询台核对登记情况",
            code="registration_invalid",
        )
    for household in households:
        if household.filing_no == turn.filing_no:
            refusal = filing_refusal(household, today)
            if refusal is not None:
                raise Refused([refusal])
    if turn.finished:
        raise core.TurnFinished(turn.state)
    if turn.state is TurnState.WAITING:
        raise core.NotCalled()
    core.check_counter(turn.core_turn(), counter)
    return turn
