"""The centre's clock on a selection: auto-pick at the deadline, pause while a counter is not heard and resume
where it stood, late arrivals, absent households and supplementary selection (SQLite and PostgreSQL).

Over real HTTP with the server's lifespan off, so only the test's own ticks move turns; the last test runs the
app's own ticker in its lifespan.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from kiosk_central.bootstrap import Central
from kiosk_central.services.selection_ticker import SelectionTicker
from kiosk_central.tables import SelectionChoice, SelectionEvent
from kiosk_core import selection as sel
from tests.central.api import Api
from tests.central.draw_world import CLOSED, PLAN, ok, refused
from tests.central.selection_world import ONE_ROOM, Counter, arrange, drawn_for_selection, free_units, tick
from tests.fakes import MovableClock

HTTP = pytest.mark.parametrize("transport", ["http"])


def _serve_three(
    world: Central, api: Api, clock: MovableClock
) -> tuple[dict[str, Any], list[Counter], list[str]]:
    """Three counters each called one of the one-room pool's first three households, all re-declared."""
    state = ok(arrange(drawn_for_selection(world, api, clock)))
    counters = [Counter(world, api.client, f"{n:02d}") for n in (2, 3, 4)]
    regs = [ok(c.call())["reg_no"] for c in counters]
    for c, reg in zip(counters, regs, strict=True):
        ok(c.redeclare(reg))
    return state, counters, regs


@HTTP
def test_at_the_deadline_the_centre_picks_the_first_free_wish_or_records_no_unit(
    world: Central, api: Api, clock: MovableClock
) -> None:
    state, (first, second, third), (r1, r2, r3) = _serve_three(world, api, clock)
    units = free_units(state, ONE_ROOM)
    ok(first.wishes(r1, [units[0]]))
    ok(second.wishes(r2, [units[0], units[1]]))
    ok(third.wishes(r3, [units[0]]))
    ok(first.confirm(r1, units[0]))
    turn = second.turn(r2)
    assert turn["state"] == "open" and turn["wishes"][0] == {"unit_code": units[0], "taken": True}
    ok(second.wishes(r2, [units[1], units[0]]))  # a taken unit already listed may stay, marked
    ok(second.wishes(r2, [units[1]]))
    refused(second.wishes(r2, [units[1], units[0]]), 409, "unit_taken")  # and is never added back
    clock.advance(seconds=118)
    second.state()  # heard: it does not pause
    clock.advance(seconds=3)
    refused(second.confirm(r2, units[1]), 409, "turn_expired")  # the centre's clock decides
    assert tick(world, clock) >= 2  # auto-picked, and the next one opened
    picked = second.turn(r2)
    assert (picked["state"], picked["unit_code"]) == ("auto_picked", units[1])
    assert third.turn(r3)["state"] == "open"
    clock.advance(seconds=118)
    third.state()
    clock.advance(seconds=3)
    tick(world, clock)
    none = third.turn(r3)
    assert (none["state"], none["unit_code"], none["reason"]) == ("no_unit", None, sel.REASON_NO_UNIT)
    sheet = ok(api.client.get(f"/v1/selection/{PLAN}/turns/{r2}/sheet", headers=api.auth))
    assert (sheet["how"], sheet["unit_code"], sheet["operator"]) == ("auto_picked", units[1], None)
    refused(api.client.get(f"/v1/selection/{PLAN}/turns/{r3}/sheet", headers=api.auth), 404, "no_choice")
    assert ok(third.step(r3, "supplementary"))["state"] == "no_unit"


@HTTP
def test_a_turn_whose_counter_is_not_heard_pauses_and_resumes_where_it_stood(
    world: Central, api: Api, clock: MovableClock
) -> None:
    _, (first, *_), (r1, *_) = _serve_three(world, api, clock)
    clock.advance(seconds=5)
    first.state()  # heard 5 s into its turn
    clock.advance(seconds=7)
    tick(world, clock)
    public = ok(api.client.get(f"/v1/public/selection/{PLAN}"))
    (shown,) = [t for t in public["turns"] if t["reg_no"] == r1]
    assert (shown["state"], shown["paused"], shown["remaining_seconds"]) == ("open", True, 115.0)
    clock.advance(minutes=10)  # far past the old deadline: a paused turn is never auto-picked
    tick(world, clock)
    assert first.turn(r1)["paused"]
    state = first.state()  # the counter is back: its read resumes the turn
    (back,) = [t for t in state["turns"] if t["reg_no"] == r1]
    assert (back["paused"], back["remaining_seconds"]) == (False, 115.0)
    with world.db.session() as s:
        actions = [e.action for e in s.query(SelectionEvent).filter_by(reg_no=r1).order_by(SelectionEvent.id)]
    assert actions[-2:] == ["pause", "resume"]


@HTTP
def test_a_late_household_goes_after_the_one_being_served_and_one_that_never_comes_is_absent(
    world: Central, api: Api, clock: MovableClock
) -> None:
    state = ok(arrange(drawn_for_selection(world, api, clock), round_size=8, round_minutes=30))
    a, b, c, d = (Counter(world, api.client, f"{n:02d}") for n in (2, 3, 4, 5))
    h1 = ok(a.call())
    refused(b.step(h1["reg_no"], "not_here"), 409, "not_your_counter")
    passed = ok(a.step(h1["reg_no"], "not_here"))
    assert (passed["state"], passed["late"], passed["counter"]) == ("waiting", True, None)
    h2 = ok(a.call())
    h3 = ok(b.call())
    assert h1["reg_no"] not in (h2["reg_no"], h3["reg_no"])
    came = ok(d.step(h1["reg_no"], "arrived"))  # any counter records the arrival
    if h3["pool"] == h1["pool"]:
        assert came["queue_pos"] == h3["queue_pos"] + 1  # right after the last one at a counter
    refused(d.step(h1["reg_no"], "arrived"), 409, "not_late")
    assert ok(c.call())["reg_no"] == h1["reg_no"]  # an arrival is called first
    h4 = ok(d.call())
    ok(d.step(h4["reg_no"], "not_here"))
    refused(d.step(h4["reg_no"], "supplementary"), 409, "supplementary_not_allowed")
    clock.now = CLOSED + timedelta(minutes=30)  # round 1 ends
    tick(world, clock)
    gone = d.turn(h4["reg_no"])
    assert (gone["state"], gone["reason"]) == ("absent", sel.REASON_ABSENT)
    ok(b.step(h3["reg_no"], "decline", {"reason": "家庭决定放弃"}))
    refused(b.step(h3["reg_no"], "supplementary"), 409, "declined_no_supplementary")
    ok(d.step(h4["reg_no"], "supplementary"))
    ok(d.step(h4["reg_no"], "supplementary"))  # applying again changes nothing
    deadline = state["plan"]["supplementary_deadline"]
    assert deadline is not None
    clock.now = CLOSED + timedelta(minutes=3 * 30 + 4)  # three rounds and 3 minutes: applications closed
    for signed_in in (api, d.api):
        signed_in.sign_in()  # device tokens last an hour
    refused(d.step(h4["reg_no"], "supplementary"), 409, "supplementary_closed")

    console_state = _supplementary_round(api)
    extra = [t for t in console_state["turns"] if t["supplementary"]]
    assert [t["reg_no"] for t in extra] == [h4["reg_no"]]
    assert console_state["rounds"][-1]["supplementary"] is True
    clock.now = CLOSED + timedelta(minutes=100)  # the supplementary round starts
    assert ok(d.call())["reg_no"] == h4["reg_no"]  # its supplementary turn
    assert ok(d.step(h4["reg_no"], "redeclare", {"operator": "clerk5"}))["supplementary"] is True


def _supplementary_round(api: Api) -> dict[str, Any]:
    from tests.central.draw_world import Console

    console = Console(api)
    body = {"first_start": (CLOSED + timedelta(minutes=100)).isoformat(), "round_minutes": 20}
    refused(
        console.post(f"/v1/plans/{PLAN}/selection/supplementary", {**body, "round_minutes": 0}),
        422,
        "invalid_request",
    )
    state = ok(console.post(f"/v1/plans/{PLAN}/selection/supplementary", body))
    refused(console.post(f"/v1/plans/{PLAN}/selection/supplementary", body), 409, "no_applicants")
    return state


@pytest.mark.parametrize(("backend", "transport"), [("sqlite", "asgi")])
def test_the_apps_own_ticker_auto_picks_without_any_counter(
    world: Central, api: Api, clock: MovableClock
) -> None:
    state, (first, *_), (r1, *_) = _serve_three(world, api, clock)
    unit = free_units(state, ONE_ROOM)[2]
    ok(first.wishes(r1, [unit]))
    for _ in range(41):  # past the deadline, heard every 3 s: the ticker, running meanwhile, never pauses it
        first.state()
        clock.advance(seconds=3)
    deadline = time.monotonic() + 20
    while first.state() and first.turn(r1)["state"] == "open":  # the lifespan's ticker, every half second
        assert time.monotonic() < deadline, "the app's ticker never auto-picked"
    assert first.turn(r1)["unit_code"] == unit


@pytest.mark.parametrize(("backend", "transport"), [("postgresql", "http")])
def test_two_processes_ticking_at_once_auto_pick_a_turn_once(
    world: Central, api: Api, clock: MovableClock
) -> None:
    state, (first, *_), (r1, *_) = _serve_three(world, api, clock)
    units = free_units(state, ONE_ROOM)
    ok(first.wishes(r1, units[:2]))
    clock.advance(seconds=118)
    first.state()
    clock.advance(seconds=3)
    tickers = [SelectionTicker(world.db, clock) for _ in range(2)]  # as two processes have them
    go = threading.Barrier(2)
    written: list[int] = []

    def run(ticker: SelectionTicker) -> None:
        go.wait()
        written.append(ticker.tick())

    threads = [threading.Thread(target=run, args=(t,)) for t in tickers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    picked = first.turn(r1)
    assert (picked["state"], picked["unit_code"]) == ("auto_picked", units[0])
    with world.db.session() as s:
        actions = [e.action for e in s.query(SelectionEvent).filter_by(reg_no=r1)]
        assert actions.count("auto_picked") == 1
        assert s.query(SelectionChoice).filter_by(reg_no=r1).count() == 1
