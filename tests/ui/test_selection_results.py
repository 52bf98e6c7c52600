"""The counter's selection results, reached from Records: staff find a household by ID, filing no. or reg no.
(as scanned or typed), see its chosen unit masked, and print its 选房确认书 again, the same sheet; a household that
chose at another counter gets its sheet from the centre (a real one on loopback, the demo's plan Q2609), and a
counter that cannot reach the centre says so in Chinese."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.selection import SelectionService
from kiosk.services.selection_views import TurnView
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk.ui import messages
from kiosk.ui.selection.results_screen import SelectionResultsScreen
from kiosk_core import selection as core
from kiosk_core.errors import NotFound
from kiosk_core.identity import mask_id_number
from kiosk_core.reg_no import parse_reg_no
from kiosk_core.selection import TurnState
from tests.builders import CLERK
from tests.fakes import FakePrinter
from tests.services.test_selection_at_centre import PLAN, SelectionCentre, centre  # noqa: F401
from tests.sync.conftest import KioskFactory, kiosk, live_server, memory_keyring  # noqa: F401
from tests.sync.lossy_proxy import LossyProxy
from tests.ui.conftest import ELDER, Hold, WindowFactory, sign_in
from tests.ui.test_layout import layout_problems

WHOLE_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
WAIT = 20_000
WIDE = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
Screenshot = Callable[..., Path]


def _counter(
    kiosk: KioskFactory,  # noqa: F811
    number: str,
    *,
    synced: bool = False,
    **kw: str,
) -> tuple[Built, OperatorSession]:
    """``synced``: as after its first sync at the centre as loaded (a counter made before the test moves
    anything there)."""
    k = kiosk(number, synced=synced, **kw)
    k.services.sync.sync_once()  # the catalog's households and the draws' results (the selection order)
    return k, k.services.auth.login("clerk1", "kiosk-demo-1")


def _open_turn(svc: SelectionService, clerk: OperatorSession, centre: SelectionCentre) -> TurnView:  # noqa: F811
    """The next household called, re-declared, two free units of its pool wished, its turn opened."""
    turn = svc.call_next(PLAN)
    svc.redeclare(PLAN, turn.reg_no, clerk)
    free = [u.unit_code for u in svc.current(PLAN).free_units(turn.pool)][:2]
    svc.set_wishes(PLAN, turn.reg_no, free)
    centre.tick()
    opened = svc.current(PLAN).turn(turn.reg_no)
    assert opened is not None and opened.state is TurnState.OPEN
    return opened


def _id_number(k: Built, filing_no: str) -> str:
    with k.engine.connect() as c:
        return c.execute(
            select(t.Household.applicant_id_number).where(t.Household.filing_no == filing_no)
        ).scalar_one()


def _sheet_text(pdf: Path) -> str:
    """The sheet's words, less the moment it was printed (a reprint is the same sheet printed later)."""
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    text = re.sub(r"打印时间\s*\S+\s*\S+", "", text)
    return re.sub(r"\s", "", text)


def screenshot_pdf(pdf: Path, name: str) -> None:
    """The printed sheet kept beside the screenshots (KIOSK_SCREENSHOTS), for a person to look at."""
    folder = Path(os.environ.get("KIOSK_SCREENSHOTS", Path(__file__).parent.parent / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, folder / f"{name}.pdf")


def _screen(qtbot: QtBot, hold: Hold, k: Built, clerk: OperatorSession) -> SelectionResultsScreen:
    screen = SelectionResultsScreen(k.services.selection, k.services.draws, lambda: clerk)
    hold(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitActive(screen)
    screen.query.setFocus()
    return screen


def _search(qtbot: QtBot, screen: SelectionResultsScreen, typed: str) -> None:
    screen.query.clear()
    screen.error.clear()
    screen.table.setRowCount(0)
    for ch in typed:  # key events carrying the text (QTest's keyClicks takes ASCII only)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(screen.query, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.table.rowCount() > 0 or not screen.error.isHidden(), timeout=WAIT)


def _shown(screen: SelectionResultsScreen) -> str:
    table = screen.table
    cells = [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())]
    return "\n".join([*cells, screen.detail.text(), screen.note.text(), screen.error.text()])


def test_staff_find_a_households_chosen_unit_by_any_of_its_numbers_and_print_the_same_sheet_again(
    qtbot: QtBot,
    hold: Hold,
    centre: SelectionCentre,  # noqa: F811
    kiosk: KioskFactory,  # noqa: F811
    screenshot: Screenshot,
) -> None:
    k, clerk = _counter(kiosk, "03", synced=True)
    svc = k.services.selection
    turn = _open_turn(svc, clerk, centre)
    assert svc.confirm(PLAN, turn.reg_no, turn.wish_codes[1], clerk).chosen
    first = svc.print_sheet(
        PLAN, turn.reg_no, clerk
    )  # at the end of the turn, as the counter's workflow does
    original = _sheet_text(first.path)
    id_number = _id_number(k, turn.filing_no)
    screen = _screen(qtbot, hold, k, clerk)

    # The applicant's ID as a person might type it: full-width digits, a lower-case x, stray spaces.
    _search(qtbot, screen, f" {id_number.translate(WIDE)} ")
    assert screen.error.isHidden() and screen.table.rowCount() == 1 and screen.note.isHidden()
    view = screen.selected()
    assert view is not None and view.reg_no == turn.reg_no and view.unit_code == turn.wish_codes[1]
    cells = [screen.table.item(0, c).text() for c in range(screen.table.columnCount())]
    assert cells[0] == turn.reg_no
    assert turn.masked_name in cells[1] and mask_id_number(id_number) in cells[1]
    assert f"{view.building}栋" in cells[2] and view.unit_type_name in cells[2]
    assert "平方米" in cells[3] and "月租金" in cells[3]
    assert f"{view.chosen_at:%H:%M}" in cells[4] and "3 号窗口 · 现场确认正选" in cells[4]
    assert clerk.display_name in screen.detail.text()  # who confirmed signs for it
    assert view.plan_name in screen.detail.text()
    assert not WHOLE_ID.search(_shown(screen))
    qtbot.waitUntil(lambda: screen.print_button.hasFocus())  # the next action, for Enter or Space
    assert screen.print_button.text() == "打印选房确认书"
    path = screenshot(screen, "selection_results_1366")
    assert layout_problems(screen, QSize(1366, 768)) == []

    with qtbot.waitSignal(screen.printed, timeout=WAIT) as printed:
        qtbot.keyClick(screen.print_button, Qt.Key.Key_Space)
    pdf = printed.args[0]
    assert isinstance(pdf, Path) and pdf.exists()
    printer = k.printer
    assert isinstance(printer, FakePrinter) and printer.printed == [first.path, pdf]
    again = _sheet_text(pdf)
    screenshot_pdf(pdf, "selection_results_sheet")
    assert again == original  # the same sheet
    assert "选房确认书" in again and turn.reg_no in again and mask_id_number(id_number) in again
    assert not WHOLE_ID.search(again)
    assert screen.query.hasFocus()  # the next household's scan

    printer.fail_with = (
        "打印机缺纸"  # a jam: the sheet is kept, staff are told in Chinese, nothing else changes
    )
    told: list[messages.Message] = []
    messages.bridge().shown.connect(told.append)
    screen.table.selectRow(0)
    with qtbot.waitSignal(screen.printed, timeout=WAIT) as jammed:
        qtbot.keyClick(screen.print_button, Qt.Key.Key_Space)
    messages.bridge().shown.disconnect(told.append)
    assert jammed.args[0].exists() and printer.printed == [first.path, pdf]
    assert told and told[-1].level is messages.Level.WARNING and "打印机缺纸" in told[-1].text
    assert "已保存" in told[-1].text
    printer.fail_with = None
    with k.engine.connect() as c:
        audited = c.execute(select(t.AuditEntry.action).where(t.AuditEntry.subject == turn.reg_no)).scalars()
        assert "selection_sheet_reprint" in list(audited)

    # The filing no. as scanned (lower case, spaces) and the reg no. find the same household.
    _search(qtbot, screen, f"  {turn.filing_no.lower()} ")
    assert screen.table.rowCount() == 1 and screen.selected().reg_no == turn.reg_no  # type: ignore[union-attr]
    _search(qtbot, screen, turn.reg_no.lower())
    assert screen.table.rowCount() == 1 and screen.selected().reg_no == turn.reg_no  # type: ignore[union-attr]

    # Refusals, each in Chinese on the screen: an empty box, a reg no. one character wrong, a household whose
    # selection order is known but that has chosen nothing yet (the centre's words).
    _search(qtbot, screen, "   ")
    assert "请输入" in screen.error.text() and not screen.print_button.isEnabled()
    wrong = turn.reg_no[:-1] + ("X" if turn.reg_no[-1] != "X" else "Y")
    _search(qtbot, screen, wrong)
    assert "校验" in screen.error.text() and screen.table.rowCount() == 0
    waiting = next(x for x in svc.current(PLAN).turns if x.state is TurnState.WAITING)
    _search(qtbot, screen, waiting.filing_no)
    assert "还没有选定住房" in screen.error.text() and screen.table.rowCount() == 0
    assert not screen.print_button.isEnabled() and screen.query.hasFocus()
    screen.resize(1920, 1080)
    path = screenshot(screen, "selection_results_refused_1920")
    assert path.exists() and not WHOLE_ID.search(_shown(screen))
    assert layout_problems(screen, QSize(1920, 1080)) == []


def test_a_household_that_chose_at_another_counter_gets_its_sheet_from_the_centre_and_offline_is_said(
    qtbot: QtBot,
    hold: Hold,
    centre: SelectionCentre,  # noqa: F811
    kiosk: KioskFactory,  # noqa: F811
    screenshot: Screenshot,
) -> None:
    elsewhere, other_clerk = _counter(kiosk, "04", synced=True)
    svc = elsewhere.services.selection
    turn = _open_turn(svc, other_clerk, centre)
    for _ in range(
        core.TURN_SECONDS // 5 + 2
    ):  # nobody confirms; the counter is heard while the time runs out
        centre.clock.now += timedelta(seconds=5)
        svc.state(PLAN)
    centre.tick()
    picked = svc.current(PLAN).turn(turn.reg_no)
    assert picked is not None and picked.state is TurnState.AUTO_PICKED
    original = _sheet_text(svc.print_sheet(PLAN, turn.reg_no, other_clerk).path)

    with LossyProxy(centre.port, drop_requests=0.0, drop_responses=0.0) as proxy:
        k, clerk = _counter(kiosk, "05", url=proxy.base_url)
        with pytest.raises(NotFound):  # nothing kept here for the household yet
            k.services.selection.find_sheets(turn.filing_no)
        id_number = _id_number(k, turn.filing_no)
        screen = _screen(qtbot, hold, k, clerk)

        proxy.drop_requests = 1.0  # the centre out of reach
        _search(qtbot, screen, id_number.lower())
        assert screen.table.rowCount() == 0 and not screen.print_button.isEnabled()
        said = screen.error.text()
        assert "本机没有" in said and "连接不上中心" in said and "恢复联网后再查" in said and "重印" in said
        assert not WHOLE_ID.search(said) and screen.query.hasFocus()
        screenshot(screen, "selection_results_offline_1366")

        proxy.drop_requests = 0.0
        _search(qtbot, screen, id_number.lower())
        assert screen.error.isHidden() and screen.table.rowCount() == 1
        view = screen.selected()
        assert view is not None and view.reg_no == turn.reg_no and view.unit_code == picked.unit_code
        assert "其他窗口" in screen.note.text() and not screen.note.isHidden()
        cells = [screen.table.item(0, c).text() for c in range(screen.table.columnCount())]
        assert "4 号窗口 · 系统自动选定" in cells[4]
        assert mask_id_number(id_number) in cells[1] and not WHOLE_ID.search(_shown(screen))
        qtbot.waitUntil(lambda: screen.print_button.hasFocus())
        screen.resize(1920, 1080)
        screenshot(screen, "selection_results_from_centre_1920")
        assert layout_problems(screen, QSize(1920, 1080)) == []

        with qtbot.waitSignal(screen.printed, timeout=WAIT) as printed:
            qtbot.keyClick(screen.print_button, Qt.Key.Key_Return)
        assert _sheet_text(printed.args[0]) == original  # the sheet the household got at counter 4
        assert k.printer.printed == [printed.args[0]]  # type: ignore[attr-defined]

        # Fetched once, kept here: later look-ups and reprints need no centre.
        proxy.drop_requests = 1.0
        _search(qtbot, screen, parse_reg_no(turn.reg_no))
        assert screen.error.isHidden() and screen.table.rowCount() == 1 and screen.note.isHidden()
        with qtbot.waitSignal(screen.printed, timeout=WAIT) as offline:
            qtbot.keyClick(screen.print_button, Qt.Key.Key_Space)
        assert _sheet_text(offline.args[0]) == original


def test_records_lead_to_the_selection_results_with_the_households_number(
    qtbot: QtBot, make_window: WindowFactory, screenshot: Screenshot
) -> None:
    window = make_window()
    window.resize(1366, 768)
    sign_in(qtbot, window, *CLERK)
    window.show_records("")
    records = window.records_screen
    assert records.selection_results.text() == "选房结果"
    assert layout_problems(window, QSize(1366, 768)) == []
    screenshot(window, "selection_results_records_1366")
    records.query.setText(ELDER[1])
    qtbot.mouseClick(records.selection_results, Qt.MouseButton.LeftButton)
    results = window.stack.currentWidget()
    assert isinstance(results, SelectionResultsScreen)
    assert results.query.text() == ELDER[1]  # the same household, searched at once
    qtbot.waitUntil(lambda: not results.error.isHidden(), timeout=WAIT)  # nothing chosen here: said so
    assert "本机没有" in results.error.text() and "选房确认书" in results.error.text()
    assert not WHOLE_ID.search(results.error.text())
    qtbot.keyClick(results.query, Qt.Key.Key_Escape)  # Esc leads home, as from Records
    assert window.stack.currentWidget() is window.wizard
