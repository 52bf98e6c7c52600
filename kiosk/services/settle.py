"""The centre's answers to outbox messages, recorded: by a sync round in bulk, and by a real-time claim for one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from kiosk.services.central_client import EventAnswer, OutboxItem
from kiosk.storage import tables as t
from kiosk_core.model import RegistrationStatus, UnitStatus
from kiosk_core.wire import EventKind


def record_answers(
    s: Session, chunk: list[tuple[int, OutboxItem]], answers: list[EventAnswer], now: datetime
) -> None:
    """Each message (its id, what was sent) marked answered, and the registrations it carried settled.

    In the caller's transaction: the centre has stored these answers, so a crash before it commits only sends
    them again. The common case (accepted) is two bulk updates; only turned-down registrations go row by row.
    """
    s.connection().execute(
        _MARK_SENT,
        [
            {
                "msg_id": msg_id,
                "now": now,
                "answer_result": answer.result,
                # The centre will never take an invalid message as it is: kept visible, the queue goes on.
                "error": "" if answer.accepted else f"{answer.code}: {answer.message}",
            }
            for (msg_id, _item), answer in zip(chunk, answers, strict=True)
        ],
    )
    # An invalid registration is as void as a rejected one: the centre will never hold it. Staff must
    # see it in Records and on the strip like any other turned down, not only in the outbox table.
    registrations = [
        (item.payload["reg_no"], answer)
        for (_id, item), answer in zip(chunk, answers, strict=True)
        if item.kind == EventKind.REGISTRATION
    ]
    accepted = [(reg_no, a) for reg_no, a in registrations if a.accepted]
    if accepted:
        s.connection().execute(
            _MARK_ACCEPTED, [{"key": reg_no, "received_at": a.received_at} for reg_no, a in accepted]
        )
    for reg_no, answer in registrations:
        if not answer.accepted:
            reg = s.scalar(select(t.Registration).where(t.Registration.reg_no == reg_no))
            if reg is not None:
                turn_down(s, reg, answer)


def turn_down(s: Session, reg: t.Registration, answer: EventAnswer) -> None:
    """Another counter got there first: this registration is void, its unit and people are free again here."""
    reg.central_status = "rejected"
    reg.central_code = answer.code
    reg.central_message = (
        answer.message if answer.result == "rejected" else f"中心认为登记内容有误，未受理：{answer.message}"
    )
    if reg.status == RegistrationStatus.ACTIVE:
        reg.status = RegistrationStatus.REJECTED.value
        if reg.unit_id is not None:
            unit = s.get_one(t.Unit, reg.unit_id)
            unit.status = UnitStatus.TAKEN.value if answer.code == "unit_taken" else UnitStatus.FREE.value
        s.execute(delete(t.RegisteredPerson).where(t.RegisteredPerson.registration_id == reg.id))


# Built once with bound values, as plain rows and updates: a drain sends thousands of messages, and the ORM's
# objects and its per-call statement building cost more than the rows themselves.
_OUTBOX: Table = t.OutboxMessage.__table__  # type: ignore[assignment]
_MARK_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("msg_id"))
    .values(
        sent_at=bindparam("now"), attempts=1, result=bindparam("answer_result"), last_error=bindparam("error")
    )
)
_MARK_ACCEPTED = (
    update(t.Registration)
    .where(t.Registration.reg_no == bindparam("key"))
    .values(central_status="accepted", central_received_at=bindparam("received_at"))
)
