"""What staff see when the real centre disables their account or their counter's device."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.bootstrap import Built
from kiosk.services.sync_worker import SyncWorker
from kiosk.ui.login_screen import LoginScreen
from kiosk.ui.sync_bar import SyncBar, SyncRelay
from kiosk.ui.workers import wait_for_lanes
from tests.sync.conftest import (  # noqa: F401  (fixtures: a real centre on loopback, counters enrolled there)
    CentralUnderTest,
    KioskFactory,
    centre,
    kiosk,
    live_server,
    memory_keyring,
)
from tests.sync.test_refusals import device_id
from tests.sync.test_sync import quick_draft, sign_in
from tests.ui.conftest import Hold


@pytest.fixture
def counter(kiosk: KioskFactory) -> Iterator[Built]:  # noqa: F811
    k = kiosk("01", synced=True)  # as after its first sync
    k.services.sync.sync_once()
    yield k
    wait_for_lanes(10_000)  # the sign-in worker is done with the cache before it closes


def test_login_screen_says_the_centre_disabled_the_account(
    qtbot: QtBot,
    hold: Hold,
    counter: Built,
    centre: CentralUnderTest,  # noqa: F811
    screenshot,
) -> None:
    with centre.central.db.session() as s:
        centre.central.auth.disable_operator(s, "clerk1", actor="admin")
    screen = LoginScreen(lambda: counter.services.auth)
    hold(screen)
    screen.resize(1280, 760)
    screen.show()
    screen.username.setText("clerk1")
    screen.password.setText("kiosk-demo-1")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.sign_in.isEnabled() and not screen.error.isHidden(), timeout=10_000)
    assert "此账号已被中心停用，请联系管理员" in screen.error.text()
    assert "用户名或密码不正确" not in screen.error.text()
    screenshot(screen, "login-operator-disabled")


def test_sync_bar_says_the_device_is_disabled_and_its_registrations_wait(
    qtbot: QtBot,
    hold: Hold,
    counter: Built,
    centre: CentralUnderTest,  # noqa: F811
    screenshot,
) -> None:
    counter.services.registration.register(quick_draft(counter), sign_in(counter))
    with centre.central.db.session() as s:
        centre.central.auth.disable_device(s, device_id(), actor="admin")
    relay = SyncRelay()
    bar = SyncBar(relay)
    hold(bar)
    bar.resize(1366, 60)
    bar.show()
    worker = SyncWorker(counter.services.sync, relay.report_status, relay.report_progress, interval=3600)
    worker.start()
    try:
        qtbot.waitUntil(lambda: bar.status is not None and bar.status.device_disabled, timeout=20_000)
    finally:
        worker.stop()
    assert bar.state.text() == "● 本窗口设备已被中心停用，登记暂存本机"
    assert bar.state.property("state") == "refused"
    assert "离线" not in bar.state.text()
    assert bar.unsent.text() == "待上传 1 笔"
    screenshot(bar, "sync-bar-device-disabled")
