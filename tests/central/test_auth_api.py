"""Devices and operators sign in; tokens expire; five wrong passwords lock an operator (every backend, both transports)."""

from __future__ import annotations

from datetime import datetime

import pytest
from argon2 import PasswordHasher

from kiosk_central.bootstrap import Central
from kiosk_central.services.errors import Unauthorized
from tests.central.api import Api
from tests.fakes import MovableClock


def test_health_needs_no_sign_in(api: Api) -> None:
    r = api.client.get("/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_openapi_document_is_served(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    for path in ("/v1/catalog/changes", "/v1/registrations", "/v1/auth/operator", "/v1/reviews/changes"):
        assert path in doc["paths"]


def test_device_token_lasts_an_hour(api: Api, clock: MovableClock) -> None:
    r = api.device_login()
    assert r.status_code == 200
    # The centre's local time with its UTC offset, as the document's date-time says.
    assert r.json()["expires_at"] == datetime(2026, 11, 24, 11).astimezone().isoformat()
    assert r.json()["expires_in"] == 3600


def test_wrong_device_secret_is_refused_in_chinese(api: Api) -> None:
    r = api.device_login(secret="guess")
    assert r.status_code == 401
    assert r.json()["code"] == "bad_credentials"
    assert "密钥不正确" in r.json()["message"]


def test_operator_signs_in_through_the_device(api: Api) -> None:
    r = api.operator_login("clerk1", "clerk-pass-1")
    assert r.status_code == 200
    body = r.json()
    assert body["operator"] == {"username": "clerk1", "display_name": "王晓梅", "role": "clerk"}
    assert body["expires_at"] == datetime(2026, 11, 24, 18).astimezone().isoformat()


def test_operator_sign_in_needs_a_device_token(api: Api) -> None:
    r = api.client.post("/v1/auth/operator", json={"username": "clerk1", "password": "clerk-pass-1"})
    assert r.status_code == 401
    assert r.json()["code"] == "token_missing"


def test_expired_device_token_says_so(api: Api, clock: MovableClock) -> None:
    assert api.changes(0, 1)["changes"]
    clock.advance(hours=1)
    r = api.client.get("/v1/catalog/changes", headers=api.auth)
    assert r.status_code == 401
    assert r.json()["code"] == "token_expired"
    api.sign_in()  # what the kiosk does on token_expired
    assert api.changes(0, 1)["changes"]


def test_expired_operator_token(api: Api, clock: MovableClock) -> None:
    token = api.operator_login("super1", "super-pass-1").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/v1/reviews/changes", headers=headers).status_code == 200
    clock.advance(hours=8)
    r = api.client.get("/v1/reviews/changes", headers=headers)
    assert (r.status_code, r.json()["code"]) == (401, "token_expired")


def test_unknown_token_is_invalid(api: Api) -> None:
    r = api.client.get("/v1/catalog/changes", headers={"Authorization": "Bearer not-a-token"})
    assert (r.status_code, r.json()["code"]) == (401, "token_invalid")


def test_five_wrong_passwords_lock_the_operator(api: Api, clock: MovableClock) -> None:
    for _ in range(5):
        r = api.operator_login("clerk1", "wrong-password")
        assert (r.status_code, r.json()["code"]) == (401, "bad_credentials")
    r = api.operator_login("clerk1", "clerk-pass-1")
    assert r.json()["code"] == "account_locked"  # the right password, while locked: now it may be told
    assert "锁定" in r.json()["message"]
    clock.advance(minutes=15)
    assert api.operator_login("clerk1", "clerk-pass-1").status_code == 200


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(api: Api) -> None:
    """Nothing in the answer tells a stranger which accounts exist, not even after five tries."""
    for _ in range(6):
        unknown = api.operator_login("nobody", "wrong-password")
        known = api.operator_login("clerk1", "wrong-password")
        assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())


class CountingHasher(PasswordHasher):
    """The real hasher, counting its verifications: the work a sign-in does, measured without a clock."""

    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 - argon2's own name
        CountingHasher.verified += 1
        return super().verify(hash, password)


def test_an_unknown_user_costs_the_same_work_as_a_known_one(world: Central) -> None:
    from kiosk_central.services.auth import AuthService

    auth = AuthService(world.clock, CountingHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with world.db.session() as s:
        device = auth.enroll_device(s, "09", "计时")
        principal = auth.authenticate(s, auth.device_token(s, device.device_id, device.secret).token)
        for user in ("clerk1", "nobody"):
            before = CountingHasher.verified
            with pytest.raises(Unauthorized):
                auth.operator_token(s, principal, user, "wrong-password")
            assert CountingHasher.verified - before == 1, user


def test_tokens_are_stored_hashed(api: Api, world: Central) -> None:
    from sqlalchemy import select

    from kiosk_central.tables import Device, Token

    with world.db.session() as s:
        hashes = set(s.scalars(select(Token.token_hash)))
        secret_hash = s.scalars(select(Device.secret_hash)).one()
    assert api.token not in hashes and len(hashes) >= 1
    assert api.secret != secret_hash


def test_disabled_device_cannot_sign_in(api: Api, world: Central) -> None:
    with world.db.session() as s:
        world.auth.enroll_device(s, api.counter, "新设备", replace=True)
    r = api.device_login()
    assert (r.status_code, r.json()["code"]) == (401, "device_disabled")
    r = api.client.get("/v1/catalog/changes", headers=api.auth)
    assert (r.status_code, r.json()["code"]) == (401, "token_invalid")


def test_disabled_operator_can_no_longer_sign_in_anywhere(api: Api, world: Central) -> None:
    held = api.changes(0, limit=20000)["version"]
    token = api.operator_login("clerk1", "clerk-pass-1").json()["token"]
    with world.db.session() as s:
        world.auth.disable_operator(s, "clerk1", actor="admin")
    r = api.operator_login("clerk1", "clerk-pass-1")
    assert (r.status_code, r.json()["code"]) == (401, "operator_disabled")
    assert r.json()["message"] == "此账号已被中心停用"
    # A token issued before the disable stops working at once, and says why.
    r = api.client.get("/v1/reviews/changes", headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json()["code"]) == (401, "operator_disabled")
    # Kiosks learn it too, so the account cannot sign in offline either.
    changes = api.changes(held)["changes"]
    assert [(c["key"], c["data"]["active"]) for c in changes] == [("clerk1", False)]


def test_a_disabled_account_is_named_only_to_whoever_knows_its_password(api: Api, world: Central) -> None:
    with world.db.session() as s:
        world.auth.disable_operator(s, "clerk1")
    for _ in range(6):  # wrong passwords on a disabled account neither tell nor lock
        r = api.operator_login("clerk1", "wrong-password")
        assert (r.status_code, r.json()["code"]) == (401, "bad_credentials")
        assert r.json() == api.operator_login("nobody", "wrong-password").json()
    assert api.operator_login("clerk1", "clerk-pass-1").json()["code"] == "operator_disabled"


def test_enabled_operator_signs_in_again_but_old_tokens_stay_dead(api: Api, world: Central) -> None:
    old = api.operator_login("clerk1", "clerk-pass-1").json()["token"]
    with world.db.session() as s:
        world.auth.disable_operator(s, "clerk1")
    with world.db.session() as s:
        world.auth.enable_operator(s, "clerk1")
    r = api.client.get("/v1/reviews/changes", headers={"Authorization": f"Bearer {old}"})
    assert (r.status_code, r.json()["code"]) == (401, "token_invalid")
    fresh = api.operator_login("clerk1", "clerk-pass-1").json()["token"]
    assert (
        api.client.get("/v1/reviews/changes", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    )


def test_disabled_device_token_stops_at_once_and_says_why(api: Api, world: Central) -> None:
    operator = api.operator_login("clerk1", "clerk-pass-1").json()["token"]
    assert api.changes(0, 1)["changes"]
    with world.db.session() as s:
        world.auth.disable_device(s, api.device_id, actor="admin")
    for headers in (api.auth, {"Authorization": f"Bearer {operator}"}):
        r = api.client.get("/v1/catalog/changes", headers=headers)
        assert (r.status_code, r.json()["code"]) == (401, "device_disabled")
        assert "停用" in r.json()["message"]
    r = api.device_login()
    assert (r.status_code, r.json()["code"]) == (401, "device_disabled")
    with world.db.session() as s:
        world.auth.enable_device(s, api.device_id)
    r = api.client.get("/v1/catalog/changes", headers=api.auth)
    assert (r.status_code, r.json()["code"]) == (401, "token_invalid")  # the device signs in afresh
    api.sign_in()
    assert api.changes(0, 1)["changes"]
