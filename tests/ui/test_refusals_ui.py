"""Every way registration can be refused shows its own Chinese reason on the counter screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.ui.registration.wizard import CounterWizard
from tests.ui.flow_fixtures import *  # noqa: F403
from tests.ui.flow_fixtures import (
    SHOWCASE,
    Counter,
    Staff,
    applicant_with_x,
    identify,
    member_id_of,
    plan_card,
    register_directly,
    save_screenshot,
)


def full_width(text: str) -> str:
    """What an IME in full-width mode types: １２３ for 123."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def try_identify(staff: Staff, qtbot: QtBot, wizard: CounterWizard, filing_no: str, id_number: str) -> str:
    """Scan and type; return the inline message the identify screen shows (empty when identified)."""
    staff.scan(filing_no)
    staff.type_and_enter(id_number)
    screen = wizard.identify
    qtbot.waitUntil(lambda: wizard.state.household is not None or screen.message.isVisible())
    assert screen.message.isVisible() == (wizard.state.household is None)
    return screen.message.text() if screen.message.isVisible() else ""


def shown_texts(widget: QLabel | object) -> str:
    return "\n".join(w.text() for w in widget.findChildren(QLabel) if w.isVisible())  # type: ignore[attr-defined]


def to_plans(staff: Staff, qtbot: QtBot, wizard: CounterWizard, purpose: str) -> None:
    identify(staff, qtbot, wizard, purpose)
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))


# --- identification ---


def test_unknown_filing(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    id_number = str(SHOWCASE["quick_normal"]["applicant_id_number"])
    text = try_identify(staff, qtbot, wizard, "BA2099999999", id_number)
    assert "备案编号 BA2099999999 不存在" in text
    assert not wizard.identify.name_label.isVisible()
    save_screenshot(wizard, "refusal_unknown_filing")


def test_id_of_another_household(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    filing_no = str(SHOWCASE["quick_normal"]["filing_no"])
    other = str(SHOWCASE["realtime_normal"]["applicant_id_number"])
    text = try_identify(staff, qtbot, wizard, filing_no, other)
    assert f"身份证号码与备案 {filing_no} 的主申请人不符" in text


def test_id_of_a_member(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    filing_no = str(SHOWCASE["quick_normal"]["filing_no"])
    relation, member_id = member_id_of(filing_no)
    text = try_identify(staff, qtbot, wizard, filing_no, member_id)
    assert f"该身份证是备案家庭成员（{relation}）的，不是主申请人的" in text
    assert "主申请人持本人身份证" in text  # what to do about it


@pytest.mark.parametrize(
    ("purpose", "words"), [("expired", "过期"), ("lapsed", "过期"), ("revoked", "已被撤销")]
)
def test_filing_not_valid(qtbot: QtBot, wizard: CounterWizard, staff: Staff, purpose: str, words: str):
    household = SHOWCASE[purpose]
    text = try_identify(
        staff, qtbot, wizard, str(household["filing_no"]), str(household["applicant_id_number"])
    )
    assert f"备案 {household['filing_no']}" in text and words in text
    if purpose == "revoked":
        save_screenshot(wizard, "refusal_revoked")


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("11010519491231002", "身份证号码应为18位，现在是17位"),
        ("110105194912310020", "身份证号码校验位不对"),
        ("11010519491331002X", "出生日期"),
    ],
)
def test_malformed_id(qtbot: QtBot, wizard: CounterWizard, staff: Staff, typed: str, words: str):
    text = try_identify(staff, qtbot, wizard, str(SHOWCASE["quick_normal"]["filing_no"]), typed)
    assert words in text


def test_full_width_digits_and_lower_case_x_are_accepted(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    filing_no, id_number = applicant_with_x()
    staff.scan(filing_no)
    typed = full_width(id_number[:-1]) + "x"  # an input method in full-width mode, and a lower-case x
    assert typed != id_number
    staff.type_via_ime_and_enter(typed)
    qtbot.waitUntil(lambda: wizard.state.household is not None or wizard.identify.message.isVisible())
    assert not wizard.identify.message.isVisible(), wizard.identify.message.text()
    assert wizard.state.household is not None and wizard.state.household.filing_no == filing_no


# --- plans, unit types, units ---


def test_district_not_allowed_greys_the_plan(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    to_plans(staff, qtbot, wizard, "wrong_district")
    card = plan_card(wizard, "Q2611")
    assert not card.available
    assert "只面向" in shown_texts(card) and SHOWCASE["wrong_district"]["district"] in shown_texts(card)
    staff.click(card)  # a greyed plan cannot be chosen
    assert wizard.state.plan is None or wizard.state.plan.code != "Q2611"
    assert plan_card(wizard, "R2611").available  # the real-time plan is open to every district
    save_screenshot(wizard, "refusal_district")


def test_window_not_open_greys_the_upcoming_plan(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    to_plans(staff, qtbot, wizard, "quick_normal")
    card = plan_card(wizard, "Q2612")
    assert not card.available and "登记尚未开始" in shown_texts(card)
    assert "距登记开始" in card.countdown.text()


def test_a_family_too_large_for_every_unit_type_is_refused_at_the_plan(
    qtbot: QtBot, wizard: CounterWizard, staff: Staff
):
    to_plans(staff, qtbot, wizard, "too_large")
    card = plan_card(wizard, "Q2611")
    assert not card.available
    text = shown_texts(card)
    assert "本家庭6人" in text and "1–5人" in text, text
    assert text.count("本家庭6人") == 1  # one message for the plan, not one per unit type
    staff.click(card)
    assert not wizard.primary_button.isEnabled()
    save_screenshot(wizard, "refusal_family_size")


def test_already_registered(qtbot: QtBot, wizard: CounterWizard, staff: Staff, counter: Counter):
    register_directly(counter, "quick_normal", "Q2611")
    to_plans(staff, qtbot, wizard, "quick_normal")
    card = plan_card(wizard, "Q2611")
    assert not card.available and "本家庭已登记过" in shown_texts(card)
    assert "登记记录" in shown_texts(card)  # the remedy: cancel in Records first


def test_member_registered_with_another_household(
    qtbot: QtBot, wizard: CounterWizard, staff: Staff, counter: Counter
):
    register_directly(counter, "member_clash_first", "Q2611")
    to_plans(staff, qtbot, wizard, "member_clash_second")
    card = plan_card(wizard, "Q2611")
    assert not card.available and "已在其他家庭的本计划登记中" in shown_texts(card)
    save_screenshot(wizard, "refusal_member_clash")


def test_unit_taken_is_greyed_and_a_unit_taken_meanwhile_is_refused(
    qtbot: QtBot, wizard: CounterWizard, staff: Staff, counter: Counter
):
    to_plans(staff, qtbot, wizard, "realtime_normal")
    staff.click(plan_card(wizard, "R2611"))
    staff.press()
    units = wizard.units
    qtbot.waitUntil(lambda: units.table.rowCount() > 0)
    taken = next(i for i, u in enumerate(units._units) if u.code == "P-FT-01-2-402")
    assert "已被选定" in units.table.item(taken, 7).text()
    assert "已被选定" in units.table.item(taken, 0).toolTip()

    # Another counter takes the unit this household is about to confirm.
    free = next(i for i, u in enumerate(units._units) if u.available)
    units.table.selectRow(free)
    chosen = wizard.state.unit
    assert chosen is not None
    staff.press()
    qtbot.waitUntil(lambda: wizard.notice.notice is not None)
    staff.click(wizard.notice.ack)
    staff.press()
    qtbot.waitUntil(lambda: wizard.review.view is not None)
    register_directly(counter, "wrong_district", "R2611", unit_code=chosen.code)
    staff.press()  # confirm
    qtbot.waitUntil(wizard.review.message.isVisible)
    assert f"房源 {chosen.label} 已被选定" in wizard.review.message.text()
    assert wizard.current_screen() is wizard.review  # nothing registered; staff go back and choose again
    save_screenshot(wizard, "refusal_unit_taken_meanwhile")
    staff.press(Qt.Key.Key_Escape)
    staff.press(Qt.Key.Key_Escape)
    assert wizard.current_screen() is units


# --- notice and slip ---


def test_confirm_is_impossible_without_the_acknowledgement(qtbot: QtBot, wizard: CounterWizard, staff: Staff):
    to_plans(staff, qtbot, wizard, "elderly_single")
    staff.click(plan_card(wizard, "Q2611"))
    staff.press()
    qtbot.waitUntil(lambda: wizard.state.unit_type is not None)  # the only fitting type, pre-selected
    staff.press()
    qtbot.waitUntil(lambda: wizard.notice.notice is not None)
    assert not wizard.primary_button.isEnabled()
    staff.press()  # Enter does nothing either
    staff.click(wizard.primary_button)
    assert wizard.current_screen() is wizard.notice
    assert wizard.state.draft() is not None and wizard.state.draft().notice_ack_at is None  # type: ignore[union-attr]
    staff.click(wizard.notice.ack)
    assert wizard.primary_button.isEnabled()
    staff.click(wizard.notice.ack)  # unticked again
    assert not wizard.primary_button.isEnabled() and wizard.state.ack is None
    staff.press()
    assert wizard.current_screen() is wizard.notice


def test_print_failure_says_not_printed_and_reprint_works(
    qtbot: QtBot, wizard: CounterWizard, staff: Staff, counter: Counter
):
    counter.printer.fail_with = "打印机缺纸"
    to_plans(staff, qtbot, wizard, "quick_family_of_four")
    staff.click(plan_card(wizard, "Q2611"))
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.projects.rows))
    staff.click(next(r for r in wizard.projects.rows if r.available))
    staff.press()
    qtbot.waitUntil(lambda: wizard.notice.notice is not None)
    staff.click(wizard.notice.ack)
    staff.press()
    qtbot.waitUntil(lambda: wizard.review.view is not None)
    with qtbot.waitSignal(wizard.registration_completed, timeout=10_000):
        staff.press()
    done = wizard.done
    qtbot.waitUntil(lambda: done.printed is not None, timeout=10_000)
    assert done.printed is False
    assert "回执未打印" in done.print_status.text() and "打印机缺纸" in done.print_status.text()
    assert done.reprint_button.isVisible() and done.reprint_button.text() == "重新打印"
    assert counter.printer.printed == []
    save_screenshot(wizard, "print_failed")

    counter.printer.fail_with = None
    staff.click(done.reprint_button)
    qtbot.waitUntil(lambda: done.printed is True, timeout=10_000)
    assert "回执已送打印机" in done.print_status.text()
    assert len(counter.printer.printed) == 1
