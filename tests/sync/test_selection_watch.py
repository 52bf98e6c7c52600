"""A counter re-reads the centre's state for the pushed moves that concern what it shows (its household, a unit
taken in that household's pool, the whole plan while it serves no one or drives the hall), not for every step
at every counter in the hall."""

from __future__ import annotations

import queue
import threading

from kiosk.bootstrap import start_push
from kiosk.services.changes import Change, ChangeNotice
from kiosk.services.secrets import DEVICE_TOKEN, SecretStore
from kiosk.services.selection_watch import SelectionWatch, Shown
from kiosk_central.services.demo_selection import PLAN
from kiosk_core.selection_moves import SelectionMove
from tests.sync.conftest import CentralUnderTest, KioskFactory

WAIT = 20.0  # only a bound on a hung test: every wait ends on an event


def test_another_counters_call_is_let_pass_and_this_households_step_is_told(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    here, there = kiosk("05", synced=True), kiosk("06", synced=True)
    for k in (here, there):
        k.services.sync.sync_once()
    SecretStore().set(DEVICE_TOKEN, SecretStore(service="kiosk-test-05").get(DEVICE_TOKEN) or "")
    mine = here.services.selection.call_next(PLAN)
    watch = SelectionWatch()
    watch.show(Shown(PLAN, mine.reg_no, mine.pool))
    seen: queue.Queue[SelectionMove | None] = queue.Queue()

    def concerns(move: SelectionMove | None) -> bool:
        seen.put(move)
        return watch.concerns(move)

    notice = ChangeNotice()
    told = threading.Event()
    notice.subscribe({Change.SELECTION}, lambda _change: told.set())
    connected = threading.Event()
    push = start_push(centre.base_url, SecretStore(), connected.set, notice, concerns)
    try:
        assert connected.wait(WAIT)
        theirs = there.services.selection.call_next(PLAN)
        while (move := seen.get(timeout=WAIT)) is None or move.reg_no != theirs.reg_no:
            pass
        assert move.action == "call" and not told.is_set()  # heard, and let pass: not this household's
        here.services.selection.not_here(PLAN, mine.reg_no)  # this household's own step
        while (move := seen.get(timeout=WAIT)) is None or move.reg_no != mine.reg_no:
            pass
        assert told.wait(WAIT)
    finally:
        push.stop()
    watch.show(Shown(PLAN, hall=True))
    assert watch.concerns(SelectionMove(1, PLAN, "anyone", "call", "other/pool"))  # the hall shows every call
    watch.show(None)
    assert not watch.concerns(
        SelectionMove(1, PLAN, mine.reg_no, "call", mine.pool)
    )  # no selection screen open
