"""Hostile input at the centre: every malformed request gets a coded JSON answer, never a plain-text 500.

Each case here once gave ``500 Internal Server Error`` (text/plain) or was stored as sent; a batch holding one
such message failed as a whole on every retry, so the counter's queue stayed stuck behind it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI

from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central
from kiosk_central.tables import Registration
from tests.central.api import Api
from tests.central.world import FAMILIES, cancellation, new_key, phone_update, registration

INT64_PAST = 2**63
ARABIC_INDIC_PHONE = "١٣٨٠٠١٣٨٠٠٠"
HALF_ARABIC_PHONE = "13" + "٨٠٠١٣٨٠٠٠"  # \d takes these digits; the counter's rule once did too


def _coded(r: Any, status: int = 422, code: str | None = None, field: str = "") -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    body: dict[str, Any] = r.json()
    assert body["code"], body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), "message is for staff: Chinese"
    if code is not None:
        assert body["code"] == code, body
    assert field in body["message"], body
    return body


def _raw_post(api: Api, path: str, text: str, key: str | None = None) -> Any:
    headers = api.auth | {"Content-Type": "application/json", "Idempotency-Key": key or new_key()}
    return api.client.post(path, content=text.encode("utf-8"), headers=headers)


@pytest.mark.parametrize("path", ["/v1/catalog/changes", "/v1/reviews/changes"])
@pytest.mark.parametrize("since", [INT64_PAST, 2**70, -1])
def test_since_beyond_the_database_range_is_refused(api: Api, path: str, since: int) -> None:
    r = api.client.get(path, params={"since": since}, headers=api.auth)
    _coded(r, field="since")


@pytest.mark.parametrize("field", ["operator_id", "notice_version"])
@pytest.mark.parametrize("value", [2**70, INT64_PAST, 2**31, -1])
def test_integers_beyond_the_columns_are_refused(api: Api, field: str, value: int) -> None:
    body = registration(FAMILIES["ok"])
    body["payload"][field] = value
    _coded(api.register(body), field=field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event_time", "9999-12-31T23:59:59-05:00"),
        ("event_time", "0001-01-01T00:00:00+05:00"),
        ("created_at", "9999-12-31T23:59:59-14:00"),
        ("notice_ack_at", "0001-01-01T00:00:00+14:00"),
        ("event_time", "1899-12-31T23:59:59"),
    ],
)
def test_times_at_the_edge_of_the_calendar_are_refused(api: Api, field: str, value: str) -> None:
    body = registration(FAMILIES["ok"])
    where = body if field == "event_time" else body["payload"]
    where[field] = value
    _coded(api.register(body), code="time_out_of_range", field=field)


def test_a_lone_surrogate_in_any_string_is_refused(api: Api) -> None:
    text = json.dumps(registration(FAMILIES["ok"])).replace('"ABCDEFGH"', '"\\ud800"')
    _coded(_raw_post(api, "/v1/registrations", text), code="text_invalid_unicode")
    # A key the schema does not know, and a login before any token.
    body = registration(FAMILIES["ok"])
    body["payload"]["note"] = "x"
    text = json.dumps(body).replace('"x"', '"\\udfff tail"')
    _coded(_raw_post(api, "/v1/registrations", text), code="text_invalid_unicode")
    login = '{"device_id": "\\ud83d", "secret": "s"}'
    r = api.client.post("/v1/auth/device", content=login, headers={"Content-Type": "application/json"})
    _coded(r, code="text_invalid_unicode")


def test_a_surrogate_pair_is_an_ordinary_character(api: Api) -> None:
    body = registration(FAMILIES["ok"])
    body["payload"]["note"] = "🏠"
    r = _raw_post(api, "/v1/registrations", json.dumps(body))  # ensure_ascii: "\ud83c\udfe0"
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("depth", [40, 300, 5000])
def test_json_nested_deep_is_refused(api: Api, depth: int) -> None:
    body = registration(FAMILIES["ok"])
    body["payload"]["note"] = "NEST"
    text = json.dumps(body).replace('"NEST"', "[" * depth + "]" * depth)
    _coded(_raw_post(api, "/v1/registrations", text), code="json_too_deep")
    login = '{"device_id": ' + "{" * depth + "}" * depth + ', "secret": "s"}'
    r = api.client.post("/v1/auth/device", content=login, headers={"Content-Type": "application/json"})
    _coded(r, code="json_too_deep")


def test_brackets_inside_strings_are_not_nesting(api: Api) -> None:
    body = registration(FAMILIES["ok"])
    body["payload"]["note"] = "[{" * 500 + '"\\'
    assert api.register(body).status_code == 201


def _item(kind: str, event: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "idempotency_key": key or new_key(), **event}


def test_a_bad_message_in_a_batch_is_answered_in_place_and_the_others_are_stored(
    api: Api, world: Central
) -> None:
    good1 = registration(FAMILIES["ok"], seq=1)
    huge_operator = registration(FAMILIES["ok2"], seq=2)
    huge_operator["payload"]["operator_id"] = 2**70
    edge = registration(FAMILIES["ok2"], seq=3)
    edge["event_time"] = "9999-12-31T23:59:59-05:00"
    surrogate = registration(FAMILIES["ok2"], seq=4)
    surrogate["payload"]["phone"] = "SURROGATE"
    bad_phone = phone_update(FAMILIES["ok"].filing_no, ARABIC_INDIC_PHONE)
    good2 = registration(FAMILIES["ok2"], seq=5)
    not_an_event: dict[str, Any] = {"kind": "teleport", "idempotency_key": new_key(), "event_time": "soon"}
    items = [
        _item("registration", good1),
        _item("registration", huge_operator),
        _item("registration", edge),
        _item("registration", surrogate),
        _item("phone_update", bad_phone),
        not_an_event,
        _item("registration", good2),
        _item("cancellation", cancellation(good1["payload"]["reg_no"])),
    ]
    text = json.dumps({"events": items}).replace('"SURROGATE"', '"\\ud800"')
    for _attempt in range(2):  # a retry is answered the same way: nothing blocks behind the bad ones
        r = api.client.post(
            "/v1/events/batch",
            content=text.encode(),
            headers=api.auth | {"Content-Type": "application/json"},
        )
        assert r.status_code == 200, r.text
        results = r.json()["results"]
        assert [x["idempotency_key"] for x in results] == [i["idempotency_key"] for i in items]
        assert [x["status"] for x in results] == [201, 422, 422, 422, 422, 422, 201, 200]
        codes = [x["body"]["code"] for x in results[1:6]]
        assert codes == [
            "invalid_request",
            "time_out_of_range",
            "text_invalid_unicode",
            "phone_format",
            "invalid_request",
        ]
        assert "operator_id" in results[1]["body"]["message"]
        assert "event_time" in results[2]["body"]["message"]
    with world.db.session() as s:
        stored = {r.reg_no: r.status for r in s.query(Registration)}
    assert stored == {good1["payload"]["reg_no"]: "cancelled", good2["payload"]["reg_no"]: "active"}


def test_an_unexpected_error_answers_json_with_a_code(
    world: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk_central.services import catalog

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(catalog, "catalog_changes", broken)
    app: FastAPI = create_app(world)
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as client:
        api = Api.enrolled(world, client)
        r = client.get("/v1/catalog/changes", headers=api.auth)
    _coded(r, status=500, code="internal_error")
    assert "a bug" not in r.text  # nothing of the centre's insides goes out


# --- item 4: every field with the counter's own rules ---------------------------------------------------

_SQL_PHONE = "13800138000'; DROP TABLE registrations; --" + "9" * 200


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("phone", _SQL_PHONE, "phone_format"),
        ("phone", ARABIC_INDIC_PHONE, "phone_format"),
        ("phone", HALF_ARABIC_PHONE, "phone_format"),
        ("phone", "1" * 200, "phone_format"),
        ("verification_code", "A" * 5000, "verification_code_format"),
        ("verification_code", "abcdefgh", "verification_code_format"),
        ("verification_code", "ABCDEFG1", "verification_code_format"),
        ("counter", "1", "counter_format"),
        ("counter", "٠١", "counter_format"),
        ("applicant_id_number", "11010519900307457" + "٨", "id_format"),
        ("applicant_id_number", "1" * 5000, "id_length"),
        ("filing_no", "BA" + "٠" * 10, "filing_format"),
        ("filing_no", "x" * 5000, "filing_format"),
        ("reg_no", "Q2611-01-00001-" + "W" * 5000, "reg_no_format"),
        ("plan_code", "Q" * 5000, "plan_code_format"),
        ("project_code", "P" * 5000, "code_format"),
        ("unit_type_code", "", "code_format"),
        ("unit_code", "U\x00", "code_format"),
    ],
)
def test_registration_fields_are_checked_with_the_counters_rules(
    api: Api, world: Central, field: str, value: str, code: str
) -> None:
    body = registration(FAMILIES["ok"])
    body["payload"][field] = value
    _coded(api.register(body), code=code, field=field)
    with world.db.session() as s:
        assert s.query(Registration).count() == 0


def test_a_registration_phone_is_stored_in_its_canonical_form(api: Api, world: Central) -> None:
    body = registration(FAMILIES["ok"])
    body["payload"]["phone"] = "+86 138-0013-8000"
    assert api.register(body).status_code == 201, api.register(body).text
    with world.db.session() as s:
        assert s.query(Registration.phone).scalar() == "13800138000"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("comment", "很长" * 2500, "comment_too_long"),
        ("reason", "x" * 5000, "cancel_reason_unknown"),
        ("reg_no", "R" * 5000, "reg_no_format"),
    ],
)
def test_cancellation_fields_are_checked(api: Api, field: str, value: str, code: str) -> None:
    first = registration(FAMILIES["ok"])
    assert api.register(first).status_code == 201
    body = cancellation(first["payload"]["reg_no"])
    body["payload"][field] = value
    _coded(api.post("/v1/cancellations", body), code=code, field=field)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("phone", _SQL_PHONE, "phone_format"), ("filing_no", "BA" + "١" * 10, "filing_format")],
)
def test_phone_update_fields_are_checked(api: Api, field: str, value: str, code: str) -> None:
    body = phone_update(FAMILIES["ok"].filing_no, "13912345678")
    body["payload"][field] = value
    _coded(api.post("/v1/phone-updates", body), code=code, field=field)
