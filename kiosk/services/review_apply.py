"""The centre's word on this counter's registrations (reviews feed): reviews, and cancellations made elsewhere.

A supervisor at another counter may cancel this counter's registration at the centre; the centre accepted it,
so this counter must show it cancelled too, with who did it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk.services import audit
from kiosk.services.central_client import local_time
from kiosk.storage import tables as t
from kiosk_core.model import CancelReason, RegistrationStatus, UnitStatus
from kiosk_core.wire import ReviewChange


def apply_reviews(session: Session, changes: list[ReviewChange], now: datetime) -> None:
    for change in changes:
        reg = session.scalar(select(t.Registration).where(t.Registration.reg_no == change["reg_no"]))
        if reg is None:  # registered at another counter: nothing to show here
            continue
        reg.review_status = change.get("review_status", "")
        reg.reject_reason = change.get("reject_reason", "")
        if change.get("status") == RegistrationStatus.CANCELLED and reg.status == RegistrationStatus.ACTIVE:
            _cancelled_elsewhere(session, reg, change, now)


def _cancelled_elsewhere(session: Session, reg: t.Registration, change: ReviewChange, now: datetime) -> None:
    """Cancelled here as the centre did it: its unit and people free again, who did it said in Records."""
    by = str(change.get("cancelled_by_counter") or "")
    reason = str(change.get("cancel_reason") or "")
    note = f"由{by}号窗口主管取消" if by else "由中心取消"
    reg.status = RegistrationStatus.CANCELLED.value
    reg.cancel_reason = reason if reason in set(CancelReason) else CancelReason.OTHER.value
    reg.cancel_comment = "；".join(x for x in (str(change.get("cancel_comment") or ""), note) if x)
    at = change.get("cancelled_at")
    reg.cancelled_at = local_time(at) if at else now
    if reg.unit_id is not None:
        session.get_one(t.Unit, reg.unit_id).status = UnitStatus.FREE.value
    session.execute(delete(t.RegisteredPerson).where(t.RegisteredPerson.registration_id == reg.id))
    audit.record(
        session,
        action="cancelled_elsewhere",
        at=now,
        counter=reg.counter,
        operator_id=None,
        subject=reg.reg_no,
        by_counter=by,
        reason=reg.cancel_reason,
    )
