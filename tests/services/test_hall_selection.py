"""The hall's selection states, Qt-free: who is at which counter, the countdown on the centre's clock, the board."""

from __future__ import annotations

from datetime import timedelta

from kiosk.services.hall_board import BoardState, build_board
from kiosk.services.hall_calling import CALLING_PAGE, CallingState, build_calling, unspoken
from kiosk.services.hall_selection import PAGE_TICKS, SelectionHall
from tests.ui.selection_states import SERVER_TIME, WHOLE_IDS, WHOLE_NAMES, selection_state, turn, units


def test_the_calling_state_shows_counters_in_order_masked_with_the_countdown_at_the_centres_time() -> None:
    state = selection_state(
        [
            turn(1, state="open", counter="3", left=90),
            turn(2, state="called", counter="01"),
            turn(3, state="open", counter="12", left=40, paused=True),  # the counter as enrolled: 12
            turn(4),
            turn(5, late=True),
            turn(6),
        ]
    )
    calling = build_calling(state, SERVER_TIME + timedelta(seconds=10))
    assert [s.counter for s in calling.serving] == ["1", "3", "12"]
    one, three, twelve = calling.serving
    assert (one.open, one.remaining) == (False, None)
    assert (three.open, three.remaining, three.paused) == (True, 80, False)
    assert (twelve.remaining, twelve.paused) == (40, True)  # paused: the time it had, whatever the clock says
    assert [w.number for w in calling.next_up] == [4, 6]  # the passed-over one is not called "next"
    assert "12 号窗口" in calling.notice and "暂停" in calling.notice
    text = repr(calling)
    assert not any(name in text for name in WHOLE_NAMES) and not any(n in text for n in WHOLE_IDS)
    assert "BA0000" not in text  # no filing no. on the hall
    assert [a.text for a in calling.announcements] == [
        "请 0001 号 张*兰 家庭到 3 号窗口选房",
        "请 0002 号 王* 家庭到 1 号窗口选房",
        "请 0003 号 欧**国 家庭到 12 号窗口选房",
    ]


def test_an_old_call_is_not_read_again_and_a_read_one_is_remembered() -> None:
    state = selection_state(
        [turn(1, state="called", counter="2", called_ago=600), turn(2, state="called", counter="4")]
    )
    calls = build_calling(state, SERVER_TIME).announcements
    assert [a.text for a in calls] == ["请 0002 号 王* 家庭到 4 号窗口选房"]
    assert unspoken(calls, {calls[0].key}) == []


def test_the_selection_hall_counts_down_on_the_centres_clock_whatever_this_pcs_clock_says() -> None:
    callings: list[CallingState] = []
    boards: list[BoardState] = []
    local = [SERVER_TIME.replace(tzinfo=None) + timedelta(hours=8, minutes=7)]  # local, naive, 7 minutes fast
    hall = SelectionHall(callings.append, boards.append, clock=lambda: local[0])
    hall.take(selection_state([turn(1, state="open", counter="3", left=120)], version=5))
    assert callings[-1].serving[0].remaining == 120 and len(boards) == 1
    local[0] += timedelta(seconds=30)
    hall.tick()
    assert callings[-1].serving[0].remaining == 90
    hall.take(selection_state([], version=4))  # an older answer arriving late changes nothing
    assert callings[-1].serving and len(boards) == 1


def test_the_calling_screen_turns_its_pages_when_more_counters_serve_than_fit() -> None:
    callings: list[CallingState] = []
    turns = [turn(n, state="open", counter=str(n), left=100) for n in range(1, CALLING_PAGE + 4)]
    hall = SelectionHall(callings.append, lambda _b: None, clock=lambda: SERVER_TIME)
    hall.take(selection_state(turns))
    assert callings[-1].pages == 2 and len(callings[-1].serving) == CALLING_PAGE
    for _ in range(PAGE_TICKS):
        hall.tick()
    assert callings[-1].page == 1 and [s.counter for s in callings[-1].serving] == [
        str(n) for n in range(CALLING_PAGE + 1, CALLING_PAGE + 4)
    ]


def test_the_board_lays_units_out_by_building_floor_and_number_with_counts_per_type() -> None:
    rows = units(buildings=("2", "10", "1"), floors=3, per_floor=4, taken=5)
    board = build_board(selection_state([], rows))
    assert [b.name for b in board.buildings] == ["1", "2", "10"]
    two = board.buildings[1]
    assert two.numbers == ("01", "02", "03", "04")
    assert [f.floor for f in two.floors] == [3, 2, 1]  # the top floor first
    assert [c.label for c in two.floors[-1].cells if c] == ["0101", "0102", "0103", "0104"]
    taken = [c for b in board.buildings for f in b.floors for c in f.cells if c and c.taken]
    assert len(taken) == 5 and all(c.taken_by_order for c in taken)
    assert {(c.name, c.free, c.taken) for c in board.counts} == {("一居室", 15, 3), ("两居室", 16, 2)}
    assert (board.free, board.taken) == (31, 5)
    # Door numbers (0302) as the demo's catalog has them: the floor's units stand in columns all the same.
    for unit in rows:
        unit["number"] = f"{unit['floor']:02d}{unit['number']}"
    doors = build_board(selection_state([], rows)).buildings[1]
    assert (
        doors.numbers == ("01", "02", "03", "04")
        and [c.label for c in doors.floors[0].cells if c][0] == "0301"
    )


def test_next_up_is_the_centres_call_order_each_pool_in_its_own_order_late_arrivals_first() -> None:
    # Pool 1B's households by order 1, 2 hold draw ranks 4 and 1; pool 2B's order 1 holds rank 2.
    a = turn(1, type_code="1B") | {"rank": 4, "order": 1, "queue_pos": 1000}
    b = turn(2, type_code="1B") | {"rank": 1, "order": 2, "queue_pos": 2000}
    c = turn(3, type_code="2B") | {"rank": 2, "order": 1, "queue_pos": 1000}
    late = turn(4, type_code="2B") | {"rank": 3, "order": 2, "queue_pos": 2000, "late": True}
    calling = build_calling(selection_state([a, b, c, late]), SERVER_TIME)
    # Call ranks: 1B order 1 → 1, order 2 → 4; 2B order 1 → 2. The passed-over one is not "next".
    assert [w.number for w in calling.next_up] == [4, 2, 1]
    back = late | {
        "late": False,
        "queue_pos": 1001,
    }  # it came: queued after the one being served, called first
    calling = build_calling(selection_state([a, b, c, back]), SERVER_TIME)
    assert [w.number for w in calling.next_up] == [3, 4, 2, 1]
