"""The centre's review of registrations (目前进度 / 不通过原因), and the feed that brings it back to kiosks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.clock import Clock, wire_time
from kiosk_central.db import begin_write
from kiosk_central.services.catalog import ChangesPage
from kiosk_central.services.errors import InvalidRequest, NotFound
from kiosk_central.tables import Registration
from kiosk_core.errors import InvalidInput
from kiosk_core.reg_no import parse_reg_no
from kiosk_core.wire import ReviewChange

PENDING, PASSED, FAILED = "待审核", "审核通过", "审核不通过"
STATUSES = (PENDING, PASSED, FAILED)


@dataclass(frozen=True)
class Review:
    reg_no: str
    review_status: str
    reject_reason: str
    version: int


def set_review(session: Session, clock: Clock, reg_no: str, status: str, reason: str = "") -> Review:
    status, reason = status.strip(), reason.strip()
    if status not in STATUSES:
        raise InvalidRequest(
            f"审核状态只能是 {'、'.join(STATUSES)}，现在是“{status}”", code="review_status_unknown"
        )
    if status == FAILED and not reason:
        raise InvalidRequest("审核不通过须写明不通过原因（--reason）", code="reject_reason_missing")
    if status != FAILED and reason:
        raise InvalidRequest(f"只有“{FAILED}”才填写不通过原因", code="reject_reason_unexpected")
    try:
        reg_no = parse_reg_no(reg_no)
    except InvalidInput as e:
        raise InvalidRequest.from_kiosk(e, "登记编号") from None
    begin_write(session)
    row = session.scalar(select(Registration).where(Registration.reg_no == reg_no).with_for_update())
    if row is None:
        raise NotFound(f"找不到登记编号 {reg_no}", code="registration_not_found")
    row.review_status = status
    row.reject_reason = reason
    row.reviewed_at = clock()
    session.flush()
    row.review_version = versions.allocate(session, versions.REVIEWS)
    session.commit()
    return Review(row.reg_no, row.review_status, row.reject_reason, row.review_version)


def review_changes(session: Session, since: int, limit: int) -> ChangesPage:
    try:
        rows = session.execute(
            select(Registration.reg_no, Registration.review_status, Registration.reject_reason)
            .add_columns(Registration.review_version, *_CANCELLATION)
            .where(Registration.review_version > since)
            .order_by(Registration.review_version)
            .limit(limit + 1)
        ).all()
    finally:
        session.rollback()
    more = len(rows) > limit
    changes = [_change(*r) for r in rows[:limit]]
    return ChangesPage(changes[-1]["version"] if changes else since, more, changes)


# A registration another counter cancelled (with a supervisor's token) comes down this feed too, so the
# counter that made it shows it cancelled: the feed is the centre's word on registrations a counter holds.
_CANCELLATION = (
    Registration.status,
    Registration.cancelled_at,
    Registration.cancel_reason,
    Registration.cancel_comment,
    Registration.cancelled_by_counter,
)


def _change(
    reg_no: str,
    review_status: str,
    reject_reason: str,
    version: int,
    status: str,
    at: datetime | None,
    reason: str | None,
    comment: str | None,
    by: str | None,
) -> ReviewChange:
    return {
        "reg_no": reg_no,
        "review_status": review_status,
        "reject_reason": reject_reason,
        "version": int(version),
        "status": status,
        "cancelled_at": wire_time(at) if at else None,
        "cancel_reason": reason,
        "cancel_comment": comment,
        "cancelled_by_counter": by,
    }
