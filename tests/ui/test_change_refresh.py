"""The change notice reaches the screens: Records and the sync strip refresh themselves on the GUI thread."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from kiosk.services.container import Services
from kiosk.services.views import OperatorSession
from tests.builders import CLERK, World
from tests.ui.conftest import WindowFactory, register, sign_in

WAIT_MS = 10_000


def test_a_registration_made_on_another_thread_shows_in_records_and_on_the_strip_unasked(
    qtbot: QtBot, make_window: WindowFactory, services: Services, world: World, clerk: OperatorSession
) -> None:
    window = make_window()
    sign_in(qtbot, window, *CLERK)
    filing_no, id_no = world.households["ok"]
    window.show_records(filing_no)
    records = window.records_screen
    qtbot.waitUntil(lambda: records.summary.text() != "", timeout=WAIT_MS)
    assert records.table.rowCount() == 0
    records.query.setText("typed by staff meanwhile")

    made = threading.Thread(
        target=register, args=(services, clerk, filing_no, id_no, world.quick_plan, False), name="elsewhere"
    )
    made.start()
    made.join(WAIT_MS / 1000)

    qtbot.waitUntil(lambda: records.table.rowCount() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.sync_bar.status is not None and window.sync_bar.status.unsent == 1)
    assert records.query.text() == "typed by staff meanwhile"  # the refresh leaves the search box alone
    assert "1" in window.sync_bar.unsent.text()


def test_the_turned_down_list_is_read_again_on_a_change(
    qtbot: QtBot, make_window: WindowFactory, services: Services, world: World, clerk: OperatorSession
) -> None:
    window = make_window()
    sign_in(qtbot, window, *CLERK)
    window.show_rejected()
    records = window.records_screen
    qtbot.waitUntil(lambda: records.summary.text() != "", timeout=WAIT_MS)
    shown = records.summary.text()
    asked: list[str] = []
    real = services.records.rejected

    def rejected() -> list:  # type: ignore[type-arg]
        asked.append("again")
        return real()

    services.records.rejected = rejected  # type: ignore[method-assign]
    filing_no, id_no = world.households["ok"]
    threading.Thread(
        target=register, args=(services, clerk, filing_no, id_no, world.quick_plan, False)
    ).start()
    qtbot.waitUntil(lambda: asked == ["again"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: records.summary.text() == shown, timeout=WAIT_MS)
