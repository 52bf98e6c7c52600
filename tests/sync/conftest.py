"""A real central service (uvicorn on loopback, SQLite, demo data) and kiosks with real caches that sync to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from kiosk.bootstrap import Built, build_services
from kiosk.config import CentralConfig, Config
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central, build
from kiosk_central.config import Settings, sqlite_url
from tests.central.server import LiveServer
from tests.demo_centre import DemoCentres
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.keyrings import MemoryKeyring, memory_keyring  # noqa: F401  (re-exported: tests import them from here)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


@dataclass
class CentralUnderTest:
    central: Central
    base_url: str
    port: int

    def enroll(self, counter: str) -> tuple[str, str]:
        with self.central.db.session() as s:
            e = self.central.auth.enroll_device(s, counter, f"{counter}号窗口")
        return e.device_id, e.secret

    def registrations(self) -> list[tuple[str, str]]:
        """(reg_no, status) of every registration the counters made (not the demo lottery plan's, imported)."""
        from sqlalchemy import text

        from kiosk_central.services.demo_lottery import COUNTER as IMPORTED

        with self.central.db.engine.connect() as c:
            rows = c.execute(
                text("SELECT reg_no, status FROM registrations WHERE counter <> :imported ORDER BY reg_no"),
                {"imported": IMPORTED},
            )
            return [tuple(r) for r in rows]


@pytest.fixture
def centre(tmp_path: Path, live_server: LiveServer, demo_centres: DemoCentres) -> Iterator[CentralUnderTest]:
    demo_centres.copy_into(tmp_path / "central")  # the demo loaded (a copy of it, made once)
    central = build(Settings(sqlite_url(tmp_path / "central")), hasher=CHEAP_HASHER)
    central.db.migrate()
    with live_server.serving(create_app(central)):
        yield CentralUnderTest(central, live_server.base_url, live_server.port)
    central.close()


KioskFactory = Callable[..., Built]


@pytest.fixture
def kiosk(tmp_path: Path, centre: CentralUnderTest, demo_centres: DemoCentres) -> Iterator[KioskFactory]:
    """``kiosk("01")``: a counter enrolled at the centre, its own cache, its device secret in the keyring.

    ``kiosk("01", synced=True)``: the same counter as after its first sync at the demo centre (a copy of one made
    once, see tests/demo_centre.py), for tests whose counters only start from there.
    """
    built: list[Built] = []

    def make(
        counter: str = "01", *, url: str | None = None, synced: bool = False, **central: object
    ) -> Built:
        if synced:
            device_id, secret = demo_centres.synced_counter(
                tmp_path / "central", centre.central, counter, tmp_path / f"kiosk-{counter}"
            )
        else:
            device_id, secret = centre.enroll(counter)
        secrets = SecretStore(service=f"kiosk-test-{counter}")
        secrets.set(DEVICE_ID, device_id)
        secrets.set(DEVICE_SECRET, secret)
        config = Config(
            data_dir=tmp_path / f"kiosk-{counter}",
            counter=counter,
            central=replace(CentralConfig(url=url or centre.base_url), **central),  # type: ignore[arg-type]
        )
        b = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=secrets)
        built.append(b)
        return b

    yield make
    for b in built:
        b.engine.dispose()
