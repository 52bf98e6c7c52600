"""The lottery console against a real centre on loopback: freeze → sources (twice) → draw → reveal → publish,
with the hall's projection following; keyboard only; a difference or too few digits sends nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from kiosk.bootstrap import Built
from kiosk.config import Config, HallConfig
from kiosk.services.draw_views import SourceSpec, SourceValue
from kiosk.services.projection import Stage
from kiosk.services.views import OperatorSession
from kiosk.ui.hall.launcher import HallLauncher
from kiosk.ui.hall.projection_screen import ProjectionScreen
from kiosk.ui.lottery.console import LotteryConsole
from kiosk.ui.lottery.retract_dialog import RetractDialog
from kiosk.ui.workers import wait_for_lanes
from kiosk_core import lottery
from tests.sync.conftest import KioskFactory, kiosk, live_server, memory_keyring  # noqa: F401
from tests.sync.test_draws_sync import (  # noqa: F401  (the centre whose clock moves past the window)
    DIGITS,
    DrawCentre,
    centre,
    close_window,
    register,
    supervisor,
)
from tests.ui.conftest import Hold

WHOLE_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
HALL = QRect(0, 0, 1920, 1080)


@dataclass
class Site:
    counter: Built
    operator: OperatorSession
    reg_nos: list[str]
    centre: DrawCentre
    hall: HallLauncher


@pytest.fixture
def site(kiosk: KioskFactory, centre: DrawCentre) -> Iterator[Site]:  # noqa: F811
    """Counter 01 registered 12 households in the quick plan Q2611 and sent them; the window then closed."""
    k = kiosk("01", synced=True)  # as after its first sync
    k.services.sync.sync_once()
    reg_nos = register(k, 12)
    k.services.sync.sync_once()
    close_window(centre, k)
    hall = HallLauncher(Config(hall=HallConfig(screen=0)))
    yield Site(k, supervisor(k), reg_nos, centre, hall)
    hall.close()
    wait_for_lanes(10_000)


def open_console(qtbot: QtBot, hold: Hold, site: Site, size: tuple[int, int] = (1366, 768)) -> LotteryConsole:
    console = LotteryConsole(site.counter.services.draws, lambda: site.operator)
    hold(console)
    console.attach_hall(site.hall)
    console.resize(*size)
    console.show()
    qtbot.waitExposed(console)
    console.show_on_hall()
    console.activateWindow()  # the counter's window keeps the keyboard with the hall's open: focus is drawn
    qtbot.waitActive(console)
    console.enter()
    qtbot.waitUntil(lambda: console.plans.table.rowCount() > 0 and not console.plans.busy, timeout=10_000)
    return console


def press_enter(qtbot: QtBot, console: LotteryConsole) -> None:
    widget = console.focusWidget() or console.current()
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def wait_step(qtbot: QtBot, console: LotteryConsole, step: QWidget) -> None:
    qtbot.waitUntil(lambda: console.current() is step and not console.current().busy, timeout=15_000)


def projection(site: Site) -> ProjectionScreen:
    window = site.hall.window
    assert isinstance(window, ProjectionScreen)
    return window


def hall_text(screen: ProjectionScreen) -> str:
    return "\n".join(label.text() for label in screen.findChildren(QLabel) if label.isVisibleTo(screen))


def hall_picture(screenshot, site: Site, name: str) -> None:
    screen = projection(site)
    screen.place_in(HALL)
    screenshot(screen, name)
    shown = hall_text(screen)
    assert not WHOLE_ID.search(shown), shown  # no resident ID, masked or not, on the hall's screen
    assert "**********" not in shown


def type_sources(qtbot: QtBot, console: LotteryConsole, first: str, second: str) -> None:
    """Two people, one after the other: Enter after the first's entry goes to the second's field."""
    step = console.sources
    step.firsts[0].clear()
    step.seconds[0].clear()
    step.firsts[0].setFocus()
    qtbot.keyClicks(step.firsts[0], first)
    qtbot.keyClick(step.firsts[0], Qt.Key.Key_Return)
    assert console.focusWidget() is step.seconds[0]
    qtbot.keyClicks(step.seconds[0], second)
    qtbot.keyClick(step.seconds[0], Qt.Key.Key_Return)


def test_a_supervisor_draws_a_plan_with_the_keyboard_and_the_hall_follows(
    qtbot: QtBot, hold: Hold, site: Site, screenshot
) -> None:
    console = open_console(qtbot, hold, site)
    plans = console.plans
    row = next(i for i, p in enumerate(plans.plans) if p.plan_code == "Q2611")
    plans.table.selectRow(row)
    assert plans.plans[row].entries == 12
    assert projection(site).schedule.isVisible()
    screenshot(console, "lottery_plans_1366")
    hall_picture(screenshot, site, "lottery_hall_schedule")

    plans.table.setFocus()
    press_enter(qtbot, console)  # opens the plan: a new one is frozen first
    wait_step(qtbot, console, console.freeze)
    assert "40" in console.freeze.digits.text() and console.freeze.primary.isEnabled()
    console.freeze.digits.setValue(30)  # 99.7 bits: the console refuses and says how many digits are missing
    assert not console.freeze.primary.isEnabled()
    assert "还差 9 位数字" in console.freeze.bits.text()
    console.freeze.digits.setValue(40)
    assert console.freeze.digits.hasFocus()  # the keyboard starts on the step's first field
    screenshot(console, "lottery_freeze_1366")
    console.freeze.digits.setFocus()
    press_enter(qtbot, console)
    wait_step(qtbot, console, console.sources)
    draw = console.state.draw
    assert draw is not None and draw.state == "frozen"
    assert draw.entries == 12 and draw.list_hash == lottery.sha256_hex(draw.list_text)
    grouped_hash = " ".join(draw.list_hash[i : i + 8] for i in range(0, 64, 8))
    assert grouped_hash in console.sources.facts.text()  # the console shows the frozen list's hash
    assert draw.list_hash[:8] in hall_text(projection(site))
    hall_picture(screenshot, site, "lottery_hall_frozen")

    # Typed differently by the two people: shown, nothing sent.
    type_sources(qtbot, console, DIGITS, DIGITS[:-1] + "0")
    assert "两次录入的随机源不一致" in console.sources.error.text()
    assert console.sources.firsts[0].property("differs") is True
    assert console.current() is console.sources and not console.sources.busy
    assert site.counter.services.draws.record(draw.draw_id).state == "frozen"
    screenshot(console, "lottery_sources_differ_1366")

    # The same on both, but too few digits: says how many are missing, nothing sent.
    type_sources(qtbot, console, "12345", "12345")
    assert "随机源不足：还差 34 位数字" in console.sources.error.text()
    assert site.counter.services.draws.record(draw.draw_id).state == "frozen"

    spaced = " ".join(DIGITS[i : i + 10] for i in range(0, 40, 10))  # as read out in groups: same digits
    type_sources(qtbot, console, spaced, DIGITS)
    wait_step(qtbot, console, console.drawing)
    committed = console.state.draw
    assert committed is not None and committed.state == "committed"
    assert (
        "3141592653 5897932384 6264338327 9502884197" in hall_text(projection(site))
        and projection(site).feed.current.stage is Stage.COMMITTED
    )
    # The seed, known once the sources are: the console computes it and the hall shows it before the draw.
    seed = lottery.seed_of(draw.list_hash, lottery.parse_sources(committed.sources_text or "")).hex()
    assert seed[:8] in hall_text(projection(site)) and seed[:8] in console.drawing.facts.text()
    screenshot(console, "lottery_draw_1366")
    hall_picture(screenshot, site, "lottery_hall_committed")

    press_enter(qtbot, console)  # draw at the centre, then recompute here and compare
    wait_step(qtbot, console, console.reveal)
    drawn = console.state.draw
    assert drawn is not None and drawn.state == "drawn" and console.state.checked == drawn.draw_id
    assert projection(site).feed.current.stage is Stage.RESULT and not projection(site).table.isVisible()

    press_enter(qtbot, console)  # the first page of ranks on the hall
    hall = projection(site)
    expected = lottery.parse_result(drawn.result_text or "")
    assert [c[1].text() for c in hall.cells] == [o.reg_no for o in expected[:8]]
    assert [console.reveal.mirror.item(r, 1).text() for r in range(8)] == [o.reg_no for o in expected[:8]]
    assert all("*" in c[2].text() for c in hall.cells)  # every name masked: 张*明
    screenshot(console, "lottery_reveal_1366")
    hall_picture(screenshot, site, "lottery_hall_page1")

    qtbot.mouseClick(console.reveal.all, Qt.MouseButton.LeftButton)  # the rest at once
    assert hall.feed.current.revealed == 12 and console.reveal.following.isVisible()
    qtbot.mouseClick(console.reveal.following, Qt.MouseButton.LeftButton)
    assert [c[0].text() for c in hall.cells if c[0].text()] == ["9", "10", "11", "12"]
    hall_picture(screenshot, site, "lottery_hall_page2")

    console.reveal.primary.setFocus()  # Tab back to the primary button: Enter on another presses that one
    press_enter(qtbot, console)  # go on to publish
    wait_step(qtbot, console, console.publish)
    assert console.publish.primary.isEnabled()
    press_enter(qtbot, console)
    qtbot.waitUntil(
        lambda: console.state.draw is not None and console.state.draw.state == "published",
        timeout=15_000,
    )
    assert "已公布" in console.publish.facts.text()
    assert not console.publish.primary.isVisible() and console.publish.retract.isVisible()
    assert console.focusWidget() is console.publish.list_pdf  # Enter goes on, never to Retract
    screenshot(console, "lottery_published_1366")
    console.resize(1920, 1080)
    screenshot(console, "lottery_published_1920")
    assert site.counter.services.draws.record(drawn.draw_id).state == "published"

    # The notice board's list and its spreadsheet, masked: no whole ID, no whole name.
    for button, suffix in ((console.publish.list_pdf, ".pdf"), (console.publish.list_csv, ".csv")):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda s=suffix: s in console.publish.status.text(), timeout=15_000)
        path = Path(console.publish.status.text().split("：", 1)[1])
        text = (
            "".join(p.extract_text() for p in PdfReader(path).pages) if suffix == ".pdf" else path.read_text()
        )
        assert all(reg_no in text for reg_no in site.reg_nos) and not WHOLE_ID.search(text)


def test_a_retraction_needs_a_reason_and_a_second_supervisor(
    qtbot: QtBot, hold: Hold, site: Site, screenshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws = site.counter.services.draws
    frozen = draws.freeze(site.operator, "Q2611", [SourceSpec.digits("公证员现场摇号 第1组", 40)])
    draws.commit_sources(site.operator, frozen.draw_id, [SourceValue("公证员现场摇号 第1组", DIGITS)])
    draws.publish(site.operator, draws.run(site.operator, frozen.draw_id).draw_id)

    console = open_console(qtbot, hold, site, (1920, 1080))
    plans = console.plans
    plans.table.selectRow(next(i for i, p in enumerate(plans.plans) if p.plan_code == "Q2611"))
    plans.table.setFocus()
    press_enter(qtbot, console)  # a published draw opens on the publish step, checked again here
    wait_step(qtbot, console, console.publish)
    qtbot.waitUntil(lambda: console.state.checked == frozen.draw_id, timeout=15_000)
    assert projection(site).feed.current.revealed == 12

    seen: list[str] = []

    def ask(cls: type[RetractDialog], parent: QWidget, state, draw) -> object:  # noqa: ANN001
        """The real dialog, shown without a nested event loop, typed into as the two supervisors would."""
        dialog = cls(state, draw, parent)
        hold(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.reason.setText(
            "公证员发现号码球缺号"
        )  # typed through the input method: QTest types ASCII only
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
        assert dialog.focusWidget() is dialog.username
        qtbot.keyClicks(dialog.username, "super2")
        qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.password, "wrong-password")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.error.isHidden() and dialog.confirm.isEnabled(), timeout=10_000)
        seen.append(dialog.error.text())
        screenshot(dialog, "lottery_retract_refused")
        qtbot.keyClicks(dialog.password, "second-pass-2")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.result() == RetractDialog.DialogCode.Accepted, timeout=10_000)
        return dialog.retracted

    monkeypatch.setattr(RetractDialog, "ask", classmethod(ask))
    console.publish.retract.setFocus()
    press_enter(qtbot, console)  # Enter on the focused retract button opens the dialog
    assert seen and seen[0]  # the centre's refusal, in its Chinese words
    assert draws.record(frozen.draw_id).state == "retracted"
    wait_step(qtbot, console, console.plans)
    assert projection(site).feed.current.stage is Stage.SCHEDULE
    assert "撤销" in projection(site).notice.text()
    row = next(p for p in console.plans.plans if p.plan_code == "Q2611")
    assert row.draw_state == "retracted" and row.can_freeze


def test_the_hall_shows_no_result_the_console_computes_differently(
    qtbot: QtBot, hold: Hold, site: Site, screenshot
) -> None:
    draws = site.counter.services.draws
    frozen = draws.freeze(site.operator, "Q2611", [SourceSpec.digits("公证员现场摇号 第1组", 40)])
    draws.commit_sources(site.operator, frozen.draw_id, [SourceValue("公证员现场摇号 第1组", DIGITS)])
    drawn = draws.run(site.operator, frozen.draw_id)
    # The centre's stored result altered afterwards (ranks 1 and 2 swapped), its hash made to fit.
    lines = (drawn.result_text or "").splitlines(keepends=True)
    a, b = lines[0].split("\t"), lines[1].split("\t")
    lines[0] = "\t".join([a[0], b[1], b[2], a[3]])
    lines[1] = "\t".join([b[0], a[1], a[2], b[3]])
    tampered = "".join(lines)
    with site.centre.central.db.engine.begin() as c:
        c.execute(
            text("UPDATE draws SET result_text = :t, result_hash = :h WHERE id = :i"),
            {"t": tampered, "h": lottery.sha256_hex(tampered), "i": frozen.draw_id},
        )

    console = open_console(qtbot, hold, site)
    plans = console.plans
    plans.table.selectRow(next(i for i, p in enumerate(plans.plans) if p.plan_code == "Q2611"))
    plans.table.setFocus()
    press_enter(qtbot, console)
    wait_step(qtbot, console, console.drawing)
    assert console.drawing.primary.text() == "核验结果 ›"
    press_enter(qtbot, console)
    qtbot.waitUntil(lambda: console.drawing.error.isVisible(), timeout=15_000)
    assert "摇号结果不一致" in console.drawing.error.text()
    assert console.current() is console.drawing and console.state.checked is None
    hall = projection(site)
    assert hall.feed.current.stage is Stage.HALTED and not hall.table.isVisible()
    assert not any(reg_no in hall_text(hall) for reg_no in site.reg_nos)
    assert console.drawing.retract.isVisible()
    screenshot(console, "lottery_mismatch_1366")
    hall_picture(screenshot, site, "lottery_hall_halted")


def test_a_draw_run_meanwhile_elsewhere_is_checked_here_not_run_again(
    qtbot: QtBot, hold: Hold, site: Site
) -> None:
    draws = site.counter.services.draws
    frozen = draws.freeze(site.operator, "Q2611", [SourceSpec.digits("公证员现场摇号 第1组", 40)])
    draws.commit_sources(site.operator, frozen.draw_id, [SourceValue("公证员现场摇号 第1组", DIGITS)])
    console = open_console(qtbot, hold, site)
    plans = console.plans
    plans.table.selectRow(next(i for i, p in enumerate(plans.plans) if p.plan_code == "Q2611"))
    plans.table.setFocus()
    press_enter(qtbot, console)
    wait_step(qtbot, console, console.drawing)
    assert console.drawing.primary.text() == "开始摇号 ›"

    drawn = draws.run(site.operator, frozen.draw_id)  # another console was quicker
    press_enter(qtbot, console)  # refused at the centre (a draw runs once); its record says it ran
    wait_step(qtbot, console, console.reveal)
    assert console.state.draw is not None and console.state.draw.result_hash == drawn.result_hash
    assert console.state.checked == frozen.draw_id
    assert projection(site).feed.current.stage is Stage.RESULT


def test_the_hall_keeps_its_pace_when_the_centre_is_unreachable(
    qtbot: QtBot,
    hold: Hold,
    site: Site,
    live_server,  # noqa: F811
) -> None:
    draws = site.counter.services.draws
    frozen = draws.freeze(site.operator, "Q2611", [SourceSpec.digits("公证员现场摇号 第1组", 40)])
    draws.commit_sources(site.operator, frozen.draw_id, [SourceValue("公证员现场摇号 第1组", DIGITS)])
    draws.run(site.operator, frozen.draw_id)
    console = open_console(qtbot, hold, site)
    plans = console.plans
    plans.table.selectRow(next(i for i, p in enumerate(plans.plans) if p.plan_code == "Q2611"))
    plans.table.setFocus()
    press_enter(qtbot, console)
    wait_step(qtbot, console, console.drawing)
    press_enter(qtbot, console)  # checked here against the centre's result
    wait_step(qtbot, console, console.reveal)

    app, live_server._switch.app = live_server._switch.app, None  # the centre stops answering
    try:
        for revealed in (8, 12):  # the checked result is held here: the pages need no network
            press_enter(qtbot, console)
            assert projection(site).feed.current.revealed == revealed
        press_enter(qtbot, console)  # go on to publish: that one needs the centre
        wait_step(qtbot, console, console.publish)
        press_enter(qtbot, console)
        qtbot.waitUntil(lambda: not console.publish.error.isHidden(), timeout=20_000)
        assert console.publish.error.text()  # the typed error's own words, not a traceback
        assert console.state.draw is not None and console.state.draw.state == "drawn"
        assert console.publish.primary.isEnabled()  # staff try again once the network is back
        assert console.focusWidget() is console.publish.primary  # Enter tries again, never Retract
    finally:
        live_server._switch.app = app
    press_enter(qtbot, console)
    qtbot.waitUntil(
        lambda: console.state.draw is not None and console.state.draw.state == "published",
        timeout=15_000,
    )
