"""Fixtures for the counter-flow UI tests: the demo cache, a wizard on it, counted staff actions, screenshots.

Test modules import them with ``from tests.ui.flow_fixtures import *``; the look (font, theme, Chinese) comes
from tests/ui/conftest.py.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.bootstrap import build_services
from kiosk.config import RESOURCES, Config
from kiosk.platform.speech import NullSpeechEngine, SpeechEngine
from kiosk.services.clock import system_clock
from kiosk.services.container import Services
from kiosk.services.demo_data import load_demo
from kiosk.services.views import OperatorSession, RegistrationDraft, RegistrationView, UnitFilter
from kiosk.ui.registration.screens import Screen
from kiosk.ui.registration.screens.plan_screen import PlanCard
from kiosk.ui.registration.wizard import CounterWizard
from kiosk.ui.workers import wait_for_lanes
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.privacy_scan import screenshot_folder
from tests.ui.screen_text import save_text_layer

__all__ = [
    "SHOWCASE",
    "Counter",
    "Staff",
    "applicant_with_x",
    "identify",
    "plan_card",
    "register_directly",
    "counter",
    "demo_db",
    "member_id_of",
    "save_screenshot",
    "speech",
    "staff",
    "wizard",
]

_DEMO = json.loads((RESOURCES / "demo" / "households.json").read_text(encoding="utf-8"))
SHOWCASE: dict[str, dict[str, object]] = _DEMO["showcase"]
CLERK = ("clerk1", "kiosk-demo-1")
DOC_WIDTH = 1000
SIZE = (1600, 900)  # the wizard's part of a 1600×1000 counter screen, under the main window's header


def member_id_of(filing_no: str) -> tuple[str, str]:
    """(relation, id_number) of the first member of a demo household."""
    household = next(h for h in _DEMO["households"] if h["filing_no"] == filing_no)
    member = household["members"][0]
    return member["relation"], member["id_number"]


def applicant_with_x() -> tuple[str, str]:
    """(filing_no, applicant ID) of a valid demo household whose applicant's ID ends in X."""
    household = next(
        h
        for h in _DEMO["households"]
        if h["status"] == "valid"
        and h.get("valid_until_days", 0) > 30
        and h["applicant_id_number"].endswith("X")
    )
    return household["filing_no"], household["applicant_id_number"]


@dataclass
class Counter:
    services: Services
    printer: FakePrinter
    operator: OperatorSession
    config: Config


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, OperatorSession]:
    """The demo data loaded once (Argon2 hashing of the demo accounts is slow); each test gets a copy."""
    folder = tmp_path_factory.mktemp("demo-cache")
    built = build_services(Config(data_dir=folder), FakePrinter())
    load_demo(
        built.uow,
        now=system_clock(),
        resources=RESOURCES,
    )
    operator = built.services.auth.login(*CLERK)
    built.engine.dispose()  # closes the connections, checkpointing the WAL into the file we copy
    return Config(data_dir=folder).database_path, operator


@pytest.fixture
def counter(demo_db: tuple[Path, OperatorSession], tmp_path: Path) -> Iterator[Counter]:
    source, operator = demo_db
    config = Config(data_dir=tmp_path)
    config.database_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, config.database_path)
    printer = FakePrinter()
    built = build_services(config, printer, hasher=CHEAP_HASHER)
    yield Counter(built.services, printer, operator, config)
    built.engine.dispose()


@pytest.fixture
def speech() -> SpeechEngine:
    return NullSpeechEngine()


@pytest.fixture
def wizard(qtbot: QtBot, counter: Counter, speech: SpeechEngine) -> Iterator[CounterWizard]:
    widget = CounterWizard(counter.services, speech, lambda: counter.operator)
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    yield widget
    # Let workers finish before the widgets go: their results must not land on deleted screens.
    wait_for_lanes(10_000)
    QApplication.processEvents()


class Staff:
    """A clerk at the counter: every scan, typed field + Enter, key press or click is one counted action."""

    def __init__(self, qtbot: QtBot, wizard: CounterWizard):
        self.qtbot = qtbot
        self.wizard = wizard
        self.actions = 0
        self.log: list[str] = []
        self.screens: list[Screen] = [wizard.current_screen()]
        wizard.stack.currentChanged.connect(self._on_screen_changed)

    def _on_screen_changed(self, _index: int) -> None:
        screen = self.wizard.current_screen()
        if screen is not self.screens[-1]:
            self.screens.append(screen)

    def _count(self, what: str) -> None:
        self.actions += 1
        self.log.append(what)

    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def _keys(self, text: str) -> None:
        # Each key goes wherever the focus is at that moment, as with a real keyboard.
        for char in text:
            self.qtbot.keyClicks(self.focused(), char)
        self.qtbot.keyClick(self.focused(), Qt.Key.Key_Return)

    def scan(self, text: str) -> None:
        """A keyboard-wedge scanner: it types into whatever has the focus, then Enter."""
        self._keys(text)
        self._count(f"scan {text}")

    def type_and_enter(self, text: str) -> None:
        """Typing into the focused field and Enter: one action."""
        self._keys(text)
        self._count(f"type {text} + Enter")

    def type_via_ime_and_enter(self, text: str) -> None:
        """Text from an input method (full-width digits, for one): committed as a whole, then Enter."""
        target = self.focused()
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(target, event)
        self.qtbot.keyClick(target, Qt.Key.Key_Return)
        self._count(f"type {text} (input method) + Enter")

    def press(self, key: Qt.Key = Qt.Key.Key_Return) -> None:
        self.qtbot.keyClick(self.focused(), key)
        self._count(f"key {key.name}")

    def click(self, widget: QWidget) -> None:
        assert widget.isVisible(), f"{widget.objectName() or widget} is not on screen"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self._count(f"click {widget.objectName() or type(widget).__name__}")


@pytest.fixture
def staff(qtbot: QtBot, wizard: CounterWizard) -> Staff:
    return Staff(qtbot, wizard)


def save_screenshot(widget: QWidget, name: str, doc_name: str = "") -> Path:
    """Save ``name``.png into KIOSK_SCREENSHOTS (default tests/screenshots, git-ignored).

    With ``doc_name`` and KIOSK_DOC_IMAGES set (``KIOSK_DOC_IMAGES=docs/img``), also a copy at most
    1000 px wide for docs/counter-flow.md.
    """
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    QApplication.processEvents()  # pending layout requests first, as a person would see the screen
    image = widget.grab().toImage()
    assert image.save(str(path)), f"could not save {path}"
    save_text_layer(widget, path)  # what the privacy scan reads
    docs = os.environ.get("KIOSK_DOC_IMAGES")
    if doc_name and docs:
        Path(docs).mkdir(parents=True, exist_ok=True)
        small = image.scaledToWidth(min(DOC_WIDTH, image.width()), Qt.TransformationMode.SmoothTransformation)
        assert small.save(str(Path(docs) / f"{doc_name}.png")), f"could not save {doc_name} in {docs}"
    return path


def plan_card(wizard: CounterWizard, code: str) -> PlanCard:
    return next(card for card in wizard.plans.cards if card.plan.code == code)


def identify(staff: Staff, qtbot: QtBot, wizard: CounterWizard, purpose: str) -> None:
    """Scan the showcase household's filing notice, type the applicant's ID and Enter; wait for the result."""
    household = SHOWCASE[purpose]
    assert staff.focused() is wizard.identify.filing_edit  # ready for the scanner without a click
    staff.scan(str(household["filing_no"]))
    assert staff.focused() is wizard.identify.id_edit  # the scanner's Enter moved on to the ID field
    staff.type_and_enter(str(household["applicant_id_number"]))
    qtbot.waitUntil(lambda: wizard.state.household is not None)


def register_directly(
    counter: Counter, purpose: str, plan_code: str, unit_code: str = ""
) -> RegistrationView:
    """A registration made elsewhere (another counter), straight through the services."""
    s = counter.services
    household = SHOWCASE[purpose]
    view = s.households.identify(str(household["filing_no"]), str(household["applicant_id_number"]))
    plan = next(p for p in s.catalog.plan_options(view.id) if p.code == plan_code)
    notice = s.catalog.notice(plan.id)
    if unit_code:
        unit = next(u for u in s.catalog.unit_options(view.id, plan.id, UnitFilter()) if u.code == unit_code)
        choice = (unit.project_id, unit.unit_type_id, unit.id)
    else:
        project = next(p for p in s.catalog.project_options(view.id, plan.id) if p.available)
        unit_type = next(t for t in project.unit_types if t.available)
        choice = (project.id, unit_type.id, None)
    draft = RegistrationDraft(
        view.id, plan.id, *choice, notice_version=notice.version, notice_ack_at=system_clock()
    )
    return s.registration.register(draft, counter.operator)
