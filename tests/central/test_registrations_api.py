"""Registrations, cancellations and phone updates from the outbox: idempotency and every central rejection."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.central.api import Api
from tests.central.world import CROWD, FAMILIES, NOW, cancellation, new_key, phone_update, registration


def _rejected(r: Any, code: str) -> dict[str, Any]:
    assert r.status_code == 409, r.text
    body: dict[str, Any] = r.json()
    assert (body["result"], body["code"]) == ("rejected", code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), "message is for staff: Chinese"
    return body


def test_accepted_registration_keeps_both_times(api: Api, clock: Any) -> None:
    clock.advance(hours=2)  # arrives two hours after the kiosk registered it (offline meanwhile)
    api.sign_in()
    r = api.register(registration(FAMILIES["ok"]))
    assert r.status_code == 201, r.text
    assert r.json() == {
        "result": "accepted",
        "reg_no": "Q2611-01-00001-W",
        "received_at": datetime(2026, 11, 24, 12).astimezone().isoformat(),
    }


def test_same_key_same_payload_gets_the_stored_answer(api: Api) -> None:
    key, body = new_key(), registration(FAMILIES["ok"])
    first = api.register(body, key)
    again = api.register(body, key)
    assert first.status_code == again.status_code == 201
    assert first.content == again.content


def test_same_key_same_payload_replays_a_rejection_too(api: Api) -> None:
    api.register(registration(FAMILIES["ok"], seq=1))
    key, body = new_key(), registration(FAMILIES["ok"], seq=2)
    first = api.register(body, key)
    _rejected(first, "already_registered")
    assert api.register(body, key).content == first.content


def test_same_key_different_payload_is_422_in_chinese(api: Api) -> None:
    key = new_key()
    assert api.register(registration(FAMILIES["ok"]), key).status_code == 201
    r = api.register(registration(FAMILIES["ok2"], seq=2), key)
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused"
    assert "幂等键" in r.json()["message"]
    r = api.post("/v1/phone-updates", phone_update(FAMILIES["ok"].filing_no, "13912345678"), key)
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_reused")


def test_missing_or_malformed_key(api: Api) -> None:
    r = api.client.post("/v1/registrations", json=registration(FAMILIES["ok"]), headers=api.auth)
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_missing")
    r = api.register(registration(FAMILIES["ok"]), key="not-a-uuid")
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_format")


def test_malformed_body_names_the_field(api: Api) -> None:
    body = registration(FAMILIES["ok"])
    del body["payload"]["filing_no"]
    r = api.register(body)
    assert r.status_code == 422
    assert "filing_no" in r.json()["message"]


def test_registrations_need_a_device_token(api: Api) -> None:
    r = api.client.post(
        "/v1/registrations", json=registration(FAMILIES["ok"]), headers={"Idempotency-Key": new_key()}
    )
    assert (r.status_code, r.json()["code"]) == (401, "token_missing")


@pytest.mark.parametrize(
    ("family", "plan", "code"),
    [
        ("expired", "Q2611", "filing_expired"),
        ("lapsed", "Q2611", "filing_expired"),
        ("revoked", "Q2611", "filing_revoked"),
        ("xicheng", "Q2611", "district_not_allowed"),
        ("ok", "Q2612", "window_not_open"),
    ],
)
def test_household_rules(api: Api, family: str, plan: str, code: str) -> None:
    _rejected(api.register(registration(FAMILIES[family], plan)), code)


def test_plan_closed_at_the_event_time_not_at_arrival(api: Api, clock: Any) -> None:
    closes = NOW + timedelta(days=14)  # Q2611's window_end
    clock.now = closes + timedelta(days=2)
    api.sign_in()
    # Registered offline before the deadline, arriving after it: the event time counts.
    assert api.register(registration(FAMILIES["ok"], at=closes - timedelta(minutes=1))).status_code == 201
    body = _rejected(api.register(registration(FAMILIES["ok2"], seq=2, at=closes)), "window_closed")
    assert "截止" in body["message"]


def test_event_time_far_ahead_of_the_centre_is_refused(api: Api) -> None:
    _rejected(api.register(registration(FAMILIES["ok"], at=NOW + timedelta(hours=1))), "event_in_future")


@pytest.mark.parametrize(
    ("ack", "code"),
    [
        ({"notice_version": 0}, "notice_not_acknowledged"),
        ({"notice_version": 3}, "notice_unknown"),
        ({"notice_ack_at": (NOW + timedelta(minutes=1)).isoformat()}, "notice_ack_in_future"),
    ],
    ids=["version_0", "unknown_version", "ack_after_registration"],
)
def test_a_registration_needs_the_plans_current_notice_acknowledged(
    api: Api, ack: dict[str, Any], code: str
) -> None:
    body = registration(FAMILIES["ok"])
    body["payload"].update(ack)
    _rejected(api.register(body), code)
    assert api.register(registration(FAMILIES["ok"])).status_code == 201


def test_a_registration_without_an_acknowledgement_time_is_refused_by_field(api: Api) -> None:
    body = registration(FAMILIES["ok"])
    del body["payload"]["notice_ack_at"]
    r = api.register(body)
    assert r.status_code == 422, r.text
    assert "notice_ack_at" in r.text


def test_family_size_must_fit_the_unit_type(api: Api) -> None:
    _rejected(api.register(registration(FAMILIES["six"], unit_type="UT-Q-2")), "family_size")


def test_already_registered_in_this_plan_elsewhere(api: Api) -> None:
    assert api.register(registration(FAMILIES["ok"], seq=1)).status_code == 201
    body = _rejected(api.register(registration(FAMILIES["ok"], seq=2)), "already_registered")
    assert "每户只能登记一次" in body["message"]


def test_a_plan_may_allow_two_registrations_per_household(api: Api) -> None:
    assert api.register(registration(FAMILIES["ok"], "M2611", seq=1)).status_code == 201
    assert api.register(registration(FAMILIES["ok"], "M2611", seq=2)).status_code == 201
    body = _rejected(api.register(registration(FAMILIES["ok"], "M2611", seq=3)), "already_registered")
    assert "2次" in body["message"]


def test_member_in_another_households_registration(api: Api) -> None:
    assert api.register(registration(FAMILIES["clash_a"], seq=1)).status_code == 201
    body = _rejected(api.register(registration(FAMILIES["clash_b"], seq=2)), "member_registered_elsewhere")
    assert FAMILIES["clash_a"].filing_no in body["message"]
    assert "王*" in body["message"]  # masked like the kiosk's message


def test_unit_already_taken(api: Api) -> None:
    assert api.register(registration(CROWD[0], "R2611", 1, unit="R-1-301")).status_code == 201
    _rejected(api.register(registration(CROWD[1], "R2611", 2, unit="R-1-301")), "unit_taken")
    _rejected(
        api.register(registration(CROWD[2], "R2611", 3, unit="R-2-902")), "unit_taken"
    )  # taken by the centre


def test_realtime_plan_needs_a_unit(api: Api) -> None:
    _rejected(api.register(registration(CROWD[0], "R2611")), "unit_required")


def test_unknown_choice_and_mismatches(api: Api) -> None:
    _rejected(api.register(registration(FAMILIES["ok"], unit_type="NOPE")), "choice_not_found")
    _rejected(api.register(registration(FAMILIES["ok"], unit_type="UT-R-2")), "choice_mismatch")
    body = registration(FAMILIES["ok"])
    body["payload"]["applicant_id_number"] = FAMILIES["ok2"].applicant_id_number
    _rejected(api.register(body), "applicant_mismatch")
    _rejected(api.register(registration(FAMILIES["ok"], counter="02")), "counter_mismatch")


def test_duplicate_reg_no_from_the_same_counter(api: Api) -> None:
    assert api.register(registration(FAMILIES["ok"], seq=7)).status_code == 201
    _rejected(api.register(registration(FAMILIES["ok2"], seq=7)), "duplicate_reg_no")


def test_cancellation_frees_unit_persons_and_slot(api: Api) -> None:
    assert api.register(registration(FAMILIES["clash_a"], "R2611", 1, unit="R-1-301")).status_code == 201
    held, _ = api.all_changes()
    r = api.post("/v1/cancellations", cancellation("R2611-01-00001-9"))
    assert r.status_code == 200, r.text
    page = api.changes(held)
    assert [(c["key"], c["data"]["status"]) for c in page["changes"]] == [("R-1-301", "free")]
    # The unit, the shared member and the household's slot are free again.
    assert api.register(registration(FAMILIES["clash_b"], "R2611", 2, unit="R-1-301")).status_code == 201
    assert api.register(registration(FAMILIES["clash_a"], "Q2611", 3)).status_code == 201


def test_cancellation_rules(api: Api, clock: Any) -> None:
    _rejected(api.post("/v1/cancellations", cancellation("Q2611-01-00001-W")), "registration_not_found")
    assert api.register(registration(FAMILIES["ok"])).status_code == 201
    late = NOW + timedelta(days=10, hours=7)  # Q2611 cancel_deadline: 10 days after NOW's window start + 3
    clock.now = late
    api.sign_in()
    _rejected(
        api.post("/v1/cancellations", cancellation("Q2611-01-00001-W", at=late)), "cancel_deadline_passed"
    )
    assert api.post("/v1/cancellations", cancellation("Q2611-01-00001-W")).status_code == 200
    _rejected(api.post("/v1/cancellations", cancellation("Q2611-01-00001-W")), "already_cancelled")


def test_phone_update_bumps_the_household_version(api: Api) -> None:
    assert api.register(registration(FAMILIES["ok"])).status_code == 201  # a household of this counter
    held, _ = api.all_changes()
    r = api.post("/v1/phone-updates", phone_update(FAMILIES["ok"].filing_no, "139 1234 5678"))
    assert (r.status_code, r.json()["applied"]) == (200, True)
    page = api.changes(held)
    assert [(c["entity"], c["key"], c["data"]["phone"]) for c in page["changes"]] == [
        ("household", FAMILIES["ok"].filing_no, "13912345678")
    ]


def test_older_phone_update_arriving_late_does_not_win(api: Api) -> None:
    filing = FAMILIES["ok"].filing_no
    assert api.register(registration(FAMILIES["ok"])).status_code == 201
    assert api.post("/v1/phone-updates", phone_update(filing, "13911111111", at=NOW)).json()["applied"]
    late = api.post("/v1/phone-updates", phone_update(filing, "13922222222", at=NOW - timedelta(hours=1)))
    assert (late.status_code, late.json()["applied"]) == (200, False)
    _, changes = api.all_changes()
    assert {c["key"]: c["data"]["phone"] for c in changes if c["entity"] == "household"}[
        filing
    ] == "13911111111"


def test_phone_update_rules(api: Api) -> None:
    r = api.post("/v1/phone-updates", phone_update(FAMILIES["ok"].filing_no, "12345"))
    assert (r.status_code, r.json()["code"]) == (422, "phone_format")
    _rejected(
        api.post("/v1/phone-updates", phone_update("BA2099999999", "13912345678")), "household_not_found"
    )
