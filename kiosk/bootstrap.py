"""The composition root: builds storage, HTTP clients, services and the background loops once; nothing else does.

Two calls, because the counter starts in two steps (kiosk/app.py): ``build_services`` behind the login screen
(it opens the cache; the first frame must not wait for SQLAlchemy), ``start_background`` once the window can
show what the loops report. What the first frame itself shows is made before either and passed in: the clock
(the header's time) and the platform's printer and speech engine (Qt objects, made on the GUI thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from kiosk.config import Config
from kiosk.services import audit
from kiosk.services.audit import ChainKey
from kiosk.services.auth import AuthService
from kiosk.services.catalog import CatalogService
from kiosk.services.central_client import ONLINE_READ_TIMEOUT, CentralClient
from kiosk.services.central_session import CentralSession
from kiosk.services.changes import Change, ChangeNotice
from kiosk.services.clock import Clock, system_clock
from kiosk.services.container import Services
from kiosk.services.database_lane import DatabaseWriter, write_here
from kiosk.services.draw_prints import DrawPrints
from kiosk.services.draws import DrawService
from kiosk.services.exports import ExportService
from kiosk.services.households import HouseholdService
from kiosk.services.online import OnlineCalls
from kiosk.services.photos import PhotoCache
from kiosk.services.printing_port import SlipPrinter
from kiosk.services.push_client import PushClient, PushEvent
from kiosk.services.records import RecordsService
from kiosk.services.registration import RegistrationService, move_slip_key
from kiosk.services.retention import DailyPurge, Retention
from kiosk.services.secrets import DEVICE_TOKEN, KeyringCacheKeys, SecretStore
from kiosk.services.selection import SelectionService
from kiosk.services.selection_sheet import SelectionSheets
from kiosk.services.slip_printing import SlipService
from kiosk.services.slips import SlipLayout, SlipRenderer
from kiosk.services.sync import SyncService
from kiosk.services.sync_guards import SyncLimits
from kiosk.services.sync_worker import SyncWorker
from kiosk.services.views import SyncStatus
from kiosk.storage.db import open_cache, take_encryption_note
from kiosk.storage.disk_reserve import DiskReserve
from kiosk.storage.uow import UnitOfWorkFactory, uow_factory
from kiosk_core.selection_moves import SelectionMove

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Built:
    config: Config
    engine: Engine
    uow: UnitOfWorkFactory  # the one unit-of-work factory: services, the demo loader and tests share it
    clock: Clock
    secrets: SecretStore
    services: Services
    printer: SlipPrinter  # the services print on it; kept here for whoever checks what was printed
    writer: DatabaseWriter = write_here  # the background's writes (the retention purge) go through it
    # Told to staff once the counter is up (an older release's cache encrypted at this start).
    notes: tuple[str, ...] = ()

    @property
    def changes(self) -> ChangeNotice:
        return self.services.changes


def build_services(
    config: Config,
    printer: SlipPrinter,
    clock: Clock = system_clock,
    hasher: PasswordHasher | None = None,
    secrets: SecretStore | None = None,
    *,
    changes: ChangeNotice | None = None,
    database_writer: DatabaseWriter = write_here,
) -> Built:
    """Everything below the UI; ``printer`` is the platform's (Qt's) or a test's; tests pass a cheaper hasher.

    ``database_writer`` runs a write on the database lane (the app passes kiosk.ui.workers'); services that
    run elsewhere (printing, on the network lane) hand it their writes.
    """
    reserve = DiskReserve(config.data_dir)
    reserve.settle()  # before the cache opens: SQLite needs room for its journal files to open at all
    secrets = secrets or SecretStore()
    engine = open_cache(config.database_path, KeyringCacheKeys(secrets))
    uow = uow_factory(sessionmaker(engine, expire_on_commit=False))
    audit.bind_key(engine, ChainKey(secrets))  # every audit entry written on this cache is sealed
    encrypted, unsent = take_encryption_note(config.database_path)
    notes = (_upgraded(uow, clock, config.counter, unsent),) if encrypted else ()
    changes = changes or ChangeNotice()
    photos = PhotoCache(config.data_dir / "photos")
    url = config.central.url
    sync = SyncService(
        uow,
        clock,
        # Two clients: the sync thread's and the sign-in's (network lane); each has its own token.
        CentralSession(CentralClient(url), secrets) if url else None,
        secrets,
        SyncLimits(timedelta(hours=config.central.offline_max_hours), config.central.offline_max_unsent),
        photos,
        sign_in=CentralSession(CentralClient(url), secrets) if url else None,
        changes=changes,
    )
    auth = AuthService(uow, clock, config.counter, hasher, sync.sign_in_operator, reserve.release)
    font = config.resources / "fonts" / "wqy-microhei.ttc"
    renderer = SlipRenderer(font)
    services = Services(
        auth=auth,
        households=HouseholdService(uow, clock),
        catalog=CatalogService(uow, clock, photos, central=sync.configured),
        registration=RegistrationService(
            uow,
            clock,
            sync.guard,
            changes=changes,
            # A third client, the online path's: short timeouts, the token read per call.
            online=OnlineCalls(
                CentralClient(url, read_timeout=ONLINE_READ_TIMEOUT) if url else None, secrets
            ),
            slip_key=move_slip_key(uow, secrets),
        ),
        records=RecordsService(uow, clock, auth, changes=changes),
        exports=ExportService(uow, clock, config.exports_dir, keep=timedelta(days=config.export_keep_days)),
        slips=SlipService(
            uow,
            clock,
            renderer,
            printer,
            config.slips_dir,
            SlipLayout(config.printer.slip_layout),
            slip_keep=timedelta(days=config.slip_keep_days),
            writer=database_writer,
        ),
        sync=sync,
        # The lottery's own client (a fourth): no token of its own, the supervisor's is read per call.
        draws=DrawService(
            uow,
            clock,
            CentralClient(url) if url else None,
            secrets,
            DrawPrints(font, config.data_dir / "draws"),
            writer=database_writer,
            changes=changes,
            printer=printer,
        ),
        # Selection's own client (a fifth), with the online path's short timeouts: staff wait on each step.
        selection=SelectionService(
            uow,
            clock,
            CentralClient(url, read_timeout=ONLINE_READ_TIMEOUT) if url else None,
            secrets,
            SelectionSheets(font, config.data_dir / "selection"),
            config.counter,
            writer=database_writer,
            changes=changes,
            printer=printer,
        ),
        changes=changes,
    )
    return Built(config, engine, uow, clock, secrets, services, printer, database_writer, notes)


def _upgraded(uow: UnitOfWorkFactory, clock: Clock, counter: str, unsent: int | None) -> str:
    """An older release's plain cache was encrypted at this start: audited, and a line for staff."""
    with uow() as u:
        audit.record(
            u.session, action="cache_encrypted", at=clock(), counter=counter, operator_id=None, unsent=unsent
        )
        u.commit()
    kept = "其中的登记都在" if unsent is None else f"其中 {unsent} 笔尚未送达中心的登记都在，联网后照常送出"
    log.info("local cache encrypted in place at this start; unsent registrations in it: %s", unsent)
    return f"本机缓存已按新版本加密保存；{kept}"


def build_counter(
    config: Config, clock: Clock, *, demo: bool = False, database_writer: DatabaseWriter = write_here
) -> Built:
    """The running counter's: the platform's printer, and with ``demo`` the demo data loaded through the same
    unit of work as everything else (a no-op once the cache has plans)."""
    from kiosk.platform.qt_printer import QtSlipPrinter

    built = build_services(
        config, QtSlipPrinter(config.printer.name or None), clock, database_writer=database_writer
    )
    if demo:
        from kiosk.services.demo_data import load_demo  # absent from a build without demo data

        load_demo(built.uow, now=clock(), resources=config.resources)
    return built


@dataclass
class Background:
    """The loops that run beside the window: the sync worker and the centre's push channel."""

    sync: SyncWorker | None = None
    push: PushClient | None = None
    retention: DailyPurge | None = None
    _unsubscribe: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        if self.push is not None:
            self.push.stop()
        if self.sync is not None:
            self.sync.stop()
        if self.retention is not None:
            self.retention.stop()


def start_background(
    built: Built,
    on_status: Callable[[SyncStatus], None],
    on_progress: Callable[[float, str], None] = lambda _f, _t: None,
) -> Background:
    """The sync loop and the push channel, when this counter has a central service (none when it works alone).

    A registration made here is sent at once: the sync worker listens to the change notice (a change its own
    round published does not wake it again). The push channel wakes it when the centre moved; its polling
    stays for when the stream is down.
    """
    background = Background()
    config = built.config
    retention = Retention(
        built.uow,
        built.clock,
        config.slips_dir,
        timedelta(days=config.retention_days),
        config.counter,
        slip_keep=timedelta(days=config.slip_keep_days),
        exports_dir=config.exports_dir,
        export_keep=timedelta(days=config.export_keep_days),
        writer=built.writer,
    )
    # At start-up, then daily, for standalone counters too (their slips age as well); the work is on the database lane.
    background.retention = DailyPurge(retention.purge)
    background.retention.start()
    if not built.services.sync.configured:
        return background
    worker = SyncWorker(
        built.services.sync, on_status, on_progress, interval=built.config.central.interval_seconds
    )
    background.sync = worker
    background._unsubscribe.append(built.changes.subscribe({Change.REGISTRATION}, worker.on_change))
    worker.start()
    background.push = start_push(
        built.config.central.url,
        built.secrets,
        worker.sync_now,
        built.changes,
        built.services.selection.watch.concerns,
    )
    return background


def start_push(
    url: str,
    secrets: SecretStore,
    wake: Callable[[], None],
    changes: ChangeNotice | None = None,
    concerns: Callable[[SelectionMove | None], bool] = lambda _move: True,
) -> PushClient:
    """The push channel (its own HTTP session) wakes the sync worker; the device token is read from the keyring
    per connection, never shared. A selection move that ``concerns`` this counter is told on ``changes``
    instead: the selection screens read the centre's state at once (nothing of selection is synced)."""

    def told(event: PushEvent) -> None:
        if event.kind != "selection":
            wake()
        elif changes is not None and concerns(event.move):
            changes.publish(Change.SELECTION)

    push = PushClient(
        url,
        lambda: secrets.get(DEVICE_TOKEN) or "",
        told,
        on_auth_failed=wake,  # the sync round renews the device token in the keyring
    )
    push.start()
    return push
