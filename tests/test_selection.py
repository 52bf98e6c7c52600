"""Selection's rules: rounds, wish list, order within a pool, late and absent, the timer, supplementary."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kiosk_core import selection as S
from kiosk_core.errors import KioskError

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
POOL = "P01/T01"
UNITS = {
    f"A-{n}": S.UnitInfo(f"A-{n}", "P01", "T01", "A", n // 100, str(n), "南", 50.0, 800.0)
    for n in (101, 102, 201, 202, 301, 302)
}


def _turn(order: int, **kw: Any) -> S.Turn:
    base = S.Turn(
        f"R{order:03d}", POOL, rank=order, order=order, round_no=1, queue_pos=S.first_queue_pos(order)
    )
    return replace(base, **kw) if kw else base


def _open(order: int, wishes: tuple[str, ...] = ("A-101", "A-102")) -> S.Turn:
    called = S.redeclare(S.call(_turn(order), "03"), T0, "clerk1")
    return S.open_turn(replace(called, wishes=wishes), T0, 120)


# --- rounds


def test_rounds_take_households_in_rank_order_with_their_start_times() -> None:
    rounds = S.cut_rounds([f"R{i}" for i in range(7)], 3, T0, 20)
    assert [r.reg_nos for r in rounds] == [("R0", "R1", "R2"), ("R3", "R4", "R5"), ("R6",)]
    assert [r.starts_at for r in rounds] == [T0, T0 + timedelta(minutes=20), T0 + timedelta(minutes=40)]
    assert rounds[0].ends_at == rounds[1].starts_at
    assert [r.round_no for r in rounds] == [1, 2, 3]
    assert rounds[1].state(T0) is S.RoundState.UPCOMING
    assert rounds[0].state(T0) is S.RoundState.RUNNING
    assert rounds[0].state(T0 + timedelta(minutes=20)) is S.RoundState.ENDED


@pytest.mark.parametrize(
    ("order", "size", "minutes", "code"),
    [
        (["R1"], 0, 20, "bad_round_size"),
        (["R1"], 5, 0, "bad_round_minutes"),
        ([], 5, 20, "no_households"),
        (["R1", "R1"], 5, 20, "duplicate_household"),
    ],
)
def test_rounds_that_cannot_be_cut_are_refused(order: list[str], size: int, minutes: int, code: str) -> None:
    with pytest.raises(S.BadRounds) as err:
        S.cut_rounds(order, size, T0, minutes)
    assert err.value.code == code and err.value.message


def test_the_supplementary_deadline_is_three_minutes_after_the_last_round() -> None:
    assert S.supplementary_deadline(T0) == T0 + timedelta(minutes=3)


# --- the wish list


def test_a_wish_list_of_five_free_units_of_the_pool_is_taken_in_its_order() -> None:
    five = ("A-301", "A-101", "A-102", "A-201", "A-202")
    assert S.check_wishes(five, UNITS, taken=()) == five


def test_a_sixth_wish_is_refused_in_chinese() -> None:
    with pytest.raises(S.TooManyWishes) as err:
        S.check_wishes(tuple(UNITS), UNITS, taken=())
    assert err.value.code == "too_many_wishes"
    assert err.value.message == "最多预选 5 套房源"


def test_a_unit_twice_is_refused() -> None:
    with pytest.raises(S.DuplicateWish) as err:
        S.check_wishes(("A-101", "A-101"), UNITS, taken=())
    assert err.value.code == "duplicate_wish"


def test_a_unit_of_another_pool_is_refused() -> None:
    with pytest.raises(S.UnitNotInPool) as err:
        S.check_wishes(("A-101", "B-101"), UNITS, taken=())
    assert err.value.code == "unit_not_in_pool" and "B-101" in err.value.message


def test_a_taken_unit_is_never_newly_added() -> None:
    with pytest.raises(S.UnitTaken) as err:
        S.check_wishes(("A-101", "A-102"), UNITS, taken={"A-102"}, kept=("A-101",))
    assert err.value.code == "unit_taken"
    assert err.value.message.startswith("该房源刚被其他家庭选定")


def test_a_unit_taken_after_it_was_wished_may_stay_on_the_list() -> None:
    assert S.check_wishes(("A-102", "A-101"), UNITS, taken={"A-102"}, kept=("A-101", "A-102")) == (
        "A-102",
        "A-101",
    )


def test_wishes_move_up_down_to_the_top_and_are_deleted() -> None:
    w = ("A-101", "A-102", "A-201")
    assert S.move_wish(w, "A-201", "up") == ("A-101", "A-201", "A-102")
    assert S.move_wish(w, "A-101", "down") == ("A-102", "A-101", "A-201")
    assert S.move_wish(w, "A-201", "top") == ("A-201", "A-101", "A-102")
    assert S.move_wish(w, "A-101", "up") == w  # at the top it stays
    assert S.move_wish(w, "A-201", "down") == w
    assert S.remove_wish(w, "A-102") == ("A-101", "A-201")
    assert S.add_wish(w, "A-301") == (*w, "A-301")
    with pytest.raises(S.UnitNotWished):
        S.move_wish(w, "A-301", "up")


def test_auto_pick_takes_the_first_wish_still_free() -> None:
    assert S.auto_pick(("A-101", "A-102", "A-201"), taken={"A-101"}) == "A-102"
    assert S.auto_pick(("A-101",), taken={"A-101"}) is None
    assert S.auto_pick((), taken=()) is None


# --- order within a pool


def test_a_turn_opens_when_everyone_before_it_in_its_pool_has_finished() -> None:
    first = S.redeclare(S.call(_turn(1), "01"), T0, "clerk1")
    second = S.redeclare(S.call(_turn(2), "02"), T0, "clerk2")
    assert S.may_open(first, [first, second])
    assert not S.may_open(second, [first, second])
    done = replace(S.open_turn(first, T0), state=S.TurnState.CONFIRMED, unit_code="A-101")
    assert S.may_open(second, [done, second])


def test_an_open_turn_of_the_pool_holds_up_the_others_even_an_arrival_before_it() -> None:
    opened = S.open_turn(S.redeclare(S.call(_turn(2), "01"), T0, "c"), T0)
    other = S.redeclare(S.call(_turn(3), "02"), T0, "c")
    assert not S.may_open(other, [opened, other])


def test_other_pools_run_side_by_side() -> None:
    mine = S.redeclare(S.call(_turn(2), "01"), T0, "c")
    theirs = replace(_turn(1), pool="P02/T01")
    assert S.may_open(mine, [theirs, mine, replace(_turn(1), reg_no="X", pool="P01/T01", supplementary=True)])


def test_a_turn_opens_only_once_called_and_redeclared() -> None:
    called = S.call(_turn(1), "01")
    assert not S.may_open(_turn(1), [])
    assert not S.may_open(called, [called])
    with pytest.raises(S.NotCalled):
        S.redeclare(_turn(1), T0, "c")
    redeclared = S.redeclare(called, T0, "clerk1")
    assert (redeclared.redeclared_at, redeclared.redeclared_by) == (T0, "clerk1")
    assert S.may_open(redeclared, [redeclared])


def test_a_passed_over_household_does_not_hold_up_the_pool_and_comes_after_the_one_served() -> None:
    late = S.pass_over(S.call(_turn(1), "01"))
    assert late.late and late.state is S.TurnState.WAITING and late.counter is None
    second = S.redeclare(S.call(_turn(2), "01"), T0, "c")
    third = _turn(3)
    assert S.may_open(second, [late, second, third])
    opened = S.open_turn(second, T0)
    came = S.arrive(late, [late, opened, third])
    assert came.queue_pos == opened.queue_pos + 1 < third.queue_pos
    assert came.requeued and not came.late
    # A second late arrival goes after the first.
    late4 = S.pass_over(S.call(replace(_turn(1), reg_no="R009", rank=9, queue_pos=1500), "02"))
    came4 = S.arrive(late4, [came, opened, third, late4])
    assert came4.queue_pos == opened.queue_pos + 2
    # Arrivals are called first, in the order they came.
    assert S.next_to_call([third, came4, came], started_rounds={1}) == came


def test_an_arrival_nobody_has_passed_keeps_its_place() -> None:
    late = S.pass_over(S.call(_turn(2), "01"))
    came = S.arrive(late, [_turn(1), late])
    assert came.queue_pos == late.queue_pos and not came.requeued


def test_only_a_passed_over_household_can_arrive() -> None:
    with pytest.raises(S.NotLate) as err:
        S.arrive(_turn(1), [_turn(1)])
    assert err.value.code == "not_late"


def test_the_next_call_is_in_rank_order_over_started_rounds_and_skips_the_passed_over() -> None:
    turns = [
        replace(_turn(1), rank=4),
        replace(_turn(2), rank=2, pool="P02/T01"),
        S.pass_over(S.call(replace(_turn(3), rank=1), "01")),
        replace(_turn(4), rank=3, round_no=2),
    ]
    assert S.next_to_call(turns, started_rounds={1}) == turns[1]
    assert S.next_to_call(turns, started_rounds={1, 2}) == turns[1]
    assert S.next_to_call(turns[2:], started_rounds={1}) is None
    assert S.next_to_call(turns[2:], started_rounds={2}) == turns[3]


def test_a_turn_belongs_to_the_counter_that_called_it() -> None:
    called = S.call(_turn(1), "03")
    S.check_counter(called, "03")
    with pytest.raises(S.NotYourCounter) as err:
        S.check_counter(called, "04")
    assert err.value.code == "not_your_counter" and "03 号窗口" in err.value.message
    with pytest.raises(S.NotYourCounter):
        S.call(called, "04")


def test_the_call_text_names_rank_masked_name_and_counter() -> None:
    assert S.call_text(5, "张*明", "03") == "请 0005 号 张*明 家庭到 3 号窗口选房"


# --- the formal turn


def test_confirm_needs_an_open_turn_a_wished_unit_and_a_free_one() -> None:
    with pytest.raises(S.NotYourTurn) as e1:
        S.check_confirm(S.call(_turn(1), "01"), "A-101", taken=())
    assert e1.value.code == "not_your_turn"
    turn = _open(1)
    with pytest.raises(S.UnitNotWished) as e2:
        S.check_confirm(turn, "A-201", taken=())
    assert e2.value.code == "unit_not_wished"
    with pytest.raises(S.UnitTaken) as e3:
        S.check_confirm(turn, "A-101", taken={"A-101"})
    assert e3.value.code == "unit_taken"
    done = S.confirm(turn, "A-102", taken={"A-101"}, now=T0 + timedelta(seconds=30))
    assert (done.state, done.unit_code, done.finished_at) == (
        S.TurnState.CONFIRMED,
        "A-102",
        T0 + timedelta(seconds=30),
    )
    with pytest.raises(S.TurnFinished) as e4:
        S.check_confirm(done, "A-101", taken=())
    assert e4.value.code == "turn_finished" and "已确认正选" in e4.value.message


def test_confirm_after_the_deadline_is_refused_the_centre_auto_picks() -> None:
    turn = _open(1)
    with pytest.raises(S.TurnExpired) as err:
        S.check_confirm(turn, "A-101", taken=(), now=T0 + timedelta(seconds=120))
    assert err.value.code == "turn_expired"
    assert S.expired(turn, T0 + timedelta(seconds=120))
    assert not S.expired(turn, T0 + timedelta(seconds=119))


def test_time_out_picks_the_first_free_wish_or_records_no_unit() -> None:
    turn = _open(1, ("A-101", "A-102"))
    picked = S.time_out(turn, taken={"A-101"}, now=T0)
    assert (picked.state, picked.unit_code, picked.reason) == (S.TurnState.AUTO_PICKED, "A-102", None)
    none = S.time_out(turn, taken={"A-101", "A-102"}, now=T0)
    assert (none.state, none.unit_code, none.reason) == (S.TurnState.NO_UNIT, None, S.REASON_NO_UNIT)


def test_a_paused_turn_keeps_its_time_and_resumes_where_it_was() -> None:
    turn = _open(1)
    assert S.remaining_seconds(turn, T0 + timedelta(seconds=20)) == 100
    paused = S.pause(turn, last_heard=T0 + timedelta(seconds=50))
    assert paused.paused
    assert S.remaining_seconds(paused, T0 + timedelta(seconds=500)) == 70
    assert not S.expired(paused, T0 + timedelta(seconds=500))
    assert S.pause(paused, T0 + timedelta(seconds=60)) == paused  # pausing twice changes nothing
    resumed = S.resume(paused, T0 + timedelta(seconds=500))
    assert not resumed.paused
    assert S.remaining_seconds(resumed, T0 + timedelta(seconds=510)) == 60
    assert resumed.deadline == T0 + timedelta(seconds=570)
    assert S.remaining_seconds(_turn(1), T0) is None
    assert S.remaining_seconds(turn, T0 + timedelta(seconds=999)) == 0


def test_absent_is_recorded_only_for_a_household_that_has_not_come() -> None:
    absent = S.mark_absent(S.pass_over(S.call(_turn(1), "01")), T0)
    assert (absent.state, absent.reason) == (S.TurnState.ABSENT, S.REASON_ABSENT)
    with pytest.raises(S.NotLate):  # never called: it may be in the hall
        S.mark_absent(_turn(2), T0)
    assert S.not_come([_turn(2), S.pass_over(S.call(_turn(1), "01"))], {1}) == [
        S.pass_over(S.call(_turn(1), "01"))
    ]
    with pytest.raises(S.NotCalled):
        S.pass_over(_turn(2))
    with pytest.raises(S.NotYourTurn):
        S.mark_absent(_open(3), T0)


def test_declining_needs_a_reason_and_ends_the_turn() -> None:
    with pytest.raises(S.SelectionError) as err:
        S.decline(_open(1), "  ", T0)
    assert err.value.code == "reason_empty"
    out = S.decline(_open(1), " 家庭决定不选 ", T0)
    assert (out.state, out.reason) == (S.TurnState.DECLINED, "家庭决定不选")
    with pytest.raises(S.TurnFinished):
        S.decline(out, "again", T0)


# --- supplementary


def test_supplementary_is_for_absent_and_no_unit_households_until_the_deadline() -> None:
    deadline = T0 + timedelta(minutes=3)
    absent = S.mark_absent(S.pass_over(S.call(_turn(1), "01")), T0)
    S.supplementary_allowed(absent, T0, deadline)
    S.supplementary_allowed(S.time_out(_open(2), {"A-101", "A-102"}, T0), deadline, deadline)
    with pytest.raises(S.SupplementaryClosed) as e1:
        S.supplementary_allowed(absent, deadline + timedelta(seconds=1), deadline)
    assert e1.value.code == "supplementary_closed" and "09:03" in e1.value.message
    with pytest.raises(S.SupplementaryClosed):
        S.supplementary_allowed(absent, T0, None)
    with pytest.raises(S.DeclinedNoSupplementary) as e2:
        S.supplementary_allowed(S.decline(_open(3), "不选", T0), T0, deadline)
    assert e2.value.code == "declined_no_supplementary"
    with pytest.raises(S.SupplementaryNotAllowed) as e3:
        S.supplementary_allowed(S.confirm(_open(4), "A-101", (), T0), T0, deadline)
    assert e3.value.code == "supplementary_not_allowed" and "已确认正选" in e3.value.message
    with pytest.raises(S.SupplementaryNotAllowed):
        S.supplementary_allowed(_turn(5), T0, deadline)


def test_every_refusal_has_a_code_and_a_chinese_message() -> None:
    errors = [
        S.TooManyWishes(),
        S.DuplicateWish("A"),
        S.UnitNotInPool("A"),
        S.UnitTaken("A"),
        S.UnitNotWished("A"),
        S.NotYourTurn(),
        S.TurnFinished(S.TurnState.ABSENT),
        S.TurnExpired(),
        S.NotRedeclared(),
        S.NotYourCounter(None),
        S.NotCalled(),
        S.NotLate(),
        S.SupplementaryClosed(None),
        S.DeclinedNoSupplementary(),
        S.SupplementaryNotAllowed(S.TurnState.OPEN),
    ]
    codes = [e.code for e in errors]
    assert len(set(codes)) == len(codes) and "selection" not in codes
    for e in errors:
        assert isinstance(e, KioskError)
        assert any("\u4e00" <= c <= "\u9fff" for c in e.message), e
        assert e.hint


def test_counts_per_unit_type() -> None:
    units = [*UNITS.values(), S.UnitInfo("B-1", "P01", "T02")]
    assert S.counts(units, taken={"A-101", "B-1"}) == {
        "T01": {"free": 5, "taken": 1},
        "T02": {"free": 0, "taken": 1},
    }


def test_a_countdown_counts_only_the_time_passed_since_the_read() -> None:
    # The counter's view and the hall's screens both count the centre's figure down with this.
    assert S.left_after(120.0, False, 30.0) == 90.0
    assert S.left_after(120.0, False, -5.0) == 120.0  # a clock stepped back never adds time
    assert S.left_after(10.0, False, 30.0) == 0.0
    assert S.left_after(45.0, True, 30.0) == 45.0  # paused: kept
    assert S.left_after(None, False, 1.0) is None
