"""The shell: a workflow is one registry entry (page, header button, shortcut), and the wizard's steps are data."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.config import Config
from kiosk.services.container import Services
from kiosk.services.deferred import Deferred
from kiosk.ui import theme
from kiosk.ui.main_window import MainWindow
from kiosk.ui.registration.steps import STEPS, path
from kiosk.ui.workflows import HeaderButton, Navigator, Workflow, WorkflowContext, registered
from kiosk_core.model import PlanKind
from tests.builders import CLERK, SUPERVISOR, World
from tests.ui.conftest import (
    FakeWizard,
    Hold,
    WindowFactory,
    sign_in,
)


class DrawConsole(QWidget):
    """A stand-in for the lottery console: a page with a back button and a household to forget."""

    def __init__(self) -> None:
        super().__init__()
        self.back = QPushButton("返回")
        self.pool = QLabel()
        QVBoxLayout(self).addWidget(self.back)
        self.resets = 0
        self.back_requested = self.back.clicked

    def reset(self) -> None:
        self.resets += 1
        self.pool.clear()


def _console(_context: WorkflowContext) -> QWidget:
    return DrawConsole()


def _show_pool(page: QWidget, argument: str) -> None:
    assert isinstance(page, DrawConsole)
    page.pool.setText(argument)


LOTTERY = Workflow(
    name="lottery",
    title="Lottery",
    open=_console,
    button=HeaderButton("Lottery", "openLottery", shortcut="F6"),
    supervisor_only=True,
    show=_show_pool,
)


def shell(qtbot: QtBot, hold: Hold, services: Services, config: Config) -> MainWindow:
    home = next(w for w in registered() if w.home)
    window = MainWindow(
        Deferred.of(services), None, config, workflows=(LOTTERY, home), wizard_factory=FakeWizard
    )
    hold(window)
    window.resize(1366, 820)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_new_workflow_is_one_registry_entry(
    qtbot: QtBot, hold: Hold, services: Services, config: Config, world: World
) -> None:
    window = shell(qtbot, hold, services, config)
    sign_in(qtbot, window, *CLERK)
    assert not window.header.menu_actions["lottery"].isVisible()  # supervisors only, by the menu or by key
    qtbot.keyClick(window.wizard, Qt.Key.Key_F6)
    window.open("lottery")
    assert window.stack.currentWidget() is window.wizard
    window.logout()
    sign_in(qtbot, window, *SUPERVISOR)
    entry = window.header.menu_actions["lottery"]  # a supervisor's workflow is in their menu
    assert window.header.menu.isVisible() and entry in window.header.menu_list.actions() and entry.isVisible()
    assert entry.objectName() == "openLottery" and entry.text() == "Lottery\tF6"

    entry.trigger()
    console = window.page("lottery")
    assert isinstance(console, DrawConsole) and window.stack.currentWidget() is console
    window.open("lottery", "Q2611 一居室")
    assert console.pool.text() == "Q2611 一居室"
    qtbot.mouseClick(console.back, Qt.MouseButton.LeftButton)  # back_requested leads home
    assert window.stack.currentWidget() is window.wizard

    window.open("lottery")
    qtbot.keyClick(console, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.wizard
    qtbot.keyClick(window.wizard, Qt.Key.Key_F6)
    assert window.stack.currentWidget() is console
    window.next_household()  # every page forgets the last household
    assert console.resets == 1 and console.pool.text() == "" and window.stack.currentWidget() is window.wizard


def test_a_workflow_page_asks_the_shell_for_another(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    sign_in(qtbot, window, *CLERK)
    navigator: Navigator = window
    navigator.open("records", "BA2024000099")
    assert window.stack.currentWidget() is window.records_screen
    assert window.records_screen.query.text() == "BA2024000099"
    navigator.go_back()
    assert window.stack.currentWidget() is window.wizard


def test_the_supervisors_header_fits_a_1366_screen_at_the_largest_text(
    qtbot: QtBot, make_window: WindowFactory, screenshot
) -> None:
    window = make_window()
    window.resize(1366, 768)
    sign_in(qtbot, window, *SUPERVISOR)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window.change_text_size(theme.MAX_PT - theme.current_pt(app))
    qtbot.waitUntil(lambda: window.header.menu.isVisible())
    header = window.header
    shown = [b for b in header.findChildren(QPushButton) if b.isVisible()]
    # None squeezed, once the new text size is laid out.
    qtbot.waitUntil(lambda: [b.text() for b in shown if b.width() < b.sizeHint().width()] == [], timeout=5000)
    boxes = [QRect(b.mapTo(window, QPoint(0, 0)), b.size()) for b in shown]
    assert all(window.rect().contains(box) for box in boxes)
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    screenshot(window, "shell_supervisor_header_largest_text")


def test_the_two_plan_kinds_are_two_paths_through_one_step_list() -> None:
    quick = [s.name for s in path(STEPS, PlanKind.QUICK)]
    realtime = [s.name for s in path(STEPS, PlanKind.REALTIME)]
    assert quick == ["identify", "plans", "projects", "notice", "review", "done"]
    assert realtime == ["identify", "plans", "units", "notice", "review", "done"]
    assert [s.name for s in path(STEPS, None)] == quick  # until a plan is chosen
    assert [s.name for s in STEPS if not s.back] == ["done"]  # a registration made is not undone by Esc


def test_every_workflow_page_is_built_before_anyone_signs_in(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    # The app prepares every page behind the login screen (kiosk/app.py); the lottery console once read its
    # plans as it was built and failed there, so the demo opened on an error.
    window = make_window()
    window.prepare()
    assert all(window.page(workflow.name) is not None for workflow in registered())
    sign_in(qtbot, window, *SUPERVISOR)
    window.open("lottery")
    assert window.stack.currentWidget() is window.page("lottery")
