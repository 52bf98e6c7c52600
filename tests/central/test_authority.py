"""Who may change what: a counter its own registrations; another counter's only by a supervisor, audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from kiosk_central.bootstrap import Central
from kiosk_central.tables import OverrideAudit, Registration
from tests.central.api import Api
from tests.central.world import FAMILIES, NOW, cancellation, new_key, phone_update, registration


def _other_counter(api: Api, world: Central) -> Api:
    return Api.enrolled(world, api.client, counter="02")


def _as_operator(api: Api, username: str, password: str) -> dict[str, str]:
    r = api.operator_login(username, password)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _post(
    api: Api, path: str, body: dict[str, Any], key: str, auth: dict[str, str] | None = None
) -> httpx.Response:
    return api.client.post(path, json=body, headers=(auth or api.auth) | {"Idempotency-Key": key})


def _refused(r: httpx.Response, code: str) -> dict[str, Any]:
    assert r.status_code == 403, r.text
    body: dict[str, Any] = r.json()
    assert body["code"] == code
    assert "不能更改" in body["message"] and "主管" in body["hint"]
    return body


def _status(world: Central, reg_no: str) -> str:
    with world.db.session() as s:
        return str(s.scalar(select(Registration.status).where(Registration.reg_no == reg_no)))


def test_another_counter_cannot_cancel_a_registration_it_did_not_make(api: Api, world: Central) -> None:
    first = registration(FAMILIES["ok"])
    reg_no = first["payload"]["reg_no"]
    assert api.register(first).status_code == 201
    other = _other_counter(api, world)
    key = new_key()
    refused = _refused(_post(other, "/v1/cancellations", cancellation(reg_no), key), "not_your_registration")
    assert refused["message"] == f"登记 {reg_no} 是01号窗口办理的，本窗口（02号）不能更改"
    # The refusal is stored like any answer; a clerk's token does not make it the counter's either.
    assert _post(other, "/v1/cancellations", cancellation(reg_no), key).json() == refused
    clerk = _as_operator(other, "clerk1", "clerk-pass-1")
    _refused(
        _post(other, "/v1/cancellations", cancellation(reg_no), new_key(), clerk), "not_your_registration"
    )
    assert _status(world, reg_no) == "active"
    with world.db.session() as s:
        assert s.scalars(select(OverrideAudit)).all() == []


def test_a_supervisor_at_another_counter_cancels_it_audited_and_the_owner_hears_of_it(
    api: Api, world: Central
) -> None:
    first = registration(FAMILIES["ok"])
    reg_no = first["payload"]["reg_no"]
    assert api.register(first).status_code == 201
    held = api.changes(0, path="/v1/reviews/changes")["version"]
    other = _other_counter(api, world)
    supervisor = _as_operator(other, "super1", "super-pass-1")
    body = cancellation(reg_no)
    body["payload"]["comment"] = "户主到2号窗口申请"
    r = _post(other, "/v1/cancellations", body, new_key(), supervisor)
    assert (r.status_code, r.json()["result"]) == (200, "accepted"), r.text
    assert _status(world, reg_no) == "cancelled"
    with world.db.session() as s:
        audit = s.scalars(select(OverrideAudit)).one()
        assert (audit.action, audit.subject, audit.owner_counter) == ("cancel", reg_no, "01")
        assert (audit.operator, audit.device_id, audit.counter) == ("super1", other.device_id, "02")
        assert (audit.at, audit.event_time) == (NOW, NOW)
    # Counter 01 learns it from the feed it already pulls.
    change = api.changes(held, path="/v1/reviews/changes")["changes"]
    assert [(c["reg_no"], c["status"], c["cancelled_by_counter"]) for c in change] == [
        (reg_no, "cancelled", "02")
    ]
    assert (change[0]["cancel_reason"], change[0]["cancel_comment"]) == (
        "household_request",
        "户主到2号窗口申请",
    )
    assert datetime.fromisoformat(change[0]["cancelled_at"]).astimezone().replace(tzinfo=None) == NOW
    # Its own cancellation would now be refused as already done, not applied twice.
    again = api.post("/v1/cancellations", cancellation(reg_no))
    assert (again.status_code, again.json()["code"]) == (409, "already_cancelled")


def test_a_counters_own_cancellation_needs_no_supervisor_and_no_feed_entry(api: Api, world: Central) -> None:
    first = registration(FAMILIES["ok"])
    assert api.register(first).status_code == 201
    assert api.post("/v1/cancellations", cancellation(first["payload"]["reg_no"])).status_code == 200
    assert api.changes(0, path="/v1/reviews/changes")["changes"] == []  # it knows already
    with world.db.session() as s:
        assert s.scalars(select(OverrideAudit)).all() == []


def test_phones_of_households_registered_elsewhere_need_a_supervisor(api: Api, world: Central) -> None:
    ok, ok2 = FAMILIES["ok"].filing_no, FAMILIES["ok2"].filing_no
    assert api.register(registration(FAMILIES["ok"])).status_code == 201
    other = _other_counter(api, world)
    refused = _refused(
        _post(other, "/v1/phone-updates", phone_update(ok, "13911111111"), new_key()), "not_your_household"
    )
    assert refused["message"] == f"备案 {ok} 没有在本窗口（02号）办理的登记，本窗口不能更改"
    # A household registered nowhere is no counter's: its phone is the filing's, changed at the centre.
    _refused(api.post("/v1/phone-updates", phone_update(ok2, "13911111111")), "not_your_household")
    assert api.post("/v1/phone-updates", phone_update(ok, "13922222222")).json()["applied"] is True
    supervisor = _as_operator(other, "super1", "super-pass-1")
    r = _post(other, "/v1/phone-updates", phone_update(ok, "13933333333"), new_key(), supervisor)
    assert (r.status_code, r.json()["applied"]) == (200, True), r.text
    with world.db.session() as s:
        audit = s.scalars(select(OverrideAudit)).one()
        assert (audit.action, audit.subject, audit.owner_counter, audit.operator) == (
            "phone_update",
            ok,
            None,
            "super1",
        )


def test_another_device_resending_a_key_does_not_read_the_first_devices_answer(
    api: Api, world: Central
) -> None:
    first, registered_with = registration(FAMILIES["ok"]), new_key()
    reg_no = first["payload"]["reg_no"]
    assert api.register(first, registered_with).status_code == 201
    cancelled_with = new_key()
    mine = api.post("/v1/cancellations", cancellation(reg_no), cancelled_with)
    assert mine.status_code == 200
    other = _other_counter(api, world)
    # The same key and body from counter 02: judged as its own message, not given counter 01's answer.
    theirs = _post(other, "/v1/cancellations", cancellation(reg_no), cancelled_with)
    _refused(theirs, "not_your_registration")
    # A different body under a key counter 01 used is not "reused": the key is 02's own.
    own = registration(FAMILIES["ok2"], seq=1, counter="02")
    assert _post(other, "/v1/registrations", own, registered_with).status_code == 201
    # In a batch too, counter 02 gets its own stored answer, and counter 01 its own, byte for byte.
    batch = {"events": [{"kind": "cancellation", "idempotency_key": cancelled_with, **cancellation(reg_no)}]}
    answer = other.post("/v1/events/batch", batch).json()["results"][0]
    assert (answer["status"], answer["body"]) == (403, theirs.json())
    assert api.post("/v1/cancellations", cancellation(reg_no), cancelled_with).content == mine.content
    answer = api.post("/v1/events/batch", batch).json()["results"][0]
    assert (answer["status"], answer["body"]) == (200, mine.json())


def test_a_counters_new_device_replays_what_its_old_device_was_answered(api: Api, world: Central) -> None:
    body, key = registration(FAMILIES["ok"]), new_key()
    first = api.register(body, key)
    assert first.status_code == 201
    with world.db.session() as s:
        e = world.auth.enroll_device(s, "01", "01号窗口（新）", replace=True)
    replaced = Api(api.client, e.device_id, e.secret, "01")
    again = replaced.register(body, key)  # its outbox came along: sent once more, applied once
    assert again.content == first.content
    with world.db.session() as s:
        assert s.query(Registration).count() == 1
