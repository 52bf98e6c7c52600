"""What every selection must satisfy, whatever the pools, order, wishes, arrivals and absences (hypothesis).

A small centre is simulated with the pure rules alone; hypothesis picks which of the possible steps happens
next (a counter calls, a late household arrives, a turn opens, a household confirms, declines or runs out of
time, a counter goes quiet, a round ends), so every interleaving the rules allow is tried.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_core import selection as S

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
BEHAVIOURS = ("confirm", "time_out", "decline", "absent", "late")


@dataclass
class Hall:
    turns: dict[str, S.Turn]
    pools: dict[str, dict[str, S.UnitInfo]]
    behaviour: dict[str, str]
    wished: dict[str, tuple[str, ...]]
    rounds: list[S.RoundPlan]
    counters: tuple[str, ...]
    now: datetime = T0
    running: set[int] = field(default_factory=set)
    ended: set[int] = field(default_factory=set)
    taken: dict[str, str] = field(default_factory=dict)  # unit -> reg_no: the centre's unique constraint
    opened: dict[str, list[S.Turn]] = field(default_factory=lambda: defaultdict(list))

    def at(self, counter: str) -> S.Turn | None:
        return next((t for t in self.turns.values() if t.counter == counter and not t.finished), None)

    def pool_turns(self, pool: str) -> list[S.Turn]:
        return [t for t in self.turns.values() if t.pool == pool]

    def set(self, turn: S.Turn) -> None:
        self.turns[turn.reg_no] = turn


@st.composite
def halls(draw: st.DrawFn) -> Hall:
    n_pools = draw(st.integers(1, 3))
    pools = {
        S.pool_code(f"P{p}", "T1"): {
            f"U{p}-{u}": S.UnitInfo(f"U{p}-{u}", f"P{p}", "T1", "A", u // 2 + 1, str(u))
            for u in range(draw(st.integers(1, 6)))
        }
        for p in range(n_pools)
    }
    n = draw(st.integers(1, 12))
    reg_nos = [f"R{i:02d}" for i in range(n)]
    ranked = draw(st.permutations(reg_nos))  # the draw's global rank order
    pool_of = {r: draw(st.sampled_from(sorted(pools))) for r in reg_nos}
    rounds = S.cut_rounds(ranked, draw(st.integers(1, 5)), T0, 30)
    round_of = {r: plan.round_no for plan in rounds for r in plan.reg_nos}
    in_pool: dict[str, int] = defaultdict(int)
    turns = {}
    for rank, reg_no in enumerate(ranked, 1):
        in_pool[pool_of[reg_no]] += 1
        order = in_pool[pool_of[reg_no]]
        turns[reg_no] = S.Turn(
            reg_no, pool_of[reg_no], rank, order, round_of[reg_no], S.first_queue_pos(order)
        )
    wished = {
        r: tuple(draw(st.lists(st.sampled_from(sorted(pools[pool_of[r]])), max_size=S.MAX_WISHES + 1)))
        for r in reg_nos
    }
    return Hall(
        turns=turns,
        pools=pools,
        behaviour={r: draw(st.sampled_from(BEHAVIOURS)) for r in reg_nos},
        wished=wished,
        rounds=rounds,
        counters=tuple(f"{c:02d}" for c in range(1, draw(st.integers(1, 3)) + 1)),
    )


def _steps(hall: Hall) -> list[tuple[str, str]]:
    steps: list[tuple[str, str]] = []
    started = hall.running | hall.ended
    nxt = next((r.round_no for r in hall.rounds if r.round_no not in started), None)
    if nxt is not None:
        steps.append(("start_round", str(nxt)))
    steps += [("end_round", str(r)) for r in sorted(hall.running)]
    if S.next_to_call(hall.turns.values(), started) is not None:
        steps += [("call", c) for c in hall.counters if hall.at(c) is None]
    for t in hall.turns.values():
        if t.late and t.state is S.TurnState.WAITING and hall.behaviour[t.reg_no] == "late":
            steps.append(("arrive", t.reg_no))
        if S.may_open(t, hall.pool_turns(t.pool)):
            steps.append(("open", t.reg_no))
        if t.state is S.TurnState.OPEN:
            steps.append(("finish", t.reg_no))
            steps.append(("pause", t.reg_no))
    return steps


def _call(hall: Hall, counter: str, data: st.DataObject) -> None:
    turn = S.next_to_call(hall.turns.values(), hall.running | hall.ended)
    assert turn is not None
    called = S.call(turn, counter)
    if hall.behaviour[turn.reg_no] in ("absent", "late"):
        hall.set(S.pass_over(called))
        return
    with pytest.raises(S.NotYourCounter):
        S.check_counter(called, "99")
    with pytest.raises(S.NotYourTurn):
        S.check_confirm(called, "any", hall.taken)
    called = S.redeclare(called, hall.now, "clerk")
    wanted = hall.wished[turn.reg_no]
    try:
        wishes = S.check_wishes(wanted, hall.pools[turn.pool], hall.taken)
    except (S.TooManyWishes, S.DuplicateWish, S.UnitTaken) as refused:
        # The refusal names what is wrong; staff then keep the free, distinct first five.
        assert len(wanted) > S.MAX_WISHES or len(set(wanted)) < len(wanted) or set(wanted) & set(hall.taken)
        assert refused.message
        wishes = tuple(dict.fromkeys(u for u in wanted if u not in hall.taken))[: S.MAX_WISHES]
        assert S.check_wishes(wishes, hall.pools[turn.pool], hall.taken) == wishes
    hall.set(replace(called, wishes=wishes))


def _open(hall: Hall, reg_no: str) -> None:
    turn = hall.turns[reg_no]
    for other in hall.pool_turns(turn.pool):  # strict order over households that are there
        if other.queue_pos < turn.queue_pos and not other.late:
            assert other.finished, (other, turn)
    previous = hall.opened[turn.pool]
    if previous:
        assert previous[-1].queue_pos < turn.queue_pos
    opened = S.open_turn(turn, hall.now, 120)
    previous.append(opened)
    hall.set(opened)


def _finish(hall: Hall, reg_no: str, data: st.DataObject) -> None:
    turn = hall.turns[reg_no]
    behaviour = hall.behaviour[reg_no]
    free = [w for w in turn.wishes if w not in hall.taken]
    if behaviour == "decline":
        done = S.decline(turn, "家庭放弃", hall.now)
    elif (
        behaviour == "confirm" and free and not S.expired(turn, hall.now)
    ):  # another's time-out moved the clock
        mine = data.draw(st.sampled_from(free))
        for taken in set(turn.wishes) & set(hall.taken):
            with pytest.raises(S.UnitTaken):  # a unit chosen a moment earlier: nothing chosen
                S.check_confirm(turn, taken, hall.taken, hall.now)
        done = S.confirm(turn, mine, hall.taken, hall.now)
    else:
        hall.now = turn.deadline or hall.now
        assert S.expired(turn, hall.now)
        with pytest.raises(S.TurnExpired):
            S.check_confirm(turn, free[0] if free else "x", hall.taken, hall.now)
        done = S.time_out(turn, hall.taken, hall.now)
        assert done.unit_code == (free[0] if free else None)  # the first free wish
    if done.unit_code is not None:
        assert done.unit_code not in hall.taken, "a unit chosen twice"
        assert done.unit_code in hall.pools[turn.pool]
        hall.taken[done.unit_code] = reg_no
    hall.set(done)
    with pytest.raises(S.TurnFinished):
        S.check_confirm(done, done.unit_code or "x", (), hall.now)


def _pause(hall: Hall, reg_no: str, data: st.DataObject) -> None:
    turn = hall.turns[reg_no]
    before = S.remaining_seconds(turn, hall.now)
    paused = S.pause(turn, hall.now)
    hall.now += timedelta(seconds=data.draw(st.integers(0, 600)))
    assert S.remaining_seconds(paused, hall.now) == before
    resumed = S.resume(paused, hall.now)
    assert S.remaining_seconds(resumed, hall.now) == before
    hall.set(resumed)


def _end_round(hall: Hall, round_no: int) -> None:
    hall.running.discard(round_no)
    hall.ended.add(round_no)
    _record_absent(hall)


def _record_absent(hall: Hall) -> None:
    """The centre's tick: whoever of an ended round was passed over and has not come is absent."""
    for t in S.not_come(hall.turns.values(), hall.ended):
        hall.set(S.mark_absent(t, hall.now))


@settings(max_examples=150, deadline=None)
@given(halls(), st.data())
def test_no_unit_twice_every_household_ends_once_and_pools_open_in_queue_order(
    hall: Hall, data: st.DataObject
) -> None:
    for _ in range(500):
        steps = _steps(hall)
        if not steps:
            break
        kind, arg = data.draw(st.sampled_from(steps))
        hall.now += timedelta(seconds=1)
        if kind == "start_round":
            hall.running.add(int(arg))
        elif kind == "end_round":
            _end_round(hall, int(arg))
        elif kind == "call":
            _call(hall, arg, data)
        elif kind == "arrive":  # from now on it chooses like the others
            hall.set(S.arrive(hall.turns[arg], hall.pool_turns(hall.turns[arg].pool)))
            hall.behaviour[arg] = data.draw(st.sampled_from(("confirm", "time_out", "decline")))
        elif kind == "open":
            _open(hall, arg)
        elif kind == "finish":
            _finish(hall, arg, data)
        else:
            _pause(hall, arg, data)
        _record_absent(hall)
    else:
        raise AssertionError("the selection never finished")
    for t in hall.turns.values():
        assert t.finished, t
        assert (t.unit_code is None) != (t.reason is None), t  # one unit or one recorded reason
        assert (t.unit_code is not None) == (t.state in S.CHOSEN)
    chosen = [t.unit_code for t in hall.turns.values() if t.unit_code]
    assert len(chosen) == len(set(chosen)) == len(hall.taken)
    # Without late arrivals, a pool's turns open exactly in draw order.
    for pool, opened in hall.opened.items():
        if not any(t.requeued for t in opened):
            assert [t.order for t in opened] == sorted(t.order for t in opened), pool
        assert [t.queue_pos for t in opened] == sorted(t.queue_pos for t in opened)


@given(
    st.lists(st.text("ABC", min_size=1, max_size=2), max_size=8),
    st.sets(st.text("ABC", min_size=1, max_size=2)),
)
def test_auto_pick_is_the_first_wish_not_taken(wishes: list[str], taken: set[str]) -> None:
    pick = S.auto_pick(wishes, taken)
    free = [w for w in wishes if w not in taken]
    assert pick == (free[0] if free else None)


@given(st.lists(st.text(min_size=1, max_size=4), unique=True, min_size=1, max_size=60), st.integers(1, 12))
def test_rounds_keep_the_order_and_everyone_once(order: list[str], size: int) -> None:
    rounds = S.cut_rounds(order, size, T0, 15)
    assert [r for plan in rounds for r in plan.reg_nos] == order
    assert all(len(plan.reg_nos) == size for plan in rounds[:-1]) and 0 < len(rounds[-1].reg_nos) <= size
    assert all(
        b.starts_at - a.starts_at == timedelta(minutes=15) for a, b in zip(rounds, rounds[1:], strict=False)
    )
