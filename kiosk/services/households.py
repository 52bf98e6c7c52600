"""Identifying the household at the counter: filing number plus the applicant's resident ID."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kiosk.services import mapping
from kiosk.services.clock import Clock
from kiosk.services.views import HouseholdView, MemberView
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core import eligibility
from kiosk_core.errors import InvalidInput, NotFound, Refused
from kiosk_core.identity import mask_id_number, mask_phone, parse_filing_no, parse_id_number
from kiosk_core.model import FILING_STATUS_LABELS, Household


class HouseholdService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock):
        self._uow = uow
        self._clock = clock

    def identify(self, filing_raw: str, id_raw: str) -> HouseholdView:
        filing_no = parse_filing_no(filing_raw)
        id_number = parse_id_number(id_raw, today=self._clock().date())
        with self._uow() as uow:
            row = uow.session.scalar(
                select(t.Household)
                .where(t.Household.filing_no == filing_no)
                .options(selectinload(t.Household.members))
            )
            if row is None:
                raise NotFound(
                    f"备案编号 {filing_no} 不存在",
                    hint="请核对备案通知单上的编号；刚通过备案的家庭可能尚未同步到本机",
                    code="filing_unknown",
                )
            household = mapping.household(row)
        _check_applicant(household, id_number)
        refusal = eligibility.filing_refusal(household, self._clock().date())
        if refusal:
            raise Refused([refusal])
        return view(household)


def _check_applicant(household: Household, id_number: str) -> None:
    if household.applicant_id_number == id_number:
        return
    member = next((m for m in household.members if m.id_number == id_number), None)
    if member is not None:
        raise InvalidInput(
            f"该身份证是备案家庭成员（{member.relation}）的，不是主申请人的",
            hint="登记须由主申请人持本人身份证办理",
            code="id_not_applicant",
        )
    raise InvalidInput(
        f"身份证号码与备案 {household.filing_no} 的主申请人不符",
        hint="请核对是否拿错了证件或备案通知单",
        code="id_mismatch",
    )


def view(h: Household) -> HouseholdView:
    return HouseholdView(
        id=h.id,
        filing_no=h.filing_no,
        applicant_name=h.applicant_name,
        applicant_id_masked=mask_id_number(h.applicant_id_number),
        district=h.district,
        status=h.status.value,
        status_label=FILING_STATUS_LABELS[h.status],
        valid_until=h.valid_until,
        phone_masked=mask_phone(h.phone),
        family_size=h.family_size,
        members=tuple(MemberView(m.relation, m.name, mask_id_number(m.id_number)) for m in h.members),
    )
