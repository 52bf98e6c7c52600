"""A real-time claim written ahead, without Qt or a network: ``prepare`` stores the registration as a provisional
one, and ``finish`` records each answer the centre may give the way a sync round records it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kiosk.bootstrap import Built
from kiosk.services.central_client import CentralClient
from kiosk.services.changes import Change
from kiosk.services.online import Answer, OnlineAnswer, OnlineCalls, offline
from kiosk.services.registration import ClaimRefused, Prepared, RegistrationService
from kiosk.services.secrets import SecretStore
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk_core.wire import EventResult
from tests.builders import NOW, World
from tests.fakes import MovableClock
from tests.services.test_registration import draft


@pytest.fixture
def service(built: Built, clock: MovableClock) -> RegistrationService:
    """A counter with a centre configured (never called here: each test hands finish the centre's answer)."""
    online = OnlineCalls(CentralClient("http://127.0.0.1:9"), SecretStore(service="kiosk-test-unused"))
    return RegistrationService(built.uow, clock, changes=built.changes, online=online, slip_key=bytes(32))


@pytest.fixture
def prepared(service: RegistrationService, world: World, clerk: OperatorSession) -> Prepared:
    return service.prepare(draft(world, "ok", unit=world.free_units[0], plan="rt"), clerk)


def count(built: Built, table: type[t.Base]) -> int:
    with built.engine.connect() as c:
        return c.scalar(select(func.count()).select_from(table)) or 0


def unit_status(built: Built, unit_id: int) -> str:
    with built.engine.connect() as c:
        return str(c.scalar(select(t.Unit.status).where(t.Unit.id == unit_id)))


def message(built: Built) -> t.OutboxMessage:
    with built.uow() as uow:
        row = uow.session.scalars(select(t.OutboxMessage)).one()
        uow.session.expunge(row)
        return row


def test_prepare_stores_the_registration_before_the_claim_as_a_provisional_one(
    built: Built, world: World, prepared: Prepared
) -> None:
    """What a counter killed during the claim comes back to: all of it, and its message under the claim's key."""
    view = built.services.records.get(prepared.reg_no)
    assert view.provisional and view.central_status == "pending" and view.status == "active"
    assert prepared.view.provisional
    sent = message(built)
    assert sent.idempotency_key == prepared.key and sent.sent_at is None
    assert sent.subject == prepared.reg_no and sent.payload == dict(prepared.payload)
    assert unit_status(built, world.free_units[0]) == "taken"
    assert count(built, t.RegisteredPerson) > 0
    with built.engine.connect() as c:
        assert (
            c.scalar(select(t.AuditEntry.subject).where(t.AuditEntry.action == "register")) == prepared.reg_no
        )
        assert c.scalar(select(t.Plan.next_sequence).where(t.Plan.id == world.realtime_plan)) == 2


def test_finish_accepted_records_the_answer_as_a_sync_round_would(
    built: Built, service: RegistrationService, prepared: Prepared, clock: MovableClock
) -> None:
    clock.advance(seconds=2)
    view = service.finish(prepared, OnlineAnswer(Answer.ACCEPTED, received_at=NOW))
    assert view.central_status == "accepted" and not view.provisional and view.reg_no == prepared.reg_no
    sent = message(built)
    assert (sent.sent_at, sent.attempts, sent.result, sent.last_error) == (clock(), 1, "accepted", "")
    assert built.services.sync.status().unsent == 0
    with built.engine.connect() as c:
        assert c.scalar(select(t.Registration.central_received_at)) == NOW


@pytest.mark.parametrize(
    ("code", "result", "unit_after"),
    [
        ("unit_taken", EventResult.REJECTED, "taken"),
        ("already_registered", EventResult.REJECTED, "free"),
        ("field_invalid", EventResult.INVALID, "free"),
    ],
)
def test_finish_refused_turns_the_registration_down_and_answers_its_message(
    built: Built,
    world: World,
    service: RegistrationService,
    prepared: Prepared,
    code: str,
    result: EventResult,
    unit_after: str,
) -> None:
    refusal = OnlineAnswer(Answer.REFUSED, code, "该房源已被其他窗口选定", "请重新选择", result=result)
    with pytest.raises(ClaimRefused) as raised:
        service.finish(prepared, refusal)
    assert raised.value.unit_taken is (code == "unit_taken")
    view = built.services.records.get(prepared.reg_no)
    assert view.status == view.central_status == "rejected" and not view.provisional
    assert view.central_message.endswith("该房源已被其他窗口选定")
    assert (view.central_message == "该房源已被其他窗口选定") is (result is EventResult.REJECTED)
    assert unit_status(built, world.free_units[0]) == unit_after
    assert count(built, t.RegisteredPerson) == 0
    sent = message(built)
    assert sent.sent_at is not None and sent.result == result.value
    assert sent.last_error == f"{code}: 该房源已被其他窗口选定"
    assert built.services.sync.status().unsent == 0  # never sent again


def test_finish_offline_leaves_it_provisional_for_the_outbox(
    built: Built, service: RegistrationService, prepared: Prepared
) -> None:
    view = service.finish(prepared, offline("timeout"))
    assert view == prepared.view and view.provisional
    assert built.services.records.get(prepared.reg_no).provisional
    assert message(built).sent_at is None and built.services.sync.status().unsent == 1


def test_the_change_is_published_by_finish_not_by_prepare(
    built: Built, world: World, clerk: OperatorSession, service: RegistrationService
) -> None:
    """Published at prepare, the sync worker would send the message beside the claim, twice for nothing."""
    heard: list[Change] = []
    built.changes.subscribe({Change.REGISTRATION}, heard.append)
    prepared = service.prepare(draft(world, "ok", unit=world.free_units[0], plan="rt"), clerk)
    assert heard == []
    service.finish(prepared, OnlineAnswer(Answer.ACCEPTED, received_at=NOW))
    assert heard == [Change.REGISTRATION]


def test_a_refused_claim_uses_up_its_number(
    built: Built, world: World, clerk: OperatorSession, service: RegistrationService, prepared: Prepared
) -> None:
    with pytest.raises(ClaimRefused):
        service.finish(prepared, OnlineAnswer(Answer.REFUSED, "unit_taken", "已被选定"))
    again = service.prepare(draft(world, "ok", unit=world.free_units[1], plan="rt"), clerk)
    assert again.reg_no != prepared.reg_no  # the household may register again: its people are free
    assert int(again.reg_no.split("-")[2]) == int(prepared.reg_no.split("-")[2]) + 1
