"""The test world's quick plan Q2611 drawn for on-site selection and published, and counters over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import update

from kiosk_central.bootstrap import Central
from kiosk_central.db import begin_write
from kiosk_central.services.selection_ticker import SelectionTicker
from kiosk_central.tables import Plan
from tests.central.api import Api
from tests.central.draw_world import (
    CLOSED,
    PLAN,
    Console,
    add_units_quotas_groups,
    close_window,
    ok,
    register_everyone,
)
from tests.central.world import new_key
from tests.fakes import MovableClock

ONE_ROOM, TWO_ROOMS = "P-Q-01/UT-Q-1", "P-Q-01/UT-Q-2"
BASE = f"/v1/selection/{PLAN}"


def drawn_for_selection(world: Central, api: Api, clock: MovableClock) -> Console:
    """Q2611 in mode ``selection``: 20 one-room households, one two-room, drawn and published."""
    add_units_quotas_groups(world)
    with world.db.session() as s:
        begin_write(s)
        s.execute(update(Plan).where(Plan.code == PLAN).values(draw_mode="selection"))
        s.commit()
    register_everyone(api)
    close_window(api, clock)
    console = Console(api)
    record = console.drawn()
    ok(console.publish(record["draw_id"]))
    return console


def arrange(
    console: Console,
    *,
    round_size: int = 30,
    first_start: datetime = CLOSED,
    round_minutes: int = 60,
    turn_seconds: int = 120,
    key: str | None = None,
) -> httpx.Response:
    body = {
        "round_size": round_size,
        "first_start": first_start.isoformat(),
        "round_minutes": round_minutes,
        "turn_seconds": turn_seconds,
    }
    return console.post(f"/v1/plans/{PLAN}/selection", body, key)


class Counter:
    """One counter's device calling households and serving them."""

    def __init__(self, world: Central, client: httpx.Client, counter: str) -> None:
        self.api = Api.enrolled(world, client, counter)
        self.counter = counter

    def call(self, key: str | None = None) -> httpx.Response:
        return self.api.post(f"{BASE}/call", {}, key)

    def step(
        self, reg_no: str, name: str, body: dict[str, Any] | None = None, key: str | None = None
    ) -> httpx.Response:
        return self.api.post(f"{BASE}/turns/{reg_no}/{name}", body or {}, key)

    def wishes(self, reg_no: str, units: list[str], key: str | None = None) -> httpx.Response:
        headers = self.api.auth | {"Idempotency-Key": key or new_key()}
        return self.api.client.put(f"{BASE}/turns/{reg_no}/wishes", json={"units": units}, headers=headers)

    def confirm(self, reg_no: str, unit: str, key: str | None = None) -> httpx.Response:
        return self.step(reg_no, "confirm", {"unit_code": unit}, key)

    def redeclare(self, reg_no: str) -> httpx.Response:
        return self.step(reg_no, "redeclare", {"operator": f"clerk{self.counter}"})

    def state(self) -> dict[str, Any]:
        return ok(self.api.client.get(BASE, headers=self.api.auth))

    def turn(self, reg_no: str) -> dict[str, Any]:
        return ok(self.api.client.get(f"{BASE}/turns/{reg_no}", headers=self.api.auth))


def free_units(state: dict[str, Any], pool: str) -> list[str]:
    return [
        u["unit_code"]
        for u in state["units"]
        if f"{u['project_code']}/{u['unit_type_code']}" == pool and not u["taken"]
    ]


def tick(world: Central, clock: MovableClock) -> int:
    """One pass of the centre's ticker at the test's clock (the app's own ticker may run too: both are safe)."""
    return SelectionTicker(world.db, clock).tick()
