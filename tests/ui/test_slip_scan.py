"""A slip's QR scanned at the counter, wherever the cursor is, opens Records on its check."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Config
from kiosk.platform.speech import NullSpeechEngine
from kiosk.services.container import Services
from kiosk.services.deferred import Deferred
from kiosk.ui.main_window import MainWindow
from tests.builders import CLERK, World
from tests.ui.conftest import Hold, Registered, sign_in


@pytest.fixture
def window(qtbot: QtBot, hold: Hold, services: Services, config: Config, world: World) -> MainWindow:
    """The main window with the real counter wizard, signed in."""
    w = MainWindow(Deferred.of(services), NullSpeechEngine(), config, idle_ms=600_000, warning_ms=60_000)
    hold(w)
    w.resize(1366, 820)
    w.show()
    qtbot.waitExposed(w)
    sign_in(qtbot, w, *CLERK)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    return w


def scan(qtbot: QtBot, text: str) -> None:
    """A keyboard-wedge scanner: every character to whatever has the focus, then Enter."""
    for char in text:
        focused = QApplication.focusWidget()
        assert isinstance(focused, QWidget)
        qtbot.keyClicks(focused, char)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


@pytest.mark.parametrize("field", ["filingEdit", "idEdit"])
def test_a_slip_qr_scanned_on_the_identify_screen_opens_its_check(
    qtbot: QtBot, window: MainWindow, registered: Registered, field: str, screenshot
) -> None:
    identify = window.wizard.identify  # type: ignore[attr-defined]
    target = identify.filing_edit if field == "filingEdit" else identify.id_edit
    target.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is target, timeout=2000)
    scan(qtbot, registered.quick.qr_payload)
    assert window.stack.currentWidget() is window.records_screen
    verdict = window.records_screen.verdict
    qtbot.waitUntil(verdict.isVisible, timeout=5000)
    assert verdict.text().startswith("回执核验：真实有效")
    assert window.records_screen.error.isHidden()
    assert identify.message.isHidden() and target.text() == ""  # no "备案编号格式不对" left behind
    screenshot(window, "slip-scanned-at-identify")


def test_a_filing_number_still_goes_on_to_the_id_field(
    qtbot: QtBot, window: MainWindow, registered: Registered
) -> None:
    identify = window.wizard.identify  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is identify.filing_edit, timeout=2000)
    scan(qtbot, registered.ok_filing_no)
    assert QApplication.focusWidget() is identify.id_edit
    assert window.stack.currentWidget() is window.wizard
