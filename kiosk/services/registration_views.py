"""Registrations as the review screen, the slip and Records show them: one builder for drafts and stored ones."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kiosk.services import mapping, queries
from kiosk.services.views import RegistrationView
from kiosk.storage import tables as t
from kiosk_core import model as m
from kiosk_core.identity import mask_id_number, mask_phone
from kiosk_core.model import PLAN_KIND_LABELS, RegistrationStatus


@dataclass(frozen=True)
class Choice:
    """What a registration is for: the household, the plan and the concrete choice in it."""

    household: m.Household
    plan: m.Plan
    project: t.Project
    unit_type: m.UnitType
    unit: m.Unit | None


def choice_view(
    choice: Choice,
    *,
    operator_name: str,
    counter: str,
    notice_version: int,
    notice_read_aloud: bool,
    row: t.Registration | None = None,
) -> RegistrationView:
    """A draft (no ``row``: nothing stored yet, no number) or a stored registration."""
    h, p, unit = choice.household, choice.plan, choice.unit
    status = RegistrationStatus(row.status) if row else None
    return RegistrationView(
        reg_no=row.reg_no if row else "",
        status=status.value if status else "draft",
        status_label=m.REGISTRATION_STATUS_LABELS[status] if status else "待确认",
        plan_code=p.code,
        plan_name=p.name,
        plan_kind=p.kind,
        plan_kind_label=PLAN_KIND_LABELS[p.kind],
        filing_no=h.filing_no,
        applicant_name=h.applicant_name,
        applicant_id_masked=mask_id_number(h.applicant_id_number),
        family_size=h.family_size,
        district=h.district,
        phone_masked=mask_phone(row.phone if row else h.phone),
        project_name=choice.project.name,
        project_address=choice.project.address,
        unit_type_name=choice.unit_type.name,
        area=unit.area if unit else choice.unit_type.area,
        rent=unit.rent if unit else choice.unit_type.rent,
        unit_label=_unit_label(unit),
        created_at=row.created_at if row else None,
        counter=counter,
        operator_name=operator_name,
        notice_version=notice_version,
        notice_read_aloud=notice_read_aloud,
        verification_code=row.verification_code if row else "",
        slip_printed=row.slip_printed if row else False,
        slip_path=row.slip_path if row else "",
        cancel_deadline=p.cancel_deadline,
        cancel_reason_label=_cancel_label(row.cancel_reason, row.cancel_comment) if row else "",
        cancelled_at=row.cancelled_at if row else None,
        review_status=row.review_status if row else "",
        reject_reason=row.reject_reason if row else "",
        central_status=row.central_status if row else "pending",
        central_message=row.central_message if row else "",
    )


def registration_view(session: Session, row: t.Registration) -> RegistrationView:
    """A stored registration as the UI, the slip and Records show it."""
    choice = Choice(
        household=queries.load_household(session, row.household_id),
        plan=queries.load_plan(session, row.plan_id),
        project=session.get_one(t.Project, row.project_id),
        unit_type=mapping.unit_type(session.get_one(t.UnitType, row.unit_type_id)),
        unit=mapping.unit(session.get_one(t.Unit, row.unit_id)) if row.unit_id else None,
    )
    return choice_view(
        choice,
        operator_name=session.get_one(t.Operator, row.operator_id).display_name,
        counter=row.counter,
        notice_version=row.notice_version,
        notice_read_aloud=row.notice_read_aloud,
        row=row,
    )


def _unit_label(unit: m.Unit | None) -> str:
    if unit is None:
        return ""
    return f"{unit.label} · {unit.floor}层 · 朝{unit.orientation}" if unit.orientation else unit.label


def _cancel_label(reason: str | None, comment: str | None) -> str:
    if not reason:
        return ""
    label = m.CANCEL_REASON_LABELS[m.CancelReason(reason)]
    return f"{label}：{comment}" if comment else label
