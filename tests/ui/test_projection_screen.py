"""The lottery's projection in the hall: each stage of a draw at 1920×1080, in hall-sized type, masked."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import Config, HallConfig
from kiosk.services.projection import Projection, ProjectionState, ResultNotChecked, ScheduleItem
from kiosk.ui.hall.feed import HallFeed
from kiosk.ui.hall.launcher import HallLauncher
from kiosk.ui.hall.notice_board import NoticeBoardScreen
from kiosk.ui.hall.projection_screen import ProjectionScreen
from tests.services.test_projection import a_draw, frozen, rows_of
from tests.ui.conftest import Hold

WHOLE_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
WHOLE_NAMES = ("张淑兰", "王强", "欧阳建国")
HALL = QRect(0, 0, 1920, 1080)


def shown_text(screen: ProjectionScreen) -> str:
    return "\n".join(label.text() for label in screen.findChildren(QLabel) if label.isVisibleTo(screen))


def assert_masked(screen: ProjectionScreen) -> None:
    text = shown_text(screen)
    assert not WHOLE_ID.search(text), text
    assert not any(name in text for name in WHOLE_NAMES), text


def hall(qtbot: QtBot, hold: Hold) -> tuple[Projection, ProjectionScreen]:
    feed: HallFeed[ProjectionState] = HallFeed(ProjectionState(title="公租房登记中心"))
    projection = Projection(feed.publish, centre="公租房登记中心")
    screen = ProjectionScreen(feed)
    hold(screen)
    screen.place_in(HALL)
    screen.show()
    qtbot.waitExposed(screen)
    return projection, screen


def test_the_projection_follows_a_draw_from_the_schedule_to_the_ranks(
    qtbot: QtBot, hold: Hold, screenshot
) -> None:
    projection, screen = hall(qtbot, hold)
    projection.show_schedule(
        [ScheduleItem("2026年第11期快速配租", "20户 · 未冻结"), ScheduleItem("2026年第12期快速配租", "14:30")]
    )
    assert "2026年第12期快速配租" in screen.schedule.text() and not screen.table.isVisible()
    screenshot(screen, "projection_schedule")

    view, result = a_draw(20)
    projection.show_draw(frozen(view))
    text = shown_text(screen)
    assert "2026年第11期快速配租" in text and view.list_hash[:8] in text and "待录入" in text
    assert not screen.table.isVisible()
    screenshot(screen, "projection_frozen")

    projection.show_draw(replace(view, result_text=None, result_hash=None))
    text = shown_text(screen)
    assert "3141592653 5897932384 6264338327 9502884197" in text and view.seed and view.seed[:8] in text
    screenshot(screen, "projection_committed")

    projection.show_result(view, result, rows_of(result))
    assert not screen.table.isVisible()  # checked, not revealed: the console sets the pace
    projection.next_page()
    assert screen.table.isVisible()
    ranks = [cells[0].text() for cells in screen.cells if cells[0].text()]
    assert ranks == [str(n) for n in range(1, 9)]
    assert [cells[1].text() for cells in screen.cells] == [o.reg_no for o in result.outcomes[:8]]
    assert screen.geometry() == HALL  # a page of ranks fits the hall's screen, nothing pushed off it
    # Names read across a hall: 45 pt, ≥ 48 px on 1080 lines.
    assert all(cells[2].fontInfo().pixelSize() >= 48 for cells in screen.cells)
    assert screen.title.fontInfo().pixelSize() > screen.cells[0][2].fontInfo().pixelSize()
    assert_masked(screen)
    assert {cells[2].text() for cells in screen.cells} <= {"张*兰", "王*", "欧**国", "李"}
    screenshot(screen, "projection_page1")

    projection.reveal_all()
    projection.turn()
    assert screen.page.isVisible() and screen.page.text() == "第 2 / 3 页"
    assert screen.geometry() == HALL  # the page number beside the notice, not below it
    assert_masked(screen)
    screenshot(screen, "projection_all_page2")


def test_a_skipped_entry_is_struck_through_and_a_mismatch_shows_no_result(
    qtbot: QtBot, hold: Hold, screenshot
) -> None:
    projection, screen = hall(qtbot, hold)
    cancelled = "Q2611-01-00004"
    view, result = a_draw(20, frozenset({cancelled}))
    projection.show_result(view, result, rows_of(result))
    rank = next(o.rank for o in result.outcomes if o.reg_no == cancelled)
    while projection.state.revealed < rank:
        projection.next_page()
    row = next(cells for cells in screen.cells if cells[1].text() == cancelled)
    assert row[4].text() == "已取消，跳过" and row[4].property("skipped") is True
    screenshot(screen, "projection_skipped")

    with pytest.raises(ResultNotChecked):  # the console says so on its own screen
        projection.show_result(replace(view, result_hash="0" * 64), result, rows_of(result))
    assert not screen.table.isVisible()
    assert screen.notice.text() == "本机核验与中心结果不一致，暂停公布结果"
    assert screen.notice.property("stage") == "halted"
    assert cancelled not in shown_text(screen)
    screenshot(screen, "projection_halted")


def test_the_hall_window_switches_to_the_projection_and_back(qtbot: QtBot) -> None:
    launcher = HallLauncher(Config(hall=HallConfig(screen=0)))
    opened: list[bool] = []
    launcher.opened.connect(lambda: opened.append(True))
    assert launcher.open() and opened == [True]
    board = launcher.window
    assert isinstance(board, NoticeBoardScreen)

    feed: HallFeed[ProjectionState] = HallFeed(ProjectionState(title="2026年第11期快速配租"))
    launcher.project(feed)
    projection = launcher.window
    assert isinstance(projection, ProjectionScreen) and projection.isVisible()
    assert projection.screen() is QGuiApplication.screens()[0] and projection.isFullScreen()
    qtbot.waitUntil(lambda: not board.isVisible())
    assert projection.title.text() == "2026年第11期快速配租"

    launcher.project(None)
    assert isinstance(launcher.window, NoticeBoardScreen) and launcher.feed is not None
    launcher.close()
    assert launcher.window is None

    launcher.project(feed)  # closed: the next open shows the projection
    assert launcher.open() and isinstance(launcher.window, ProjectionScreen)
    launcher.close()
