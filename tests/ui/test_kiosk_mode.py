"""Kiosk mode: a fullscreen window only a supervisor closes (audited); a fault goes back to the sign-in, work kept."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.config import Config, from_dict
from kiosk.log_setup import MaskingFormatter, PrivateLogFile
from kiosk.platform.speech import NullSpeechEngine
from kiosk.services.container import Services
from kiosk.services.deferred import Deferred
from kiosk.storage import tables as t
from kiosk.ui.kiosk_mode import LeaveKioskDialog
from kiosk.ui.main_window import MainWindow
from kiosk.ui.registration.wizard import CounterWizard
from tests.builders import CLERK, SUPERVISOR, World
from tests.fakes import MovableClock
from tests.ui.conftest import FakeWizard, Hold, sign_in


@pytest.fixture
def kiosk_config(config: Config) -> Config:
    return replace(config, kiosk_mode=True)


def _window(
    qtbot: QtBot, hold: Hold, services: Services, config: Config, clock: MovableClock, **kw
) -> MainWindow:
    window = MainWindow(Deferred.of(services), kw.pop("speech", None), config, clock=clock, **kw)
    hold(window)
    window.resize(1366, 820)
    window.present()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def kiosk_window(
    qtbot: QtBot, hold: Hold, services: Services, kiosk_config: Config, world: World, clock: MovableClock
) -> MainWindow:
    return _window(qtbot, hold, services, kiosk_config, clock, wizard_factory=FakeWizard)


def _audited(built: Built, action: str) -> list[str]:
    """Whose name each audit entry of ``action`` carries."""
    with built.uow() as uow:
        return list(uow.session.scalars(select(t.AuditEntry.subject).where(t.AuditEntry.action == action)))


def test_kiosk_mode_is_read_from_the_configuration() -> None:
    assert from_dict({"kiosk_mode": True}).kiosk_mode is True
    assert from_dict({}).kiosk_mode is False
    with pytest.raises(Exception, match="kiosk_mode"):
        from_dict({"kiosk_mode": "yes"})


def test_the_window_fills_the_screen_frameless_on_top_without_a_close_button(
    kiosk_window: MainWindow,
) -> None:
    flags = kiosk_window.windowFlags()
    assert kiosk_window.isFullScreen()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert not flags & Qt.WindowType.WindowCloseButtonHint


def test_without_kiosk_mode_the_window_is_an_ordinary_one(
    qtbot: QtBot, hold: Hold, services: Services, config: Config, world: World, clock: MovableClock
) -> None:
    window = _window(qtbot, hold, services, config, clock, wizard_factory=FakeWizard)
    assert not window.isFullScreen()
    assert not window.windowFlags() & Qt.WindowType.FramelessWindowHint
    event = QCloseEvent()
    window.closeEvent(event)
    assert event.isAccepted()


class KeysSeen(QObject):
    """Records the keys that reach a widget (its own filters run after the application's)."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[int] = []

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self.keys.append(event.key())
        return False


def test_the_window_managers_close_alt_f4_and_esc_do_nothing(qtbot: QtBot, kiosk_window: MainWindow) -> None:
    event = QCloseEvent()
    QApplication.sendEvent(kiosk_window, event)
    assert not event.isAccepted()
    assert not kiosk_window.close()
    seen = KeysSeen()
    field = kiosk_window.login_screen.username
    field.installEventFilter(seen)
    qtbot.keyClick(field, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    qtbot.keyClick(kiosk_window, Qt.Key.Key_Escape)
    field.removeEventFilter(seen)
    # Alt+F4 never reaches a widget (the Alt alone does); Esc does, and keeps its meaning there.
    assert Qt.Key.Key_F4 not in seen.keys and Qt.Key.Key_Escape in seen.keys
    assert kiosk_window.isVisible() and kiosk_window.isFullScreen()
    assert kiosk_window.stack.currentWidget() is kiosk_window.login_screen


def _leave(qtbot: QtBot, window: MainWindow, username: str, password: str) -> LeaveKioskDialog:
    """Type a name and password into the leave dialog (opened by its shortcut) and Enter; the dialog, refused."""
    if window.kiosk.dialog is None:
        keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        qtbot.keyClick(window, Qt.Key.Key_Q, keys)
    dialog = window.kiosk.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.username.setText(username)
    dialog.password.setText(password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.leave.isEnabled(), timeout=5000)
    return dialog


def test_a_clerk_cannot_leave_kiosk_mode_a_supervisor_can_and_it_is_audited(
    qtbot: QtBot, kiosk_window: MainWindow, built: Built, screenshot
) -> None:
    dialog = _leave(qtbot, kiosk_window, *CLERK)
    assert dialog.isVisible() and kiosk_window.isVisible()
    assert "不是主管" in dialog.error.text()
    assert _audited(built, "leave_kiosk_mode_refused") == [CLERK[0]]
    screenshot(dialog, "kiosk-leave-dialog")

    dialog = _leave(qtbot, kiosk_window, SUPERVISOR[0], "not-the-password")
    assert dialog.isVisible() and "用户名或密码不正确" in dialog.error.text()
    assert kiosk_window.isVisible()

    dialog.username.setText(SUPERVISOR[0])
    dialog.password.setText(SUPERVISOR[1])
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.approver is not None and dialog.approver.username == SUPERVISOR[0]
    qtbot.waitUntil(lambda: not kiosk_window.isVisible(), timeout=5000)
    assert _audited(built, "leave_kiosk_mode") == [SUPERVISOR[0]]


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The counter's own log file, as app.main() sets it up."""
    path = tmp_path / "kiosk.log"
    handler = PrivateLogFile(path, encoding="utf-8")
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    handler.close()


class SlotDefect(RuntimeError):
    pass


def test_an_error_in_a_slot_goes_back_to_the_sign_in_with_the_households_draft_kept(
    qtbot: QtBot,
    hold: Hold,
    services: Services,
    kiosk_config: Config,
    world: World,
    clock: MovableClock,
    log_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    screenshot,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back whatever was there after the test
    window = _window(qtbot, hold, services, kiosk_config, clock, speech=NullSpeechEngine())
    window.faults.install()
    sign_in(qtbot, window, *CLERK)
    wizard = window.wizard
    assert isinstance(wizard, CounterWizard)
    filing_no, id_number = world.households["ok"]
    qtbot.keyClicks(wizard.identify.filing_edit, filing_no)
    qtbot.keyClick(wizard.identify.filing_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(wizard.identify.id_edit, id_number)
    qtbot.keyClick(wizard.identify.id_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.state.household is not None, timeout=5000)
    household = wizard.state.household

    def defective_slot() -> None:
        raise SlotDefect("a defect in a slot")

    window.header.bigger.clicked.connect(defective_slot)
    with qtbot.waitSignal(window.faults.recovered, timeout=5000):
        qtbot.mouseClick(window.header.bigger, Qt.MouseButton.LeftButton)

    assert window.stack.currentWidget() is window.login_screen
    shown = window.message_bar.text_label.text()
    assert "系统出了点问题" in shown and "没有丢失" in shown
    assert "Traceback" not in shown and "SlotDefect" not in shown
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "SlotDefect: a defect in a slot" in logged and "defective_slot" in logged
    screenshot(window, "kiosk-fault-back-to-sign-in")

    window.header.bigger.clicked.disconnect(defective_slot)
    sign_in(qtbot, window, *CLERK)
    assert window.stack.currentWidget() is wizard
    assert wizard.state.household == household
    assert wizard.identify.filing_edit.text() == filing_no
    assert window.message_bar.isHidden()


def test_a_service_refusal_in_a_slot_stays_a_banner_on_the_page(
    qtbot: QtBot, kiosk_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk_core.errors import InvalidInput

    shown: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _t, exc, _tb: shown.append(exc))
    kiosk_window.faults.install()
    sign_in(qtbot, kiosk_window, *CLERK)
    refusal = InvalidInput("身份证号码格式不对")
    sys.excepthook(InvalidInput, refusal, None)
    assert shown == [refusal]  # the hook before it (messages' banner) has it
    assert kiosk_window.stack.currentWidget() is not kiosk_window.login_screen
