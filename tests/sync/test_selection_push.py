"""A selection move at any counter reaches the others through the push channel as Change.SELECTION, so their
selection screens and the hall read the centre's state at once rather than at the next poll."""

from __future__ import annotations

import threading

from kiosk.bootstrap import start_push
from kiosk.services.changes import Change, ChangeNotice
from kiosk.services.secrets import DEVICE_TOKEN, SecretStore
from kiosk_central.services.demo_selection import PLAN
from tests.sync.conftest import CentralUnderTest, KioskFactory

WAIT = 20.0  # only a bound on a hung test: every wait ends on an event


def test_a_call_at_another_counter_is_told_here_as_a_selection_change(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    here, there = kiosk("05", synced=True), kiosk("06", synced=True)  # as after their first sync
    for k in (here, there):
        k.services.sync.sync_once()  # each gets its device token
    # The app's secret store is the default one: the counter's token goes there as kiosk-enroll's would.
    SecretStore().set(DEVICE_TOKEN, SecretStore(service="kiosk-test-05").get(DEVICE_TOKEN) or "")
    notice = ChangeNotice()
    told = threading.Event()
    notice.subscribe({Change.SELECTION}, lambda _change: told.set())
    connected = threading.Event()
    push = start_push(centre.base_url, SecretStore(), connected.set, notice)
    try:
        assert connected.wait(WAIT)  # the stream's first event: listening from here on
        assert not told.is_set()  # a reset or catalog event is no selection change
        there.services.selection.call_next(PLAN)  # another counter, its own notice: only the push tells here
        assert told.wait(WAIT)
    finally:
        push.stop()
