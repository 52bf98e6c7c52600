"""The centre disables an operator or a device: the counter says so in its own words, and loses nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from kiosk.bootstrap import Built, build_services
from kiosk.config import CentralConfig
from kiosk.services.secrets import DEVICE_ID, SecretStore
from kiosk.services.sync_guards import DeviceDisabled
from kiosk.storage import tables as t
from kiosk_core.errors import AuthFailed
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.test_sync import quick_draft, sign_in

DISABLED = "此账号已被中心停用，请联系管理员"


def device_id(counter: str = "01") -> str:
    """The id the kiosk fixture enrolled and keeps in the keyring."""
    found = SecretStore(service=f"kiosk-test-{counter}").get(DEVICE_ID)
    assert found
    return found


def audit_actions(k: Built) -> list[tuple[str, dict[str, object]]]:
    with k.engine.connect() as c:
        return [(a, dict(d)) for a, d in c.execute(select(t.AuditEntry.action, t.AuditEntry.detail))]


def offline_twin(k: Built) -> Built:
    """The same counter (same cache) restarted where no centre answers."""
    config = replace(k.config, central=CentralConfig(url="http://127.0.0.1:9"))
    return build_services(
        config, FakePrinter(), hasher=CHEAP_HASHER, secrets=SecretStore(service="kiosk-none")
    )


def test_operator_disabled_before_the_counter_heard_of_it(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    k = kiosk("01", synced=True)
    k.services.sync.sync_once()
    with centre.central.db.session() as s:
        centre.central.auth.disable_operator(s, "clerk1", actor="admin")
    with pytest.raises(AuthFailed) as refused:
        sign_in(k)
    assert (refused.value.code, refused.value.message) == ("operator_disabled", DISABLED)
    assert ("login_refused_by_centre", {"code": "operator_disabled"}) in audit_actions(k)
    # From now on the counter refuses the account by itself, with no centre to ask.
    offline = offline_twin(k)
    try:
        with pytest.raises(AuthFailed) as again:
            sign_in(offline)
        assert (again.value.code, again.value.message) == ("operator_disabled", DISABLED)
        assert offline.services.auth.login("super1", "kiosk-demo-2").username == "super1"  # only that account
    finally:
        offline.engine.dispose()


def test_operator_disabled_is_refused_offline_after_a_sync(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    k = kiosk("01", synced=True)
    k.services.sync.sync_once()
    with centre.central.db.session() as s:
        centre.central.auth.disable_operator(s, "clerk1")
    k.services.sync.sync_once()  # the catalog brings the account's new state
    offline = offline_twin(k)
    try:
        with pytest.raises(AuthFailed) as refused:
            sign_in(offline)
        assert (refused.value.code, refused.value.message) == ("operator_disabled", DISABLED)
        assert ("login_refused", {"code": "operator_disabled"}) in audit_actions(offline)
        # A wrong password does not learn that the account exists, let alone that it is disabled.
        with pytest.raises(AuthFailed) as wrong:
            offline.services.auth.login("clerk1", "not-the-password")
        assert (wrong.value.code, wrong.value.message) == ("auth_failed", "用户名或密码不正确")
    finally:
        offline.engine.dispose()


def test_disabled_device_keeps_its_outbox_and_catches_up_once_enabled(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    k = kiosk("01", synced=True)
    sync = k.services.sync
    sync.sync_once()
    clerk = sign_in(k)
    view = k.services.registration.register(quick_draft(k), clerk)
    with centre.central.db.session() as s:
        centre.central.auth.disable_device(s, device_id(), actor="admin")
    # The token the counter holds stops at once; asking for a new one is refused with the same code.
    with pytest.raises(DeviceDisabled) as refused:
        sync.sync_once()
    assert refused.value.code == "device_disabled"
    assert refused.value.message == "本窗口设备已被中心停用，登记暂存本机"
    status = sync.status()
    assert status.device_disabled and not status.online and status.unsent == 1
    assert centre.registrations() == []
    # The centre said nothing about the operator: signing in at this counter still works, on the local account.
    assert sign_in(k).username == "clerk1"
    with pytest.raises(DeviceDisabled):
        sync.sync_once()
    assert sync.status().unsent == 1  # nothing lost, nothing marked sent

    with centre.central.db.session() as s:
        centre.central.auth.enable_device(s, device_id(), actor="admin")
    status = sync.sync_once()
    assert status.online and not status.device_disabled and status.unsent == 0
    assert centre.registrations() == [(view.reg_no, "active")]
