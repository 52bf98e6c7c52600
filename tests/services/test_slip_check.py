"""Checking a slip by its QR payload or its verification code: genuine, cancelled, turned down, not found, forged."""

from __future__ import annotations

import string

import pytest
from sqlalchemy import update

from kiosk.bootstrap import Built
from kiosk.services.records import RecordsService
from kiosk.services.slip_check import Verdict, is_slip_qr, read_claim
from kiosk.services.views import OperatorSession, RegistrationView
from kiosk.storage import tables as t
from kiosk_core.model import CancelReason
from kiosk_core.reg_no import make_reg_no
from tests.builders import SUPERVISOR, World
from tests.services.test_registration import draft

BASE32 = string.ascii_uppercase + "234567"
FULL_WIDTH = str.maketrans(
    string.ascii_uppercase + string.digits + ":",
    "".join(chr(ord(c) + 0xFEE0) for c in string.ascii_uppercase + string.digits + ":"),
)


@pytest.fixture
def view(built: Built, world: World, clerk: OperatorSession) -> RegistrationView:
    return built.services.registration.register(
        draft(world, "ok", unit=world.free_units[0], plan="rt"), clerk
    )


@pytest.fixture
def records(built: Built) -> RecordsService:
    return built.services.records


def swap(code: str, position: int) -> str:
    """The code with one character changed to the next base32 character."""
    other = BASE32[(BASE32.index(code[position]) + 1) % len(BASE32)]
    return code[:position] + other + code[position + 1 :]


def test_the_slips_qr_says_genuine(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    found = records.search(view.qr_payload, clerk.counter)
    assert found.check is not None
    assert (found.check.verdict, found.check.label) == (Verdict.GENUINE, "真实有效")
    assert found.check.message == f"登记 {view.reg_no} 真实有效（尚未送达中心）"
    assert [r.reg_no for r in found.registrations] == [view.reg_no]


def test_a_qr_scanned_through_a_chinese_input_method_still_reads(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    typed = view.qr_payload.lower().replace(":", "：")  # caps lock on, full-width colons
    assert records.search(typed, clerk.counter).check.verdict is Verdict.GENUINE  # type: ignore[union-attr]
    assert (
        records.search(view.qr_payload.translate(FULL_WIDTH), clerk.counter).check.verdict is Verdict.GENUINE
    )  # type: ignore[union-attr]


def test_the_code_alone_however_typed_finds_the_registration(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    code = view.verification_code
    typed = f" {code[:4].lower()} {code[4:]} ".replace("O", "0").replace("I", "1").replace("B", "8")
    found = records.search(typed, clerk.counter)
    assert found.check is not None and found.check.verdict is Verdict.GENUINE
    assert [r.reg_no for r in found.registrations] == [view.reg_no]
    assert f"请核对回执上的登记编号是 {view.reg_no}" in found.check.hint


def test_the_number_and_the_code_typed_together(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    found = records.search(f"{view.reg_no} {view.verification_code}", clerk.counter)
    assert found.check is not None and found.check.verdict is Verdict.GENUINE


@pytest.mark.parametrize("position", range(8))
def test_a_qr_with_an_altered_code_is_not_genuine(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession, position: int
) -> None:
    code = view.verification_code
    forged = f"KIOSK-REG:{view.reg_no}:{swap(code, position)}"
    found = records.search(forged, clerk.counter)
    assert found.check is not None
    assert (found.check.verdict, found.check.label) == (Verdict.NOT_GENUINE, "不是真实回执")
    assert "不符" in found.check.message
    # The registration on record is shown beside the verdict, so staff can compare it with the paper.
    assert [r.reg_no for r in found.registrations] == [view.reg_no]


def test_a_qr_with_an_altered_number_is_not_genuine(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    plan, counter, seq, check = view.reg_no.split("-")
    altered = f"{plan}-{counter}-{int(seq) + 1:05d}-{check}"  # the check character no longer fits
    found = records.search(f"KIOSK-REG:{altered}:{view.verification_code}", clerk.counter)
    assert found.check is not None and found.check.verdict is Verdict.NOT_GENUINE
    assert found.registrations == []
    # A well-formed number of this counter that was never issued here.
    invented = make_reg_no(plan, 4321, clerk.counter)
    found = records.search(f"KIOSK-REG:{invented}:{view.verification_code}", clerk.counter)
    assert found.check is not None and found.check.verdict is Verdict.NOT_GENUINE
    assert found.check.message == f"本窗口从未出具登记编号 {invented}"
    found = records.search(f"KIOSK-REG:{view.reg_no}", clerk.counter)  # the code cut off
    assert found.check is not None and found.check.verdict is Verdict.NOT_GENUINE


def test_another_counters_slip_is_not_found_here(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    elsewhere = make_reg_no(view.plan_code, 7, "07")
    found = records.search(f"KIOSK-REG:{elsewhere}:ABCDEFGH", clerk.counter)
    assert found.check is not None
    assert (found.check.verdict, found.check.label) == (Verdict.NOT_FOUND, "查无此登记")
    assert "07 号窗口" in found.check.hint


def test_an_unknown_code_is_not_found(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    found = records.search(swap(view.verification_code, 0), clerk.counter)
    assert found.check is not None and found.check.verdict is Verdict.NOT_FOUND
    assert found.registrations == []


def test_a_cancelled_registrations_slip(
    records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    records.cancel(view.reg_no, CancelReason.HOUSEHOLD_REQUEST, "", clerk, *SUPERVISOR)
    found = records.search(view.qr_payload, clerk.counter)
    assert found.check is not None
    assert (found.check.verdict, found.check.label) == (Verdict.CANCELLED, "已取消")
    assert "家庭申请取消" in found.check.message
    assert found.registrations[0].status == "cancelled"


def test_slips_the_centre_turned_down(
    built: Built, records: RecordsService, view: RegistrationView, clerk: OperatorSession
) -> None:
    with built.engine.begin() as c:  # what a review from the centre writes (sync._apply_reviews)
        c.execute(
            update(t.Registration)
            .where(t.Registration.reg_no == view.reg_no)
            .values(review_status="审核不通过", reject_reason="收入超标")
        )
    found = records.search(view.verification_code, clerk.counter)
    assert found.check is not None
    assert (found.check.verdict, found.check.label) == (Verdict.TURNED_DOWN, "中心未通过")
    assert "收入超标" in found.check.message
    with built.engine.begin() as c:  # what the centre's refusal writes (settle.turn_down)
        c.execute(
            update(t.Registration)
            .where(t.Registration.reg_no == view.reg_no)
            .values(status="rejected", central_status="rejected", central_message="该家庭已在其他窗口登记")
        )
    found = records.search(view.qr_payload, clerk.counter)
    assert found.check is not None and found.check.verdict is Verdict.TURNED_DOWN
    assert found.check.message == f"中心未受理登记 {view.reg_no}：该家庭已在其他窗口登记"


@pytest.mark.parametrize(
    "text",
    [
        "BA2024000001",
        "11010519500101123X",
        "Q2611-01-00042-K",
        "q2611 01 00042",
        "12345",
        "ABCDEFG",
        "ABCDEFGHJ",
    ],
)
def test_other_numbers_are_not_slip_checks(text: str) -> None:
    assert read_claim(text) is None and not is_slip_qr(text)


def test_only_the_qr_is_a_scan_of_a_slip() -> None:
    assert is_slip_qr("kiosk-reg：Q2611-01-00042-K：ABCDEFGH")
    assert not is_slip_qr("ABCDEFGH")  # a code typed on the identify screen is not a scan
    assert read_claim("ABCDEFGH") is not None
