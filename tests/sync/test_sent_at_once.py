"""A registration is sent the moment it is made: the sync worker listens to the change notice, not only its poll."""

from __future__ import annotations

import queue
from pathlib import Path

from sqlalchemy import select

from kiosk.bootstrap import build_services, start_background
from kiosk.config import Config
from kiosk.services.views import SyncStatus
from kiosk.storage import tables as t
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import KioskFactory
from tests.sync.test_sync import quick_draft, sign_in

WAIT = 30  # seconds: a bound for a hung loop, never a speed floor


def test_a_registration_reaches_the_centre_without_waiting_for_the_hourly_poll(kiosk: KioskFactory) -> None:
    k = kiosk("01", interval_seconds=3600)
    rounds: queue.Queue[SyncStatus] = queue.Queue()
    background = start_background(k, rounds.put)
    try:
        # The first round fills the cache; the push stream's first event (reset) brings one more. After that
        # nothing but the change notice can wake the worker within the hour: the stream is closed.
        for _ in range(2):
            assert rounds.get(timeout=WAIT).online
        assert background.push is not None
        background.push.stop()
        background.push = None

        view = k.services.registration.register(quick_draft(k), sign_in(k))

        # The round the change notice wakes sends it. One round already under way when it was made may end
        # first and count it unsent: then the next is the answer (nothing else can start one within WAIT).
        assert rounds.get(timeout=WAIT).unsent == 0 or rounds.get(timeout=WAIT).unsent == 0
        with k.uow() as uow:
            status = uow.session.scalar(
                select(t.Registration.central_status).where(t.Registration.reg_no == view.reg_no)
            )
        assert status == "accepted"
    finally:
        background.stop()


def test_a_counter_without_a_centre_starts_no_loop(tmp_path: Path) -> None:
    k = build_services(Config(data_dir=tmp_path), FakePrinter(), hasher=CHEAP_HASHER)
    try:
        background = start_background(k, lambda _s: None)
        assert background.sync is None and background.push is None
    finally:
        k.engine.dispose()


def test_the_sign_in_and_the_sync_worker_each_carry_their_own_token(kiosk: KioskFactory) -> None:
    k = kiosk("01")
    sync = k.services.sync
    sync.sync_once()  # the operators come down with the catalog
    sync.client.token = "expired"  # as the sync thread's token might be, in the middle of its round
    sign_in(k)  # on the database lane in the app: its own client, renewing its own token if it must
    assert sync.client.token == "expired"  # never changed under the sync thread from another one
    sync.sync_once()  # which renews its own when the centre says so
    assert sync.client.token != "expired"
