"""A batch applied set-wise answers each message exactly as its single endpoint would, and leaves the same rows.

Each case sends the same messages to two equal worlds: one by one to the single endpoints in one, as one batch in
the other. Every answer (status and body), the rows they leave (registrations, persons, units, catalog and review
counters) and the stored answers must be equal. The cases are the ones set-wise judging could get wrong: refusals
in the middle of a batch, messages that depend on each other, a key twice in one batch, a body changed under a key.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central, build
from kiosk_central.config import Settings
from kiosk_central.db import Database
from kiosk_central.services import registrations
from kiosk_central.services.auth import Principal
from kiosk_central.services.event_values import EventContext
from kiosk_central.services.payloads import RegistrationPayload
from kiosk_central.services.registration_batch import RegistrationBatch
from kiosk_central.tables import (
    Base,
    Household,
    IdempotencyRecord,
    Plan,
    Registration,
    RegistrationPerson,
    Unit,
)
from tests.central.api import Api, asgi_client
from tests.central.world import (
    CROWD,
    FAMILIES,
    NOW,
    build_world,
    cancellation,
    new_key,
    phone_update,
    registration,
)
from tests.fakes import CHEAP_HASHER, MovableClock

ENDPOINTS = {
    "registration": "/v1/registrations",
    "cancellation": "/v1/cancellations",
    "phone_update": "/v1/phone-updates",
}


@dataclass(frozen=True)
class Message:
    kind: str
    key: str
    event: dict[str, Any]


def reg(*args: Any, key: str | None = None, **kwargs: Any) -> Message:
    return Message("registration", key or new_key(), registration(*args, **kwargs))


def cancel(reg_no: str, key: str | None = None) -> Message:
    return Message("cancellation", key or new_key(), cancellation(reg_no))


def phone(filing_no: str, number: str, key: str | None = None) -> Message:
    return Message("phone_update", key or new_key(), phone_update(filing_no, number))


def reg_no(message: Message) -> str:
    return str(message.event["payload"]["reg_no"])


@pytest.fixture(scope="session")
def twin_pg_url(pg_cluster: Any) -> str:
    url: str = pg_cluster.create("central_twin")
    db = Database(url)
    db.migrate()
    db.dispose()
    return url


@pytest.fixture
def twin_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A second migrated, empty database of the same backend as the test's first."""
    if backend == "sqlite":
        target = tmp_path / "twin.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("twin_pg_url")
    db = Database(url)
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f"DELETE FROM {table.name}"))
        conn.execute(text("INSERT INTO counters (name, value) VALUES ('catalog', 0), ('reviews', 0)"))
    db.dispose()
    return url


@pytest.fixture
def single(world: Central) -> Iterator[Api]:
    with asgi_client(create_app(world)) as client:
        yield Api.enrolled(world, client)


@pytest.fixture
def twin(twin_url: str) -> Iterator[Central]:
    central = build(Settings(database_url=twin_url), clock=MovableClock(NOW), hasher=CHEAP_HASHER)
    with central.db.session() as s:  # as the world fixture builds it
        build_world(s)
        central.auth.create_operator(s, "clerk1", "王晓梅", "clerk", "clerk-pass-1")
        central.auth.create_operator(s, "super1", "李建国", "supervisor", "super-pass-1")
    yield central
    central.close()


@pytest.fixture
def batched(twin: Central) -> Iterator[Api]:
    with asgi_client(create_app(twin)) as client:
        yield Api.enrolled(twin, client)


def one_by_one(api: Api, messages: list[Message]) -> list[tuple[int, dict[str, Any]]]:
    answers = []
    for m in messages:
        r = api.post(ENDPOINTS[m.kind], m.event, m.key)
        answers.append((r.status_code, r.json()))
    return answers


def as_batch(api: Api, messages: list[Message]) -> list[tuple[int, dict[str, Any]]]:
    items = [{"kind": m.kind, "idempotency_key": m.key, **m.event} for m in messages]
    r = api.post("/v1/events/batch", {"events": items})
    assert r.status_code == 200, r.text
    return [(x["status"], x["body"]) for x in r.json()["results"]]


def state(central: Central) -> dict[str, Any]:
    """What the messages left, by codes: row ids differ between two worlds (PostgreSQL's sequences go on)."""
    with central.db.session() as s:
        regs = s.execute(
            select(
                Registration.reg_no,
                Registration.status,
                Registration.slot,
                Unit.code,
                Household.filing_no,
                Registration.phone,
                Registration.cancelled_at,
                Registration.review_version,
            )
            .join(Household, Household.id == Registration.household_id)
            .outerjoin(Unit, Unit.id == Registration.unit_id)
            .order_by(Registration.reg_no)
        ).all()
        persons = s.execute(
            select(
                Plan.code,
                Household.filing_no,
                RegistrationPerson.id_hash,
                RegistrationPerson.registrations,
                RegistrationPerson.active,
            )
            .join(Plan, Plan.id == RegistrationPerson.plan_id)
            .join(Household, Household.id == RegistrationPerson.household_id)
            .order_by(Plan.code, RegistrationPerson.id_hash, RegistrationPerson.active)
        ).all()
        units = s.execute(select(Unit.code, Unit.status, Unit.version).order_by(Unit.code)).all()
        phones = s.execute(
            select(Household.filing_no, Household.phone, Household.version).order_by(Household.filing_no)
        ).all()
        counters = s.execute(text("SELECT name, value FROM counters ORDER BY name")).all()
        answers = s.execute(
            select(
                IdempotencyRecord.key,
                IdempotencyRecord.endpoint,
                IdempotencyRecord.request_hash,
                IdempotencyRecord.status_code,
                IdempotencyRecord.response,
            ).order_by(IdempotencyRecord.key)
        ).all()
    return {
        "registrations": [tuple(r) for r in regs],
        "persons": [tuple(p) for p in persons],
        "units": [tuple(u) for u in units],
        "households": [tuple(h) for h in phones],
        "counters": [tuple(c) for c in counters],
        "answers": [tuple(a) for a in answers],
    }


def same_both_ways(
    single: Api, world: Central, batched: Api, twin: Central, messages: list[Message]
) -> list[tuple[int, dict[str, Any]]]:
    expected = one_by_one(single, messages)
    assert as_batch(batched, messages) == expected
    assert state(twin) == state(world)
    return expected


def codes(answers: list[tuple[int, dict[str, Any]]]) -> list[Any]:
    return [status if status in (200, 201) else body.get("code") for status, body in answers]


def test_refusals_in_the_middle_of_a_batch(single: Api, world: Central, batched: Api, twin: Central) -> None:
    no_notice = reg(FAMILIES["ok2"], seq=6)
    no_notice.event["payload"]["notice_version"] = 0
    late = reg(FAMILIES["six"], seq=7, at=NOW.replace(hour=11))  # an hour ahead of the centre's clock
    messages = [
        reg(FAMILIES["ok"], seq=1),
        reg(FAMILIES["expired"], seq=2),
        reg(FAMILIES["xicheng"], seq=3),
        reg(FAMILIES["ok"], "Q2612", seq=4),
        reg(FAMILIES["six"], seq=5),  # five children: too many for the one-room type
        no_notice,
        late,
        reg(FAMILIES["ok2"], seq=8, counter="02"),
        reg(FAMILIES["ok2"], seq=9),
    ]
    answers = same_both_ways(single, world, batched, twin, messages)
    assert codes(answers) == [
        201,
        "filing_expired",
        "district_not_allowed",
        "window_not_open",
        "family_size",
        "notice_not_acknowledged",
        "event_in_future",
        "counter_mismatch",
        201,
    ]


def test_messages_that_depend_on_each_other(single: Api, world: Central, batched: Api, twin: Central) -> None:
    first, second = reg(CROWD[0], "R2611", 1, unit="R-1-301"), reg(CROWD[1], "R2611", 2, unit="R-1-301")
    messages = [
        first,
        second,  # the unit the first just took
        reg(CROWD[0], "R2611", 3, unit="R-1-501"),  # the first household again: one per plan
        cancel(reg_no(first)),
        reg(CROWD[1], "R2611", 4, unit="R-1-301"),  # free again
        reg(CROWD[0], "R2611", 5, unit="R-1-701"),  # and so is the first household's slot
        phone(CROWD[0].filing_no, "13900000001"),
        cancel(reg_no(first)),  # twice
        reg(CROWD[2], "R2611", 6, unit="R-2-902"),  # taken by the centre
    ]
    answers = same_both_ways(single, world, batched, twin, messages)
    assert codes(answers) == [
        201,
        "unit_taken",
        "already_registered",
        200,
        201,
        201,
        200,
        "already_cancelled",
        "unit_taken",
    ]


def test_persons_and_slots_within_one_batch(single: Api, world: Central, batched: Api, twin: Central) -> None:
    messages = [
        reg(FAMILIES["clash_a"], seq=1),
        reg(FAMILIES["clash_b"], seq=2),  # shares a member with the first
        reg(FAMILIES["clash_b"], "M2611", seq=3),  # another plan: free there
        reg(FAMILIES["ok"], "M2611", seq=4),
        reg(FAMILIES["ok"], "M2611", seq=5),  # two allowed in this plan
        reg(FAMILIES["ok"], "M2611", seq=6),
        reg(FAMILIES["ok2"], seq=1),  # a reg_no already used in this batch
        reg(FAMILIES["ok2"], seq=7),
    ]
    answers = same_both_ways(single, world, batched, twin, messages)
    assert codes(answers) == [
        201,
        "member_registered_elsewhere",
        201,
        201,
        201,
        "already_registered",
        "duplicate_reg_no",
        201,
    ]
    assert FAMILIES["clash_a"].filing_no in answers[1][1]["message"]


def test_a_key_twice_in_one_batch(single: Api, world: Central, batched: Api, twin: Central) -> None:
    accepted, refused = reg(FAMILIES["ok"], seq=1), reg(FAMILIES["expired"], seq=2)
    changed = reg(FAMILIES["ok2"], seq=3, key=accepted.key)  # same key, another body
    messages = [
        accepted,
        refused,
        reg(FAMILIES["ok"], seq=1, key=accepted.key),  # resent: the first answer again
        Message("registration", refused.key, refused.event),
        changed,
        Message("cancellation", accepted.key, cancellation(reg_no(accepted))),  # same key, another kind
        reg(FAMILIES["ok2"], seq=4),
    ]
    answers = same_both_ways(single, world, batched, twin, messages)
    assert codes(answers) == [
        201,
        "filing_expired",
        201,
        "filing_expired",
        "idempotency_key_reused",
        "idempotency_key_reused",
        201,
    ]
    assert answers[2] == answers[0] and answers[3] == answers[1]


def test_keys_answered_before_the_batch(single: Api, world: Central, batched: Api, twin: Central) -> None:
    before = [reg(CROWD[0], "R2611", 1, unit="R-1-301"), reg(FAMILIES["expired"], seq=2)]
    same_both_ways(single, world, batched, twin, before)
    messages = [
        reg(CROWD[3], "R2611", 3, unit="R-1-501"),
        *before,  # resent as they were
        reg(FAMILIES["ok"], seq=4, key=before[0].key),  # a stored key with another body
        reg(CROWD[4], "R2611", 5, unit="R-1-301"),
    ]
    answers = same_both_ways(single, world, batched, twin, messages)
    assert codes(answers) == [201, 201, "filing_expired", "idempotency_key_reused", "unit_taken"]


def race_after_read(monkeypatch: pytest.MonkeyPatch, api: Api, sneaked: dict[str, Any]) -> None:
    """Another counter's registration committed just after the batch read what it judges against.

    Written in the batch's own transaction, once, right after its first read: the batch does not know it.
    """
    read = RegistrationBatch._read
    raced: list[bool] = []

    def read_then_race(self: RegistrationBatch, session: Session) -> None:
        read(self, session)
        if not raced:
            raced.append(True)
            payload = RegistrationPayload.model_validate(sneaked["payload"])
            registrations.register(session, EventContext(Principal(api.device_id, "01"), payload, NOW, NOW))

    monkeypatch.setattr(RegistrationBatch, "_read", read_then_race)


def held(central: Central) -> list[tuple[Any, ...]]:
    with central.db.session() as s:
        rows = s.execute(
            select(Registration.reg_no, Household.filing_no, Unit.code)
            .join(Household, Household.id == Registration.household_id)
            .outerjoin(Unit, Unit.id == Registration.unit_id)
            .where(Registration.status == "active")
            .order_by(Registration.reg_no)
        ).all()
    return [tuple(r) for r in rows]


def test_a_row_the_batch_did_not_read_sends_its_queue_alone(
    batched: Api, twin: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    sneaked = registration(CROWD[5], seq=2)
    race_after_read(monkeypatch, batched, sneaked)
    messages = [reg(FAMILIES["ok"], seq=1), reg(FAMILIES["ok2"], seq=2), reg(CROWD[6], seq=3)]
    assert codes(as_batch(batched, messages)) == [201, "duplicate_reg_no", 201]
    assert held(twin) == [
        (reg_no(messages[0]), FAMILIES["ok"].filing_no, None),
        (sneaked["payload"]["reg_no"], CROWD[5].filing_no, None),
        (reg_no(messages[2]), CROWD[6].filing_no, None),
    ]


def test_a_refusal_judged_against_a_queue_that_failed_is_answered_again(
    batched: Api, twin: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second took "its" unit from the first in memory; the first then fails: the unit was free after all."""
    sneaked = registration(CROWD[7], "R2611", 9, unit="R-1-701")  # the first's household, elsewhere
    race_after_read(monkeypatch, batched, sneaked)
    first, second = reg(CROWD[7], "R2611", 1, unit="R-1-301"), reg(CROWD[8], "R2611", 2, unit="R-1-301")
    assert codes(as_batch(batched, [first, second])) == ["already_registered", 201]
    assert held(twin) == [
        (reg_no(second), CROWD[8].filing_no, "R-1-301"),
        (sneaked["payload"]["reg_no"], CROWD[7].filing_no, "R-1-701"),
    ]
