"""On-site selection through the API on SQLite and PostgreSQL: arranging, calling, the wish list, the formal
turn in draw order, confirming once, the sheet, and the masked public state."""

from __future__ import annotations

from datetime import datetime
from typing import Any, get_type_hints

import pytest

from kiosk_central.api import schemas_selection as documented
from kiosk_central.bootstrap import Central
from kiosk_central.tables import SelectionChoice, SelectionEvent
from kiosk_core import selection_wire as wire
from tests.central.api import Api
from tests.central.draw_world import CLOSED, PLAN, Console, ok, refused
from tests.central.selection_world import (
    BASE,
    ONE_ROOM,
    TWO_ROOMS,
    Counter,
    arrange,
    drawn_for_selection,
    free_units,
)
from tests.central.world import CROWD, new_key
from tests.fakes import MovableClock

ASGI = pytest.mark.parametrize("transport", ["asgi"])


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone().replace(tzinfo=None)


def _fields(typed: type) -> set[str]:
    return set(get_type_hints(typed))


def _pool_turns(state: dict[str, Any], pool: str) -> list[dict[str, Any]]:
    return sorted((t for t in state["turns"] if t["pool"] == pool), key=lambda t: t["queue_pos"])


@ASGI
def test_a_supervisor_arranges_rounds_in_draw_order_from_the_published_selection_draw(
    world: Central, api: Api, clock: MovableClock
) -> None:
    console = drawn_for_selection(world, api, clock)
    clerk = Console(api, "clerk1", "clerk-pass-1")
    refused(arrange(clerk), 403, "supervisor_required")
    key = new_key()
    state = ok(arrange(console, round_size=8, round_minutes=30, key=key))
    assert ok(arrange(console, round_size=8, round_minutes=30, key=key)) == state  # a retry: the same answer
    refused(arrange(console, round_size=8), 409, "selection_exists")

    assert set(state) == _fields(wire.SelectionState)
    assert set(state["plan"]) == _fields(wire.SelectionPlanRow)
    assert set(state["turns"][0]) == _fields(wire.TurnRow)
    assert set(state["units"][0]) == _fields(wire.BoardUnit)
    assert set(state["rounds"][0]) == _fields(wire.RoundRow)
    assert [r["round_no"] for r in state["rounds"]] == [1, 2, 3]
    assert [r["state"] for r in state["rounds"]] == ["running", "upcoming", "upcoming"]
    assert _local(state["rounds"][1]["starts_at"]) == CLOSED.replace(minute=30)
    turns = state["turns"]
    assert [t["rank"] for t in turns] == list(range(1, 22))
    assert sorted(t["round_no"] for t in turns) == [1] * 8 + [2] * 8 + [3] * 5
    for pool in (ONE_ROOM, TWO_ROOMS):  # a pool's households come round by round in its order
        rounds = [t["round_no"] for t in _pool_turns(state, pool)]
        assert rounds == sorted(rounds)
    assert all(t["queue_pos"] == t["order"] * 1000 and t["state"] == "waiting" for t in turns)
    assert [t["order"] for t in _pool_turns(state, ONE_ROOM)] == list(range(1, 21))
    assert all(t["masked_name"].count("*") >= 1 and t["filing_no"] for t in turns)
    assert state["counts"] == {"UT-Q-1": {"free": 5, "taken": 0}, "UT-Q-2": {"free": 1, "taken": 0}}
    with world.db.session() as s:
        (event,) = s.query(SelectionEvent).all()
        assert (event.action, event.operator, event.id) == ("plan", "super1", state["version"])


@ASGI
def test_a_plan_without_a_published_selection_draw_gets_no_selection(
    world: Central, api: Api, clock: MovableClock
) -> None:
    clock.now = CLOSED
    api.sign_in()
    refused(arrange(Console(api)), 409, "no_selection_draw")
    r = Console(api).post(
        "/v1/plans/NOPE/selection", {"round_size": 1, "first_start": CLOSED.isoformat(), "round_minutes": 5}
    )
    refused(r, 404, "plan_not_found")
    refused(api.client.get(BASE, headers=api.auth), 404, "selection_not_found")


@ASGI
def test_a_household_is_called_redeclares_builds_its_list_and_confirms_once(
    world: Central, api: Api, clock: MovableClock
) -> None:
    console = drawn_for_selection(world, api, clock)
    state = ok(arrange(console))
    first = _pool_turns(state, ONE_ROOM)[0]
    hall = Counter(world, api.client, "03")
    called = ok(hall.call())
    assert (called["state"], called["counter"]) == ("called", "03")
    refused(hall.call(), 409, "counter_busy")
    assert called["pool"] == ONE_ROOM  # (the two-room household drew rank 11)
    reg = called["reg_no"]
    assert reg == first["reg_no"]
    units = free_units(state, ONE_ROOM)
    refused(hall.wishes(reg, units[:2]), 409, "not_redeclared")
    opened = ok(hall.redeclare(reg))
    assert (opened["state"], opened["redeclared_by"]) == (
        "open",
        "clerk03",
    )  # first of its pool: opens at once
    assert _local(opened["deadline"]) == clock.now.replace(minute=2) and opened["remaining_seconds"] == 120.0
    refused(hall.wishes(reg, units + [units[0]]), 422, "too_many_wishes")
    refused(hall.wishes(reg, [units[0], units[0]]), 422, "duplicate_wish")
    refused(hall.wishes(reg, ["Q-3-401"]), 422, "unit_not_in_pool")
    listed = ok(hall.wishes(reg, units[:3]))
    assert listed["wishes"] == [{"unit_code": u, "taken": False} for u in units[:3]]
    refused(hall.confirm(reg, units[4]), 422, "unit_not_wished")
    other = Counter(world, api.client, "04")
    body = refused(other.confirm(reg, units[1]), 409, "not_your_counter")
    assert "03" in body["message"] and CROWD[0].applicant_id_number not in str(body)
    key = new_key()
    done = ok(hall.confirm(reg, units[1], key))
    assert (done["state"], done["unit_code"]) == ("confirmed", units[1])
    assert ok(hall.confirm(reg, units[1], key)) == done  # the same key: the same answer, no second choice
    refused(hall.confirm(reg, units[2]), 409, "turn_finished")
    with world.db.session() as s:
        assert s.query(SelectionChoice).count() == 1

    board = hall.state()
    unit = next(u for u in board["units"] if u["unit_code"] == units[1])
    assert (unit["taken"], unit["taken_by_order"]) == (True, 1)
    assert board["counts"]["UT-Q-1"] == {"free": 4, "taken": 1}
    sheet = ok(api.client.get(f"{BASE}/turns/{reg}/sheet", headers=api.auth))
    assert set(sheet) == _fields(wire.SheetData)
    assert (sheet["unit_code"], sheet["how"], sheet["counter"]) == (units[1], "confirmed", "03")
    assert "*" in sheet["masked_id"] and len(sheet["masked_id"]) == 18
    check = ok(api.client.get(sheet["verify_url"]))
    assert (check["unit_code"], check["masked_name"]) == (units[1], sheet["masked_name"])

    public = ok(api.client.get(f"/v1/public/selection/{PLAN}"))
    assert all(
        t["filing_no"] == "" and t["wishes"] == [] and t["redeclared_by"] is None for t in public["turns"]
    )
    assert public["units"] == board["units"]
    text = str(public)
    assert not any(f.filing_no in text or f.applicant_id_number in text for f in CROWD)


@ASGI
def test_turns_of_a_pool_open_strictly_in_draw_order_and_pools_run_side_by_side(
    world: Central, api: Api, clock: MovableClock
) -> None:
    console = drawn_for_selection(world, api, clock)
    state = ok(arrange(console))
    counters = [Counter(world, api.client, f"{n:02d}") for n in range(2, 6)]
    served = {c.counter: ok(c.call()) for c in counters}
    # The first four called: each pool's first in its order, in the order of the pool's ranks.
    assert sorted(t["order"] for t in served.values()) == [1, 2, 3, 4]
    in_pool = sorted((t for t in served.values() if t["pool"] == ONE_ROOM), key=lambda t: t["order"])
    by_reg = {t["reg_no"]: c for c, t in served.items()}
    later, earlier = in_pool[-1], in_pool[0]
    back = ok(counters_of(counters, by_reg[later["reg_no"]]).redeclare(later["reg_no"]))
    assert back["state"] == "called"  # the households before it in its pool have not finished
    late_counter = counters_of(counters, by_reg[later["reg_no"]])
    refused(late_counter.wishes(later["reg_no"], ["Q-3-401"]), 422, "unit_not_in_pool")
    ok(late_counter.wishes(later["reg_no"], free_units(state, ONE_ROOM)[:2]))
    refused(late_counter.confirm(later["reg_no"], free_units(state, ONE_ROOM)[0]), 409, "not_your_turn")
    for t in in_pool[:-1]:
        c = counters_of(counters, by_reg[t["reg_no"]])
        assert ok(c.redeclare(t["reg_no"]))["state"] == ("open" if t is earlier else "called")
    two_room = [t for t in state["turns"] if t["pool"] == TWO_ROOMS][0]
    if two_room["reg_no"] in by_reg:  # the other pool's household opens beside them
        assert (
            ok(counters_of(counters, by_reg[two_room["reg_no"]]).redeclare(two_room["reg_no"]))["state"]
            == "open"
        )
    for t in in_pool[:-1]:
        c = counters_of(counters, by_reg[t["reg_no"]])
        assert c.turn(t["reg_no"])["state"] == "open"
        ok(c.step(t["reg_no"], "decline", {"reason": "家庭决定不选"}))
    assert late_counter.turn(later["reg_no"])["state"] == "open"  # opened when the last before it finished
    with world.db.session() as s:
        opened = [
            e.reg_no for e in s.query(SelectionEvent).filter_by(action="open").order_by(SelectionEvent.id)
        ]
    ranks = {t["reg_no"]: t["order"] for t in in_pool}
    assert [ranks[r] for r in opened if r in ranks] == sorted(ranks.values())


def counters_of(counters: list[Counter], counter: str) -> Counter:
    return next(c for c in counters if c.counter == counter)


def test_the_documents_shapes_are_the_wire_shapes() -> None:
    for name in (
        "SelectionPlanRow",
        "RoundRow",
        "WishRow",
        "TurnRow",
        "BoardUnit",
        "UnitCounts",
        "SheetData",
    ):
        assert set(getattr(documented, name).model_fields) == _fields(getattr(wire, name)), name
    assert set(documented.SelectionState.model_fields) == _fields(wire.SelectionState)
