"""Installing this release over release 10 on a counter with registrations the centre has not had yet: the
plain cache (schema 0009, the slip key in it) is migrated and encrypted at the first start, staff are told,
and every registration reaches the centre at the next sync with its slip still checking."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from kiosk.bootstrap import Built, build_services
from kiosk.services.secrets import SLIP_KEY, SecretStore
from kiosk.services.slip_check import check_slip, read_claim
from kiosk.services.views import Verdict
from kiosk.storage import cipher
from kiosk.storage.db import alembic_config
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.keyrings import MemoryKeyring, decrypt_in_place
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.test_sync import quick_draft, sign_in

RELEASE_10_SCHEMA = "0009"


def as_release_10_left_it(k: Built, slip_key: str) -> Path:
    """The counter's cache turned into release 10's: plain SQLite at schema 0009, the slip key in its settings."""
    cache = k.config.database_path
    k.engine.dispose()
    decrypt_in_place(cache, slip_key)
    engine = create_engine(f"sqlite:///{cache}")
    command.downgrade(alembic_config(engine), RELEASE_10_SCHEMA)
    engine.dispose()
    assert cipher.state(cache) == "plain"
    return cache


def test_unsent_registrations_survive_the_upgrade_and_reach_the_centre(
    kiosk: KioskFactory, centre: CentralUnderTest, memory_keyring: MemoryKeyring
) -> None:
    k = kiosk("01", synced=True)
    clerk = sign_in(k)
    made = [
        k.services.registration.register(quick_draft(k, who), clerk)
        for who in ("quick_normal", "quick_family_of_four")
    ]
    assert k.services.sync.status().unsent == 2
    service = "kiosk-test-01"
    slip_key = memory_keyring.get_password(service, SLIP_KEY)
    assert slip_key
    cache = as_release_10_left_it(k, slip_key)
    memory_keyring.delete_password(service, SLIP_KEY)  # release 10 kept it in the cache only

    again = build_services(k.config, FakePrinter(), hasher=CHEAP_HASHER, secrets=SecretStore(service=service))
    try:
        assert cipher.state(cache) == "encrypted"
        assert again.notes == ("本机缓存已按新版本加密保存；其中 2 笔尚未送达中心的登记都在，联网后照常送出",)
        assert memory_keyring.get_password(service, SLIP_KEY) == slip_key
        assert again.services.sync.status().unsent == 2
        again.services.sync.sync_once()
        assert sorted(centre.registrations()) == sorted((v.reg_no, "active") for v in made)
        assert again.services.sync.status().unsent == 0
        with again.uow() as u:  # the slips printed under release 10 still check
            for view in made:
                claim = read_claim(view.qr_payload)
                assert claim is not None
                assert check_slip(u.session, claim, "01").verdict == Verdict.GENUINE
    finally:
        again.engine.dispose()
