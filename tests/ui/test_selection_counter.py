"""The selection counter against a real centre on loopback (the demo's plan Q2609, its first round running):
call → identify → re-declare → wish list → confirm → printed sheet, keyboard only; a second counter's choice on
the first one's list and on the board; the centre's auto-pick at time-out; refusals in their Chinese words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from kiosk.bootstrap import Built
from kiosk.config import Config, HallConfig
from kiosk.services.selection_views import TurnView
from kiosk.services.views import OperatorSession
from kiosk.ui import theme
from kiosk.ui.hall.board_screen import BoardScreen
from kiosk.ui.hall.calling_screen import CallingScreen
from kiosk.ui.hall.launcher import HallLauncher
from kiosk.ui.selection.counter import SelectionCounter
from kiosk.ui.workers import wait_for_lanes
from kiosk_central.services.demo_selection import PLAN
from kiosk_central.services.selection_ticker import SelectionTicker
from tests.builders import CLERK
from tests.services.test_selection_at_centre import FatedProxy
from tests.sync.conftest import CentralUnderTest, KioskFactory, centre, kiosk, live_server, memory_keyring  # noqa: F401
from tests.ui.conftest import Hold, sign_in
from tests.ui.focus import assert_focus_visible
from tests.ui.test_calling_screen import RecordingSpeech

WHOLE_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
HALL = QRect(0, 0, 1920, 1080)
WAIT = 20_000


@dataclass
class Site:
    counter: Built
    other: Built  # a second counter, served through its service (no screen)
    clerk: OperatorSession
    other_clerk: OperatorSession
    centre: CentralUnderTest
    hall: HallLauncher


@pytest.fixture
def site(kiosk: KioskFactory, centre: CentralUnderTest) -> Iterator[Site]:  # noqa: F811
    one, two = kiosk("03", synced=True), kiosk("04", synced=True)  # as after their first sync
    for k in (one, two):
        k.services.sync.sync_once()  # the catalog's households (identify reads them), the device token
    hall = HallLauncher(Config(hall=HallConfig(screen=0)))
    yield Site(
        one,
        two,
        one.services.auth.login("clerk1", "kiosk-demo-1"),
        two.services.auth.login("clerk1", "kiosk-demo-1"),
        centre,
        hall,
    )
    hall.close()
    wait_for_lanes(10_000)


def open_counter(
    qtbot: QtBot, hold: Hold, site: Site, size: tuple[int, int] = (1366, 768)
) -> SelectionCounter:
    page = SelectionCounter(
        site.counter.services.selection, lambda: site.clerk, datetime.now, RecordingSpeech()
    )
    hold(page)
    page.attach_hall(site.hall)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitActive(page)
    page.enter()
    return page


def enter(qtbot: QtBot, page: SelectionCounter) -> None:
    qtbot.keyClick(page.focusWidget() or page.current(), Qt.Key.Key_Return)


def idle(qtbot: QtBot, page: SelectionCounter) -> None:
    qtbot.waitUntil(lambda: not any(step.busy for step in page.steps), timeout=WAIT)


def choose_plan(qtbot: QtBot, page: SelectionCounter) -> None:
    assert page.focusWidget() is page.calling.plan
    qtbot.keyClicks(page.calling.plan, PLAN)
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.state.selection is not None, timeout=WAIT)
    idle(qtbot, page)
    assert page.focusWidget() is page.calling.primary  # the next action: take the next household


def call_and_prepare(qtbot: QtBot, page: SelectionCounter) -> TurnView:
    """Take next, scan the household's filing no., tick the re-declaration: the wish list comes up."""
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.identify, timeout=WAIT)
    turn = page.state.turn
    assert turn is not None and turn.counter == page.state.service.counter
    assert page.focusWidget() is page.identify.scan
    qtbot.keyClicks(page.identify.scan, turn.filing_no)
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.redeclare, timeout=WAIT)
    assert page.focusWidget() is page.redeclare.tick
    assert "上述条款，我已阅知" in page.redeclare.tick.text()
    assert not page.redeclare.primary.isEnabled()  # no tick, nothing recorded
    qtbot.keyClick(page.redeclare.tick, Qt.Key.Key_Space)
    assert page.focusWidget() is page.redeclare.primary
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.wish, timeout=WAIT)
    idle(qtbot, page)
    return turn


def add_free_unit(qtbot: QtBot, page: SelectionCounter, row: int) -> str:
    """The free unit on ``row`` added to the list with Enter, as staff do."""
    wish = page.wish
    wish.free.setFocus()
    wish.free.selectRow(row)
    code = str(wish._offered[row]["unit_code"])
    before = len(page.state.turn.wishes) if page.state.turn else 0
    qtbot.keyClick(wish.free, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: page.state.turn is not None and len(page.state.turn.wishes) > before, timeout=WAIT
    )
    idle(qtbot, page)
    return code


def shown_text(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget))


def assert_masked(widget: QWidget) -> None:
    shown = shown_text(widget)
    assert not WHOLE_ID.search(shown), shown


def test_a_counter_runs_a_household_from_the_call_to_the_printed_sheet(
    qtbot: QtBot, hold: Hold, site: Site, screenshot
) -> None:
    page = open_counter(qtbot, hold, site)
    screenshot(page, "selection_counter_call")
    choose_plan(qtbot, page)
    turn = call_and_prepare(qtbot, page)
    assert page.identify.call.text().startswith(f"请 {turn.rank:04d} 号 ")
    assert site.centre.central is not None
    wish = page.wish
    first = add_free_unit(qtbot, page, 0)
    second = add_free_unit(qtbot, page, 2)
    assert [w.unit_code for w in page.state.turn.wishes] == [first, second]
    assert first not in [u["unit_code"] for u in wish._offered]  # on the list: no longer offered
    # The second to the top, by keyboard.
    wish.wishes.setFocus()
    wish.wishes.selectRow(1)
    qtbot.keyClick(wish.wishes, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: [w.unit_code for w in page.state.turn.wishes] == [second, first], timeout=WAIT)
    idle(qtbot, page)
    screenshot(page, "selection_counter_wishes")
    # The first household of its pool: the centre opened its turn, the countdown runs.
    qtbot.waitUntil(lambda: page.state.turn.state == "open" and wish.primary.isEnabled(), timeout=WAIT)
    assert "剩余" in wish.countdown.text()
    assert wish.selected_wish() is not None and wish.selected_wish().unit_code == second
    assert page.focusWidget() is wish.wishes
    assert_focus_visible(wish.wishes)
    screenshot(page, "selection_counter_open")
    enter(qtbot, page)  # Enter on the selected wish confirms it
    qtbot.waitUntil(lambda: page.current() is page.done, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(page.state.printed), timeout=WAIT)
    idle(qtbot, page)
    assert page.state.turn.state == "confirmed" and page.state.turn.unit_code == second
    printed = site.counter.printer.printed  # type: ignore[attr-defined]
    assert printed and str(printed[-1]) == page.state.printed
    sheet = "".join(p.extract_text() for p in PdfReader(printed[-1]).pages)
    assert turn.reg_no in sheet and "选房确认书" in sheet
    assert not WHOLE_ID.search(sheet)  # the ID masked on the paper too
    assert page.focusWidget() is page.done.primary
    assert_masked(page)
    screenshot(page, "selection_counter_done")
    enter(qtbot, page)  # next household
    qtbot.waitUntil(lambda: page.current() is page.calling, timeout=WAIT)
    assert page.focusWidget() is page.calling.primary


def test_a_second_counters_choice_shows_on_the_first_ones_list_and_on_the_board(
    qtbot: QtBot, hold: Hold, site: Site, screenshot
) -> None:
    other = site.other.services.selection
    page = open_counter(qtbot, hold, site)
    page.show_on_hall("board")
    board = site.hall.window
    assert isinstance(board, BoardScreen)
    assert page.isActiveWindow() or page.focusWidget() is not None  # the counter keeps the keyboard
    # Counter 04 calls first: the first household of the round; this counter then the next in its pool.
    ahead = other.call_next(PLAN)
    choose_plan(qtbot, page)
    turn = call_and_prepare(qtbot, page)
    same_pool = turn.pool == ahead.pool
    code = add_free_unit(qtbot, page, 0)
    assert page.state.turn.state == "called"
    # Counter 04's household takes that very unit (if it is of the same pool; otherwise a unit of its own).
    other.identify(PLAN, ahead.filing_no)
    other.redeclare(PLAN, ahead.reg_no, site.other_clerk)
    view = other.current(PLAN)
    target = code if same_pool else next(u.unit_code for u in view.free_units(ahead.pool))
    other.set_wishes(PLAN, ahead.reg_no, [target])
    deadline = datetime.now() + timedelta(seconds=20)
    outcome = None
    while datetime.now() < deadline:  # its turn opens on the centre's next tick
        outcome = other.confirm(PLAN, ahead.reg_no, target, site.other_clerk)
        if outcome.chosen:
            break
        qtbot.wait(200)
    assert outcome is not None and outcome.chosen, outcome
    # The board and this counter learn it within the fallback poll (the push channel makes it sooner).
    qtbot.waitUntil(
        lambda: any(c.unit_code == target and c.taken for c, _ in board.grid.layout_cells()), timeout=WAIT
    )
    if same_pool:
        qtbot.waitUntil(lambda: page.state.turn.wishes[0].taken, timeout=WAIT)
        status = page.wish.wishes.item(0, 2).text()
        assert "已被" in status
        assert code not in [u["unit_code"] for u in page.wish._offered]
    screenshot(page, "selection_counter_taken")
    board.place_in(HALL)
    screenshot(board, "selection_board_live")
    assert_masked(board)


def test_the_centre_auto_picks_at_time_out_and_the_counter_shows_it(
    qtbot: QtBot, hold: Hold, site: Site, screenshot
) -> None:
    page = open_counter(qtbot, hold, site)
    page.show_on_hall("calling")
    calling = site.hall.window
    assert isinstance(calling, CallingScreen)
    choose_plan(qtbot, page)
    turn = call_and_prepare(qtbot, page)
    first = add_free_unit(qtbot, page, 0)
    add_free_unit(qtbot, page, 1)
    qtbot.waitUntil(lambda: page.state.turn.state == "open", timeout=WAIT)
    qtbot.waitUntil(
        lambda: any(cells[1].text() == f"{turn.rank:04d}" for cells in calling.cells), timeout=WAIT
    )
    assert page.wish.wishes.item(0, 1).text()  # noqa: PT018
    calling.place_in(HALL)
    screenshot(calling, "selection_calling_live")
    assert_masked(calling)
    assert any("号窗口选房" in said for said in page._announcer._speech.said)  # type: ignore[union-attr]
    # The time runs out at the centre (its deadline moved to now: the clock is the centre's).
    with site.centre.central.db.engine.begin() as c:
        c.execute(
            text("UPDATE selection_turns SET deadline = :now WHERE reg_no = :reg_no AND state = 'open'"),
            {
                "now": datetime.now().astimezone().replace(tzinfo=None) - timedelta(seconds=1),
                "reg_no": turn.reg_no,
            },
        )
    # The centre's ticker (run by the service's lifespan; the loopback server here runs without it) acts.
    assert SelectionTicker(site.centre.central.db, site.centre.central.clock).tick() > 0
    qtbot.waitUntil(lambda: page.current() is page.done, timeout=WAIT)
    qtbot.waitUntil(lambda: bool(page.state.printed), timeout=WAIT)
    assert page.state.turn.state == "auto_picked" and page.state.turn.unit_code == first
    assert "自动" in page.done.outcome.text()
    screenshot(page, "selection_counter_auto_picked")


def test_refusals_are_said_in_their_chinese_words_and_nothing_is_chosen(
    qtbot: QtBot, hold: Hold, site: Site, screenshot
) -> None:
    page = open_counter(qtbot, hold, site, (1920, 1080))
    choose_plan(qtbot, page)
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.identify, timeout=WAIT)
    # Papers of no household of this selection.
    qtbot.keyClicks(page.identify.scan, "BA0000000000")
    enter(qtbot, page)
    idle(qtbot, page)
    assert page.identify.error.isVisible() and page.current() is page.identify
    assert page.focusWidget() is page.identify.scan
    turn = page.state.turn
    assert turn is not None
    page.identify.scan.clear()
    qtbot.keyClicks(page.identify.scan, turn.filing_no)
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.redeclare, timeout=WAIT)
    qtbot.keyClick(page.redeclare.tick, Qt.Key.Key_Space)
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.wish, timeout=WAIT)
    idle(qtbot, page)
    for row in range(5):
        add_free_unit(qtbot, page, 0 if row else row)
    assert len(page.state.turn.wishes) == 5
    assert not page.wish.add.isEnabled()
    page.wish.free.setFocus()
    page.wish.free.selectRow(0)
    qtbot.keyClick(page.wish.free, Qt.Key.Key_Return)  # a sixth, by Enter: refused, said why
    qtbot.waitUntil(lambda: page.wish.error.isVisible(), timeout=WAIT)
    assert "最多预选 5 套房源" in page.wish.error.text()
    assert len(page.state.turn.wishes) == 5
    screenshot(page, "selection_counter_sixth_wish")
    assert_masked(page)


def test_the_counter_fits_at_the_largest_text_size(qtbot: QtBot, hold: Hold, site: Site, screenshot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = theme.current_pt(app)
    theme.apply(app, theme.MAX_PT)
    try:
        page = open_counter(qtbot, hold, site)
        choose_plan(qtbot, page)
        call_and_prepare(qtbot, page)
        add_free_unit(qtbot, page, 0)
        # As wide as the counter's screen at most; taller, it scrolls in the shell's page (as the login does).
        assert page.minimumSizeHint().width() <= 1366 and page.width() == 1366
        for button in (page.wish.add, page.wish.up, page.wish.top, page.wish.delete, page.wish.primary):
            right = button.mapTo(page, button.rect().bottomRight()).x()
            assert button.isVisible() and right <= page.width()
            assert button.width() >= button.minimumSizeHint().width()  # never cut
        screenshot(page, "selection_counter_largest_1366")
    finally:
        theme.apply(app, previous)


def test_f7_opens_the_selection_counter_for_a_clerk_and_esc_goes_back(qtbot: QtBot, make_window) -> None:
    window = make_window()
    sign_in(qtbot, window, *CLERK)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.prepare()  # as the app does once the services are built: each page, and its wiring
    qtbot.keyClick(window.wizard, Qt.Key.Key_F7)
    page = window.page("selection")
    assert isinstance(page, SelectionCounter) and window.stack.currentWidget() is page
    assert page.hall is window.hall
    assert window.focusWidget() is page.calling.plan  # the first thing to do: the plan
    qtbot.keyClick(page.calling.plan, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.wizard


def test_a_confirmation_whose_answer_is_lost_tells_staff_nothing_until_the_centre_is_asked_again(
    qtbot: QtBot,
    hold: Hold,
    kiosk: KioskFactory,  # noqa: F811
    centre: CentralUnderTest,  # noqa: F811
    screenshot,
) -> None:
    with FatedProxy(centre.port) as proxy:
        k = kiosk("07", url=proxy.base_url, synced=True)
        k.services.sync.sync_once()
        clerk = k.services.auth.login("clerk1", "kiosk-demo-1")
        page = SelectionCounter(k.services.selection, lambda: clerk, datetime.now)
        hold(page)
        page.resize(1366, 768)
        page.show()
        qtbot.waitExposed(page)
        page.activateWindow()
        qtbot.waitActive(page)
        page.enter()
        choose_plan(qtbot, page)
        call_and_prepare(qtbot, page)
        unit = add_free_unit(qtbot, page, 0)
        qtbot.waitUntil(
            lambda: page.state.turn.state == "open" and page.wish.primary.isEnabled(), timeout=WAIT
        )
        page._poll.stop()  # each call takes the proxy's next fate: no read of the state in between
        proxy.fates = ["lost_response", "lost_response"]  # the confirm arrived; neither answer comes back
        page.wish.wishes.setFocus()
        page.wish.wishes.selectRow(0)
        enter(qtbot, page)  # Enter on the wish: confirm
        qtbot.waitUntil(lambda: page.wish.error.isVisible(), timeout=WAIT)
        idle(qtbot, page)
        assert "请勿告知家庭" in page.wish.error.text()
        assert page.current() is page.wish and page.wish.primary.text() == "向中心核对结果"
        assert "未连接中心" in page.link.text() and "暂停" in page.wish.countdown.text()
        screenshot(page, "selection_counter_confirm_unknown")
        enter(qtbot, page)  # asked again, under the same key: the centre answers what it did
        qtbot.waitUntil(lambda: page.current() is page.done, timeout=WAIT)
        assert page.state.turn.state == "confirmed" and page.state.turn.unit_code == unit
        qtbot.waitUntil(lambda: bool(page.state.printed), timeout=WAIT)
        view = k.services.selection.current(PLAN)
        assert [u.unit_code for u in view.units if u.taken] == [unit]  # one unit, chosen once
        page.reset()


def test_a_household_passed_over_is_called_first_when_it_comes_and_may_decline(
    qtbot: QtBot, hold: Hold, site: Site, screenshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_counter(qtbot, hold, site, (1920, 1080))
    choose_plan(qtbot, page)
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.identify, timeout=WAIT)
    missing = page.state.turn
    assert missing is not None
    page.identify.not_here.setFocus()
    enter(qtbot, page)  # not there: passed over, the counter goes on
    qtbot.waitUntil(lambda: page.current() is page.calling, timeout=WAIT)
    idle(qtbot, page)
    assert page.focusWidget() is page.calling.primary
    # It comes after all: staff queue it after the household being served, and it is called first.
    page.calling.arrived_box.setFocus()
    qtbot.keyClicks(page.calling.arrived_box, missing.reg_no)
    enter(qtbot, page)
    idle(qtbot, page)
    assert "已排在正在选房的家庭之后" in page.calling.status.text()
    assert page.focusWidget() is page.calling.primary  # Enter there queued it; it called nobody
    assert page.state.turn is None
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.identify, timeout=WAIT)
    assert page.state.turn is not None and page.state.turn.reg_no == missing.reg_no
    qtbot.keyClicks(page.identify.scan, missing.filing_no)
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.redeclare, timeout=WAIT)
    qtbot.keyClick(page.redeclare.tick, Qt.Key.Key_Space)
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.wish, timeout=WAIT)
    idle(qtbot, page)
    monkeypatch.setattr(type(page.wish), "ask_decline", lambda _self: True)  # staff say yes in the dialog
    page.wish.decline.setFocus()
    enter(qtbot, page)
    qtbot.waitUntil(lambda: page.current() is page.done, timeout=WAIT)
    assert page.state.turn.state == "declined"
    assert "不能申请补选" in page.done.outcome.text()
    assert not page.done.supplementary.isVisible() and not page.done.print_again.isVisible()
    assert not site.counter.printer.printed  # type: ignore[attr-defined]  # nothing chosen, no sheet
    assert page.focusWidget() is page.done.primary
    assert_focus_visible(page.done.primary)
    assert_masked(page)
    screenshot(page, "selection_counter_declined_1920")
