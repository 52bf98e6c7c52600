"""Turning the clerk's choice into a registration: every rule checked again, one transaction with its outbox row.

A real-time plan's unit is claimed at the centre before its slip prints, write-ahead: ``prepare`` (database
lane) registers it as without a network, ``claim`` (network lane) sends its outbox message now, ``finish``
(database lane) records the centre's answer as a sync round would. Two counters can no longer both print a slip
for one unit, and a counter stopped between the steps holds what the centre holds once its outbox is sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.services import audit, mapping, queries
from kiosk.services.central_client import OutboxItem
from kiosk.services.changes import Change, ChangeNotice
from kiosk.services.clock import Clock
from kiosk.services.online import STANDALONE, STANDALONE_ANSWER, OnlineAnswer, OnlineCalls
from kiosk.services.registration_views import Choice, choice_view, registration_view
from kiosk.services.secrets import SecretStore, slip_key
from kiosk.services.settle import record_answers
from kiosk.services.views import OperatorSession, RegistrationDraft, RegistrationView
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core import eligibility
from kiosk_core.errors import Conflict, InvalidInput, KioskError, NotFound, Refused
from kiosk_core.model import PlanKind, RegistrationStatus, UnitStatus
from kiosk_core.reg_no import make_reg_no
from kiosk_core.wire import EventKind, Payload, RegistrationPayload

_SECRET_KEY = "verification_secret"  # the slips' key's Setting in caches before release 11


@dataclass(frozen=True)
class Prepared:
    """A real-time registration committed as a provisional one, before its claim: what the claim sends.

    The key and the payload are its outbox message's, byte for byte, so the centre sees one message twice
    (claim, then outbox, if the claim's answer never came back) and answers the second from the first.
    """

    draft: RegistrationDraft
    view: RegistrationView  # as committed: provisional (or standalone, with no centre configured)
    message_id: int
    key: str
    at: datetime  # the event time, created_at and the rules' moment
    payload: RegistrationPayload

    @property
    def reg_no(self) -> str:
        return self.view.reg_no


class ClaimRefused(KioskError):
    """The centre refused the claim: the registration is turned down here too, nothing is printed."""

    code = "claim_refused"

    def __init__(self, answer: OnlineAnswer):
        super().__init__(
            f"中心未受理本次登记：{answer.message or answer.code}",
            hint=answer.hint or "请返回重新选择",
            code=answer.code or self.code,
        )

    @property
    def unit_taken(self) -> bool:
        return self.code == "unit_taken"


class RegistrationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        guard: Callable[[], None] = lambda: None,
        changes: ChangeNotice | None = None,
        online: OnlineCalls | None = None,
        *,
        slip_key: bytes,
    ):
        self._uow = uow
        self._clock = clock
        self._changes = changes or ChangeNotice()
        self._online = online
        self._guard = guard  # offline guardrails: raises when the counter has been cut off too long
        self._slip_key = slip_key  # the slips' verification codes' key (kiosk.services.secrets.slip_key)

    def preview(self, draft: RegistrationDraft, operator: OperatorSession) -> RegistrationView:
        """The review screen's content, checked by the same rules as confirm, so surprises come early."""
        self._guard()
        with self._uow() as uow:
            choice = _load_choice(uow.session, draft)
            _check(uow.session, choice, draft, self._clock())
            return choice_view(
                choice,
                operator_name=operator.display_name,
                counter=operator.counter,
                notice_version=choice.plan.notice.version,
                notice_read_aloud=draft.notice_read_aloud,
            )

    def register(self, draft: RegistrationDraft, operator: OperatorSession) -> RegistrationView:
        view = self._commit(draft, operator).view
        self._changes.publish(Change.REGISTRATION)  # the sync worker sends it now, Records shows it
        return view

    # --- real-time plans: claim the unit at the centre before anything is printed ---

    def prepare(self, draft: RegistrationDraft, operator: OperatorSession) -> Prepared:
        """Database lane: registered exactly as without a network (provisional, its message unsent), then claimed.

        Written ahead of the claim: a counter stopped at any moment after this holds the registration the
        centre may hold, and its outbox sends the same message under the same key, answered from the claim's
        stored answer. The number is taken here, so a refused claim uses one up (Records shows it turned down).
        Not published yet: the sync worker would send the message beside the claim; finish publishes.
        """
        if draft.unit_id is None:
            raise InvalidInput("实时配租须选定一套具体房源", hint="请在房源列表中选择一套")
        # No centre configured: the claim can only answer standalone, and nothing will ever settle it.
        standalone = self._online is None or not self._online.configured
        return self._commit(draft, operator, central_status=STANDALONE if standalone else "pending")

    def claim(self, prepared: Prepared) -> OnlineAnswer:
        """Network lane: the centre's answer to this registration, in a few seconds at most."""
        if self._online is None:
            return STANDALONE_ANSWER
        return self._online.claim_registration(prepared.key, prepared.at, prepared.payload)

    def finish(self, prepared: Prepared, answer: OnlineAnswer) -> RegistrationView:
        """Database lane: the centre's answer recorded as a sync round records it; raises ClaimRefused when it said no.

        Accepted: its message answered and the registration accepted. Refused: turned down as a refused
        message turns it down (the unit taken or free again, the people free) and its message answered, so it
        is never sent again. Offline: nothing more, it stays provisional and the outbox sends it later.
        """
        if answer.offline:
            self._changes.publish(Change.REGISTRATION)  # Records shows it; the sync worker tries it again
            return prepared.view
        if answer.standalone:
            return self._standalone(prepared)
        item = OutboxItem(prepared.key, EventKind.REGISTRATION, prepared.at, dict(prepared.payload))
        with self._uow() as uow:
            s = uow.session
            record_answers(s, [(prepared.message_id, item)], [answer.event_answer()], self._clock())
            row = s.scalars(select(t.Registration).where(t.Registration.reg_no == prepared.reg_no)).one()
            view = registration_view(s, row)
            uow.commit()
        self._changes.publish(Change.REGISTRATION)
        if answer.refused:
            raise ClaimRefused(answer)
        return view

    def register_claimed(self, draft: RegistrationDraft, operator: OperatorSession) -> RegistrationView:
        """The three steps in a row, for callers that may wait (scripts, tests); the UI runs them on lanes."""
        prepared = self.prepare(draft, operator)
        return self.finish(prepared, self.claim(prepared))

    def _standalone(self, prepared: Prepared) -> RegistrationView:
        # prepare wrote it so already (the claim answers standalone exactly when no centre is configured)
        if prepared.view.central_status != STANDALONE:
            with self._uow() as uow:
                uow.session.execute(
                    update(t.Registration)
                    .where(t.Registration.reg_no == prepared.reg_no)
                    .values(central_status=STANDALONE)
                )
                uow.commit()
        self._changes.publish(Change.REGISTRATION)
        return replace(prepared.view, central_status=STANDALONE)

    def _commit(
        self, draft: RegistrationDraft, operator: OperatorSession, *, central_status: str = "pending"
    ) -> Prepared:
        """Every rule, then the registration, its unit, its people, its outbox message and the audit entry in
        one transaction."""
        self._guard()
        now = self._clock()
        with self._uow() as uow:
            s = uow.session
            choice = _load_choice(s, draft)
            ack = _check(s, choice, draft, now)
            plan_row = s.get_one(t.Plan, choice.plan.id)
            sequence = plan_row.next_sequence
            plan_row.next_sequence = sequence + 1
            reg_no = make_reg_no(choice.plan.code, sequence, operator.counter)
            household = choice.household
            row = _row(
                choice,
                draft,
                operator,
                reg_no,
                now,
                ack.at,
                verification_code(self._slip_key, reg_no, household.applicant_id_number),
            )
            row.central_status = central_status
            s.add(row)
            if choice.unit is not None:
                taken: CursorResult[Any] = s.execute(  # type: ignore[assignment]
                    update(t.Unit)
                    .where(t.Unit.id == choice.unit.id, t.Unit.status == UnitStatus.FREE)
                    .values(status=UnitStatus.TAKEN.value)
                )
                if taken.rowcount != 1:
                    raise Conflict(f"房源 {choice.unit.label} 刚被选定", hint="请返回重新选择房源")
            try:
                s.flush()
            except IntegrityError:
                raise Conflict("房源刚被其他登记占用", hint="请返回重新选择房源") from None
            s.add_all(
                t.RegisteredPerson(registration_id=row.id, plan_id=choice.plan.id, id_number=n)
                for n in household.id_numbers()
            )
            payload = _payload(row, choice)
            message = outbox_message(EventKind.REGISTRATION, reg_no, now, payload)
            s.add(message)
            audit.record(
                s,
                action="register",
                at=now,
                counter=operator.counter,
                operator_id=operator.id,
                subject=reg_no,
                filing_no=household.filing_no,
                plan=choice.plan.code,
            )
            s.flush()  # the message's id, which finish answers by
            # Built from what this registration already loaded (the row was flushed above): reading it all
            # back after the commit loaded the household, plan, project and unit type a second time.
            view = choice_view(
                choice,
                operator_name=operator.display_name,
                counter=row.counter,
                notice_version=row.notice_version,
                notice_read_aloud=row.notice_read_aloud,
                row=row,
            )
            uow.commit()
        return Prepared(draft, view, message.id, message.idempotency_key, now, payload)


def outbox_message(
    kind: EventKind, subject: str, at: datetime, payload: Payload, *, key: str | None = None
) -> t.OutboxMessage:
    """The central service applies each message once, keyed by its idempotency key.

    ``key``: chosen earlier, when the message already went to the centre as an online claim.
    """
    return t.OutboxMessage(
        idempotency_key=key or str(uuid.uuid4()),
        kind=kind.value,
        subject=subject,
        event_time=at,
        payload=dict(payload),
    )


def verification_code(secret: bytes, reg_no: str, id_number: str) -> str:
    """Eight characters a slip cannot be forged without: HMAC of reg no and applicant, readable in base32."""
    digest = hmac.new(secret, f"{reg_no}|{id_number}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest)[:8].decode()


def move_slip_key(uow: UnitOfWorkFactory, store: SecretStore) -> bytes:
    """The slips' key from the keyring; a release before 11 kept it in the cache: moved, then deleted there."""
    with uow() as u:
        row = u.session.get(t.Setting, _SECRET_KEY)
        key = slip_key(store, row.value if row else None)
        if row is not None:
            u.session.delete(row)
            u.commit()
    return key


def _load_choice(session: Session, draft: RegistrationDraft) -> Choice:
    household = queries.load_household(session, draft.household_id)
    plan = queries.load_plan(session, draft.plan_id)
    unit = None
    if draft.unit_id is not None:
        unit_row = session.get(t.Unit, draft.unit_id)
        if unit_row is None:
            raise NotFound("找不到该房源，请重新选择")
        unit = mapping.unit(unit_row)
    unit_type_id = unit.unit_type_id if unit else draft.unit_type_id
    type_row = session.get(t.UnitType, unit_type_id)
    if type_row is None:
        raise NotFound("找不到该户型，请重新选择")
    project = session.get_one(t.Project, type_row.project_id)
    if project.plan_id != plan.id:
        raise InvalidInput("所选户型不属于该配租计划，请重新选择")
    return Choice(household, plan, project, mapping.unit_type(type_row), unit)


def _check(
    session: Session, choice: Choice, draft: RegistrationDraft, now: datetime
) -> eligibility.NoticeAck:
    """Every rule, the notice's acknowledgement included; returns that acknowledgement."""
    if choice.plan.kind is PlanKind.REALTIME and choice.unit is None:
        raise InvalidInput("实时配租须选定一套具体房源", hint="请在房源列表中选择一套")
    ctx = queries.context(session, choice.household, choice.plan, now, choice.unit_type, choice.unit)
    ack = _ack(draft)
    refusals = eligibility.evaluate(replace(ctx, notice_ack=ack), eligibility.CONFIRM_RULES)
    if refusals or ack is None:
        raise Refused(refusals)
    return ack


def _ack(draft: RegistrationDraft) -> eligibility.NoticeAck | None:
    if draft.notice_version is None or draft.notice_ack_at is None:
        return None
    return eligibility.NoticeAck(draft.notice_version, draft.notice_ack_at, draft.notice_read_aloud)


def _row(
    choice: Choice,
    draft: RegistrationDraft,
    operator: OperatorSession,
    reg_no: str,
    at: datetime,
    ack_at: datetime,
    code: str,
) -> t.Registration:
    return t.Registration(
        reg_no=reg_no,
        plan_id=choice.plan.id,
        household_id=choice.household.id,
        project_id=choice.project.id,
        unit_type_id=choice.unit_type.id,
        unit_id=choice.unit.id if choice.unit else None,
        status=RegistrationStatus.ACTIVE.value,
        phone=choice.household.phone,
        created_at=at,
        operator_id=operator.id,
        counter=operator.counter,
        notice_version=choice.plan.notice.version,
        notice_read_aloud=draft.notice_read_aloud,
        notice_ack_at=ack_at,
        notice_ack_operator_id=operator.id,
        verification_code=code,
    )


def _payload(row: t.Registration, choice: Choice) -> RegistrationPayload:
    return {
        "reg_no": row.reg_no,
        "plan_code": choice.plan.code,
        "filing_no": choice.household.filing_no,
        "applicant_id_number": choice.household.applicant_id_number,
        "project_code": choice.project.code,
        "unit_type_code": choice.unit_type.code,
        "unit_code": choice.unit.code if choice.unit else None,
        "phone": row.phone,
        "counter": row.counter,
        "operator_id": row.operator_id,
        "created_at": row.created_at.isoformat(),
        "notice_version": row.notice_version,
        "notice_read_aloud": row.notice_read_aloud,
        "notice_ack_at": row.notice_ack_at.isoformat(),
        "verification_code": row.verification_code,
    }
