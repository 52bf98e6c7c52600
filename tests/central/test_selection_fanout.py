"""Selection events are pushed one by one with what moved, so a counter re-reads only for its own household or a
unit taken in its pool (twenty counters re-reading after every step anywhere kept the centre from confirming
in time); a stream too far behind is told once, and that move concerns everyone."""

from __future__ import annotations

import queue

import pytest
from sqlalchemy import select

from kiosk.services.push_client import PushClient, PushEvent
from kiosk_central.bootstrap import Central
from kiosk_central.services.push import Position, events_between
from kiosk_central.tables import SelectionEvent, SelectionTurn
from kiosk_core.selection_moves import SelectionMove
from tests.central.api import Api
from tests.central.draw_world import PLAN, ok
from tests.central.selection_world import Counter, arrange, drawn_for_selection, free_units
from tests.fakes import MovableClock

WAIT = 20.0  # a bound on a hung test only: every wait ends on an event


def _move(
    version: int, reg_no: str | None = "R1", action: str = "call", pool: str | None = "P/A"
) -> SelectionMove:
    return SelectionMove(version, "Q1", reg_no, action, pool, "U1" if action == "confirm" else None)


def test_a_move_concerns_its_household_and_units_taken_in_its_pool() -> None:
    call, confirm = _move(5), _move(6, "R2", "confirm")
    assert call.concerns("Q1", "R1", "P/A") and not call.concerns(
        "Q1", "R9", "P/A"
    )  # another household's call
    assert confirm.concerns("Q1", "R1", "P/A")  # a unit of its pool taken: its wish list is marked
    assert not confirm.concerns("Q1", "R1", "P/B") and not confirm.concerns("Q2", "R1", "P/A")
    assert call.concerns("Q1", None, None)  # a counter serving no one follows the whole plan
    assert _move(7, reg_no=None, action="supplementary_round").concerns("Q1", "R9", "P/B")  # the plan moved
    untold = SelectionMove.parse(8, {"kind": "selection", "version": 8})  # an older centre: concerns all
    assert untold.plan is None and untold.concerns("Q1", "R9", "P/B") and untold.takes_unit
    assert SelectionMove.parse(6, confirm.data()) == confirm
    assert SelectionMove.parse(6, {"plan": 7, "reg_no": ["x"]}).plan is None  # odd fields: concerns all


def test_moves_kept_are_told_one_by_one_and_a_gap_once() -> None:
    kept = {v: _move(v, f"R{v}") for v in range(11, 15)}

    def moves(after: int, upto: int) -> list[SelectionMove] | None:
        wanted = range(after + 1, upto + 1)
        return [kept[v] for v in wanted] if all(v in kept for v in wanted) else None

    told = events_between(Position(1, 1, 1, 10), Position(2, 1, 1, 14), moves)
    assert [(e.kind, e.id) for e in told] == [
        ("catalog", "2.1.1.10"),
        ("selection", "2.1.1.11"),
        ("selection", "2.1.1.12"),
        ("selection", "2.1.1.13"),
        ("selection", "2.1.1.14"),
    ]
    assert [e.move.reg_no for e in told[1:] if e.move] == ["R11", "R12", "R13", "R14"]
    gap = events_between(Position(1, 1, 1, 3), Position(1, 1, 1, 14), moves)
    assert [(e.kind, e.id, e.move) for e in gap] == [("selection", "1.1.1.14", None)]
    assert '"version": 14' in gap[0].encode() and "reg_no" not in gap[0].encode()


def _until(told: queue.Queue[PushEvent], version: int) -> list[PushEvent]:
    seen = []
    while not seen or (seen[-1].version or 0) < version:
        event = told.get(timeout=WAIT)
        if event.kind == "selection":
            seen.append(event)
    return seen


@pytest.mark.parametrize(("backend", "transport"), [("sqlite", "http"), ("postgresql", "http")])
def test_every_step_is_pushed_with_its_household_pool_and_unit(
    world: Central, api: Api, clock: MovableClock
) -> None:
    ok(arrange(drawn_for_selection(world, api, clock)))
    counter = Counter(world, api.client, "05")
    told: queue.Queue[PushEvent] = queue.Queue()
    push = PushClient(str(api.client.base_url), lambda: counter.api.token, told.put)
    push.start()
    try:
        assert told.get(timeout=WAIT).kind == "reset"  # no position yet: pull everything
        called = ok(counter.call())
        _until(told, counter.state()["version"])  # from here on the centre keeps every move it tells
        first = counter.state()["version"]
        reg, pool = called["reg_no"], called["pool"]
        ok(counter.redeclare(reg))
        unit = free_units(counter.state(), pool)[0]
        ok(counter.wishes(reg, [unit]))
        turn = counter.turn(reg)
        assert turn["state"] == "open", turn  # the pool's first household: its turn opened on re-declaring
        ok(counter.confirm(reg, unit))
        last = counter.state()["version"]
        seen = _until(told, last)
    finally:
        push.stop()
    with world.db.session() as s:
        recorded = s.execute(
            select(SelectionEvent.id, SelectionEvent.reg_no, SelectionEvent.action)
            .where(SelectionEvent.id > first, SelectionEvent.id <= last)
            .order_by(SelectionEvent.id)
        ).all()
        pools = dict(s.execute(select(SelectionTurn.reg_no, SelectionTurn.pool)).all())
    moves = [e.move for e in seen if e.move is not None and e.move.version > first]
    assert [(m.version, m.reg_no, m.action) for m in moves] == [tuple(r) for r in recorded]
    assert [m.action for m in moves] == ["redeclare", "open", "wishes", "confirm"]
    assert all(m.plan == PLAN and m.pool == pools[reg] == pool for m in moves)
    assert [m.unit for m in moves] == [None, None, None, unit]  # the unit only where one was taken
    assert all(m.concerns(m.plan or "", reg, pool) for m in moves)
    assert not any(m.concerns(m.plan or "", "someone else", "another/pool") for m in moves)
    assert [int(e.id.split(".")[3]) for e in seen if e.move and e.move.version > first] == [
        m.version for m in moves
    ]
