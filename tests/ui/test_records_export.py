"""Records: a supervisor exports registrations with the keyboard alone; clerks have no export at all."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.container import Services
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk.ui.records.records_screen import RecordsScreen
from tests.builders import SUPERVISOR
from tests.ui.conftest import Hold, Registered


def screen_for(hold: Hold, services: Services, operator: OperatorSession) -> RecordsScreen:
    screen = RecordsScreen(services.records, services.slips, lambda: operator, exports=services.exports)
    hold(screen)
    screen.resize(1366, 760)
    screen.show()
    return screen


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """To whatever has the focus, as a keyboard would."""
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, key, modifier)


def test_supervisor_exports_from_records_with_the_keyboard(
    qtbot: QtBot, hold: Hold, services: Services, built: Built, registered: Registered, screenshot
) -> None:
    supervisor = services.auth.login(*SUPERVISOR)
    records = screen_for(hold, services, supervisor)
    assert records.export.isVisible() and records.export.text() == "导出登记"
    records.activateWindow()
    qtbot.waitUntil(records.isActiveWindow, timeout=5000)
    records.query.setFocus()

    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: records.export_dialog is not None and records.export_dialog.isVisible(), timeout=5000
    )
    dialog = records.export_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.export.isEnabled, timeout=5000)  # the plans and counters read on the worker
    assert dialog.plan.count() == 1 + 3 and dialog.counter.count() == 1 + 1
    assert dialog.windowTitle() == "导出登记" and dialog.counter.itemText(1) == "01 号窗口"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.plan, timeout=5000)

    press(qtbot, Qt.Key.Key_Down)  # the first plan: Q2611
    assert dialog.plan.currentText().startswith("Q2611")
    while QApplication.focusWidget() is not dialog.format:
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Down)  # Excel → CSV
    assert dialog.format.currentData() == "csv"
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.full
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.full.isChecked()
    press(qtbot, Qt.Key.Key_Return)  # the default button: export
    qtbot.waitUntil(lambda: dialog.last is not None, timeout=10_000)

    exported = dialog.last
    assert exported is not None and exported.full and dialog.saved.isVisible()
    assert str(exported.path) in dialog.saved.text()
    assert "7 天后将从本机自动删除" in dialog.saved.text(), (
        "the file is for taking away: the counter deletes it"
    )
    with exported.path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["登记编号"] for r in rows) == sorted([registered.quick.reg_no, registered.elder.reg_no])
    assert registered.ok_id_number in {r["身份证号码"] for r in rows}  # full, as the supervisor asked
    with built.engine.connect() as c:
        actions = c.execute(select(t.AuditEntry.action, t.AuditEntry.operator_id)).all()
    assert ("export", supervisor.id) in actions

    screenshot(dialog, "records-export-dialog")
    assert QApplication.focusWidget() is dialog.close_button
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: records.export_dialog is None, timeout=5000)


def test_clerk_has_no_export(
    qtbot: QtBot, hold: Hold, services: Services, clerk: OperatorSession, registered: Registered
) -> None:
    records = screen_for(hold, services, clerk)
    records.activateWindow()
    qtbot.waitUntil(records.isActiveWindow, timeout=5000)
    records.query.setFocus()
    assert not records.export.isVisible()
    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    records._export()  # nor by a call from elsewhere
    assert records.export_dialog is None
