"""Records at the counter: find a household's registrations, cancel with a supervisor's approval, change the phone."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from kiosk.services import audit, queries
from kiosk.services.auth import AuthService
from kiosk.services.changes import Change, ChangeNotice
from kiosk.services.clock import Clock
from kiosk.services.registration import outbox_message
from kiosk.services.registration_views import registration_view
from kiosk.services.slip_check import SlipCheck, check_slip, read_claim
from kiosk.services.views import (
    ApplicantId,
    OperatorSession,
    PhoneConfirmation,
    RegistrationView,
    SupervisorApproval,
)
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core import fields
from kiosk_core.errors import Conflict, InvalidInput, NotFound
from kiosk_core.identity import FILING_NO, mask_phone, normalize, parse_id_number, parse_phone
from kiosk_core.model import CANCEL_REASON_LABELS, CancelReason, RegistrationStatus, UnitStatus
from kiosk_core.reg_no import parse_reg_no
from kiosk_core.wire import CancellationPayload, EventKind

__all__ = ["ApplicantId", "PhoneConfirmation", "RecordsService", "SupervisorApproval"]

MAX_RESULTS = 50


@dataclass(frozen=True)
class Found:
    """What one search shows: the registrations, and the verdict when the search was a slip's QR or code."""

    registrations: list[RegistrationView]
    check: SlipCheck | None = None


class RecordsService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, auth: AuthService, changes: ChangeNotice | None = None
    ):
        self._uow = uow
        self._clock = clock
        self._auth = auth
        self._changes = changes or ChangeNotice()

    def search(self, query: str, counter: str) -> Found:
        """Records' one box: a slip's QR payload or verification code is checked, anything else is found."""
        claim = read_claim(query)
        if claim is None:
            return Found(self.find(query))
        with self._uow() as uow:
            check = check_slip(uow.session, claim, counter)
        return Found([check.registration] if check.registration else [], check)

    def find(self, query: str) -> list[RegistrationView]:
        """One box for a resident ID, a filing number or a registration number: the shape tells which."""
        text = normalize(query)
        if not text:
            raise InvalidInput("请输入身份证号码、备案编号、登记编号或回执核验码", code="query_empty")
        with self._uow() as uow:
            stmt = select(t.Registration).join(t.Household, t.Household.id == t.Registration.household_id)
            if FILING_NO.match(text):
                stmt = stmt.where(t.Household.filing_no == text)
            elif len(text) == 18 and text[:17].isdigit():
                id_number = parse_id_number(text)
                member_of = select(t.Member.household_id).where(t.Member.id_number == id_number)
                stmt = stmt.where(
                    or_(t.Household.applicant_id_number == id_number, t.Household.id.in_(member_of))
                )
            else:
                stmt = stmt.where(t.Registration.reg_no == _reg_no(text))
            rows = uow.session.scalars(
                stmt.order_by(t.Registration.created_at.desc()).limit(MAX_RESULTS)
            ).all()
            return [registration_view(uow.session, r) for r in rows]

    def rejected(self) -> list[RegistrationView]:
        """What the centre turned down, newest first: registrations, then cancellations and phone changes it
        would not take (the counter shows them done, the centre does not hold them). Staff must tell these
        households."""
        with self._uow() as uow:
            s = uow.session
            rows = s.scalars(
                select(t.Registration)
                .where(t.Registration.central_status == "rejected")
                .order_by(t.Registration.created_at.desc())
                .limit(MAX_RESULTS)
            ).all()
            views = [registration_view(s, r) for r in rows]
            for kind, subject, why in queries.refused_changes(s, MAX_RESULTS):
                row = _changed_registration(s, kind, subject)
                if row is not None and row.reg_no not in {v.reg_no for v in views}:
                    what = "取消登记" if kind == EventKind.CANCELLATION else "修改联系电话"
                    message = f"{what}未被中心受理：{why}"
                    views.append(
                        replace(
                            registration_view(s, row),
                            central_status="change_refused",
                            central_message=message,
                        )
                    )
            return views

    def get(self, reg_no: str) -> RegistrationView:
        with self._uow() as uow:
            return registration_view(uow.session, _row(uow.session, reg_no))

    def cancel(
        self,
        reg_no: str,
        reason: CancelReason,
        comment: str,
        operator: OperatorSession,
        supervisor_username: str,
        supervisor_password: str,
    ) -> RegistrationView:
        comment = fields.check_comment(comment.strip())  # the centre takes no longer one
        if reason is CancelReason.OTHER and not comment:
            raise InvalidInput("取消原因选“其他”时须写明具体原因", code="cancel_comment_missing")
        now = self._clock()
        with self._uow() as uow:
            row = _row(uow.session, reg_no)
            if row.status != RegistrationStatus.ACTIVE:
                raise Conflict(
                    f"登记 {reg_no} 已于 {row.cancelled_at:%Y-%m-%d %H:%M} 取消", code="already_cancelled"
                )
            plan = uow.session.get_one(t.Plan, row.plan_id)
            if now >= plan.cancel_deadline:
                raise Conflict(
                    f"「{plan.name}」取消登记已于 {plan.cancel_deadline:%Y-%m-%d %H:%M} 截止",
                    hint="截止后不能在窗口取消，请向主管咨询",
                    code="cancel_deadline_passed",
                )
        # Approval is checked in its own transaction: a wrong password must count, even if we stop here.
        approver = self._auth.approve(supervisor_username, supervisor_password)
        with self._uow() as uow:
            s = uow.session
            row = _row(s, reg_no)
            if row.status != RegistrationStatus.ACTIVE:
                raise Conflict(f"登记 {reg_no} 已被取消", code="already_cancelled")
            row.status = RegistrationStatus.CANCELLED.value
            row.cancel_reason = reason.value
            row.cancel_comment = comment or None
            row.cancelled_at = now
            row.cancelled_by = operator.id
            row.cancel_approved_by = approver.id
            if row.unit_id is not None:
                s.get_one(t.Unit, row.unit_id).status = UnitStatus.FREE.value
            s.execute(delete(t.RegisteredPerson).where(t.RegisteredPerson.registration_id == row.id))
            payload: CancellationPayload = {
                "reg_no": reg_no,
                "reason": reason.value,
                "comment": comment,
                "cancelled_at": now.isoformat(),
                "operator_id": operator.id,
                "approved_by": approver.id,
            }
            s.add(outbox_message(EventKind.CANCELLATION, reg_no, now, payload))
            audit.record(
                s,
                action="cancel",
                at=now,
                counter=operator.counter,
                operator_id=operator.id,
                subject=reg_no,
                reason=CANCEL_REASON_LABELS[reason],
                approved_by=approver.username,
            )
            uow.commit()
            view = registration_view(s, row)
        self._changes.publish(Change.REGISTRATION)
        return view

    def update_phone(
        self, reg_no: str, phone_raw: str, operator: OperatorSession, confirmation: PhoneConfirmation
    ) -> RegistrationView:
        """The household's contact phone, on its filing and on its active registrations.

        A registration number alone is printed on the slip anyone may hold: the change needs the applicant's
        ID number typed again, or a supervisor's approval.
        """
        phone = parse_phone(phone_raw)
        now = self._clock()
        with self._uow() as uow:
            household = uow.session.get_one(t.Household, _row(uow.session, reg_no).household_id)
            if household.phone == phone:
                raise InvalidInput("新号码与原号码相同", code="phone_unchanged")
        if isinstance(confirmation, SupervisorApproval):
            approver = self._auth.approve(confirmation.username, confirmation.password)
            how: dict[str, str] = {"confirmed_by": "supervisor", "approved_by": approver.username}
        else:
            self._check_applicant(reg_no, confirmation, operator, now)
            how = {"confirmed_by": "applicant_id"}
        with self._uow() as uow:
            s = uow.session
            row = _row(s, reg_no)
            household = s.get_one(t.Household, row.household_id)
            old = household.phone
            household.phone = phone
            for reg in s.scalars(
                select(t.Registration).where(
                    t.Registration.household_id == household.id,
                    t.Registration.status == RegistrationStatus.ACTIVE,
                )
            ):
                reg.phone = phone
            s.add(
                outbox_message(
                    EventKind.PHONE_UPDATE,
                    household.filing_no,
                    now,
                    {
                        "filing_no": household.filing_no,
                        "phone": phone,
                        "updated_at": now.isoformat(),
                        "operator_id": operator.id,
                    },
                )
            )
            audit.record(
                s,
                action="phone_change",
                at=now,
                counter=operator.counter,
                operator_id=operator.id,
                subject=household.filing_no,
                old=mask_phone(old),
                new=mask_phone(phone),
                **how,
            )
            uow.commit()
            view = registration_view(s, row)
        self._changes.publish(Change.REGISTRATION)
        return view

    def _check_applicant(
        self, reg_no: str, typed: ApplicantId, operator: OperatorSession, now: datetime
    ) -> None:
        """The ID number must be the registration's applicant's; a refusal is audited (without the number)."""
        id_number = parse_id_number(typed.raw, today=now.date())
        with self._uow() as uow:
            s = uow.session
            household = s.get_one(t.Household, _row(s, reg_no).household_id)
            if household.applicant_id_number == id_number:
                return
            relation = s.scalar(
                select(t.Member.relation).where(
                    t.Member.household_id == household.id, t.Member.id_number == id_number
                )
            )
            reason = "id_mismatch" if relation is None else "id_not_applicant"
            audit.record(
                s,
                action="phone_change_refused",
                at=now,
                counter=operator.counter,
                operator_id=operator.id,
                subject=household.filing_no,
                reason=reason,
            )
            uow.commit()
        hint = "请主申请人出示本人身份证核对，或请主管批准"
        if relation is not None:
            raise InvalidInput(
                f"这是家庭成员（{relation}）的身份证号码，须输入主申请人的",
                hint=hint,
                code="phone_id_not_applicant",
            )
        raise InvalidInput(f"身份证号码与登记 {reg_no} 的主申请人不符", hint=hint, code="phone_id_mismatch")


def _reg_no(text: str) -> str:
    try:
        return parse_reg_no(text)
    except InvalidInput as exc:
        if exc.code != "reg_no_format":
            raise  # a registration number with a wrong check character: say so
        raise InvalidInput(
            f"号码格式不对：{text[:24]}",
            hint="可输入身份证号码、备案编号、登记编号（如 Q2611-01-00042-K），或扫描回执二维码、输入8位核验码",
            code="query_format",
        ) from None


def _row(session: Session, reg_no: str) -> t.Registration:
    row = session.scalar(select(t.Registration).where(t.Registration.reg_no == parse_reg_no(reg_no)))
    if row is None:
        raise NotFound(f"找不到登记编号 {reg_no}", hint="请核对回执上的登记编号")
    return row


def _changed_registration(session: Session, kind: str, subject: str) -> t.Registration | None:
    """The registration a refused change was about: a cancellation names it, a phone change its household."""
    if kind == EventKind.CANCELLATION:
        return session.scalar(select(t.Registration).where(t.Registration.reg_no == subject))
    return session.scalar(
        select(t.Registration)
        .join(t.Household, t.Household.id == t.Registration.household_id)
        .where(t.Household.filing_no == subject)
        .order_by(t.Registration.created_at.desc())
        .limit(1)
    )
