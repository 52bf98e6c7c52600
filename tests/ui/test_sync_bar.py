"""The sync strip: always says whether the counter is online, what waits to be sent, and what came back."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.services.views import SyncStatus
from kiosk.ui.main_window import MainWindow
from kiosk.ui.sync_bar import SyncBar, SyncRelay
from tests.builders import CLERK
from tests.ui.conftest import Registered, WindowFactory, sign_in


def status(**kw: object) -> SyncStatus:
    base: dict[str, object] = {
        "enrolled": True,
        "online": True,
        "last_sync_at": datetime.now().replace(second=0, microsecond=0),
        "last_catalog_sync_at": None,
        "unsent": 0,
        "rejected": 0,
    }
    return SyncStatus(**(base | kw))  # type: ignore[arg-type]


def test_standalone_online_offline(qtbot: QtBot, screenshot) -> None:
    relay = SyncRelay()
    bar = SyncBar(relay)
    qtbot.addWidget(bar)
    bar.show()
    assert "独立运行" in bar.state.text() and not bar.now.isVisible()
    relay.report_status(status(unsent=3))
    assert bar.state.text() == "● 在线" and bar.unsent.text() == "待上传 3 笔"
    assert bar.now.isVisible() and not bar.rejected.isVisible()
    relay.report_status(status(online=False, unsent=7, rejected=2, message="连接不上中心服务"))
    assert "离线" in bar.state.text() and "连接不上中心服务" in bar.state.text()
    assert bar.rejected.isVisible() and bar.rejected.text() == "被中心退回 2 笔"
    assert bar.state.property("state") == "offline"
    screenshot(bar, "sync-bar-offline")


def test_sync_now_shows_progress_until_done(qtbot: QtBot) -> None:
    relay = SyncRelay()
    bar = SyncBar(relay)
    qtbot.addWidget(bar)
    bar.show()
    relay.report_status(status())
    with qtbot.waitSignal(bar.sync_requested):
        qtbot.mouseClick(bar.now, Qt.MouseButton.LeftButton)
    assert not bar.now.isEnabled() and bar.progress.isVisible()
    relay.report_progress(0.5, "发送登记")
    assert bar.progress.value() == 50 and "发送登记" in bar.progress.format()
    relay.report_status(status())
    assert bar.now.isEnabled() and not bar.progress.isVisible()


def test_rejected_button_lists_turned_down_registrations(
    qtbot: QtBot, make_window: WindowFactory, registered: Registered, built, screenshot
) -> None:
    # The centre turned the quick registration down (what the sync service records on a 409).
    with built.engine.begin() as c:
        c.exec_driver_sql(
            "UPDATE registrations SET status = 'rejected', central_status = 'rejected',"
            " central_message = '本家庭已在其他窗口登记本计划' WHERE reg_no = ?",
            (registered.quick.reg_no,),
        )
    window: MainWindow = make_window()
    sign_in(qtbot, window, *CLERK)
    window.sync_relay.report_status(status(rejected=1))
    qtbot.mouseClick(window.sync_bar.rejected, Qt.MouseButton.LeftButton)
    records = window.records_screen
    qtbot.waitUntil(lambda: records.table.rowCount() == 1)
    assert records.table.item(0, 0).text() == registered.quick.reg_no
    assert "本家庭已在其他窗口登记本计划" in records.table.item(0, 3).text()
    assert "中心未受理" in records.table.item(0, 3).text()
    assert records.reprint.isEnabled()  # the household's notice prints from here
    screenshot(window, "records-rejected")


def test_a_short_state_stays_on_one_line_when_the_strip_has_room(qtbot: QtBot) -> None:
    """A wrapping label is not squeezed to Qt's guess at a wrapped shape: it wraps only when the line is full."""
    relay = SyncRelay()
    bar = SyncBar(relay)
    qtbot.addWidget(bar)
    bar.resize(1366, 60)
    bar.show()
    qtbot.waitExposed(bar)
    for message in ("", "连接不上中心服务"):
        relay.report_status(status(enrolled=message == "", online=False, message=message))
        qtbot.waitUntil(lambda: bar.state.width() > 0)
        one_line = bar.state.fontMetrics().lineSpacing()
        assert bar.state.height() < 2 * one_line, (bar.state.text(), bar.state.size())
    bar.resize(500, 60)  # a narrow strip: the long state wraps rather than widening anything
    qtbot.waitUntil(lambda: bar.state.width() <= 500)
    assert bar.state.width() <= 500 - 32
