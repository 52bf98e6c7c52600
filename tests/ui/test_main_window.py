"""The main window: header, text size, keyboard shortcuts, the theme's contrast, and `kiosk` starting for real."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.app import _build, mask_personal
from kiosk.bootstrap import Built
from kiosk.config import RESOURCES, Config
from kiosk.services.clock import system_clock
from kiosk.services.container import Services
from kiosk.services.deferred import Deferred
from kiosk.ui import theme
from kiosk.ui.main_window import MainWindow
from tests.builders import CLERK
from tests.ui.conftest import BASE_PT, FakeWizard, Registered, WindowFactory, sign_in
from tests.ui.focus import assert_focus_visible

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot: QtBot, make_window: WindowFactory) -> MainWindow:
    w = make_window()
    sign_in(qtbot, w, *CLERK)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    return w


def test_header_shows_counter_operator_and_time(window: MainWindow, screenshot) -> None:
    header = window.header
    assert header.counter.text() == "第1号窗口"
    assert header.operator.text() == "王晓梅（办事员）"
    assert re.match(r"\d{2}-\d{2} \d{2}:\d{2}$", header.clock.text())
    assert [b.text() for b in (header.buttons["records"], header.buttons["registration"], header.logout)] == [
        "登记记录",
        "下一户",
        "退出登录",
    ]
    assert window.stack.currentWidget() is window.wizard
    screenshot(window, "main-window")


def test_signed_out_window_offers_only_the_login(make_window: WindowFactory, screenshot) -> None:
    window = make_window()
    assert window.stack.currentWidget() is window.login_screen
    assert not window.header.buttons["records"].isVisible() and not window.header.logout.isVisible()
    window.show_records()
    window.next_household()
    assert window.stack.currentWidget() is window.login_screen
    screenshot(window, "main-window-login")


def test_text_size_buttons_scale_every_screen(qtbot: QtBot, window: MainWindow, screenshot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    label = window.records_screen.summary  # a screen's text: grows without limit
    header_label = window.header.counter  # the header's text: grows up to a cap
    button_height = window.records_screen.reprint.minimumSizeHint().height()
    assert label.font().pointSize() == round(BASE_PT * 1.2)
    qtbot.mouseClick(window.header.bigger, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.header.bigger, Qt.MouseButton.LeftButton)
    assert theme.current_pt(app) == app.font().pointSize() == BASE_PT + 4
    qtbot.waitUntil(lambda: label.font().pointSize() == round((BASE_PT + 4) * 1.2), timeout=2000)
    assert window.records_screen.reprint.minimumSizeHint().height() > button_height  # targets grow too
    assert header_label.font().pointSize() == theme.HEADER_MAX_PT
    screenshot(window, "main-window-bigger-text")
    for _ in range(20):
        window.change_text_size(+theme.STEP_PT)
    assert theme.current_pt(app) == theme.MAX_PT and not window.header.bigger.isEnabled()
    for _ in range(20):
        qtbot.mouseClick(window.header.smaller, Qt.MouseButton.LeftButton)
    assert theme.current_pt(app) == theme.MIN_PT and not window.header.smaller.isEnabled()


def test_f3_opens_records_esc_goes_back_f2_starts_the_next_household(
    qtbot: QtBot, window: MainWindow, registered: Registered
) -> None:
    qtbot.keyClick(window.wizard.field, Qt.Key.Key_F3)
    assert window.stack.currentWidget() is window.records_screen
    records = window.records_screen
    records.search(registered.ok_filing_no)
    qtbot.waitUntil(lambda: records.table.rowCount() == 2, timeout=5000)
    qtbot.keyClick(records.query, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.wizard
    assert records.table.rowCount() == 2  # going back keeps the search

    window.wizard.field.setText("上一户的资料")
    qtbot.keyClick(window.wizard.field, Qt.Key.Key_F2)
    assert window.wizard.resets == 1 and window.wizard.field.text() == ""
    assert records.table.rowCount() == 0  # nothing of the last household left in the records either
    assert window.stack.currentWidget() is window.wizard


def test_the_wizard_opens_records_for_its_household(
    qtbot: QtBot, window: MainWindow, registered: Registered
) -> None:
    window.wizard.records_requested.emit(registered.ok_filing_no)
    assert window.stack.currentWidget() is window.records_screen
    qtbot.waitUntil(lambda: window.records_screen.table.rowCount() == 2, timeout=5000)
    qtbot.mouseClick(window.records_screen.back, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.wizard


def test_shortcuts_do_nothing_while_locked(qtbot: QtBot, window: MainWindow) -> None:
    window.lock()
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_F3)
    qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_F2)
    assert window.is_locked()
    assert window.wizard.resets == 0


def test_logout_button_clears_and_returns_to_login(qtbot: QtBot, window: MainWindow) -> None:
    window.wizard.field.setText("张秀英")
    qtbot.mouseClick(window.header.logout, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.login_screen
    assert window.wizard.field.text() == "" and window.current_operator() is None


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize(("fg", "bg"), theme.CONTRAST_PAIRS)
def test_theme_colours_reach_wcag_aa(fg: str, bg: str) -> None:
    colours = json.loads((RESOURCES / "theme" / "colors.json").read_text(encoding="utf-8"))
    light, dark = sorted((_luminance(colours[fg]), _luminance(colours[bg])), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5, f"{fg} on {bg}"


def test_theme_sizes_follow_the_text_size() -> None:
    assert "min-height: 56px" in theme.stylesheet(20)
    assert "min-height: 84px" in theme.stylesheet(30)


def test_log_lines_never_hold_a_full_id_or_phone() -> None:
    line = "identify BA2024000001 11010519410109305X phone 13800138000 tel 01065001234 at 2026-11-24"
    masked = mask_personal(line)
    assert "11010519410109305X" not in masked and "1101**********305X" in masked
    assert "13800138000" not in masked and "138****8000" in masked
    assert "01065001234" not in masked
    assert "BA2024000001" in masked and "2026-11-24" in masked


def test_kiosk_starts_with_demo_data_and_saves_its_first_frame(tmp_path: Path) -> None:
    shot = Path(os.environ["KIOSK_SCREENSHOTS"]) / "app-first-frame.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    args = ["--data-dir", str(tmp_path), "--demo", "--screenshot", str(shot)]
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert shot.stat().st_size > 10_000
    log = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "first frame" in log
    assert not re.search(r"\d{17}[\dX]", log)


def test_window_works_on_services_built_after_the_first_frame(
    qtbot: QtBot, hold, config: Config, services: Services, world
) -> None:
    builds: list[Built] = []

    def build() -> Built:
        builds.append(_build(config, system_clock, demo=False))
        return builds[-1]

    root: Deferred[Built] = Deferred(build)
    window = MainWindow(root.map(lambda built: built.services), None, config, wizard_factory=FakeWizard)
    hold(window)
    window.show()
    assert root.built is None  # the login screen is up before any of the service layer
    sign_in(qtbot, window, *CLERK)  # the first call builds it on the database lane
    assert len(builds) == 1 and window.header.operator.text() == "王晓梅（办事员）"
    window.prepare()  # every page, from the same build
    window.lock()
    qtbot.keyClicks(window.lock_screen.password, CLERK[1])
    with qtbot.waitSignal(window.lock_screen.unlocked, timeout=5000):
        qtbot.keyClick(window.lock_screen.password, Qt.Key.Key_Return)
    assert len(builds) == 1
    builds[0].engine.dispose()


def test_login_records_and_lock_open_with_the_focus_visible_on_their_field(
    qtbot: QtBot, make_window: WindowFactory, registered: Registered
) -> None:
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.login_screen.username)
    assert_focus_visible(window.login_screen.username)
    sign_in(qtbot, window, *CLERK)
    qtbot.keyClick(window.wizard.field, Qt.Key.Key_F3)
    assert QApplication.focusWidget() is window.records_screen.query  # ready for a scan
    assert_focus_visible(window.records_screen.query)
    window.lock()
    assert QApplication.focusWidget() is window.lock_screen.password
    assert_focus_visible(window.lock_screen.password)
