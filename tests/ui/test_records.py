"""Records: one search box for every number, reprint after a failed print, cancel with a supervisor, phone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.container import Services
from kiosk.services.records import ApplicantId
from kiosk.services.views import OperatorSession, RegistrationView
from kiosk.storage import tables as t
from kiosk.ui import messages
from kiosk.ui.records.dialogs.cancel_dialog import CancelDialog
from kiosk.ui.records.dialogs.phone_dialog import PhoneDialog
from kiosk.ui.records.records_screen import RecordsScreen
from kiosk_core.model import CancelReason
from tests.builders import CLERK, SUPERVISOR
from tests.fakes import FakePrinter, MovableClock
from tests.ui.conftest import Hold, Registered

STATUS, SLIP = 3, 5  # table columns


def full_width(text: str) -> str:
    """What a Chinese input method types: full-width digits and letters."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


@pytest.fixture
def records(hold: Hold, services: Services, clerk: OperatorSession, registered: Registered) -> RecordsScreen:
    screen = RecordsScreen(services.records, services.slips, lambda: clerk)
    hold(screen)
    screen.resize(1366, 760)
    screen.show()
    return screen


def search(qtbot: QtBot, screen: RecordsScreen, text: str) -> None:
    """Like a scanner: the text, then Enter."""
    screen.query.setText(text)  # QTest types ASCII only; full-width text goes in directly
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(screen.summary.text()) or not screen.error.isHidden(), timeout=5000)


def reg_nos(screen: RecordsScreen) -> list[str]:
    return [screen.table.item(row, 0).text() for row in range(screen.table.rowCount())]


def cell(screen: RecordsScreen, reg_no: str, column: int) -> str:
    return screen.table.item(reg_nos(screen).index(reg_no), column).text()


def pick_row(screen: RecordsScreen, reg_no: str) -> None:
    screen.table.selectRow(reg_nos(screen).index(reg_no))


def test_search_by_resident_id_typed_full_width(
    qtbot: QtBot, records: RecordsScreen, registered: Registered, screenshot
) -> None:
    search(qtbot, records, full_width(registered.ok_id_number))
    assert sorted(reg_nos(records)) == sorted([registered.realtime.reg_no, registered.quick.reg_no])
    assert "测试ok" in records.summary.text() and "共2条登记" in records.summary.text()
    assert records.error.isHidden()
    assert cell(records, registered.realtime.reg_no, SLIP) == "未打印"
    assert records.reprint.isEnabled() and records.cancel.isEnabled() and records.change_phone.isEnabled()
    screenshot(records, "records-results")


def test_search_by_id_ending_in_lower_case_x(
    qtbot: QtBot, records: RecordsScreen, registered: Registered
) -> None:
    assert registered.elder_id_number.endswith("X")
    search(qtbot, records, full_width(registered.elder_id_number[:-1]) + "x")
    assert reg_nos(records) == [registered.elder.reg_no]


def test_search_by_filing_and_by_registration_number(
    qtbot: QtBot, records: RecordsScreen, registered: Registered
) -> None:
    filing = registered.ok_filing_no
    search(qtbot, records, f"{filing[:2].lower()} {filing[2:6]} {full_width(filing[6:])}")
    assert len(reg_nos(records)) == 2
    reg_no = registered.quick.reg_no
    search(qtbot, records, reg_no.replace("-", "").lower())
    assert reg_nos(records) == [reg_no]


def test_a_malformed_number_is_explained_inline(qtbot: QtBot, records: RecordsScreen) -> None:
    search(qtbot, records, "12345")
    assert "格式不对" in records.error.text()
    assert records.table.rowCount() == 0


def _dialog(hold: Hold, services: Services, view: RegistrationView, clerk: OperatorSession) -> CancelDialog:
    dialog = CancelDialog(services.records, view, clerk)
    hold(dialog)
    dialog.show()
    return dialog


def _submit(qtbot: QtBot, dialog: CancelDialog, username: str, password: str) -> None:
    dialog.supervisor.setText(username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_view is not None or not dialog.error.isHidden(), timeout=5000)


def test_cancel_is_refused_with_a_clerks_credentials(
    qtbot: QtBot, hold: Hold, services: Services, clerk: OperatorSession, registered: Registered, screenshot
) -> None:
    dialog = _dialog(hold, services, registered.realtime, clerk)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert "请选择取消原因" in dialog.error.text()  # no reason chosen yet: nothing sent
    dialog.choose(CancelReason.HOUSEHOLD_REQUEST)
    _submit(qtbot, dialog, *CLERK)
    assert "不是主管" in dialog.error.text()
    assert dialog.result_view is None and dialog.password.text() == ""
    assert services.records.get(registered.realtime.reg_no).status == "active"
    screenshot(dialog, "cancel-dialog-not-supervisor")


def test_cancel_other_needs_a_comment(
    qtbot: QtBot, hold: Hold, services: Services, clerk: OperatorSession, registered: Registered
) -> None:
    dialog = _dialog(hold, services, registered.quick, clerk)
    qtbot.mouseClick(
        dialog.findChild(type(dialog.reasons.buttons()[0]), "reason_other"), Qt.MouseButton.LeftButton
    )
    assert dialog.chosen() is CancelReason.OTHER
    _submit(qtbot, dialog, *SUPERVISOR)
    assert "须写明具体原因" in dialog.error.text()
    assert services.records.get(registered.quick.reg_no).status == "active"


def test_cancel_after_the_deadline_is_refused(
    qtbot: QtBot,
    hold: Hold,
    services: Services,
    clerk: OperatorSession,
    registered: Registered,
    clock: MovableClock,
) -> None:
    clock.advance(days=30)
    dialog = _dialog(hold, services, registered.quick, clerk)
    dialog.choose(CancelReason.WRONG_CHOICE)
    _submit(qtbot, dialog, *SUPERVISOR)
    assert "截止" in dialog.error.text()


def test_cancel_with_a_supervisor_frees_the_unit(
    qtbot: QtBot,
    records: RecordsScreen,
    built: Built,
    registered: Registered,
    monkeypatch: pytest.MonkeyPatch,
    screenshot,
) -> None:
    def staff_fills_in(cls, parent, service, view, operator):  # type: ignore[no-untyped-def]
        dialog = cls(service, view, operator, parent)
        dialog.show()
        dialog.choose(CancelReason.HOUSEHOLD_REQUEST)
        dialog.comment.setText("家庭另有住处")
        dialog.supervisor.setText(SUPERVISOR[0])
        dialog.password.setText(SUPERVISOR[1])
        screenshot(dialog, "cancel-dialog")
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result_view is not None, timeout=5000)
        return dialog.result_view

    monkeypatch.setattr(CancelDialog, "ask", classmethod(staff_fills_in))
    search(qtbot, records, registered.ok_filing_no)
    reg_no = registered.realtime.reg_no
    pick_row(records, reg_no)
    with qtbot.waitSignal(messages.bridge().shown, timeout=5000) as shown:
        qtbot.mouseClick(records.cancel, Qt.MouseButton.LeftButton)
    assert shown.args[0].level is messages.Level.SUCCESS and reg_no in shown.args[0].text
    assert cell(records, reg_no, STATUS).startswith("已取消")
    assert "家庭申请取消：家庭另有住处" in cell(records, reg_no, STATUS)
    assert not records.cancel.isEnabled() and not records.reprint.isEnabled()
    with built.engine.connect() as conn:
        unit_id = conn.scalar(select(t.Registration.unit_id).where(t.Registration.reg_no == reg_no))
        assert conn.scalar(select(t.Unit.status).where(t.Unit.id == unit_id)) == "free"
        approved_by = conn.scalar(
            select(t.Registration.cancel_approved_by).where(t.Registration.reg_no == reg_no)
        )
        assert approved_by == conn.scalar(select(t.Operator.id).where(t.Operator.username == SUPERVISOR[0]))


def test_print_failure_then_reprint(
    qtbot: QtBot, records: RecordsScreen, registered: Registered, printer: FakePrinter
) -> None:
    search(qtbot, records, registered.quick.reg_no)
    reg_no = registered.quick.reg_no
    printer.fail_with = "打印机缺纸"
    with qtbot.waitSignal(messages.bridge().shown, timeout=10_000) as shown:
        qtbot.mouseClick(records.reprint, Qt.MouseButton.LeftButton)
    message: messages.Message = shown.args[0]
    assert message.level is messages.Level.WARNING
    assert "回执未打印" in message.text and "打印机缺纸" in message.text
    assert cell(records, reg_no, SLIP) == "未打印"

    printer.fail_with = None
    qtbot.waitUntil(records.reprint.isEnabled, timeout=5000)
    with qtbot.waitSignal(messages.bridge().shown, timeout=10_000) as shown:
        qtbot.mouseClick(records.reprint, Qt.MouseButton.LeftButton)
    assert shown.args[0].level is messages.Level.SUCCESS
    assert cell(records, reg_no, SLIP) == "已打印"
    assert len(printer.printed) == 1


def _phone_dialog(
    hold: Hold, services: Services, view: RegistrationView, clerk: OperatorSession
) -> PhoneDialog:
    dialog = PhoneDialog(services.records, view, clerk)
    hold(dialog)
    dialog.show()
    return dialog


def test_phone_errors_are_inline(
    qtbot: QtBot, hold: Hold, services: Services, clerk: OperatorSession, registered: Registered, screenshot
) -> None:
    dialog = _phone_dialog(hold, services, registered.quick, clerk)
    qtbot.keyClicks(dialog.phone, "1390013")
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.id_number  # Enter in the phone field goes on to the ID number
    qtbot.keyClicks(dialog.id_number, registered.ok_id_number)
    qtbot.keyClick(dialog.id_number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=5000)
    assert "手机号码应为11位" in dialog.error.text()
    assert dialog.result_view is None and dialog.isVisible()
    assert dialog.focusWidget() is dialog.phone
    screenshot(dialog, "phone-dialog-error")


def test_phone_change_accepts_full_width_digits_and_is_audited(
    qtbot: QtBot,
    hold: Hold,
    services: Services,
    clerk: OperatorSession,
    registered: Registered,
    built: Built,
    screenshot: Callable,
) -> None:
    dialog = _phone_dialog(hold, services, registered.quick, clerk)
    dialog.phone.setText("１３９ ００１３ ９０００")
    dialog.id_number.setText(full_width(registered.ok_id_number))
    dialog.phone.conceal()  # as once the clerk moved on from each field
    dialog.id_number.conceal()
    screenshot(dialog, "phone-dialog")
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_view is not None, timeout=5000)
    assert dialog.result_view.phone_masked == "139****9000"
    with built.engine.connect() as conn:
        row = conn.execute(select(t.AuditEntry).where(t.AuditEntry.action == "phone_change")).one()
    assert row.subject == registered.ok_filing_no
    assert row.detail == {"old": "138****8000", "new": "139****9000", "confirmed_by": "applicant_id"}
    assert row.operator_id == clerk.id


def test_a_wrong_id_number_is_explained_and_kept(
    qtbot: QtBot, hold: Hold, services: Services, clerk: OperatorSession, registered: Registered, screenshot
) -> None:
    dialog = _phone_dialog(hold, services, registered.quick, clerk)
    qtbot.keyClicks(dialog.phone, "13900139000")
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)
    wrong = registered.elder_id_number  # a valid ID number, of another household
    qtbot.keyClicks(dialog.id_number, wrong)
    qtbot.keyClick(dialog.id_number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=5000)
    assert f"身份证号码与登记 {registered.quick.reg_no} 的主申请人不符" in dialog.error.text()
    assert dialog.isVisible() and dialog.result_view is None
    # Kept, and shown masked: a well-formed number that does not match is another card, typed again if need be.
    assert dialog.id_number.number() == wrong and dialog.phone.number() == "13900139000"
    assert dialog.id_number.text() == "1101**********305X" and dialog.phone.text() == "139****9000"
    assert dialog.focusWidget() is dialog.id_number and not dialog.id_number.hasSelectedText()
    assert services.records.get(registered.quick.reg_no).phone_masked == "138****8000"
    screenshot(dialog, "phone-dialog-wrong-id")


def test_phone_change_with_a_supervisor_by_keyboard(
    qtbot: QtBot,
    hold: Hold,
    services: Services,
    clerk: OperatorSession,
    registered: Registered,
    built: Built,
) -> None:
    dialog = _phone_dialog(hold, services, registered.quick, clerk)
    qtbot.keyClicks(dialog.phone, "13900139000")
    qtbot.mouseClick(dialog.by_supervisor, Qt.MouseButton.LeftButton)
    assert dialog.focusWidget() is dialog.supervisor and not dialog.id_number.isVisible()
    qtbot.keyClicks(dialog.supervisor, CLERK[0])
    qtbot.keyClick(dialog.supervisor, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.password
    qtbot.keyClicks(dialog.password, CLERK[1])
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=5000)
    assert "不是主管" in dialog.error.text() and dialog.isVisible()
    assert dialog.password.text() == "" and dialog.focusWidget() is dialog.supervisor

    dialog.supervisor.setText(SUPERVISOR[0])
    dialog.password.setFocus()
    qtbot.keyClicks(dialog.password, SUPERVISOR[1])
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result_view is not None and dialog.result_view.phone_masked == "139****9000"
    with built.engine.connect() as conn:
        detail = conn.scalar(select(t.AuditEntry.detail).where(t.AuditEntry.action == "phone_change"))
    assert detail["confirmed_by"] == "supervisor" and detail["approved_by"] == SUPERVISOR[0]


def test_phone_change_from_the_records_refreshes_every_row(
    qtbot: QtBot, records: RecordsScreen, registered: Registered, monkeypatch: pytest.MonkeyPatch
) -> None:
    def staff_types(cls, parent, service, view, operator):  # type: ignore[no-untyped-def]
        return service.update_phone(
            view.reg_no, "13900139000", operator, ApplicantId(registered.ok_id_number)
        )

    monkeypatch.setattr(PhoneDialog, "ask", classmethod(staff_types))
    search(qtbot, records, registered.ok_filing_no)
    qtbot.mouseClick(records.change_phone, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "139****9000" in records.summary.text(), timeout=5000)
    assert records.table.rowCount() == 2


def _enter_credentials(qtbot: QtBot, dialog: CancelDialog, username: str, password: str) -> None:
    """As staff do it: name, Tab, password, Enter."""
    dialog.supervisor.setFocus()
    qtbot.keyClicks(dialog.supervisor, username)
    qtbot.keyClick(dialog.supervisor, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.password
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_enter_in_the_password_field_confirms_and_the_dialog_waits_for_the_answer(
    qtbot: QtBot, hold: Hold, services: Services, clerk: OperatorSession, registered: Registered
) -> None:
    dialog = _dialog(hold, services, registered.realtime, clerk)
    dialog.choose(CancelReason.HOUSEHOLD_REQUEST)
    dialog.comment.setFocus()
    qtbot.keyClick(dialog.comment, Qt.Key.Key_Return)  # Enter in an earlier field goes on to the next one
    assert dialog.focusWidget() is dialog.supervisor and dialog.error.isHidden() and dialog.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _enter_credentials(qtbot, dialog, *SUPERVISOR)
        assert dialog.isVisible()  # Enter is the confirm button, never Back
    assert dialog.result() == CancelDialog.DialogCode.Accepted
    assert dialog.result_view is not None and dialog.result_view.status == "cancelled"


def test_enter_with_a_clerks_credentials_keeps_the_dialog_and_audits_a_refusal(
    qtbot: QtBot,
    hold: Hold,
    services: Services,
    clerk: OperatorSession,
    registered: Registered,
    built: Built,
) -> None:
    dialog = _dialog(hold, services, registered.realtime, clerk)
    dialog.choose(CancelReason.HOUSEHOLD_REQUEST)
    _enter_credentials(qtbot, dialog, *CLERK)
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=5000)
    assert dialog.isVisible() and "不是主管" in dialog.error.text()
    assert dialog.result_view is None
    assert services.records.get(registered.realtime.reg_no).status == "active"
    with built.engine.connect() as conn:
        actions = conn.scalars(select(t.AuditEntry.action).order_by(t.AuditEntry.id)).all()
    assert "approve" not in actions and actions[-1] == "approve_refused"


def test_back_does_nothing_while_the_change_is_on_its_way(
    qtbot: QtBot, hold: Hold, services: Services, clerk: OperatorSession, registered: Registered
) -> None:
    dialog = _dialog(hold, services, registered.quick, clerk)
    dialog.choose(CancelReason.HOUSEHOLD_REQUEST)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _enter_credentials(qtbot, dialog, *SUPERVISOR)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the answer is coming: the dialog must see it
        assert dialog.isVisible()
    assert dialog.result_view is not None


def test_the_table_is_read_again_after_a_cancel_entered_with_the_keyboard(
    qtbot: QtBot,
    records: RecordsScreen,
    registered: Registered,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def staff_types(cls, parent, service, view, operator):  # type: ignore[no-untyped-def]
        dialog = cls(service, view, operator, parent)
        dialog.show()
        dialog.choose(CancelReason.HOUSEHOLD_REQUEST)
        with qtbot.waitSignal(dialog.finished, timeout=5000):
            _enter_credentials(qtbot, dialog, *SUPERVISOR)
        return dialog.result_view

    monkeypatch.setattr(CancelDialog, "ask", classmethod(staff_types))
    search(qtbot, records, registered.ok_filing_no)
    reg_no = registered.realtime.reg_no
    pick_row(records, reg_no)
    qtbot.mouseClick(records.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(records, reg_no, STATUS).startswith("已取消"), timeout=5000)
    assert records.selected() is not None and records.selected().reg_no == reg_no
    assert not records.cancel.isEnabled()


def wait_for_verdict(qtbot: QtBot, screen: RecordsScreen, text: str) -> None:
    screen.query.setText(text)
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.verdict.isHidden() or not screen.error.isHidden(), timeout=5000)


def test_a_scanned_slip_is_shown_as_genuine(
    qtbot: QtBot, records: RecordsScreen, registered: Registered, screenshot
) -> None:
    view = registered.quick
    wait_for_verdict(qtbot, records, view.qr_payload)
    assert records.error.isHidden()
    assert records.verdict.text().startswith("回执核验：真实有效\n")
    assert f"登记 {view.reg_no} 真实有效" in records.verdict.text()
    assert records.verdict.property("level") == "success"
    assert reg_nos(records) == [view.reg_no]
    assert records.query.selectedText() == records.query.text()  # the next scan replaces this one
    screenshot(records, "records-slip-genuine")

    search(qtbot, records, registered.ok_filing_no)  # an ordinary search: no verdict left over
    assert records.verdict.isHidden()


def test_a_forged_slip_code_is_not_genuine(
    qtbot: QtBot, records: RecordsScreen, registered: Registered, screenshot
) -> None:
    view = registered.quick
    code = view.verification_code
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    wait_for_verdict(qtbot, records, f"KIOSK-REG:{view.reg_no}:{forged}")
    assert records.verdict.text().startswith("回执核验：不是真实回执\n")
    assert records.verdict.property("level") == "error"
    screenshot(records, "records-slip-forged")
    wait_for_verdict(qtbot, records, forged)  # the altered code typed alone
    assert records.verdict.text().startswith("回执核验：查无此登记\n")
    assert records.table.rowCount() == 0 and records.summary.text() == ""


def test_a_typed_code_then_a_cancel_shows_the_new_verdict(
    qtbot: QtBot, records: RecordsScreen, registered: Registered, monkeypatch: pytest.MonkeyPatch
) -> None:
    def supervisor_approves(cls, parent, service, view, operator):  # type: ignore[no-untyped-def]
        return service.cancel(view.reg_no, CancelReason.HOUSEHOLD_REQUEST, "", operator, *SUPERVISOR)

    monkeypatch.setattr(CancelDialog, "ask", classmethod(supervisor_approves))
    view = registered.realtime
    wait_for_verdict(qtbot, records, view.verification_code.lower())
    assert "真实有效" in records.verdict.text()
    qtbot.mouseClick(records.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "回执核验：已取消" in records.verdict.text(), timeout=5000)
    assert cell(records, view.reg_no, STATUS).startswith("已取消") and not records.cancel.isEnabled()


def test_going_back_from_a_dialog_still_reads_the_table_again(
    qtbot: QtBot,
    records: RecordsScreen,
    services: Services,
    clerk: OperatorSession,
    registered: Registered,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reg_no = registered.quick.reg_no

    def cancelled_meanwhile_then_back(cls, parent, service, view, operator):  # type: ignore[no-untyped-def]
        # The dialog said "already cancelled" (another window of the counter got there first); staff go back.
        service.cancel(view.reg_no, CancelReason.HOUSEHOLD_REQUEST, "", operator, *SUPERVISOR)
        return None

    monkeypatch.setattr(CancelDialog, "ask", classmethod(cancelled_meanwhile_then_back))
    search(qtbot, records, registered.ok_filing_no)
    pick_row(records, reg_no)
    assert records.cancel.isEnabled()
    qtbot.mouseClick(records.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cell(records, reg_no, STATUS).startswith("已取消"), timeout=5000)
    assert records.selected() is not None and records.selected().reg_no == reg_no
    assert not records.cancel.isEnabled()
