"""Who may change what at the centre: a counter what it made; another counter's only with a supervisor's token.

Registration numbers are printed on slips, so knowing one proves nothing. A device changes its own counter's
registrations (and the phones of households registered at its counter). A supervisor's operator token lets a
counter change another counter's too (the centre is one hall: every counter enrolled at it); each such change
is kept in ``override_audit`` with the supervisor, the device and the time. Everything else is refused with a
code and is never applied.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from kiosk_central.services.errors import Forbidden
from kiosk_central.services.event_values import EventContext
from kiosk_central.tables import OverrideAudit, Registration
from kiosk_core.model import Role

SUPERVISOR_HINT = "须由主管在本窗口登录后办理（主管令牌），或请办理该登记的窗口办理"


def may_change_registration(
    session: Session, ctx: EventContext[Any], *, reg_no: str, owner: str, action: str
) -> None:
    """Refuse (``not_your_registration``) unless the registration is this counter's or a supervisor asks."""
    if ctx.principal.counter == owner:
        return
    _override(
        session,
        ctx,
        action=action,
        subject=reg_no,
        owner=owner,
        refusal=Forbidden(
            f"登记 {reg_no} 是{owner}号窗口办理的，本窗口（{ctx.principal.counter}号）不能更改",
            hint=SUPERVISOR_HINT,
            code="not_your_registration",
        ),
    )


def may_change_household(
    session: Session, ctx: EventContext[Any], *, household_id: int, filing_no: str, action: str
) -> None:
    """A household's details: this counter registered it (at any time, in any plan), or a supervisor asks."""
    mine = session.scalar(
        select(
            exists().where(
                Registration.household_id == household_id, Registration.counter == ctx.principal.counter
            )
        )
    )
    if mine:
        return
    _override(
        session,
        ctx,
        action=action,
        subject=filing_no,
        owner=None,
        refusal=Forbidden(
            f"备案 {filing_no} 没有在本窗口（{ctx.principal.counter}号）办理的登记，本窗口不能更改",
            hint=SUPERVISOR_HINT,
            code="not_your_household",
        ),
    )


def _override(
    session: Session,
    ctx: EventContext[Any],
    *,
    action: str,
    subject: str,
    owner: str | None,
    refusal: Forbidden,
) -> None:
    operator = ctx.principal.operator
    if operator is None or operator.role != Role.SUPERVISOR.value:
        raise refusal
    session.add(
        OverrideAudit(
            at=ctx.received_at,
            event_time=ctx.event_time,
            action=action,
            subject=subject,
            owner_counter=owner,
            device_id=ctx.principal.device_id,
            counter=ctx.principal.counter,
            operator=operator.username,
        )
    )
