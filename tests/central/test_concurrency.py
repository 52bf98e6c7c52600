"""Twenty kiosks at once over real HTTP: the database constraints let exactly one through."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kiosk_central import versions
from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central
from kiosk_central.db import begin_write
from tests.central.api import Api
from tests.central.server import LiveServer
from tests.central.world import CROWD, FAMILIES, new_key, registration

N = 20


@pytest.fixture
def http_api(world: Central, live_server: LiveServer) -> Any:
    with live_server.serving(create_app(world)) as client:
        yield Api.enrolled(world, client)


def _all_at_once(api: Api, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """Each body from its own thread and connection, released together by a barrier."""
    barrier = threading.Barrier(len(bodies))
    base_url = str(api.client.base_url)

    def post(body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            headers = api.auth | {"Idempotency-Key": new_key()}
            client.get("/v1/health")  # connect before the barrier: the posts themselves start together
            barrier.wait(timeout=30)
            return client.post("/v1/registrations", json=body, headers=headers)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _outcomes(responses: list[httpx.Response]) -> Counter[str]:
    return Counter(r.json()["code"] if r.status_code == 409 else str(r.status_code) for r in responses)


def test_same_household_same_plan_twenty_counters(http_api: Api) -> None:
    bodies = [registration(FAMILIES["ok"], seq=n) for n in range(1, N + 1)]
    assert _outcomes(_all_at_once(http_api, bodies)) == {"201": 1, "already_registered": N - 1}


def test_same_unit_twenty_households(http_api: Api) -> None:
    bodies = [registration(f, "R2611", n, unit="R-1-501") for n, f in enumerate(CROWD[:N], 1)]
    assert _outcomes(_all_at_once(http_api, bodies)) == {"201": 1, "unit_taken": N - 1}
    _, changes = http_api.all_changes()
    assert [c["data"]["status"] for c in changes if c["key"] == "R-1-501"] == ["taken"]


def test_same_member_in_twenty_households(http_api: Api, world: Central) -> None:
    bodies = [registration(FAMILIES[k], seq=n) for n, k in enumerate(["clash_a", "clash_b"] * (N // 2), 1)]
    outcomes = _outcomes(_all_at_once(http_api, bodies))
    # Each household's own repeats are already_registered; the other household's person clash.
    assert outcomes["201"] == 1
    assert outcomes["member_registered_elsewhere"] >= 1
    assert outcomes["already_registered"] + outcomes["member_registered_elsewhere"] == N - 1


def _in_other_transaction(central: Central, fn: Callable[[Any], Any]) -> Any:
    with central.db.session() as s:
        begin_write(s)
        return fn(s)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite has one writer at a time anyway
def test_catalog_writers_are_ordered_by_the_counter_lock(world: Central) -> None:
    """A writer holding version v blocks the next writer until it commits: versions commit in order."""
    with world.db.session() as first:
        begin_write(first)
        v = versions.allocate(first, versions.CATALOG)

        def second(s: Any) -> int:
            s.execute(text("SET LOCAL lock_timeout = '100ms'"))
            return versions.allocate(s, versions.CATALOG)

        with pytest.raises(OperationalError, match="lock timeout"):
            _in_other_transaction(world, second)
        with world.db.session() as reader:
            assert versions.current(reader) == v - 1  # not visible before commit
        first.commit()
    assert _in_other_transaction(world, second) == v + 1
