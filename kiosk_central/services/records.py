"""Changes to what was registered: cancelling (frees the unit, the persons and the slot) and a new phone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.clock import wire_time
from kiosk_central.services import authority
from kiosk_central.services.errors import InvalidRequest, Rejected
from kiosk_central.services.event_values import EventContext
from kiosk_central.services.payloads import CancellationPayload, PhoneUpdatePayload
from kiosk_central.services.registrations import ACTIVE, mark_unit, release_persons
from kiosk_central.tables import Household, Plan, Registration, Unit
from kiosk_core import model as m
from kiosk_core.errors import InvalidInput
from kiosk_core.identity import parse_phone
from kiosk_core.reg_no import parse_reg_no

# Lock order everywhere: registration rows, then registration_persons, then the catalog counter, then
# catalog rows. Writers that agree on an order cannot deadlock each other.


def cancel(session: Session, ctx: EventContext[CancellationPayload]) -> dict[str, Any]:
    p = ctx.payload
    try:
        reg_no = parse_reg_no(p.reg_no)
        reason = m.CancelReason(p.reason)
    except InvalidInput as e:
        raise InvalidRequest.from_kiosk(e, "reg_no") from None
    except ValueError:
        raise InvalidRequest(f"取消原因代码不对：{p.reason}", code="cancel_reason_unknown") from None
    row = session.scalar(select(Registration).where(Registration.reg_no == reg_no).with_for_update())
    if row is None:
        raise Rejected(
            f"中心没有登记编号 {reg_no}", hint="该登记可能未被中心接受", code="registration_not_found"
        )
    authority.may_change_registration(session, ctx, reg_no=reg_no, owner=row.counter, action="cancel")
    if row.status != ACTIVE:
        when = f"于 {row.cancelled_at:%Y-%m-%d %H:%M} " if row.cancelled_at else ""
        raise Rejected(f"登记 {reg_no} 已{when}取消", code="already_cancelled")
    plan = session.get_one(Plan, row.plan_id)
    if ctx.event_time >= plan.cancel_deadline:
        raise Rejected(
            f"「{plan.name}」取消登记已于 {plan.cancel_deadline:%Y-%m-%d %H:%M} 截止",
            hint="截止后不能在窗口取消，请向主管咨询",
            code="cancel_deadline_passed",
        )
    row.status = m.RegistrationStatus.CANCELLED.value
    row.cancel_reason = reason.value
    row.cancel_comment = p.comment.strip() or None
    row.cancelled_at = ctx.event_time
    row.cancel_received_at = ctx.received_at
    row.cancelled_by_counter = ctx.principal.counter
    session.flush()
    release_persons(session, row.plan_id, row.household_id)
    if row.unit_id is not None:
        version = versions.allocate(session, versions.CATALOG)
        session.execute(
            update(Unit)
            .where(Unit.id == row.unit_id)
            .values(status=m.UnitStatus.FREE.value, version=version)
            .execution_options(synchronize_session=False)
        )
        loaded = session.identity_map.get(session.identity_key(Unit, row.unit_id))
        if loaded is not None:  # read earlier in this batch: a later registration of it must see it free
            mark_unit(loaded, m.UnitStatus.FREE, version)
    if row.counter != ctx.principal.counter:
        # The owner learns it from the feed it already pulls (reviews.review_changes carries the status).
        # Taken last: the reviews counter comes after the catalog's in every writer's lock order.
        row.review_version = versions.allocate(session, versions.REVIEWS)
    return {"result": "accepted", "reg_no": reg_no, "received_at": wire_time(ctx.received_at)}


def update_phone(session: Session, ctx: EventContext[PhoneUpdatePayload]) -> dict[str, Any]:
    """The household's phone on its filing and active registrations; an older update arriving late loses."""
    p = ctx.payload
    try:
        phone = parse_phone(p.phone)
    except InvalidInput as e:
        raise InvalidRequest.from_kiosk(e, "phone") from None
    household = session.scalar(select(Household).where(Household.filing_no == p.filing_no))
    if household is None:
        raise Rejected(f"中心没有备案编号 {p.filing_no}", hint="请核对备案通知单", code="household_not_found")
    authority.may_change_household(
        session, ctx, household_id=household.id, filing_no=household.filing_no, action="phone_update"
    )
    accepted = {
        "result": "accepted",
        "filing_no": household.filing_no,
        "received_at": wire_time(ctx.received_at),
    }
    if household.phone_updated_at is not None and ctx.event_time < household.phone_updated_at:
        return accepted | {"applied": False}
    session.execute(
        update(Registration)
        .where(Registration.household_id == household.id, Registration.status == ACTIVE)
        .values(phone=phone)
        .execution_options(synchronize_session=False)
    )
    version = versions.allocate(session, versions.CATALOG)
    result = session.execute(
        update(Household)
        .where(
            Household.id == household.id,
            or_(Household.phone_updated_at.is_(None), Household.phone_updated_at <= ctx.event_time),
        )
        .values(phone=phone, phone_updated_at=ctx.event_time, version=version)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        # A newer update committed between our read and our write: it wins; give the version back.
        raise _Stale(accepted)
    return accepted | {"applied": True}


class _Stale(Rejected):
    """Not an error for the kiosk: accepted, not applied. Raised only to roll back the savepoint."""

    status = 200

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__("较新的号码已生效", code="stale")
        self._accepted = body

    def body(self) -> dict[str, Any]:
        return self._accepted | {"applied": False}
