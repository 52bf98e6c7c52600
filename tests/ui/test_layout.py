"""Every counter screen at the two common counter screen sizes and at the default and largest text size.

Counter PCs are 1366×768 or 1920×1080. Each screen is saved as a PNG (KIOSK_SCREENSHOTS) for a person to
look at, and checked automatically: the window never grows past the screen, nothing of the flow lies outside
it, no label is clipped or wrapped into a column of one or two characters, the sync strip's text fits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.platform.speech import EspeakSpeechEngine, NullSpeechEngine, SpeechEngine
from kiosk.services.deferred import Deferred
from kiosk.services.views import SyncStatus
from kiosk.ui import theme
from kiosk.ui.main_window import MainWindow
from kiosk.ui.workers import wait_for_lanes
from tests.ui.flow_fixtures import *  # noqa: F403
from tests.ui.flow_fixtures import CLERK, SHOWCASE, Counter, plan_card, save_screenshot

SCREENS = {"1366x768": QSize(1366, 768), "1920x1080": QSize(1920, 1080)}
TEXT_SIZES = {"default": 20, "largest": theme.MAX_PT}
# A six-person household (applicant and five members): the most rows the household card shows.
SIX = ("BA2016349503", "110105198812276395")
MIN_CHARS_PER_LINE = 3


# --- the checks -------------------------------------------------------------------------------------------


def _in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _is_viewport(widget: QWidget) -> bool:
    area = widget.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is widget


def _scrolled(widget: QWidget) -> bool:
    """Inside a scroll area's viewport: it may lie beyond the window, the scroll bar reaches it."""
    parent = widget.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is parent:
            return True
        parent = area
    return False


def _lines(label: QLabel) -> list[str]:
    """The lines a word-wrapped label shows at its present width."""
    width = label.contentsRect().width() - 2 * label.margin() - max(label.indent(), 0)
    out: list[str] = []
    for paragraph in label.text().split("\n"):
        layout = QTextLayout(paragraph, label.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            out.append(paragraph[line.textStart() : line.textStart() + line.textLength()])
        layout.endLayout()
    return out


def label_problems(label: QLabel) -> list[str]:
    text = label.text()
    name = label.objectName() or repr(text[:20])
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        problems = (
            [f"label {name} clipped: {label.height()} px tall, needs {need}"] if label.height() < need else []
        )
        lines = _lines(label)
        if len(lines) > 1:
            short = [line for line in lines[:-1] if len(line.strip()) < MIN_CHARS_PER_LINE]
            if short:
                problems.append(f"label {name} wrapped into short lines {lines!r} at {label.width()} px")
        return problems
    hint = label.sizeHint()
    if label.width() < hint.width() or label.height() < hint.height():
        return [
            f"label {name} clipped: {label.width()}×{label.height()} px, needs {hint.width()}×{hint.height()}"
        ]
    return []


def layout_problems(window: QWidget, screen: QSize) -> list[str]:
    """Everything a person would see as broken on this screen; empty when it looks right."""
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    problems: list[str] = []
    if window.width() > screen.width() or window.height() > screen.height():
        problems.append(
            f"window is {window.width()}×{window.height()}, screen {screen.width()}×{screen.height()}"
        )
    least = window.minimumSizeHint()
    if least.width() > screen.width() or least.height() > screen.height():
        parts = [window.centralWidget(), *window.centralWidget().findChildren(QWidget)]
        wide = ", ".join(
            f"{type(w).__name__} {w.objectName()!r} {w.minimumSizeHint().width()}×{w.minimumSizeHint().height()}"
            for w in parts
            if w.minimumSizeHint().width() > screen.width() or w.minimumSizeHint().height() > screen.height()
        )
        problems.append(
            f"window needs at least {least.width()}×{least.height()}, screen {screen.width()}×{screen.height()}: {wide}"
        )
    bounds = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        parent = widget.parentWidget()
        if parent is not None and not _is_viewport(parent) and not parent.rect().contains(widget.geometry()):
            problems.append(
                f"{type(widget).__name__} {widget.objectName()!r} cut off by its {type(parent).__name__}"
            )
        if not _scrolled(widget) and not bounds.contains(_in_window(widget, window)):
            problems.append(
                f"{type(widget).__name__} {widget.objectName()!r} lies outside the window: {_in_window(widget, window)}"
            )
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            problems += label_problems(widget)
        if isinstance(widget, QPushButton) and widget.text() and widget.width() < widget.sizeHint().width():
            problems.append(
                f"button {widget.text()!r} cut off: {widget.width()} px, needs {widget.sizeHint().width()}"
            )
        if isinstance(widget, QScrollArea) and widget.horizontalScrollBar().isVisible():
            problems.append(
                f"{widget.objectName() or 'scroll area'} scrolls sideways: {widget.widget().minimumSizeHint().width()} px wide"
            )
        if isinstance(widget, QProgressBar) and widget.isTextVisible():
            text = widget.text()
            need = QFontMetrics(widget.font()).horizontalAdvance(text) + 16
            if widget.width() < need:
                problems.append(f"progress text {text!r} clipped: {widget.width()} px, needs {need}")
    return problems


# --- the window on the demo data --------------------------------------------------------------------------


@dataclass
class Look:
    name: str
    screen: QSize
    pt: int


@pytest.fixture(
    params=[pytest.param((s, t)) for s in SCREENS for t in TEXT_SIZES],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def look(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[Look]:
    screen, size = request.param
    theme.apply(qapp, TEXT_SIZES[size])
    yield Look(f"{screen}-{size}", SCREENS[screen], TEXT_SIZES[size])


@pytest.fixture
def voice() -> Iterator[SpeechEngine]:
    """A real voice where espeak-ng has Mandarin: the notice screen then shows its speech controls too."""
    engine = EspeakSpeechEngine(audio_device="null")
    yield engine if engine.available else NullSpeechEngine()
    engine.stop()


@pytest.fixture
def window(qtbot: QtBot, counter: Counter, voice: SpeechEngine, look: Look) -> Iterator[MainWindow]:
    w = MainWindow(Deferred.of(counter.services), voice, counter.config)
    qtbot.addWidget(w)
    w.resize(look.screen)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    yield w
    wait_for_lanes(10_000)
    QApplication.processEvents()


class Shots:
    def __init__(self, window: MainWindow, look: Look):
        self.window = window
        self.look = look
        self.problems: dict[str, list[str]] = {}

    def check(self, step: str) -> None:
        for _ in range(3):  # a layout that grows posts another layout request: let them all settle
            QApplication.sendPostedEvents()
            QApplication.processEvents()
        save_screenshot(self.window, f"layout_{self.look.name}_{step}")
        found = layout_problems(self.window, self.look.screen)
        if found:
            self.problems[step] = found
        if self.window.size() != self.look.screen:
            self.problems.setdefault(step, []).append(f"the window changed size to {self.window.size()}")


def test_every_counter_screen_fits_the_screen(qtbot: QtBot, window: MainWindow, look: Look) -> None:
    shots = Shots(window, look)
    shots.check("0_login")
    qtbot.keyClicks(window.login_screen.username, CLERK[0])
    qtbot.keyClicks(window.login_screen.password, CLERK[1])
    with qtbot.waitSignal(window.login_screen.logged_in, timeout=10_000):
        qtbot.keyClick(window.login_screen.password, Qt.Key.Key_Return)
    wizard = window.wizard
    window.sync_bar.show_status(
        SyncStatus(
            enrolled=True,
            online=False,
            last_sync_at=None,
            last_catalog_sync_at=None,
            unsent=12,
            rejected=2,
            message="中心连接超时",
        )
    )
    window.sync_bar.show_progress(0.5, "更新房源和备案名单")  # the longest step the sync reports
    shots.check("1_identify_empty")

    identify = wizard.identify
    identify.filing_edit.setText(SIX[0])
    identify.id_edit.setText(SIX[1])
    wizard.go_on()
    qtbot.waitUntil(lambda: wizard.state.household is not None)
    shots.check("1_identify_six")
    wizard.go_on()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    shots.check("2_plan")

    # The rest of the quick path with a family of four (a six-person family fits no unit type of Q2611).
    window.next_household()
    four = SHOWCASE["quick_family_of_four"]
    identify.filing_edit.setText(str(four["filing_no"]))
    identify.id_edit.setText(str(four["applicant_id_number"]))
    wizard.go_on()
    qtbot.waitUntil(lambda: wizard.state.household is not None)
    wizard.go_on()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    wizard.state.set_plan(plan_card(wizard, "Q2611").plan)
    wizard.go_on()
    qtbot.waitUntil(lambda: bool(wizard.projects.rows))
    row = next(r for r in wizard.projects.rows if r.available)
    wizard.state.set_choice(row.project, row.unit_type)
    shots.check("3_project")
    wizard.go_on()
    qtbot.waitUntil(lambda: wizard.notice.notice is not None)
    wizard.notice.ack.setChecked(True)
    shots.check("4_notice")
    wizard.go_on()
    qtbot.waitUntil(lambda: wizard.review.view is not None and not wizard.review.preview.image.isNull())
    shots.check("5_review")
    with qtbot.waitSignal(wizard.registration_completed, timeout=10_000):
        wizard.go_on()
    qtbot.waitUntil(lambda: wizard.done.printed is not None, timeout=10_000)
    shots.check("6_done")

    window.show_records(str(four["filing_no"]))
    qtbot.waitUntil(lambda: window.records_screen.table.rowCount() > 0)
    shots.check("7_records")
    window.go_back()

    # A real-time plan's unit screen, with its filters.
    window.next_household()
    other = SHOWCASE["realtime_normal"]
    identify.filing_edit.setText(str(other["filing_no"]))
    identify.id_edit.setText(str(other["applicant_id_number"]))
    wizard.go_on()
    qtbot.waitUntil(lambda: wizard.state.household is not None)
    wizard.go_on()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    wizard.state.set_plan(plan_card(wizard, "R2611").plan)
    wizard.go_on()
    qtbot.waitUntil(lambda: wizard.units.table.rowCount() > 0)
    shots.check("3_units")

    window.lock()
    shots.check("8_lock")

    assert not shots.problems, "\n".join(f"{k}: {p}" for k, v in shots.problems.items() for p in v)
