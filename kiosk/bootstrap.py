"""The composition root: builds storage, services and platform adapters once, and nothing else does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from kiosk.config import Config
from kiosk.services.auth import AuthService
from kiosk.services.catalog import CatalogService
from kiosk.services.central_client import ONLINE_READ_TIMEOUT, CentralClient
from kiosk.services.clock import Clock, system_clock
from kiosk.services.container import Services
from kiosk.services.households import HouseholdService
from kiosk.services.online import OnlineCalls
from kiosk.services.photos import PhotoCache
from kiosk.services.printing_port import SlipPrinter
from kiosk.services.records import RecordsService
from kiosk.services.registration import RegistrationService
from kiosk.services.secrets import SecretStore
from kiosk.services.slip_printing import SlipService
from kiosk.services.slips import SlipLayout, SlipRenderer
from kiosk.services.sync import SyncLimits, SyncService
from kiosk.storage.db import open_cache
from kiosk.storage.disk_reserve import DiskReserve
from kiosk.storage.uow import uow_factory


@dataclass(frozen=True)
class Built:
    config: Config
    engine: Engine
    services: Services


def build_services(
    config: Config,
    printer: SlipPrinter,
    clock: Clock = system_clock,
    hasher: PasswordHasher | None = None,
    secrets: SecretStore | None = None,
) -> Built:
    """Everything below the UI; ``printer`` is the platform's (Qt's) or a test's; tests pass a cheaper hasher."""
    reserve = DiskReserve(config.data_dir)
    reserve.settle()  # before the cache opens: SQLite needs room for its journal files to open at all
    engine = open_cache(config.database_path)
    uow = uow_factory(sessionmaker(engine, expire_on_commit=False))
    photos = PhotoCache(config.data_dir / "photos")
    sync = SyncService(
        uow,
        clock,
        CentralClient(config.central.url) if config.central.url else None,
        secrets or SecretStore(),
        SyncLimits(timedelta(hours=config.central.offline_max_hours), config.central.offline_max_unsent),
        photos,
    )
    auth = AuthService(uow, clock, config.counter, hasher, sync.sign_in_operator, reserve.release)
    renderer = SlipRenderer(config.resources / "fonts" / "wqy-microhei.ttc")
    services = Services(
        auth=auth,
        households=HouseholdService(uow, clock),
        catalog=CatalogService(uow, clock, photos, central=sync.configured),
        registration=RegistrationService(
            uow,
            clock,
            sync.guard,
            # A third client, the online path's: short timeouts, the token read per call.
            online=OnlineCalls(
                CentralClient(config.central.url, read_timeout=ONLINE_READ_TIMEOUT)
                if config.central.url
                else None,
                secrets or SecretStore(),
            ),
        ),
        records=RecordsService(uow, clock, auth),
        slips=SlipService(
            uow, clock, renderer, printer, config.slips_dir, SlipLayout(config.printer.slip_layout)
        ),
        sync=sync,
    )
    return Built(config, engine, services)
