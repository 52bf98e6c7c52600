"""A batch of outbox messages: answered one by one in order, each exactly as its single endpoint would."""

from __future__ import annotations

from typing import Any

from tests.central.api import Api
from tests.central.world import FAMILIES, cancellation, new_key, registration


def item(kind: str, key: str, event: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "idempotency_key": key, **event}


def batch(api: Api, *items: dict[str, Any]) -> list[dict[str, Any]]:
    r = api.client.post("/v1/events/batch", json={"events": list(items)}, headers=api.auth)
    assert r.status_code == 200, r.text
    results: list[dict[str, Any]] = r.json()["results"]
    assert [x["idempotency_key"] for x in results] == [i["idempotency_key"] for i in items]
    return results


def test_batch_in_order_with_a_rejection_in_the_middle(api: Api) -> None:
    first = registration(FAMILIES["ok"], seq=1)
    twice = registration(FAMILIES["ok"], seq=2)  # same household, same plan: refused
    other = registration(FAMILIES["ok2"], seq=3)
    results = batch(
        api,
        item("registration", new_key(), first),
        item("registration", new_key(), twice),
        item("registration", new_key(), other),
        item("cancellation", new_key(), cancellation(first["payload"]["reg_no"])),
    )
    assert [r["status"] for r in results] == [201, 409, 201, 200]
    assert results[1]["body"]["code"] == "already_registered"


def test_a_message_first_sent_alone_replays_in_a_batch(api: Api) -> None:
    key, event = new_key(), registration(FAMILIES["ok"])
    alone = api.register(event, key)
    assert alone.status_code == 201
    (again,) = batch(api, item("registration", key, event))
    assert (again["status"], again["body"]) == (201, alone.json())


def test_reused_key_and_bad_key_are_answered_in_place(api: Api) -> None:
    key = new_key()
    results = batch(
        api,
        item("registration", key, registration(FAMILIES["ok"], seq=1)),
        item("registration", key, registration(FAMILIES["ok2"], seq=2)),
        item("registration", "not-a-uuid", registration(FAMILIES["ok2"], seq=3)),
    )
    assert [r["status"] for r in results] == [201, 422, 422]
    assert results[1]["body"]["code"] == "idempotency_key_reused"
    assert results[2]["body"]["code"] == "idempotency_key_format"


def test_batch_needs_a_device_token(api: Api) -> None:
    r = api.client.post("/v1/events/batch", json={"events": []})
    assert r.status_code == 401
