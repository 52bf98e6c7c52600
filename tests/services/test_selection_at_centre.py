"""Selection at the counter against a real centre on loopback (its demo plan Q2609, first round running):
SelectionService from the call to the printed sheet, a unit taken a moment earlier, a confirmation whose answer
is lost, late and absent households, supplementary, the timer's pause and auto-pick. No Qt."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.selection import SelectionRefused, SelectionService
from kiosk.services.selection_confirm import ConfirmStatus
from kiosk.services.selection_views import TurnView
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import build
from kiosk_central.config import Settings, sqlite_url
from kiosk_central.services.selection_ticker import SelectionTicker
from kiosk_core import selection as core
from kiosk_core.identity import mask_id_number
from kiosk_core.selection import TurnState
from tests.central.server import LiveServer
from tests.demo_centre import DemoCentres
from tests.fakes import CHEAP_HASHER, MovableClock
from tests.sync.conftest import (  # noqa: F401  (the sync tests' fixtures)
    CentralUnderTest,
    KioskFactory,
    kiosk,
    live_server,
    memory_keyring,
)
from tests.sync.lossy_proxy import LossyProxy

PLAN = "Q2609"  # the centre's demo selection
FULL_ID = re.compile(r"\d{17}[\dX]")


@dataclass
class SelectionCentre(CentralUnderTest):
    clock: MovableClock

    def tick(self) -> None:
        """One pass of the centre's ticker now (the app's own may run too: both are safe)."""
        SelectionTicker(self.central.db, self.clock).tick()


@pytest.fixture
def centre(tmp_path: Path, live_server: LiveServer, demo_centres: DemoCentres) -> Iterator[SelectionCentre]:  # noqa: F811
    demo_centres.copy_into(tmp_path / "central")  # the demo loaded (a copy of it, made once)
    clock = MovableClock(datetime.now().replace(microsecond=0))
    central = build(Settings(sqlite_url(tmp_path / "central")), clock=clock, hasher=CHEAP_HASHER)
    central.db.migrate()
    with live_server.serving(create_app(central)):
        yield SelectionCentre(central, live_server.base_url, live_server.port, clock)
    central.close()


def _counter(kiosk: KioskFactory, number: str, **kw: str) -> tuple[SelectionService, OperatorSession, Built]:  # noqa: F811
    k = kiosk(number, synced=True, **kw)  # as after its first sync, made before the test moves anything
    k.services.sync.sync_once()  # the device token and the catalog (households, for identify)
    return k.services.selection, k.services.auth.login("clerk1", "kiosk-demo-1"), k


def _ready(
    svc: SelectionService, clerk: OperatorSession, centre: SelectionCentre, turn: TurnView
) -> TurnView:
    """Re-declared, two free units of its pool wished, and opened by the centre."""
    svc.redeclare(PLAN, turn.reg_no, clerk)
    view = svc.current(PLAN)
    free = [u.unit_code for u in view.free_units(turn.pool)][:2]
    svc.set_wishes(PLAN, turn.reg_no, free)
    centre.tick()
    now = svc.current(PLAN).turn(turn.reg_no)
    assert now is not None
    return now


def _text(pdf: Path) -> str:
    return re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))


def test_a_counter_serves_a_household_from_the_call_to_the_printed_sheet(
    centre: SelectionCentre,
    kiosk: KioskFactory,  # noqa: F811
) -> None:
    svc, clerk, k = _counter(kiosk, "03")
    turn = svc.call_next(PLAN)
    assert turn.state is TurnState.CALLED and turn.counter == "03" and turn.rank == 1
    assert svc.call_text(turn) == f"请 0001 号 {turn.masked_name} 家庭到 3 号窗口选房"
    assert "*" in turn.masked_name

    # Identified by the filing notice (as scanned: lower case, spaces) or by the applicant's ID (full width).
    with k.engine.connect() as c:
        id_number = c.execute(
            select(t.Household.applicant_id_number).where(t.Household.filing_no == turn.filing_no)
        ).scalar_one()
    assert svc.identify(PLAN, f" {turn.filing_no.lower()} ").reg_no == turn.reg_no
    wide = id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    assert svc.identify(PLAN, wide).reg_no == turn.reg_no

    done = svc.redeclare(PLAN, turn.reg_no, clerk)
    assert done.redeclared_by == "clerk1" and done.redeclared_at is not None
    view = svc.current(PLAN)
    free = [u.unit_code for u in view.free_units(turn.pool)]
    for unit in free[:3]:
        svc.add_wish(PLAN, turn.reg_no, unit)
    svc.move_wish(PLAN, turn.reg_no, free[2], "top")
    listed = svc.move_wish(PLAN, turn.reg_no, free[0], "down")
    assert listed.wish_codes == (free[2], free[1], free[0])
    assert svc.remove_wish(PLAN, turn.reg_no, free[1]).wish_codes == (free[2], free[0])

    centre.tick()
    opened = svc.current(PLAN)
    mine = opened.at_counter("03")
    assert mine is not None and mine.state is TurnState.OPEN
    assert opened.remaining(mine, k.clock()) == pytest.approx(120, abs=1)

    outcome = svc.confirm(PLAN, turn.reg_no, free[0], clerk)
    assert outcome.status is ConfirmStatus.CONFIRMED and outcome.chosen
    assert outcome.turn is not None and outcome.turn.unit_code == free[0]
    after = svc.current(PLAN)
    assert free[0] in after.taken() and free[0] not in [u.unit_code for u in after.free_units(turn.pool)]
    again = svc.confirm(PLAN, turn.reg_no, free[0], clerk, key=outcome.key)  # the same key: the same answer
    assert again.status is ConfirmStatus.CONFIRMED
    other = svc.confirm(PLAN, turn.reg_no, free[2], clerk)  # another key: final already
    assert other.status is ConfirmStatus.REFUSED and other.code == "turn_finished"
    assert [u.unit_code for u in svc.current(PLAN).units if u.taken].count(free[0]) == 1

    printed = svc.print_sheet(PLAN, turn.reg_no, clerk)
    text = _text(printed.path)
    assert "选房确认书" in text and free[0] in text and "现场确认正选" in text and "3号窗口" in text
    assert clerk.display_name in text  # the operator who confirmed here signs for it
    assert mask_id_number(id_number) in text and not FULL_ID.search(text)
    assert printed.sheet.unit_code == free[0] and printed.printed
    assert [s.reg_no for s in svc.find_sheets(turn.filing_no)] == [turn.reg_no]


def test_the_wish_list_keeps_its_rules_and_a_unit_taken_a_moment_earlier_is_refused_with_the_list_refreshed(
    centre: SelectionCentre,
    kiosk: KioskFactory,  # noqa: F811
) -> None:
    first, clerk1, _ = _counter(kiosk, "01")
    second, clerk2, _ = _counter(kiosk, "02")
    a = first.call_next(PLAN)
    b = second.call_next(PLAN)
    while b.pool != a.pool:  # the next household of the same pool: the others are passed over
        second.not_here(PLAN, b.reg_no)
        b = second.call_next(PLAN)
    a = _ready(first, clerk1, centre, a)
    assert a.state is TurnState.OPEN
    second.redeclare(PLAN, b.reg_no, clerk2)
    view = second.current(PLAN)
    free = [u.unit_code for u in view.free_units(b.pool)]
    with pytest.raises(core.TooManyWishes):
        second.set_wishes(PLAN, b.reg_no, free[:6])
    other_pool = next(u.unit_code for u in view.units if u.pool != b.pool)
    with pytest.raises(core.UnitNotInPool):
        second.set_wishes(PLAN, b.reg_no, [other_pool])
    with pytest.raises(SelectionRefused) as not_mine:  # a household another counter serves
        second.set_wishes(PLAN, a.reg_no, free[:1])
    assert not_mine.value.code == "not_your_counter" and "01" in not_mine.value.message
    wanted = a.wish_codes[0]
    second.set_wishes(PLAN, b.reg_no, [wanted, *[u for u in free if u not in a.wish_codes][:1]])
    early = second.confirm(PLAN, b.reg_no, wanted, clerk2)  # before its turn opened
    assert early.status is ConfirmStatus.REFUSED and early.code == "not_your_turn" and early.message

    assert first.confirm(PLAN, a.reg_no, wanted, clerk1).chosen
    centre.tick()
    taken = second.confirm(PLAN, b.reg_no, wanted, clerk2)
    assert taken.status is ConfirmStatus.REFUSED and taken.code == "unit_taken"
    assert "刚被其他家庭选定" in taken.message
    assert taken.turn is not None and taken.turn.state is TurnState.OPEN  # nothing chosen, the turn goes on
    assert taken.turn.wishes[0].unit_code == wanted and taken.turn.wishes[0].taken  # refreshed, marked
    listed = second.last(PLAN)
    assert listed is not None and wanted in listed.taken()
    kept = second.set_wishes(PLAN, b.reg_no, list(taken.turn.wish_codes))  # a taken unit may stay, marked
    assert kept.wishes[0].taken
    second.remove_wish(PLAN, b.reg_no, wanted)
    with pytest.raises(core.UnitTaken):  # but is never added again
        second.add_wish(PLAN, b.reg_no, wanted)
    rest = second.last(PLAN)
    assert rest is not None
    b_now = rest.turn(b.reg_no)
    assert b_now is not None and wanted not in b_now.wish_codes
    assert second.confirm(PLAN, b.reg_no, b_now.wish_codes[0], clerk2).chosen


class FatedProxy(LossyProxy):
    """The proxy with a script: each call's fate taken in turn from ``fates`` (then forwarded), PUT relayed too."""

    def __init__(self, upstream_port: int) -> None:
        super().__init__(upstream_port, drop_requests=0.0, drop_responses=0.0)
        handler = self._server.RequestHandlerClass
        handler.do_PUT = handler.do_POST  # type: ignore[attr-defined]
        self.fates: list[str] = []

    def _fate(self) -> str:
        with self._lock:
            return self.fates.pop(0) if self.fates else "forwarded"


def test_a_confirmation_whose_answer_is_lost_is_settled_by_reading_the_turn_before_saying_anything(
    centre: SelectionCentre,
    kiosk: KioskFactory,  # noqa: F811
) -> None:
    with FatedProxy(centre.port) as proxy:
        svc, clerk, _ = _counter(kiosk, "05", url=proxy.base_url)
        turn = _ready(svc, clerk, centre, svc.call_next(PLAN))
        first, second = turn.wish_codes

        proxy.fates = ["lost_request", "forwarded"]  # the confirm never arrived; the re-read does
        lost = svc.confirm(PLAN, turn.reg_no, first, clerk)
        assert lost.status is ConfirmStatus.NOT_THROUGH and not lost.chosen
        assert lost.turn is not None and lost.turn.state is TurnState.OPEN and "未选定" in lost.message

        proxy.fates = ["lost_response", "lost_response"]  # arrived, but neither answer comes back
        unknown = svc.confirm(PLAN, turn.reg_no, first, clerk, key=lost.key)
        assert (
            unknown.status is ConfirmStatus.UNKNOWN
            and unknown.turn is None
            and "请勿告知家庭" in unknown.message
        )

        proxy.fates = ["lost_response"]  # asked again under the same key: the answer lost, the re-read tells
        settled = svc.confirm(PLAN, turn.reg_no, first, clerk, key=unknown.key)
        assert settled.status is ConfirmStatus.CONFIRMED and settled.turn is not None
        assert settled.turn.unit_code == first
        assert svc.confirm(PLAN, turn.reg_no, first, clerk, key=lost.key).status is ConfirmStatus.CONFIRMED
        units = svc.current(PLAN).units
        assert [u.unit_code for u in units if u.taken] == [first] and second not in svc.current(PLAN).taken()


def test_late_and_absent_households_and_supplementary_selection(
    centre: SelectionCentre,
    kiosk: KioskFactory,  # noqa: F811
) -> None:
    svc, clerk, k = _counter(kiosk, "07")
    late = svc.call_next(PLAN)
    passed = svc.not_here(PLAN, late.reg_no)
    assert passed.late and passed.state is TurnState.WAITING and passed.counter is None
    absent = svc.call_next(PLAN)
    svc.not_here(PLAN, absent.reg_no)
    served = svc.call_next(PLAN)
    while served.pool != late.pool:  # the next household of the late one's pool (others passed over)
        svc.not_here(PLAN, served.reg_no)
        served = svc.call_next(PLAN)
    served = _ready(svc, clerk, centre, served)
    assert served.state is TurnState.OPEN  # the passed-over household does not hold its pool up
    came = svc.arrived(PLAN, late.reg_no)
    assert not came.late and came.queue_pos == served.queue_pos + 1  # right after the one being served
    assert svc.confirm(PLAN, served.reg_no, served.wish_codes[0], clerk).chosen
    again = svc.call_next(PLAN)
    assert again.reg_no == late.reg_no  # late arrivals first
    svc.decline(PLAN, again.reg_no, "家庭决定不选房")
    with pytest.raises(core.DeclinedNoSupplementary):
        svc.apply_supplementary(PLAN, again.reg_no)

    view = svc.current(PLAN)
    first_round = next(r for r in view.rounds if r.round_no == 1)
    centre.clock.now += first_round.ends_at - view.server_time + timedelta(seconds=1)
    centre.tick()
    gone = svc.current(PLAN).turn(absent.reg_no)
    assert gone is not None and gone.state is TurnState.ABSENT and gone.reason
    applied = svc.apply_supplementary(PLAN, absent.reg_no)
    assert applied.reg_no == absent.reg_no
    with pytest.raises(core.SupplementaryNotAllowed):
        svc.apply_supplementary(PLAN, served.reg_no)  # it chose a unit

    with pytest.raises(SelectionRefused) as clerks:
        svc.supplementary_round(clerk, PLAN, first_start=centre.clock.now, round_minutes=30)
    assert clerks.value.code == "supervisor_required"
    boss = k.services.auth.login("super1", "kiosk-demo-2")
    with pytest.raises(SelectionRefused) as twice:
        svc.start(boss, PLAN, round_size=30, first_start=centre.clock.now, round_minutes=60)
    assert twice.value.code == "selection_exists" and twice.value.message
    extra = svc.supplementary_round(boss, PLAN, first_start=centre.clock.now, round_minutes=30)
    assert any(r.supplementary for r in extra.rounds)
    again_turns = [x for x in extra.turns if x.reg_no == absent.reg_no and x.supplementary]
    assert len(again_turns) == 1 and again_turns[0].state is TurnState.WAITING


def test_a_quiet_counters_turn_pauses_and_resumes_and_time_out_auto_picks(
    centre: SelectionCentre,
    kiosk: KioskFactory,  # noqa: F811
) -> None:
    svc, clerk, _ = _counter(kiosk, "09")
    board, _, _ = _counter(kiosk, "10")  # another counter's reads are not this counter's heartbeat
    turn = _ready(svc, clerk, centre, svc.call_next(PLAN))
    assert turn.state is TurnState.OPEN
    centre.clock.now += timedelta(seconds=30)
    svc.state(PLAN)  # heard at 30 s
    centre.clock.now += timedelta(seconds=core.PAUSE_AFTER_SECONDS + 20)
    centre.tick()
    seen = board.current(PLAN).turn(turn.reg_no)
    assert seen is not None and seen.paused and seen.remaining_seconds == pytest.approx(90, abs=1)
    centre.clock.now += timedelta(minutes=10)
    centre.tick()
    still = board.current(PLAN).turn(turn.reg_no)
    assert still is not None and still.state is TurnState.OPEN and still.paused  # no time lost while away

    back = svc.current(PLAN)  # heard again: the countdown goes on from where it stopped
    mine = back.turn(turn.reg_no)
    assert mine is not None and not mine.paused and mine.remaining_seconds == pytest.approx(90, abs=1)
    for _ in range(20):  # the counter keeps being heard while the time runs out
        centre.clock.now += timedelta(seconds=5)
        svc.state(PLAN)
    centre.tick()
    done = svc.current(PLAN).turn(turn.reg_no)
    assert done is not None and done.state is TurnState.AUTO_PICKED and done.unit_code == turn.wish_codes[0]
    sheet = svc.print_sheet(PLAN, turn.reg_no, clerk)
    assert "系统自动选定" in _text(sheet.path)
