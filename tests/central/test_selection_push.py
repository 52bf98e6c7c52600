"""The push channel tells of selection: every change moves its fourth part (the last selection event), and an
older counter's three-part Last-Event-ID still resumes (its selection part unknown: told at once)."""

from __future__ import annotations

import queue

import pytest

from kiosk.services.push_client import PushClient, PushEvent
from kiosk_central.bootstrap import Central
from kiosk_central.services.push import Position, events_between
from tests.central.api import Api
from tests.central.draw_world import ok
from tests.central.selection_world import Counter, arrange, drawn_for_selection
from tests.fakes import MovableClock

WAIT = 20.0  # a bound on a hung test only: every wait ends on an event


def test_a_three_part_id_resumes_and_hears_of_selection_first() -> None:
    old = Position.parse("7.2.11")
    assert old == Position(7, 2, 11) and old is not None and old.event_id == "7.2.11"
    new = Position(8, 2, 11, 5)
    told = events_between(old, new)
    # Selection first: the ids after it carry all four parts, so a drop in between resumes where it was.
    assert [(e.kind, e.version, e.id) for e in told] == [
        ("selection", 5, "7.2.11.5"),
        ("catalog", 8, "8.2.11.5"),
    ]
    assert Position.parse("8.2.11.5") == new
    assert events_between(new, Position(8, 2, 11, 6))[0].id == "8.2.11.6"
    assert [e.kind for e in events_between(Position(8, 2, 11, 9), new)] == ["reset"]  # ahead of the centre


@pytest.mark.parametrize(("backend", "transport"), [("sqlite", "http"), ("postgresql", "http")])
def test_each_selection_change_is_pushed_with_the_states_version(
    world: Central, api: Api, clock: MovableClock
) -> None:
    state = ok(arrange(drawn_for_selection(world, api, clock)))
    counter = Counter(world, api.client, "05")
    told: queue.Queue[PushEvent] = queue.Queue()
    push = PushClient(str(api.client.base_url), lambda: counter.api.token, told.put)
    push.last_event_id = "0.0.0"  # an older counter: three parts
    push.start()
    try:
        seen = [told.get(timeout=WAIT) for _ in range(2)]
        kinds = {e.kind: e for e in seen}
        assert kinds["selection"].version == state["version"]
        assert len(kinds["selection"].id.split(".")) == 4
        called = ok(counter.call())
        version = counter.state()["version"]
        while (event := told.get(timeout=WAIT)).kind != "selection" or (event.version or 0) < version:
            pass
        assert event.version == version and called["state"] == "called"
    finally:
        push.stop()
