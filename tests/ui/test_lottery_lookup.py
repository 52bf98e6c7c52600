"""The counter's draw results: staff find a household by reg no. or ID after the sync, and print its notice;
the shell shows the lookup to every operator and the console to supervisors only."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QSize, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.services.draw_views import SourceSpec, SourceValue
from kiosk.storage import tables as t
from kiosk.ui.lottery.console import LotteryConsole
from kiosk.ui.lottery.lookup_screen import ResultLookupScreen
from tests.builders import CLERK, SUPERVISOR
from tests.fakes import FakePrinter
from tests.sync.conftest import KioskFactory, kiosk, live_server, memory_keyring  # noqa: F401
from tests.sync.test_draws_sync import DIGITS, centre  # noqa: F401
from tests.ui.conftest import ELDER, Hold, WindowFactory, sign_in
from tests.ui.test_layout import layout_problems
from tests.ui.test_lottery_console import WHOLE_ID, Site, site  # noqa: F401

LABEL = "公证员现场摇号 第1组"


def published(site: Site) -> int:  # noqa: F811
    draws, operator = site.counter.services.draws, site.operator
    frozen = draws.freeze(operator, "Q2611", [SourceSpec.digits(LABEL, 40)])
    draws.commit_sources(operator, frozen.draw_id, [SourceValue(LABEL, DIGITS)])
    draws.publish(operator, draws.run(operator, frozen.draw_id).draw_id)
    site.counter.services.sync.sync_once()  # the counter pulls the published outcomes
    return frozen.draw_id


def test_staff_find_a_households_result_and_print_its_notice(
    qtbot: QtBot,
    hold: Hold,
    site: Site,  # noqa: F811
    screenshot,
) -> None:
    published(site)
    reg_no = site.reg_nos[3]
    with site.counter.engine.connect() as c:
        id_number = c.execute(
            select(t.Household.applicant_id_number)
            .join(t.Registration, t.Registration.household_id == t.Household.id)
            .where(t.Registration.reg_no == reg_no)
        ).scalar_one()
    screen = ResultLookupScreen(site.counter.services.draws, lambda: site.operator)
    hold(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)

    qtbot.keyClicks(screen.query, id_number.lower())  # typed as staff do: a lower-case x is the same ID
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10_000)
    view = screen.selected()
    assert view is not None and view.reg_no == reg_no
    texts = [screen.table.item(0, c).text() for c in range(5)]
    assert texts[1] == reg_no and "*" in texts[2] and texts[3] == view.outcome_label
    assert texts[4] == f"第 {view.rank} 位 / 共 12 户"
    assert view.list_hash[:8] in screen.detail.text() and view.seed[:8] in screen.detail.text()
    shown = "\n".join(screen.table.item(0, c).text() for c in range(5)) + screen.detail.text()
    assert not WHOLE_ID.search(shown)
    qtbot.waitUntil(lambda: screen.print_button.hasFocus())  # the next action, for Enter or Space
    screenshot(screen, "lottery_lookup_1366")

    with qtbot.waitSignal(screen.printed, timeout=15_000) as printed:
        qtbot.keyClick(screen.print_button, Qt.Key.Key_Space)
    pdf = printed.args[0]
    assert isinstance(pdf, Path) and pdf.exists()
    printer = site.counter.printer
    assert isinstance(printer, FakePrinter) and printer.printed == [pdf]  # on the counter's printer
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "摇号结果通知书" in text and reg_no in text and not WHOLE_ID.search(text)

    printer.fail_with = "打印机缺纸"  # a jam: the notice is kept, staff are told, nothing else changes
    with qtbot.waitSignal(screen.printed, timeout=15_000) as again:
        qtbot.keyClick(screen.print_button, Qt.Key.Key_Space)
    assert again.args[0].exists() and printer.printed == [pdf]
    with site.counter.engine.connect() as c:
        prints = c.execute(
            select(t.AuditEntry.detail).where(
                t.AuditEntry.action == "draw_notice_print", t.AuditEntry.subject == reg_no
            )
        ).all()
    assert len(prints) == 2
    printer.fail_with = None

    screen.query.clear()
    qtbot.keyClicks(screen.query, reg_no[:-1] + ("X" if reg_no[-1] != "X" else "Y"))  # one character wrong
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.error.isHidden(), timeout=10_000)
    assert "校验不对" in screen.error.text() and screen.table.rowCount() == 0
    assert not screen.print_button.isEnabled()
    screen.resize(1920, 1080)
    screenshot(screen, "lottery_lookup_not_found_1920")


def test_records_lead_every_operator_to_the_results_and_only_supervisors_to_the_console(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    window.resize(1366, 768)
    sign_in(qtbot, window, *CLERK)
    assert "lottery" not in window.header.buttons and not window.header.menu_actions["lottery"].isVisible()
    # A clerk's menu holds the selection counter (F7), not the console nor the hall screen.
    selection = window.header.menu_actions["selection"]
    assert window.header.menu.isVisible() and selection.isVisible() and selection.text() == "选房\tF7"
    assert not window.header.hall_action.isVisible()
    window.open("lottery")  # the shortcut's way in: refused to a clerk
    assert not isinstance(window.stack.currentWidget(), LotteryConsole)
    assert layout_problems(window, QSize(1366, 768)) == []

    window.show_records("")
    records = window.records_screen
    records.query.setText(ELDER[1])
    qtbot.mouseClick(records.draw_results, Qt.MouseButton.LeftButton)
    lookup = window.stack.currentWidget()
    assert isinstance(lookup, ResultLookupScreen)
    assert lookup.query.text() == ELDER[1]  # the same household, searched at once
    qtbot.waitUntil(lambda: not lookup.error.isHidden(), timeout=10_000)  # nothing drawn here yet: said so
    assert "没有查到" in lookup.error.text()
    qtbot.keyClick(lookup.query, Qt.Key.Key_Escape)  # Esc leads home, as from Records
    assert window.stack.currentWidget() is window.wizard

    window.logout()
    sign_in(qtbot, window, *SUPERVISOR)
    assert layout_problems(window, QSize(1366, 768)) == []
    entry = window.header.menu_actions["lottery"]
    assert entry in window.header.menu_list.actions() and entry.text() == "摇号控制台\tF6"
    entry.trigger()
    console = window.stack.currentWidget()
    assert isinstance(console, LotteryConsole)
    # No centre configured at this counter: the console says so in the centre call's own words.
    qtbot.waitUntil(lambda: not console.plans.error.isHidden(), timeout=10_000)
    assert console.plans.error.text()
    assert layout_problems(window, QSize(1366, 768)) == []
