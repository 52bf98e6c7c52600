"""Signing in, the 5-failure lock-out, the idle warning and lock, unlocking and switching user."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.services.container import Services
from kiosk.ui.login_screen import LoginScreen
from tests.builders import CLERK, SUPERVISOR, World
from tests.ui.conftest import Hold, Registered, WindowFactory, sign_in


def _login_screen(hold: Hold, services: Services) -> LoginScreen:
    screen = LoginScreen(lambda: services.auth)
    hold(screen)
    screen.resize(1280, 760)
    return screen


def _try(qtbot: QtBot, screen: LoginScreen, username: str, password: str) -> str:
    screen.username.setText(username)
    screen.password.setText(password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)  # Enter signs in
    qtbot.waitUntil(lambda: screen.sign_in.isEnabled() and not screen.error.isHidden(), timeout=5000)
    return screen.error.text()


def test_login_ok_emits_the_operator(
    qtbot: QtBot, hold: Hold, services: Services, world: World, screenshot
) -> None:
    screen = _login_screen(hold, services)
    screenshot(screen, "login")
    qtbot.keyClicks(screen.username, CLERK[0])
    qtbot.keyClick(screen.username, Qt.Key.Key_Return)  # Enter moves on to the password
    assert screen.password.hasFocus() or not screen.isVisible()
    qtbot.keyClicks(screen.password, CLERK[1])
    with qtbot.waitSignal(screen.logged_in, timeout=5000) as signal:
        qtbot.mouseClick(screen.sign_in, Qt.MouseButton.LeftButton)
    session = signal.args[0]
    assert (session.username, session.display_name, session.role.value) == ("clerk1", "王晓梅", "clerk")
    assert screen.password.text() == ""
    assert screen.error.isHidden()


def test_wrong_password_says_the_lock_out_rule(
    qtbot: QtBot, hold: Hold, services: Services, world: World, screenshot
) -> None:
    screen = _login_screen(hold, services)
    text = _try(qtbot, screen, CLERK[0], "not-the-password")
    assert "用户名或密码不正确" in text
    assert "连续输错5次，账号将锁定15分钟" in text
    assert screen.password.text() == ""
    screen.show()
    screenshot(screen, "login-wrong-password")


def test_five_failures_lock_the_account_for_a_while(
    qtbot: QtBot, hold: Hold, services: Services, world: World
) -> None:
    screen = _login_screen(hold, services)
    for _ in range(5):
        assert "用户名或密码不正确" in _try(qtbot, screen, CLERK[0], "wrong-password")
    # Locked: the right password is refused, and only then does the message say so and for how long.
    assert re.search(r"已锁定，约1[56]分钟后可再试", _try(qtbot, screen, CLERK[0], CLERK[1]))


def test_idle_warning_then_lock_hides_the_work_and_unlock_restores_it(
    qtbot: QtBot, make_window: WindowFactory, screenshot
) -> None:
    window = make_window(idle_ms=700, warning_ms=400, tick_ms=50)
    sign_in(qtbot, window, *CLERK)
    wizard = window.wizard
    wizard.field.setText("张秀英")  # QTest types ASCII only
    qtbot.keyClicks(wizard.field, " 1101051950")
    qtbot.waitUntil(window.idle_warning.isVisible, timeout=3000)
    assert "后将锁定屏幕，请动一下鼠标或键盘" in window.idle_warning.text()
    screenshot(window, "idle-warning")

    with qtbot.waitSignal(window.idle.locked, timeout=3000):
        pass
    assert window.is_locked()
    assert not wizard.isVisible()  # the household's data is not on screen
    assert not window.idle_warning.isVisible()
    assert (
        not window.header.buttons["records"].isEnabled()
        and not window.header.buttons["registration"].isEnabled()
    )
    lock = window.lock_screen
    assert "王晓梅" in lock.who.text()
    screenshot(window, "lock")

    qtbot.keyClicks(lock.password, "wrong-password")
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not lock.error.isHidden(), timeout=5000)
    assert "用户名或密码不正确" in lock.error.text()
    assert window.is_locked()
    screenshot(window, "lock-wrong-password")

    qtbot.keyClicks(lock.password, CLERK[1])
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is wizard and wizard.isVisible()
    assert wizard.field.text() == "张秀英 1101051950"  # untouched beneath the lock
    assert wizard.resets == 0
    assert window.header.buttons["records"].isEnabled()


def test_input_during_the_warning_keeps_the_screen(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(idle_ms=500, warning_ms=300, tick_ms=50)
    sign_in(qtbot, window, *CLERK)
    qtbot.waitUntil(window.idle_warning.isVisible, timeout=3000)
    qtbot.keyClick(window.wizard.field, Qt.Key.Key_Shift)
    assert not window.idle_warning.isVisible()
    assert not window.is_locked()


def test_unlock_only_for_the_same_operator(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    sign_in(qtbot, window, *CLERK)
    window.lock()
    lock = window.lock_screen
    qtbot.keyClicks(lock.password, SUPERVISOR[1])  # the supervisor's password is not the clerk's
    qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not lock.error.isHidden(), timeout=5000)
    assert window.is_locked()


def test_unlock_returns_to_the_records_with_their_results(
    qtbot: QtBot, make_window: WindowFactory, registered: Registered
) -> None:
    window = make_window()
    sign_in(qtbot, window, *CLERK)
    window.show_records(registered.ok_filing_no)
    records = window.records_screen
    qtbot.waitUntil(lambda: records.table.rowCount() == 2, timeout=5000)
    window.lock()
    assert not records.isVisible()
    lock = window.lock_screen
    qtbot.keyClicks(lock.password, CLERK[1])
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    assert records.isVisible()
    assert records.query.text() == registered.ok_filing_no
    assert records.table.rowCount() == 2


def test_switch_user_signs_out_and_clears_the_household(
    qtbot: QtBot, make_window: WindowFactory, registered: Registered
) -> None:
    window = make_window()
    sign_in(qtbot, window, *CLERK)
    window.wizard.field.setText("张秀英")
    window.show_records(registered.ok_filing_no)
    qtbot.waitUntil(lambda: window.records_screen.table.rowCount() == 2, timeout=5000)
    window.lock()
    qtbot.mouseClick(window.lock_screen.switch_user, Qt.MouseButton.LeftButton)

    assert window.stack.currentWidget() is window.login_screen
    assert window.current_operator() is None
    assert window.wizard.field.text() == "" and window.wizard.resets == 1
    assert window.records_screen.table.rowCount() == 0
    assert window.records_screen.query.text() == ""
    assert window.header.operator.text() == ""
    assert not window.header.buttons["records"].isVisible()
    assert window.login_screen.username.text() == ""
    sign_in(qtbot, window, *SUPERVISOR)
    assert window.header.operator.text() == "李建国（主管）"
