"""The centre's demo (migrated, load_demo) made once and copied for each test that serves it: a load costs a second.

A copy is the database a test's own load would have made, but for the moment of the load. The demo's times are
relative to it (the plans' days, the selection's first round, which runs from five minutes before the load for an
hour), so a template older than MAX_AGE, or of another day, is made again rather than copied.

A counter synced once against a copy of a template is kept too (its cache and photos, and the unsent count the
centre kept for it): a test whose counters only start from there gets each enrolled at its own centre with a copy
of that folder instead of a first sync (a second or two each). The first sync itself is tested with counters that
start empty.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.bootstrap import build_services
from kiosk.config import CentralConfig, Config
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central, build
from kiosk_central.config import Settings, sqlite_url
from kiosk_central.services.demo import load_demo
from kiosk_central.tables import DeviceUnsent
from tests.central.server import LiveServer
from tests.fakes import CHEAP_HASHER, FakePrinter

MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class SyncedCounter:
    """A counter's data folder after its first sync, and the unsent count the centre then kept for its device.

    Nothing in a counter's cache names its counter or device: one copy serves any counter enrolled afresh."""

    data_dir: Path
    unsent: list[dict[str, Any]]


class DemoCentres:
    """Templates of the demo centre under ``root``, and of a counter synced at each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: tuple[Path, datetime] | None = None  # the newest template and its load's time
        self._count = 0
        self._copied: dict[Path, Path] = {}  # a test's centre folder -> the template it is a copy of
        self._counters: dict[Path, SyncedCounter] = {}  # a template -> a counter synced once at a copy of it
        self._server: LiveServer | None = None

    def copy_into(self, folder: Path) -> datetime:
        """The demo centre's files into ``folder`` (as ``sqlite_url(folder)`` opens them); returns the load's time."""
        now = datetime.now().replace(microsecond=0)
        if self._made is None or now - self._made[1] > MAX_AGE or now.date() != self._made[1].date():
            self._made = self._make(now)
        template, loaded_at = self._made
        folder.mkdir(parents=True, exist_ok=True)
        for file in template.iterdir():
            shutil.copyfile(file, folder / file.name)
        self._copied[folder.resolve()] = template
        return loaded_at

    def synced_counter(
        self, centre_folder: Path, central: Central, counter: str, data_dir: Path
    ) -> tuple[str, str]:
        """Counter ``counter`` enrolled at the centre copied into ``centre_folder`` (served by ``central``), its
        data in ``data_dir`` as after its first sync there; returns its device id and secret for the keyring."""
        template = self._copied[centre_folder.resolve()]
        synced = self._counters.get(template)
        if synced is None:
            synced = self._counters[template] = self._sync(template)
        shutil.copytree(synced.data_dir, data_dir)
        with central.db.session() as s:
            enrolled = central.auth.enroll_device(s, counter, f"{counter}号窗口")
            s.add_all(DeviceUnsent(**row, device_id=enrolled.device_id) for row in synced.unsent)
            s.commit()
        return enrolled.device_id, enrolled.secret

    def close(self) -> None:
        if self._server is not None:
            self._server.__exit__(None, None, None)

    def _make(self, now: datetime) -> tuple[Path, datetime]:
        self._count += 1
        template = self.root / f"centre-{self._count}"
        template.mkdir(parents=True)
        central = build(Settings(sqlite_url(template)), hasher=CHEAP_HASHER)
        try:
            central.db.migrate()
            with central.db.session() as s:
                load_demo(s, central.auth, now=now)
        finally:
            central.close()  # the last connection checkpoints the WAL: the files copied are the whole database
        return template, now

    def _sync(self, template: Path) -> SyncedCounter:
        """A counter enrolled and synced once at a copy of ``template``, on a server of its own; its secrets under a
        keyring service of its own (the global keyring is never swapped: the test's own counters may be running)."""
        counter = "01"
        scratch = template.with_name(f"{template.name}-counter")
        central_dir, data_dir = scratch / "central", scratch / "kiosk"
        central_dir.mkdir(parents=True)
        for file in template.iterdir():
            shutil.copyfile(file, central_dir / file.name)
        central = build(Settings(sqlite_url(central_dir)), hasher=CHEAP_HASHER)
        if self._server is None:
            self._server = LiveServer().__enter__()
        try:
            with central.db.session() as s:
                enrolled = central.auth.enroll_device(s, counter, f"{counter}号窗口")
            secrets = SecretStore(service=f"kiosk-template-{template.name}")
            secrets.set(DEVICE_ID, enrolled.device_id)
            secrets.set(DEVICE_SECRET, enrolled.secret)
            config = Config(
                data_dir=data_dir, counter=counter, central=CentralConfig(url=self._server.base_url)
            )
            with self._server.serving(create_app(central)):
                built = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=secrets)
                built.services.sync.sync_once()
                built.engine.dispose()
            with central.db.session() as s:
                unsent = [
                    {"unsent": row.unsent, "reported_at": row.reported_at}
                    for row in s.scalars(
                        select(DeviceUnsent).where(DeviceUnsent.device_id == enrolled.device_id)
                    )
                ]
        finally:
            central.close()
        return SyncedCounter(data_dir, unsent)
