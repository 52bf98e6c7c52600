"""Records: finding registrations, cancelling with a supervisor's approval, phone changes, slip printing."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.records import ApplicantId, SupervisorApproval
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk_core.errors import AuthFailed, Conflict, InvalidInput, NotAllowed
from kiosk_core.model import CancelReason
from tests.builders import CLERK, SUPERVISOR, World, id_number
from tests.fakes import FakePrinter
from tests.services.test_registration import draft

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture
def registered(built: Built, world: World, clerk: OperatorSession) -> str:
    return built.services.registration.register(
        draft(world, "ok", unit=world.free_units[0], plan="rt"), clerk
    ).reg_no


def test_find_by_reg_no_filing_or_id_however_typed(built: Built, world: World, registered: str) -> None:
    records = built.services.records
    filing_no, applicant = world.households["ok"]
    assert [v.reg_no for v in records.find(registered.lower().replace("-", " "))] == [registered]
    assert [v.reg_no for v in records.find(filing_no.translate(FULL_WIDTH))] == [registered]
    assert [v.reg_no for v in records.find(applicant.lower())] == [registered]
    with pytest.raises(InvalidInput):
        records.find("   ")


def test_cancel_needs_a_supervisor(
    built: Built, world: World, clerk: OperatorSession, registered: str
) -> None:
    records = built.services.records
    with pytest.raises(NotAllowed):
        records.cancel(registered, CancelReason.HOUSEHOLD_REQUEST, "", clerk, *CLERK)
    with pytest.raises(AuthFailed):
        records.cancel(registered, CancelReason.HOUSEHOLD_REQUEST, "", clerk, SUPERVISOR[0], "wrong-one")
    assert records.get(registered).status == "active"
    view = records.cancel(registered, CancelReason.HOUSEHOLD_REQUEST, "", clerk, *SUPERVISOR)
    assert view.status == "cancelled" and view.cancel_reason_label == "家庭申请取消"
    with built.engine.connect() as c:
        assert c.execute(select(t.Unit.status).where(t.Unit.id == world.free_units[0])).scalar() == "free"
        kinds = c.execute(select(t.OutboxMessage.kind).order_by(t.OutboxMessage.id)).scalars().all()
        assert kinds == ["registration", "cancellation"]
        row = c.execute(select(t.AuditEntry).where(t.AuditEntry.action == "cancel")).one()
        assert row.detail["approved_by"] == "super1"
    with pytest.raises(Conflict):
        records.cancel(registered, CancelReason.HOUSEHOLD_REQUEST, "", clerk, *SUPERVISOR)


def test_after_cancel_the_household_may_register_again(
    built: Built, world: World, clerk: OperatorSession, registered: str
) -> None:
    built.services.records.cancel(registered, CancelReason.WRONG_CHOICE, "", clerk, *SUPERVISOR)
    again = built.services.registration.register(
        draft(world, "ok", unit=world.free_units[1], plan="rt"), clerk
    )
    assert again.reg_no != registered


def test_other_reason_needs_a_comment(built: Built, clerk: OperatorSession, registered: str) -> None:
    with pytest.raises(InvalidInput) as err:
        built.services.records.cancel(registered, CancelReason.OTHER, "  ", clerk, *SUPERVISOR)
    assert err.value.code == "cancel_comment_missing"
    view = built.services.records.cancel(registered, CancelReason.OTHER, "家中有变故", clerk, *SUPERVISOR)
    assert view.cancel_reason_label == "其他：家中有变故"


def test_no_cancel_after_the_deadline(built: Built, clerk: OperatorSession, registered: str, clock) -> None:
    clock.advance(days=8)  # plan started 3 days ago, deadline after 10
    with pytest.raises(Conflict) as err:
        built.services.records.cancel(registered, CancelReason.HOUSEHOLD_REQUEST, "", clerk, *SUPERVISOR)
    assert err.value.code == "cancel_deadline_passed"


def test_phone_update_is_audited_masked(
    built: Built, world: World, clerk: OperatorSession, registered: str
) -> None:
    applicant = world.households["ok"][1]
    view = built.services.records.update_phone(
        registered, "１３９ ００１３ ９０００", clerk, ApplicantId(applicant.translate(FULL_WIDTH))
    )
    assert view.phone_masked == "139****9000"
    with built.engine.connect() as c:
        entry = c.execute(select(t.AuditEntry).where(t.AuditEntry.action == "phone_change")).one()
        assert entry.detail == {"old": "138****8000", "new": "139****9000", "confirmed_by": "applicant_id"}
        assert applicant not in str(entry.detail) and applicant[6:14] not in str(entry.detail)
        assert (
            c.execute(select(t.OutboxMessage.kind).order_by(t.OutboxMessage.id.desc())).scalar()
            == "phone_update"
        )
    with pytest.raises(InvalidInput):
        built.services.records.update_phone(registered, "139001390", clerk, ApplicantId(applicant))


def test_phone_change_needs_the_applicants_id_number(
    built: Built, world: World, clerk: OperatorSession, registered: str
) -> None:
    records = built.services.records
    other = world.households["far"][1]  # a real, valid ID number, of another household
    with pytest.raises(InvalidInput) as err:
        records.update_phone(registered, "13900139000", clerk, ApplicantId(other))
    assert err.value.code == "phone_id_mismatch"
    assert err.value.message == f"身份证号码与登记 {registered} 的主申请人不符"
    with pytest.raises(InvalidInput) as err:
        records.update_phone(registered, "13900139000", clerk, ApplicantId(""))
    assert err.value.code == "id_empty"
    with pytest.raises(InvalidInput) as err:
        records.update_phone(registered, "13900139000", clerk, ApplicantId(other[:-1]))
    assert err.value.code == "id_length"
    assert records.get(registered).phone_masked == "138****8000"
    with built.engine.connect() as c:
        refused = c.execute(select(t.AuditEntry).where(t.AuditEntry.action == "phone_change_refused")).one()
        assert refused.detail == {"reason": "id_mismatch"} and refused.operator_id == clerk.id
        assert c.execute(select(t.OutboxMessage.kind)).scalars().all() == ["registration"]


def test_a_members_id_number_is_not_the_applicants(
    built: Built, clerk: OperatorSession, registered: str
) -> None:
    member = id_number("110105", "20000101", 200)  # the child in household "ok"
    with pytest.raises(InvalidInput) as err:
        built.services.records.update_phone(registered, "13900139000", clerk, ApplicantId(member))
    assert err.value.code == "phone_id_not_applicant" and "家庭成员（子女）" in err.value.message


def test_phone_change_with_a_supervisors_approval(
    built: Built, clerk: OperatorSession, registered: str
) -> None:
    records = built.services.records
    with pytest.raises(NotAllowed):
        records.update_phone(registered, "13900139000", clerk, SupervisorApproval(*CLERK))
    with pytest.raises(AuthFailed):
        records.update_phone(registered, "13900139000", clerk, SupervisorApproval(SUPERVISOR[0], "wrong-one"))
    assert records.get(registered).phone_masked == "138****8000"
    view = records.update_phone(registered, "13900139000", clerk, SupervisorApproval(*SUPERVISOR))
    assert view.phone_masked == "139****9000"
    with built.engine.connect() as c:
        entry = c.execute(select(t.AuditEntry).where(t.AuditEntry.action == "phone_change")).one()
    assert entry.detail == {
        "old": "138****8000",
        "new": "139****9000",
        "confirmed_by": "supervisor",
        "approved_by": SUPERVISOR[0],
    }
    assert entry.operator_id == clerk.id


def test_an_unchanged_phone_asks_no_approval(built: Built, clerk: OperatorSession, registered: str) -> None:
    with pytest.raises(InvalidInput) as err:
        built.services.records.update_phone(registered, "13800138000", clerk, SupervisorApproval(*SUPERVISOR))
    assert err.value.code == "phone_unchanged"
    with built.engine.connect() as c:
        assert c.execute(select(t.AuditEntry.action).where(t.AuditEntry.action == "approve")).first() is None


def test_print_failure_keeps_the_registration_and_reprint_works(
    built: Built, clerk: OperatorSession, registered: str, printer: FakePrinter
) -> None:
    printer.fail_with = "打印机缺纸"
    outcome = built.services.slips.print_slip(registered, clerk)
    assert not outcome.printed and "打印机缺纸" in outcome.message and outcome.path.exists()
    assert not built.services.records.get(registered).slip_printed
    printer.fail_with = None
    again = built.services.slips.print_slip(registered, clerk, reprint=True)
    assert again.printed and again.registration.slip_printed
    assert again.path != outcome.path and printer.printed == [again.path]
    text = "".join(page.extract_text() for page in PdfReader(again.path).pages)
    assert registered in text
    with built.engine.connect() as c:
        actions = c.execute(select(t.AuditEntry.action).order_by(t.AuditEntry.id)).scalars().all()
    assert actions[-2:] == ["print", "reprint"]


def test_a_clerks_approval_is_audited_as_refused(
    built: Built, clerk: OperatorSession, registered: str
) -> None:
    with pytest.raises(NotAllowed) as err:
        built.services.records.cancel(registered, CancelReason.HOUSEHOLD_REQUEST, "", clerk, *CLERK)
    assert "不是主管" in err.value.message
    with built.engine.connect() as c:
        entries = c.execute(select(t.AuditEntry).order_by(t.AuditEntry.id)).all()
    last = entries[-1]
    assert (last.action, last.subject, last.detail) == (
        "approve_refused",
        CLERK[0],
        {"reason": "not_supervisor"},
    )
    assert "approve" not in [e.action for e in entries]
