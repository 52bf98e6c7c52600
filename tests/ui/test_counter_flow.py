"""The whole counter flow through the real widgets, on the demo data: a quick plan and a real-time plan."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from kiosk.platform.speech import EspeakSpeechEngine
from kiosk.services.views import NoticeView
from kiosk.ui.registration.draft_state import DraftState
from kiosk.ui.registration.screens import countdown
from kiosk.ui.registration.screens.notice_screen import NoticeScreen
from kiosk.ui.registration.wizard import CounterWizard
from kiosk_core.model import PlanKind
from tests.ui.flow_fixtures import *  # noqa: F403
from tests.ui.flow_fixtures import SHOWCASE, Counter, Staff, identify, plan_card, save_screenshot
from tests.ui.focus import assert_focus_visible

MAX_SCREENS = 6
MAX_ACTIONS = 12
FULL_ID = re.compile(r"\d{17}[\dX]")


def visible_texts(wizard: CounterWizard) -> str:
    """Every piece of text the wizard holds, shown or not: labels, fields, table cells, notice."""
    parts = [w.text() for w in wizard.findChildren(QLabel)]
    parts += [w.text() for w in wizard.findChildren(QLineEdit)]
    for table in wizard.findChildren(QTableWidget):
        parts += [
            table.item(r, c).text()
            for r in range(table.rowCount())
            for c in range(table.columnCount())
            if table.item(r, c) is not None
        ]
    parts.append(wizard.notice.text.toPlainText())
    return "\n".join(parts)


def test_quick_plan_registration_end_to_end(
    qtbot: QtBot, wizard: CounterWizard, staff: Staff, counter: Counter
):
    household = SHOWCASE["quick_normal"]

    # 1 Identify: scan + ID + Enter.
    identify(staff, qtbot, wizard, "quick_normal")
    assert wizard.identify.name_label.text().endswith(str(household["applicant_name"]))
    assert wizard.identify.status_label.text() == "有效"
    assert wizard.identify.members.rowCount() == int(household["family_size"]) - 1  # type: ignore[call-overload]
    assert "*" in wizard.identify.fields["id"].text()
    assert wizard.primary_button.hasFocus()
    save_screenshot(wizard, "quick_1_identify", "counter-1-identify")
    staff.press()  # Enter: on to the plans

    # 2 Plan: the open quick plan; the plan that opens later is greyed with its reason.
    assert wizard.current_screen() is wizard.plans
    qtbot.waitUntil(lambda: len(wizard.plans.cards) >= 2)
    upcoming = plan_card(wizard, "Q2612")
    assert not upcoming.available and "登记尚未开始" in upcoming.plan.refusals[0].message
    quick = plan_card(wizard, "Q2611")
    assert quick.available and quick.countdown.text()
    staff.click(quick)
    assert wizard.state.plan is not None and wizard.state.plan.code == "Q2611"
    save_screenshot(wizard, "quick_2_plan", "counter-2-plan")
    staff.click(wizard.primary_button)

    # 3 Project and unit type: the step bar and the screen say the same.
    assert wizard.current_screen() is wizard.projects
    assert wizard.projects.title.text() == "选择项目和户型"
    assert wizard.step_labels[2].text() == "3 选择项目和户型"
    qtbot.waitUntil(lambda: bool(wizard.projects.rows))
    row = next(r for r in wizard.projects.rows if r.available)
    staff.click(row)
    assert wizard.state.unit_type is row.unit_type
    save_screenshot(wizard, "quick_3_project", "counter-3-project")
    staff.click(wizard.primary_button)

    # 4 Notice: nothing goes on until the acknowledgement is ticked.
    assert wizard.current_screen() is wizard.notice
    qtbot.waitUntil(lambda: wizard.notice.notice is not None)
    assert not wizard.primary_button.isEnabled()
    assert wizard.notice.speech_status.text()  # no engine here: the screen says why
    staff.click(wizard.notice.ack)
    assert wizard.state.ack is not None and wizard.state.ack.read_aloud is False
    assert wizard.primary_button.isEnabled()
    save_screenshot(wizard, "quick_4_notice", "counter-4-notice")
    staff.click(wizard.primary_button)

    # 5 Review with the slip preview; confirm registers.
    assert wizard.current_screen() is wizard.review
    qtbot.waitUntil(lambda: wizard.review.view is not None and not wizard.review.preview.image.isNull())
    assert wizard.review.view is not None and wizard.review.view.is_draft
    assert wizard.primary_button.isEnabled()
    save_screenshot(wizard, "quick_5_review", "counter-5-review")
    with qtbot.waitSignal(wizard.registration_completed, timeout=10_000) as done:
        staff.click(wizard.primary_button)
    registration = done.args[0]
    assert registration.reg_no.startswith("Q2611")

    # 6 Done: the number very large, the slip printing by itself.
    assert wizard.current_screen() is wizard.done
    assert wizard.done.reg_no_label.text().replace(" – ", "-") == registration.reg_no
    qtbot.waitUntil(lambda: wizard.done.printed is not None, timeout=10_000)
    assert wizard.done.printed is True
    assert "回执已送打印机" in wizard.done.print_status.text()
    save_screenshot(wizard, "quick_6_done", "counter-6-done")

    # The quick path's budget: screens and staff actions, "next household" included.
    staff.press()  # Enter: next household
    assert wizard.current_screen() is wizard.identify
    distinct = {id(s) for s in staff.screens}
    assert len(distinct) <= MAX_SCREENS, staff.screens
    assert staff.actions <= MAX_ACTIONS, staff.log
    print(f"quick path: {len(distinct)} screens, {staff.actions} actions: {staff.log}")

    # Nothing of the previous household stays anywhere in the wizard.
    texts = visible_texts(wizard)
    for value in (household["applicant_name"], household["filing_no"], registration.reg_no):
        assert str(value) not in texts
    assert wizard.review.preview.image.isNull()
    assert wizard.identify.filing_edit.hasFocus()

    # The saved slip: reg no in it, no full ID number anywhere.
    assert len(counter.printer.printed) == 1
    text = "".join(page.extract_text() for page in PdfReader(counter.printer.printed[0]).pages)
    assert registration.reg_no in text
    assert not FULL_ID.search(text.replace(" ", "")), "a full ID number is printed on the slip"
    assert str(household["applicant_id_number"]) not in text


def test_realtime_plan_registration_end_to_end(
    qtbot: QtBot, wizard: CounterWizard, staff: Staff, counter: Counter
):
    identify(staff, qtbot, wizard, "realtime_normal")
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    staff.click(plan_card(wizard, "R2611"))
    assert wizard.state.plan is not None and wizard.state.plan.kind is PlanKind.REALTIME
    staff.press()

    # 3 A concrete unit, found with the filters; the taken unit is greyed with its reason.
    units = wizard.units
    assert wizard.current_screen() is units
    assert units.title.text() == "选择房源" and wizard.step_labels[2].text() == "3 选择房源"
    qtbot.waitUntil(lambda: units.table.rowCount() > 0)
    taken = next(r for r in range(units.table.rowCount()) if "已被选定" in units.table.item(r, 7).text())
    assert not units.table.item(taken, 0).flags() & Qt.ItemFlag.ItemIsSelectable
    assert "请选择其他房源" in units.table.item(taken, 0).toolTip()
    units.table.scrollToItem(units.table.item(taken, 0), units.table.ScrollHint.PositionAtCenter)
    save_screenshot(wizard, "realtime_3_units_all")
    staff.click(units.only_available)
    qtbot.waitUntil(lambda: all(u.available for u in units._units) and units.table.rowCount() > 0)
    south = units.orientation_combo.findText("南")
    assert south > 0
    units.orientation_combo.setCurrentIndex(south)
    qtbot.waitUntil(lambda: units._units and all(u.orientation == "南" for u in units._units))
    units.table.scrollToItem(units.table.item(0, 2))
    first = units.table.visualItemRect(units.table.item(0, 2)).center()
    qtbot.mouseClick(units.table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    chosen = wizard.state.unit
    assert chosen is not None and chosen.orientation == "南"
    save_screenshot(wizard, "realtime_3_units", "counter-3-units-realtime")
    staff.press()

    qtbot.waitUntil(lambda: wizard.notice.notice is not None)
    staff.click(wizard.notice.ack)
    save_screenshot(wizard, "realtime_4_notice")
    staff.press()
    qtbot.waitUntil(lambda: wizard.review.view is not None)
    assert wizard.review.view is not None and chosen.label in wizard.review.view.unit_label
    save_screenshot(wizard, "realtime_5_review")
    with qtbot.waitSignal(wizard.registration_completed, timeout=10_000) as done:
        staff.press()
    assert done.args[0].unit_label.startswith(chosen.label)
    qtbot.waitUntil(lambda: wizard.done.printed is not None, timeout=10_000)
    save_screenshot(wizard, "realtime_6_done")

    # Scanning the next household's notice on 完成 starts the next household at once (no "next" needed).
    nxt = SHOWCASE["wrong_district"]  # 西城区: the real-time plan is open to every district
    assert staff.focused() is wizard.primary_button
    staff.scan(str(nxt["filing_no"]))
    assert wizard.current_screen() is wizard.identify
    assert wizard.identify.filing_edit.text() == nxt["filing_no"]
    assert staff.focused() is wizard.identify.id_edit and wizard.state.registration is None
    staff.type_and_enter(str(nxt["applicant_id_number"]))
    qtbot.waitUntil(lambda: wizard.state.household is not None)

    # The unit just registered is now taken for the next household; Esc goes back.
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    staff.click(plan_card(wizard, "R2611"))
    staff.press()
    qtbot.waitUntil(lambda: units.table.rowCount() > 0)
    row = next(i for i, u in enumerate(units._units) if u.id == chosen.id)
    assert "已被选定" in units.table.item(row, 7).text()
    staff.press(Qt.Key.Key_Escape)
    assert wizard.current_screen() is wizard.plans


def test_escape_goes_back_and_enter_goes_on(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    identify(staff, qtbot, wizard, "elderly_single")
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    staff.click(plan_card(wizard, "Q2611"))
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.projects.rows))
    # One person fits only one unit type here: it is pre-selected, the others stay on screen, greyed.
    available = [r for r in wizard.projects.rows if r.available]
    assert len(available) == 1 and wizard.state.unit_type is available[0].unit_type
    assert len(wizard.projects.rows) > 1
    save_screenshot(wizard, "elderly_3_project_preselected")
    staff.press(Qt.Key.Key_Escape)
    assert wizard.current_screen() is wizard.plans
    assert wizard.state.plan is not None and wizard.state.plan.code == "Q2611"  # the choice is kept
    staff.press(Qt.Key.Key_Escape)
    assert wizard.current_screen() is wizard.identify
    assert wizard.state.household is not None  # back to check the household, still identified
    staff.press()
    assert wizard.current_screen() is wizard.plans


def test_records_button_asks_for_the_households_records(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    identify(staff, qtbot, wizard, "quick_normal")
    with qtbot.waitSignal(wizard.records_requested) as asked:
        staff.click(wizard.identify.records_button)
    assert asked.args == [SHOWCASE["quick_normal"]["filing_no"]]


@pytest.fixture
def espeak(qtbot: QtBot):  # type: ignore[no-untyped-def]
    engine = EspeakSpeechEngine(audio_device="null")
    if not engine.available:
        pytest.skip(engine.unavailable_reason)
    yield engine
    engine.stop()


def test_read_aloud_is_recorded_once_the_speech_finished(qtbot: QtBot, espeak: EspeakSpeechEngine):
    state = DraftState()
    notice = NoticeView(plan_id=7, version=3, title="登记告知书", text="请仔细阅读本告知书。")
    screen = NoticeScreen(state, catalog=None, speech=espeak)  # type: ignore[arg-type]
    qtbot.addWidget(screen)
    screen.show_notice(notice)
    screen.show()
    qtbot.mouseClick(screen.ack, Qt.MouseButton.LeftButton)
    assert state.ack is not None and state.ack.read_aloud is False
    with qtbot.waitSignal(espeak.finished, timeout=20_000):
        qtbot.mouseClick(screen.speak_button, Qt.MouseButton.LeftButton)
    assert screen.read_aloud
    assert state.ack is not None and state.ack.read_aloud is True and state.ack.version == 3
    # Replay reads it again; the screen never waits for the voice.
    with qtbot.waitSignal(espeak.finished, timeout=20_000):
        qtbot.mouseClick(screen.replay_button, Qt.MouseButton.LeftButton)
    assert "完整朗读" in screen.speech_status.text()


def test_countdown_phases():
    start, end = datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 8, 17, 0)
    text, phase = countdown(datetime(2026, 11, 29, 8, 59, 30), start, end)
    assert phase == "upcoming" and "2天 00:00:30" in text
    text, phase = countdown(datetime(2026, 12, 8, 16, 0, 0), start, end)
    assert phase == "open" and text.endswith("01:00:00")
    assert countdown(end, start, end)[1] == "closed"


def test_keyboard_only_choice_of_plan(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    """Staff who never touch the mouse: Down moves between plans, Enter takes the focused one and goes on."""
    identify(staff, qtbot, wizard, "quick_normal")
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    first = plan_card(wizard, "Q2611")
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Down)
    realtime = plan_card(wizard, "R2611")
    assert realtime.hasFocus()
    qtbot.keyClick(realtime, Qt.Key.Key_Up)
    assert first.hasFocus()
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert wizard.state.plan is not None and wizard.state.plan.code == "Q2611"
    qtbot.waitUntil(lambda: wizard.current_screen() is wizard.projects)


def test_keyboard_only_quick_registration_with_the_focus_always_on_the_next_action(
    qtbot: QtBot, wizard: CounterWizard, staff: Staff
):
    """No mouse: each screen opens with the focus, drawn clearly, on what staff do next (docs/counter-flow.md)."""

    def next_action(widget: QWidget) -> None:
        qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
        assert_focus_visible(widget)

    next_action(wizard.identify.filing_edit)
    identify(staff, qtbot, wizard, "quick_family_of_four")
    next_action(wizard.primary_button)
    staff.press()

    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    next_action(wizard.plans.default_focus())
    staff.press(Qt.Key.Key_Space)  # chooses the focused plan
    assert wizard.state.plan is not None and wizard.state.plan.code == "Q2611"
    assert_focus_visible(wizard.plans.default_focus())  # chosen and focused: both show
    staff.press()

    qtbot.waitUntil(lambda: bool(wizard.projects.rows))
    row = wizard.projects.default_focus()
    next_action(row)
    staff.press(Qt.Key.Key_Space)  # chooses the focused unit type
    assert wizard.state.unit_type is row.unit_type
    staff.press()

    # The notice: Space ticks the acknowledgement at once, Enter goes on.
    assert wizard.current_screen() is wizard.notice
    next_action(wizard.notice.ack)
    staff.press(Qt.Key.Key_Space)
    assert wizard.notice.ack.isChecked() and wizard.state.ack is not None
    staff.press()

    assert wizard.current_screen() is wizard.review
    next_action(wizard.primary_button)  # once the preview is there, "confirm" waits for Enter
    assert wizard.review.view is not None
    with qtbot.waitSignal(wizard.registration_completed, timeout=10_000):
        staff.press()
    next_action(wizard.primary_button)  # next household
    staff.press()
    next_action(wizard.identify.filing_edit)
    assert staff.actions <= MAX_ACTIONS, staff.log
    assert all(not entry.startswith("click") for entry in staff.log), staff.log


def test_keyboard_only_unit_choice_shows_the_focused_table(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    identify(staff, qtbot, wizard, "realtime_normal")
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    plan_card(wizard, "R2611").setFocus()
    staff.press()
    units = wizard.units
    qtbot.waitUntil(lambda: wizard.current_screen() is units and units.table.rowCount() > 0)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is units.table)
    assert_focus_visible(units.table)
    free = next(i for i, u in enumerate(units._units) if u.available)
    for _ in range(free + 1):
        staff.press(Qt.Key.Key_Down)
    assert wizard.state.unit is not None and wizard.state.unit.available
    staff.press()
    assert wizard.current_screen() is wizard.notice
