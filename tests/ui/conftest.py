"""UI tests: real services on a SQLite file in tmp_path, the shipped font, the theme and the Chinese translation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.bootstrap import Built, build_services
from kiosk.config import Config
from kiosk.services.container import Services
from kiosk.services.deferred import Deferred
from kiosk.services.views import OperatorSession, RegistrationDraft, RegistrationView, UnitFilter
from kiosk.storage import tables as t
from kiosk.ui import i18n, theme
from kiosk.ui.main_window import MainWindow
from kiosk.ui.workers import wait_for_lanes
from tests.builders import CLERK, NOW, SUPERVISOR, World, build_world
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock
from tests.privacy_scan import screenshot_folder
from tests.ui.screen_text import save_text_layer

BASE_PT = 20
# An elderly applicant whose ID ends in X: staff often type it as a lower-case x.
ELDER = ("BA2024000099", "11010519410109305X")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The offscreen platform warns "does not support propagateSizeHints()" for every top-level window with a
    # layout; harmless, and the only Qt warning these tests tolerate.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))


@pytest.fixture(scope="session", autouse=True)
def kiosk_look(qapp: QApplication) -> Iterator[None]:
    """What app.main() does before the first window: shipped CJK font, the theme, Chinese UI."""
    family = theme.load_font()
    assert family, "the shipped font kiosk_resources/fonts/wqy-microhei.ttc did not load"
    theme.apply(qapp, BASE_PT, family)
    translators = i18n.install_translator(qapp, "zh_CN")
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


@pytest.fixture(autouse=True)
def base_text_size(qapp: QApplication) -> Iterator[None]:
    yield
    if theme.current_pt(qapp) != BASE_PT:
        theme.apply(qapp, BASE_PT)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(data_dir=tmp_path)


@pytest.fixture
def built(config: Config, clock: MovableClock, printer: FakePrinter) -> Iterator[Built]:
    b = build_services(config, printer, clock, CHEAP_HASHER)
    yield b
    # Workers still running would touch a closed database (or a deleted folder) after the test.
    wait_for_lanes(10_000)
    b.engine.dispose()


@pytest.fixture
def services(built: Built) -> Services:
    return built.services


@pytest.fixture
def world(built: Built) -> World:
    uow = built.uow
    w = build_world(uow, built.services.auth)
    with uow() as u:
        u.session.add(
            t.Household(
                filing_no=ELDER[0],
                applicant_name="张淑兰",
                applicant_id_number=ELDER[1],
                district="朝阳区",
                status="valid",
                valid_until=date(2028, 1, 1),
                phone="01065001234",
            )
        )
        u.commit()
    return w


@pytest.fixture
def clerk(services: Services, world: World) -> OperatorSession:
    return services.auth.login(*CLERK)


@pytest.fixture
def supervisor_credentials() -> tuple[str, str]:
    return SUPERVISOR


@dataclass(frozen=True)
class Registered:
    realtime: RegistrationView  # household "ok", a concrete unit in R2611
    quick: RegistrationView  # household "ok", 一居室 in Q2611
    elder: RegistrationView  # the elderly applicant (ID ending in X), Q2611
    ok_id_number: str
    ok_filing_no: str
    elder_id_number: str = ELDER[1]


def register(
    services: Services, operator: OperatorSession, filing_no: str, id_no: str, plan_id: int, realtime: bool
) -> RegistrationView:
    """Through the real services, as the counter does: identify, look at the catalog, register."""
    household = services.households.identify(filing_no, id_no)
    notice = services.catalog.notice(plan_id)
    if realtime:
        unit = services.catalog.unit_options(household.id, plan_id, UnitFilter(only_available=True))[0]
        project_id, type_id, unit_id = unit.project_id, unit.unit_type_id, unit.id
    else:
        project = services.catalog.project_options(household.id, plan_id)[0]
        unit_type = next(x for x in project.unit_types if x.available)
        project_id, type_id, unit_id = project.id, unit_type.id, None
    draft = RegistrationDraft(
        household.id, plan_id, project_id, type_id, unit_id, notice.version, notice_ack_at=NOW
    )
    return services.registration.register(draft, operator)


@pytest.fixture
def registered(services: Services, world: World, clerk: OperatorSession) -> Registered:
    filing_no, id_no = world.households["ok"]
    return Registered(
        realtime=register(services, clerk, filing_no, id_no, world.realtime_plan, realtime=True),
        quick=register(services, clerk, filing_no, id_no, world.quick_plan, realtime=False),
        elder=register(services, clerk, ELDER[0], ELDER[1], world.quick_plan, realtime=False),
        ok_id_number=id_no,
        ok_filing_no=filing_no,
    )


@pytest.fixture
def screenshot() -> Callable[[QWidget, str], Path]:
    """``screenshot(widget, "name")`` saves name.png for a person to look at (KIOSK_SCREENSHOTS), and its text
    layer name.png.txt for the privacy scan."""
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)

    def save(widget: QWidget, name: str) -> Path:
        path = folder / f"{name}.png"
        QApplication.sendPostedEvents()  # pending layout requests, after a text-size change for instance
        assert widget.grab().save(str(path)), f"could not save {path}"
        save_text_layer(widget, path)
        return path

    return save


class FakeWizard(QWidget):
    """Stands in for CounterWizard: one field of household data, ``reset()`` and ``records_requested``."""

    records_requested = Signal(str)

    def __init__(self, services: Services, speech: object, operator_getter: object, parent: QWidget):
        super().__init__(parent)
        self.operator_getter = operator_getter
        self.field = QLineEdit()
        self.field.setObjectName("householdField")
        QVBoxLayout(self).addWidget(self.field)
        self.resets = 0
        self.setFocusProxy(self.field)

    def reset(self) -> None:
        self.resets += 1
        self.field.clear()


WindowFactory = Callable[..., MainWindow]
Hold = Callable[[QWidget], QWidget]


@pytest.fixture
def hold(qtbot: QtBot) -> Iterator[Hold]:
    """``qtbot.addWidget`` plus a strong reference until teardown.

    qtbot keeps only weak references: a screen the test no longer names would go whenever the collector
    runs, and its answers from the lanes with it.
    """
    kept: list[QWidget] = []

    def add(widget: QWidget) -> QWidget:
        qtbot.addWidget(widget)
        kept.append(widget)
        return widget

    yield add
    kept.clear()


@pytest.fixture
def make_window(
    qtbot: QtBot, hold: Hold, services: Services, config: Config, world: World, clock: MovableClock
) -> WindowFactory:
    """A shown MainWindow with FakeWizard; idle timings in ms (long unless a test asks otherwise)."""

    def make(idle_ms: int = 600_000, warning_ms: int = 60_000, tick_ms: int = 1000) -> MainWindow:
        window = MainWindow(
            Deferred.of(services),
            None,
            config,
            clock=clock,
            wizard_factory=FakeWizard,
            idle_ms=idle_ms,
            warning_ms=warning_ms,
            tick_ms=tick_ms,
        )
        hold(window)
        window.resize(1366, 820)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def sign_in(qtbot: QtBot, window: MainWindow, username: str, password: str) -> None:
    login = window.login_screen
    qtbot.keyClicks(login.username, username)
    qtbot.keyClicks(login.password, password)
    with qtbot.waitSignal(login.logged_in, timeout=5000):
        qtbot.mouseClick(login.sign_in, Qt.MouseButton.LeftButton)
