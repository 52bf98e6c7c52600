"""The OpenAPI document is true: times carry their offset, the idempotency key is required, one error shape."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kiosk_central.bootstrap import Central
from tests.central.api import Api
from tests.central.world import FAMILIES, NOW, registration

EVENT_PATHS = ("/v1/registrations", "/v1/cancellations", "/v1/phone-updates")


def _local(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, f"{text} has no UTC offset"
    return value.astimezone().replace(tzinfo=None)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_answers_carry_their_times_with_the_offset(api: Api) -> None:
    assert _local(api.register(registration(FAMILIES["ok"])).json()["received_at"]) == NOW
    assert _local(api.device_login().json()["expires_at"]) == NOW.replace(hour=11)
    assert _local(api.client.get("/v1/health").json()["time"]) == NOW
    assert _local(api.client.get("/v1/plans/counts", headers=api.auth).json()["at"]) == NOW


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_document_requires_the_idempotency_key(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    for path in EVENT_PATHS:
        (key,) = [p for p in doc["paths"][path]["post"]["parameters"] if p["in"] == "header"]
        assert (key["name"], key["required"]) == ("Idempotency-Key", True)
    r = api.client.post(EVENT_PATHS[0], json=registration(FAMILIES["ok"]), headers=api.auth)
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_missing")


def _schema_name(answer: dict[str, Any]) -> str:
    return str(answer["content"]["application/json"]["schema"]["$ref"]).rsplit("/", 1)[-1]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_every_refusal_in_the_document_has_the_one_error_shape(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    assert "HTTPValidationError" not in doc["components"]["schemas"]  # FastAPI's {"detail": [...]}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            expected = {"422", "500", "503"}
            expected |= {"400", "413"} if "requestBody" in operation else set()
            expected |= {"401"} if "security" in operation else set()
            assert expected <= set(answers), f"{method} {path}: {sorted(answers)}"
            for status, answer in answers.items():
                if int(status) >= 400:
                    assert _schema_name(answer) in {"ErrorBody", "Rejection"}, f"{method} {path} {status}"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_unreadable_bodies_and_unknown_addresses_answer_in_the_one_shape(api: Api, world: Central) -> None:
    json_type = {"Content-Type": "application/json"}
    cases = [
        (api.client.post("/v1/auth/device", content=b'{"device_id": "\xff"}', headers=json_type), 400),
        (api.client.post("/v1/auth/device", content=b"\xff", headers={"Content-Type": "text/plain"}), 422),
        (api.client.post("/v1/auth/device", content=b"not json", headers=json_type), 422),
        (api.client.get("/v1/nowhere"), 404),
        (api.client.delete("/v1/health"), 405),
    ]
    for r, status in cases:
        assert r.status_code == status, r.text
        body = r.json()
        assert set(body) <= {"code", "message", "hint", "errors"} and body["code"], body
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
    assert cases[0][0].json()["code"] == "body_unreadable"
    assert cases[4][0].headers["allow"] == "GET"


def test_the_counter_reads_an_answers_time_as_its_own_local_time() -> None:
    from kiosk.services.central_client import local_time

    for offset in (8, -5, 0):
        zone = timezone(timedelta(hours=offset))
        sent = datetime(2026, 11, 24, 10, tzinfo=zone)
        assert local_time(sent.isoformat()) == sent.astimezone().replace(tzinfo=None)
    assert local_time("2026-11-24T10:00:00") == datetime(
        2026, 11, 24, 10
    )  # stored before 0004: local already
