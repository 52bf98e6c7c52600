"""Hall screens: passive windows that render the state they are given, on the monitor the configuration names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from kiosk.config import Config, ConfigInvalid, from_dict
from kiosk.ui import messages, theme
from kiosk.ui.hall.feed import HallFeed
from kiosk.ui.hall.hall_screen import choose_screen, hall_pt
from kiosk.ui.hall.notice_board import NoticeBoardScreen, NoticeBoardState
from tests.builders import CLERK, SUPERVISOR
from tests.ui.conftest import Hold, WindowFactory, sign_in

ROOT = Path(__file__).resolve().parents[2]
MORNING = datetime(2026, 12, 1, 9, 30)


def board(hold: Hold, state: NoticeBoardState) -> tuple[HallFeed[NoticeBoardState], NoticeBoardScreen]:
    feed = HallFeed(state)
    screen = NoticeBoardScreen(feed)
    hold(screen)
    return feed, screen


def test_a_hall_screen_renders_its_state_at_hall_size_and_follows_updates(
    qtbot: QtBot, hold: Hold, screenshot
) -> None:
    feed, hall = board(hold, NoticeBoardState("公租房登记中心", "请备好备案通知单和居民身份证", MORNING))
    hall.place_in(QRect(0, 0, 1920, 1080))
    hall.show()
    qtbot.waitExposed(hall)
    assert hall.geometry() == QRect(0, 0, 1920, 1080)
    assert hall.font().pointSize() == hall_pt(1080) == 45  # read across a hall, not at the counter's 20 pt
    assert hall.notice.fontInfo().pointSize() == hall.date.fontInfo().pointSize() == 45
    assert hall.clock.fontInfo().pointSize() > hall.centre.fontInfo().pointSize() > 45
    assert (hall.centre.text(), hall.clock.text(), hall.date.text()) == (
        "公租房登记中心",
        "09:30",
        "2026年12月1日",
    )
    screenshot(hall, "hall_notice_board")

    feed.update(notice="上午场 9:30 开始叫号", now=MORNING.replace(minute=31))
    assert hall.notice.text() == "上午场 9:30 开始叫号" and hall.clock.text() == "09:31"

    # A publisher on another thread (the sync worker, a draw): the window renders on its own thread.
    worker = threading.Thread(target=lambda: feed.update(notice="下午场 14:00 开始"))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: hall.notice.text() == "下午场 14:00 开始")
    screenshot(hall, "hall_notice_board_updated")


def test_a_closed_hall_screen_stops_listening(hold: Hold) -> None:
    feed, hall = board(hold, NoticeBoardState("中心", "第一条", MORNING))
    hall.close()
    feed.update(notice="第二条")
    assert hall.notice.text() == "第一条"


def test_the_configured_screen_is_chosen_and_a_missing_one_falls_back_to_the_last() -> None:
    screens = QGuiApplication.screens()
    assert choose_screen(screens, 0) == (screens[0], True)
    assert choose_screen(screens, len(screens)) == (screens[-1], False)


def test_the_hall_window_goes_fullscreen_on_the_second_monitor(tmp_path: Path) -> None:
    layout = {
        "screens": [
            {"name": "counter", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96},
            {"name": "hall", "x": 1366, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96},
        ]
    }
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(layout))
    picture = tmp_path / "hall.png"
    env = os.environ | {"QT_QPA_PLATFORM": f"offscreen:configfile={config}", "LANG": "C.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.hall_probe", str(picture)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["screen"] == "hall" and seen["geometry"] == [1366, 0, 1920, 1080] and seen["fullscreen"]
    assert seen["pt"] == 45 and (seen["before"], seen["after"]) == ("09:30", "09:31")
    assert seen["notice"] == "上午场 9:30 开始"
    assert picture.stat().st_size > 0


def test_only_a_supervisor_opens_the_hall_screen_from_the_shell(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    sign_in(qtbot, window, *CLERK)
    assert not window.header.hall_action.isVisible()
    window.logout()
    sign_in(qtbot, window, *SUPERVISOR)
    assert window.header.menu.isVisible() and window.header.hall_action.isVisible()

    shown: list[messages.Message] = []
    messages.bridge().shown.connect(shown.append)
    window.header.hall_action.trigger()
    hall = window.hall.window
    assert hall is not None and hall.isVisible()
    assert hall.centre.text() == "公共租赁住房登记窗口"  # type: ignore[attr-defined]
    if len(QGuiApplication.screens()) < 2:  # the default [hall] screen = 1 is not there: said, and windowed
        assert shown and "大屏 1 没有接上" in shown[-1].text and not hall.isFullScreen()
    assert hall.font().pointSize() >= theme.MAX_PT

    window.header.hall_action.trigger()  # the same action closes it
    assert window.hall.window is None and not hall.isVisible()
    window.header.hall_action.trigger()
    assert window.hall.window is not None
    window.logout()  # a signed-out counter shows nothing in the hall
    assert window.hall.window is None and not window.header.hall_action.isChecked()


def test_the_hall_screen_setting_is_a_screen_number() -> None:
    assert from_dict({"hall": {"screen": 0}}).hall.screen == 0
    assert Config().hall.screen == 1  # the second monitor, beside the counter's own
    with pytest.raises(ConfigInvalid) as refused:
        from_dict({"hall": {"screen": "2"}})
    assert refused.value.problems == [
        '[hall] screen = "2" 不对：应为0 到 15 之间的整数（0 是第一个屏幕）（不加引号）'
    ]
