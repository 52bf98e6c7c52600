"""What the centre knows of counters' unsent messages (X-Kiosk-Unsent), and the ready list a console starts from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kiosk_central.bootstrap import Central
from kiosk_central.services.unsent import UnsentReports
from kiosk_central.tables import DeviceUnsent, DrawAudit
from tests.central.api import Api
from tests.central.draw_world import (
    CLOSED,
    ONE_ROOM,
    TWO_ROOMS,
    Console,
    add_units_quotas_groups,
    close_window,
    ok,
    refused,
    register_everyone,
)
from tests.fakes import MovableClock

pytestmark = pytest.mark.parametrize("transport", ["asgi"])


def _sync(api: Api, unsent: str) -> None:
    r = api.client.get("/v1/reviews/changes", headers=api.auth | {"X-Kiosk-Unsent": unsent})
    assert r.status_code == 200, r.text


def test_a_freeze_waits_for_counters_that_report_unsent_messages_unless_forced(
    world: Central, api: Api, clock: MovableClock
) -> None:
    add_units_quotas_groups(world)
    register_everyone(api)
    close_window(api, clock)
    _sync(api, "3")
    console = Console(api)
    assert ok(console.get("/v1/draws/ready"))["unsent"] == [
        {
            "counter": "01",
            "device_name": "01号窗口",
            "unsent": 3,
            "reported_at": CLOSED.astimezone().isoformat(),
        }
    ]
    body = refused(console.freeze(), 409, "unsent_registrations")
    assert "01号窗口 3 条" in body["message"]
    assert [(c["counter"], c["unsent"]) for c in body["unsent"]] == [("01", 3)]
    for garbage in ("many", "-1", "1e3", ""):
        _sync(api, garbage)  # not a count: ignored, the last one stands
    refused(console.freeze(), 409, "unsent_registrations")
    forced = ok(console.freeze(force=True))
    with world.db.session() as s:
        assert "强制冻结" in s.scalars(select(DrawAudit.detail)).one()
    plans = {p["plan_code"]: p for p in ok(console.get("/v1/draws/ready"))["plans"]}
    assert plans["Q2611"]["draw"] == {
        "draw_id": forced["draw_id"],
        "state": "frozen",
    }
    _sync(api, "0")
    assert ok(console.get("/v1/draws/ready"))["unsent"] == []


def test_the_ready_list_has_closed_quick_plans_with_pools_quotas_and_groups(
    world: Central, api: Api, clock: MovableClock
) -> None:
    add_units_quotas_groups(world)
    register_everyone(api)
    console = Console(api)
    assert ok(console.get("/v1/draws/ready"))["plans"] == []  # every window still open
    close_window(api, clock)
    ready = ok(Console(api).get("/v1/draws/ready"))
    assert [p["plan_code"] for p in ready["plans"]] == ["M2611", "Q2611"]  # not the real-time plan
    q = ready["plans"][1]
    assert (q["entries"], q["mode"], q["draw"]) == (21, "units", None)
    pools = {p["pool"]: p for p in q["pools"]}
    assert (pools[ONE_ROOM]["entries"], pools[ONE_ROOM]["units"]) == (20, 5)
    assert pools[ONE_ROOM]["quotas"] == [{"group": "elderly", "count": 2}, {"group": "disabled", "count": 1}]
    assert pools[ONE_ROOM]["groups"] == [
        {"group": "disabled", "count": 1},
        {"group": "elderly", "count": 3},
        {"group": "hardship", "count": 1},
    ]
    assert (pools[TWO_ROOMS]["entries"], pools[TWO_ROOMS]["units"], pools[TWO_ROOMS]["groups"]) == (1, 1, [])


def test_a_count_is_written_when_it_becomes_or_stops_being_zero_and_refreshed_after_a_while(
    world: Central, api: Api
) -> None:
    clock = MovableClock(CLOSED)
    reports = UnsentReports(clock, refresh=timedelta(seconds=30))

    def stored() -> int:
        with world.db.session() as s:
            return int(
                s.scalar(select(DeviceUnsent.unsent).where(DeviceUnsent.device_id == api.device_id)) or 0
            )

    with world.db.session() as s:
        reports.record(s, api.device_id, "4")
        assert stored() == 4
        # Another centre process wrote what it was told meanwhile.
        s.execute(update(DeviceUnsent).values(unsent=9))
        s.commit()
        clock.advance(seconds=10)
        reports.record(s, api.device_id, "3")  # a drain's next batch: still not zero, no write
        assert stored() == 9
        clock.advance(seconds=25)
        reports.record(s, api.device_id, "2")  # past the refresh: written again
        assert stored() == 2
        reports.record(s, api.device_id, "0")  # all sent: written at once
        assert stored() == 0
        reports.record(s, api.device_id, "1")  # a new registration: written at once
        assert stored() == 1
