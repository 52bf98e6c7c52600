"""The wizard claims a real-time unit at the real centre before printing: refused, it goes back to the units
(the registration written ahead of the claim turned down); unanswered, the slip and Records say 待中心确认
until a sync round settles it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.bootstrap import Built
from kiosk.platform.speech import NullSpeechEngine
from kiosk.ui.records.records_screen import RecordsScreen
from kiosk.ui.registration.wizard import CounterWizard
from kiosk.ui.workers import wait_for_lanes
from tests.sync.conftest import (  # noqa: F401  (fixtures: a real centre on loopback, counters enrolled there)
    CentralUnderTest,
    KioskFactory,
    centre,
    kiosk,
    live_server,
    memory_keyring,
)
from tests.sync.lossy_proxy import LossyProxy
from tests.sync.test_online_claim import UNIT, pdf_text
from tests.sync.test_sync import realtime_draft, sign_in
from tests.ui.conftest import Hold
from tests.ui.flow_fixtures import SHOWCASE, SIZE, Staff, identify, plan_card, save_screenshot

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def open_wizard(qtbot: QtBot, hold: Hold, k: Built) -> CounterWizard:
    operator = sign_in(k)
    wizard = CounterWizard(k.services, NullSpeechEngine(), lambda: operator)
    hold(wizard)
    wizard.resize(*SIZE)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


@pytest.fixture(autouse=True)
def lanes_done() -> Iterator[None]:
    yield
    wait_for_lanes(10_000)  # workers finish with the caches before they close
    QApplication.processEvents()


def to_review(staff: Staff, qtbot: QtBot, wizard: CounterWizard, purpose: str) -> None:
    identify(staff, qtbot, wizard, purpose)
    staff.press()
    qtbot.waitUntil(lambda: bool(wizard.plans.cards))
    staff.click(plan_card(wizard, "R2611"))
    staff.press()
    units = wizard.units
    qtbot.waitUntil(lambda: any(u.code == UNIT for u in units._units))
    row = next(i for i, u in enumerate(units._units) if u.code == UNIT)
    assert units._units[row].available  # this counter has not heard that another took it
    units.table.selectRow(row)
    assert wizard.state.unit is not None and wizard.state.unit.code == UNIT
    staff.press()
    qtbot.waitUntil(lambda: wizard.notice.notice is not None)
    staff.click(wizard.notice.ack)
    staff.press()
    qtbot.waitUntil(lambda: wizard.review.view is not None)


def test_confirm_with_a_refused_claim_goes_back_to_the_units_with_the_centres_message(
    qtbot: QtBot,
    hold: Hold,
    kiosk: KioskFactory,  # noqa: F811
    centre: CentralUnderTest,  # noqa: F811
) -> None:
    a, b = kiosk("01", synced=True), kiosk("02", synced=True)  # as after their first sync
    a.services.sync.sync_once()
    b.services.sync.sync_once()
    a.services.registration.register_claimed(realtime_draft(a, "realtime_normal", UNIT), sign_in(a))
    wizard = open_wizard(qtbot, hold, b)
    staff = Staff(qtbot, wizard)
    to_review(staff, qtbot, wizard, "elderly_single")

    staff.press()  # confirm: the claim is refused at the centre
    units = wizard.units
    qtbot.waitUntil(lambda: wizard.current_screen() is units and units.message.isVisible(), timeout=10_000)
    assert "中心未受理本次登记" in units.message.text()
    qtbot.waitUntil(lambda: any(u.code == UNIT and not u.available for u in units._units))
    assert wizard.state.unit is None or wizard.state.unit.code != UNIT
    assert wizard.state.registration is None
    # Written ahead of the claim, now turned down with the centre's reason, as Records shows it.
    (turned_down,) = b.services.records.find(str(SHOWCASE["elderly_single"]["filing_no"]))
    assert turned_down.status == turned_down.central_status == "rejected"
    assert turned_down.central_message and turned_down.central_message in units.message.text()
    assert b.services.sync.status().unsent == 0  # answered: never sent again
    assert not list(b.config.slips_dir.glob("**/*.pdf"))  # nothing printed
    assert units._units[units.table.currentRow()].available  # the keyboard starts on a unit free to choose
    save_screenshot(wizard, "realtime_claim_refused")


def test_centre_down_the_slip_and_records_say_awaiting_the_centre_until_a_sync_settles_it(
    qtbot: QtBot,
    hold: Hold,
    kiosk: KioskFactory,  # noqa: F811
    centre: CentralUnderTest,  # noqa: F811
) -> None:
    with LossyProxy(centre.port, drop_requests=0.0, drop_responses=0.0) as proxy:
        k = kiosk("01", url=proxy.base_url, synced=True)  # as after its first sync
        k.services.sync.sync_once()
        wizard = open_wizard(qtbot, hold, k)
        staff = Staff(qtbot, wizard)
        to_review(staff, qtbot, wizard, "realtime_normal")
        proxy.drop_requests = 1.0  # the centre is down
        staff.press()  # confirm
        done = wizard.done
        qtbot.waitUntil(lambda: wizard.current_screen() is done and done.printed is not None, timeout=15_000)
        assert done.printed and "待中心确认" in done.headline.text()
        assert done.provisional_note.isVisible() and "回执" in done.provisional_note.text()
        view = wizard.state.registration
        assert view is not None and view.provisional
        slip = next(k.config.slips_dir.glob("**/*.pdf"))
        assert "待中心确认" in pdf_text(slip)
        save_screenshot(wizard, "realtime_provisional_done")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "100",
                "-png",
                "-singlefile",
                str(slip),
                str(SCREENSHOTS / "slip-provisional"),
            ],
            check=True,
        )

        operator = sign_in(k)
        records = RecordsScreen(k.services.records, k.services.slips, lambda: operator)
        hold(records)
        records.resize(1366, 760)
        records.show()
        records.query.setText(view.reg_no)
        qtbot.keyClick(records.query, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: records.table.rowCount() == 1)
        assert "待中心确认" in records.table.item(0, 3).text()
        save_screenshot(records, "records-provisional")
        # Every column wide enough to read: a plan's name sized to its contents once left the status one
        # character wide, 待中心确认 standing one character a line.
        four_characters = 4 * records.table.fontMetrics().horizontalAdvance("房")
        narrowest = min(records.table.columnWidth(c) for c in range(records.table.columnCount()))
        assert narrowest >= four_characters, (narrowest, four_characters)

        proxy.drop_requests = 0.0  # back: a sync round settles it
        k.services.sync.sync_once()
    records.search(view.reg_no)
    qtbot.waitUntil(
        lambda: records.table.rowCount() == 1 and "待中心确认" not in records.table.item(0, 3).text()
    )
    assert "已送达中心" in records.table.item(0, 3).text()
    assert centre.registrations() == [(view.reg_no, "active")]
