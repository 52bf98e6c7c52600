"""The hall's calling screen at 1920×1080: counters, masked households, the countdown, a pause, the calls read."""

from __future__ import annotations

import re
from datetime import timedelta

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import Config, HallConfig
from kiosk.platform.speech import SpeechEngine
from kiosk.services.hall_board import BoardState
from kiosk.services.hall_calling import CallingState
from kiosk.services.hall_selection import SelectionHall
from kiosk.ui.hall.call_announcer import CallAnnouncer
from kiosk.ui.hall.calling_screen import CallingScreen
from kiosk.ui.hall.feed import HallFeed
from kiosk.ui.hall.launcher import HallLauncher
from kiosk.ui.hall.notice_board import NoticeBoardScreen
from tests.ui.conftest import Hold
from tests.ui.selection_states import SERVER_TIME, WHOLE_IDS, WHOLE_NAMES, selection_state, turn

WHOLE_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
HALL = QRect(0, 0, 1920, 1080)


class RecordingSpeech(SpeechEngine):
    """An engine that says it speaks, and ends a text when the test says so (as a real one ends its audio)."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []

    @property
    def available(self) -> bool:
        return True

    def speak(self, text: str) -> None:
        self.said.append(text)

    def end(self) -> None:
        self.finished.emit()


def shown_text(screen: CallingScreen) -> str:
    return "\n".join(label.text() for label in screen.findChildren(QLabel) if label.isVisibleTo(screen))


def assert_masked(text: str) -> None:
    assert not WHOLE_ID.search(text), text
    assert not any(name in text for name in WHOLE_NAMES), text
    assert not any(number in text for number in WHOLE_IDS), text


def calling_hall(
    qtbot: QtBot, hold: Hold, clock: list
) -> tuple[SelectionHall, CallingScreen, HallFeed[CallingState]]:
    feed: HallFeed[CallingState] = HallFeed(CallingState())
    boards: HallFeed[BoardState] = HallFeed(BoardState())
    hall = SelectionHall(feed.publish, boards.publish, clock=lambda: clock[0])
    screen = CallingScreen(feed)
    hold(screen)
    screen.place_in(HALL)
    screen.show()
    qtbot.waitExposed(screen)
    return hall, screen, feed


def test_the_calling_screen_shows_each_counters_household_masked_with_its_countdown(
    qtbot: QtBot, hold: Hold, screenshot
) -> None:
    clock = [SERVER_TIME]
    hall, screen, _feed = calling_hall(qtbot, hold, clock)
    assert screen.empty.isVisible()
    hall.take(
        selection_state(
            [
                turn(1, state="open", counter="3", left=95),
                turn(2, state="called", counter="1"),
                turn(3, state="open", counter="7", left=12),
                turn(4),
                turn(5),
                turn(6, late=True),
            ]
        )
    )
    rows = [[c.text() for c in cells] for cells in screen.cells if cells[0].text()]
    assert rows == [
        ["1 号窗口", "0002", "王*", "一居室", "准备中"],
        ["3 号窗口", "0001", "张*兰", "一居室", "1:35"],
        ["7 号窗口", "0003", "欧**国", "一居室", "0:12"],
    ]
    assert screen.cells[2][4].property("kind") == "ending"
    assert "0004 李*华" in screen.next_up.text() and "0006" not in screen.next_up.text()
    # Names read across a hall: ≥ 48 px on 1080 lines, the title larger still.
    assert all(cells[2].fontInfo().pixelSize() >= 48 for cells in screen.cells)
    assert screen.title.fontInfo().pixelSize() > screen.cells[0][2].fontInfo().pixelSize()
    assert screen.geometry() == HALL  # a full page fits, nothing pushed off the screen
    assert_masked(shown_text(screen))
    screenshot(screen, "selection_calling")

    clock[0] += timedelta(seconds=30)
    hall.tick()
    assert screen.cells[1][4].text() == "1:05" and screen.cells[2][4].text() == "0:00"


def test_a_paused_turn_shows_its_time_held_and_why(qtbot: QtBot, hold: Hold, screenshot) -> None:
    clock = [SERVER_TIME]
    hall, screen, _feed = calling_hall(qtbot, hold, clock)
    hall.take(selection_state([turn(1, state="open", counter="5", left=64, paused=True), turn(2)]))
    clock[0] += timedelta(minutes=3)
    hall.tick()
    assert screen.cells[0][4].text() == "暂停 1:04" and screen.cells[0][4].property("kind") == "paused"
    assert "5 号窗口与中心的连接中断" in screen.notice.text() and screen.notice.property("kind") == "paused"
    assert_masked(shown_text(screen))
    screenshot(screen, "selection_calling_paused")


def test_each_call_is_read_aloud_once_in_the_order_made(qtbot: QtBot, hold: Hold) -> None:
    clock = [SERVER_TIME]
    hall, _screen, feed = calling_hall(qtbot, hold, clock)
    speech = RecordingSpeech()
    announcer = CallAnnouncer(feed, speech)
    hall.take(selection_state([turn(1, state="called", counter="3", called_ago=8), turn(2)], version=2))
    assert speech.said == ["请 0001 号 张*兰 家庭到 3 号窗口选房"]
    hall.take(
        selection_state(
            [
                turn(1, state="open", counter="3", called_ago=8, left=100),
                turn(2, state="called", counter="4", called_ago=1),
            ],
            version=3,
        )
    )
    hall.tick()
    assert len(speech.said) == 1  # never over the call being read
    speech.end()
    assert speech.said[-1] == "请 0002 号 王* 家庭到 4 号窗口选房"
    speech.end()
    hall.tick()
    assert len(speech.said) == 2  # each call once
    announcer.stop()


def test_the_hall_window_shows_the_calling_screen_and_goes_back_to_the_notice_board(qtbot: QtBot) -> None:
    launcher = HallLauncher(Config(hall=HallConfig(screen=0)))
    assert launcher.open() and isinstance(launcher.window, NoticeBoardScreen)
    feed: HallFeed[CallingState] = HallFeed(CallingState(title="2026年第12期快速配租选房"))
    launcher.project(feed, CallingScreen)
    window = launcher.window
    assert isinstance(window, CallingScreen) and window.isFullScreen()
    assert window.title.text() == "2026年第12期快速配租选房"
    launcher.project(None)
    assert isinstance(launcher.window, NoticeBoardScreen)
    launcher.close()
