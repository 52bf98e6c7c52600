"""What a counter gets from the centre besides rows: project photos (kept for offline use) and plan counts."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QImageReader
from pytestqt.qtbot import QtBot

from kiosk.bootstrap import Built, build_services
from kiosk.config import RESOURCES, CentralConfig, Config
from kiosk.services.central_client import CentralUnavailable
from kiosk.services.photos import PhotoCache
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from kiosk.services.views import PlanOption, ProjectOption
from kiosk.ui.registration.screens.project_screen import ProjectCard, load_thumbnails
from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import build
from kiosk_central.config import Settings, sqlite_url
from tests.central.server import LiveServer
from tests.demo_centre import DemoCentres
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import KioskFactory
from tests.sync.test_sync import SHOWCASE, quick_draft, sign_in

DEMO_PHOTOS = RESOURCES / "demo" / "photos"


@pytest.fixture
def own_centre(tmp_path: Path, demo_centres: DemoCentres) -> Iterator[tuple[LiveServer, Built]]:
    """A centre on its own server (so the test can stop it) with the demo loaded, and counter 01 enrolled."""
    demo_centres.copy_into(tmp_path / "central")  # the demo loaded (a copy of it, made once)
    central = build(Settings(sqlite_url(tmp_path / "central")), hasher=CHEAP_HASHER)
    central.db.migrate()
    with central.db.session() as s:
        enrolled = central.auth.enroll_device(s, "01", "1号窗口")
    server = LiveServer().__enter__()
    try:
        with server.serving(create_app(central)):
            secrets = SecretStore(service="kiosk-test-photos")
            secrets.set(DEVICE_ID, enrolled.device_id)
            secrets.set(DEVICE_SECRET, enrolled.secret)
            config = Config(
                data_dir=tmp_path / "kiosk", counter="01", central=CentralConfig(url=server.base_url)
            )
            k = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=secrets)
            yield server, k
            k.engine.dispose()
    finally:
        server.__exit__(None, None, None)
        central.close()


def _projects(k: Built) -> list[ProjectOption]:
    who = SHOWCASE["quick_normal"]
    s = k.services
    household = s.households.identify(who["filing_no"], who["applicant_id_number"])
    plan = next(p for p in s.catalog.plan_options(household.id) if p.code == "Q2611")
    return s.catalog.project_options(household.id, plan.id)


def _photos_by_project(k: Built) -> dict[str, tuple[str, ...]]:
    return {p.code: p.photos for p in _projects(k)}


def test_project_photos_come_with_the_catalog_and_stay_after_the_centre_stops(
    own_centre: tuple[LiveServer, Built], qtbot: QtBot
) -> None:
    server, k = own_centre
    k.services.sync.sync_once()
    shown = _photos_by_project(k)
    assert shown and all(shown.values())
    for code, paths in shown.items():
        demo = sorted(DEMO_PHOTOS.glob(f"{code}-*.png"))
        assert [Path(p).read_bytes() for p in paths] == [f.read_bytes() for f in demo]
        for path in paths:
            assert Path(path).name == hashlib.sha256(Path(path).read_bytes()).hexdigest()
            assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600  # the kiosk's user only
            assert not QImageReader(path).read().isNull()
    folder = k.config.data_dir / "photos"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not list(folder.glob(".part-*"))

    server.__exit__(None, None, None)  # the centre is gone
    with pytest.raises(CentralUnavailable):
        k.services.sync.sync_once()
    assert _photos_by_project(k) == shown
    assert all(Path(p).is_file() for paths in shown.values() for p in paths)
    for project in _projects(k):  # the project screen's card shows the photo, not "暂无照片"
        load_thumbnails(list(project.photos))
        card = ProjectCard(project)
        qtbot.addWidget(card)
        assert not card.photo.pixmap().isNull()


def test_photos_are_fetched_once_and_a_bad_download_is_never_kept(
    own_centre: tuple[LiveServer, Built], tmp_path: Path
) -> None:
    _server, k = own_centre
    sync = k.services.sync
    sync.sync_once()
    assert sync.fetch_photos() == 0  # all here: nothing asked for again
    cache = PhotoCache(k.config.data_dir / "photos")
    victim = next(iter(sorted((k.config.data_dir / "photos").iterdir())))
    victim.unlink()
    assert cache.save(victim.name, b"not the photo") is False
    assert not victim.exists()
    assert sync.fetch_photos() == 1
    assert hashlib.sha256(victim.read_bytes()).hexdigest() == victim.name


def test_plan_list_shows_the_centres_count_with_its_time_and_what_is_not_yet_in_it(
    kiosk: KioskFactory,
) -> None:
    a, b = kiosk("01"), kiosk("02")
    b.services.sync.sync_once()
    assert _q2611(b).registered_count == 0 and _q2611(b).count_central_at is not None
    a.services.sync.sync_once()
    a.services.registration.register(quick_draft(a), sign_in(a))
    a.services.sync.sync_once()
    assert _q2611(b).registered_count == 0  # the last figure b knows, until it syncs

    started = datetime.now().replace(microsecond=0)  # the centre keeps whole seconds
    b.services.sync.sync_once()
    plan = _q2611(b)
    assert plan.registered_count == 1  # counter 01's registration, as the centre counts it
    assert plan.count_central_at is not None and started <= plan.count_central_at <= datetime.now()
    assert plan.count_not_included == 0

    b.services.registration.register(quick_draft(b, "quick_family_of_four"), sign_in(b))  # not sent yet
    plan = _q2611(b)
    assert (plan.registered_count, plan.count_not_included) == (1, 1)

    b.services.sync.sync_once()
    plan = _q2611(b)
    assert (plan.registered_count, plan.count_not_included) == (2, 0)


def _q2611(k: Built) -> PlanOption:
    who = SHOWCASE["quick_normal"]
    s = k.services
    household = s.households.identify(who["filing_no"], who["applicant_id_number"])
    return next(p for p in s.catalog.plan_options(household.id) if p.code == "Q2611")
