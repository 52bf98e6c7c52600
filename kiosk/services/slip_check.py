"""Checking a slip at the counter: its QR payload or its verification code, and a verdict on its registration."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.services.registration_views import registration_view
from kiosk.services.views import SLIP_QR_PREFIX, RegistrationView, SlipCheck, Verdict, is_slip_qr
from kiosk.storage import tables as t
from kiosk_core.errors import InvalidInput
from kiosk_core.identity import normalize
from kiosk_core.model import RegistrationStatus
from kiosk_core.reg_no import parse_reg_no

__all__ = ["SlipCheck", "SlipClaim", "Verdict", "check_slip", "is_slip_qr", "read_claim"]

# RegistrationView.qr_payload is "KIOSK-REG:<reg no>:<code>"; normalize() drops the dashes.
_QR_PREFIX = normalize(SLIP_QR_PREFIX)
CODE_LENGTH = 8
# The code is base32 (A–Z, 2–7): 0, 1 and 8 never occur, so a typed one is the letter it looks like.
_LOOKALIKES = str.maketrans("018", "OIB")
_CODE = re.compile(rf"^[A-Z2-7]{{{CODE_LENGTH}}}$")
# The registration number and the code typed one after the other, as both are printed on the slip.
_REG_NO_AND_CODE = re.compile(rf"^([A-Z]+\d{{11}}[0-9A-Z])([0-9A-Z]{{{CODE_LENGTH}}})$")
REVIEW_FAILED = "审核不通过"  # the centre's review status (kiosk_central.services.reviews.FAILED)


@dataclass(frozen=True)
class SlipClaim:
    """What a slip says about itself, not yet checked: its registration number ("" if only the code was typed)
    and its verification code ("" if a QR carried none)."""

    reg_no: str
    code: str
    from_qr: bool


def read_claim(raw: str) -> SlipClaim | None:
    """The slip's QR payload, its verification code alone, or its registration number followed by the code;
    None for anything else (then it is an ID, a filing or a registration number)."""
    text = normalize(raw)
    if text.startswith(_QR_PREFIX):
        reg_no, _, code = text.removeprefix(_QR_PREFIX).partition(":")
        return SlipClaim(reg_no, code, from_qr=True)
    if len(text) == CODE_LENGTH and _CODE.match(text.translate(_LOOKALIKES)):
        return SlipClaim("", text.translate(_LOOKALIKES), from_qr=False)
    both = _REG_NO_AND_CODE.match(text)
    if both and _CODE.match(both[2].translate(_LOOKALIKES)):
        return SlipClaim(both[1], both[2].translate(_LOOKALIKES), from_qr=False)
    return None


def check_slip(session: Session, claim: SlipClaim, counter: str) -> SlipCheck:
    """The verdict on a slip. Only this counter's registrations are stored here, so a number of this counter
    that is not on record was never issued (not genuine), one of another counter is only not found."""
    if not claim.reg_no:
        return _by_code(session, claim.code)
    try:
        reg_no = parse_reg_no(claim.reg_no)
    except InvalidInput:
        return _forged(f"回执上的登记编号 {claim.reg_no[:24]} 不成立（校验不对）")
    if not claim.code:
        return _forged(f"回执二维码中没有登记 {reg_no} 的核验码")
    row = session.scalar(select(t.Registration).where(t.Registration.reg_no == reg_no))
    if row is None:
        issued_by = reg_no.split("-")[1]
        if issued_by == counter:
            return _forged(f"本窗口从未出具登记编号 {reg_no}")
        return SlipCheck(
            Verdict.NOT_FOUND,
            f"本机没有登记 {reg_no} 的记录",
            f"该登记由 {issued_by} 号窗口办理，本机只保存本窗口的登记；请到该窗口或中心查验",
        )
    view = registration_view(session, row)
    if not hmac.compare_digest(row.verification_code, claim.code):
        return _forged(
            f"核验码 {claim.code[:CODE_LENGTH]} 与登记 {reg_no} 不符",
            view,
            hint="回执被改动过或是伪造的；下面是本机记录的真实登记，请与回执对照",
        )
    return _on_record(row, view)


def _by_code(session: Session, code: str) -> SlipCheck:
    row = session.scalar(select(t.Registration).where(t.Registration.verification_code == code).limit(1))
    if row is None:
        return SlipCheck(
            Verdict.NOT_FOUND,
            f"本窗口没有核验码为 {code} 的登记",
            "请逐位核对核验码；回执若是其他窗口出具的，请扫描回执上的二维码或到该窗口查验",
        )
    check = _on_record(row, registration_view(session, row))
    # A genuine code could be copied onto a made-up slip: the number printed beside it must be this one.
    hint = "；".join(x for x in (check.hint, f"请核对回执上的登记编号是 {row.reg_no}") if x)
    return SlipCheck(check.verdict, check.message, hint, check.registration)


def _on_record(row: t.Registration, view: RegistrationView) -> SlipCheck:
    """The slip is this registration's: what has become of the registration since it was printed."""
    if row.status == RegistrationStatus.CANCELLED:
        when = f"{row.cancelled_at:%Y-%m-%d %H:%M}" if row.cancelled_at else ""
        reason = f"（{view.cancel_reason_label}）" if view.cancel_reason_label else ""
        return SlipCheck(Verdict.CANCELLED, f"登记 {row.reg_no} 已于 {when} 取消{reason}", registration=view)
    if row.status == RegistrationStatus.REJECTED:
        why = row.central_message or "中心核对时发现冲突"
        return SlipCheck(
            Verdict.TURNED_DOWN, f"中心未受理登记 {row.reg_no}：{why}", "本回执作废", registration=view
        )
    if row.review_status == REVIEW_FAILED:
        why = row.reject_reason or "未写明原因"
        return SlipCheck(Verdict.TURNED_DOWN, f"登记 {row.reg_no} 中心审核不通过：{why}", registration=view)
    at_centre = "已送达中心" if row.central_status == "accepted" else "尚未送达中心"
    review = f"，{row.review_status}" if row.review_status else ""
    return SlipCheck(Verdict.GENUINE, f"登记 {row.reg_no} 真实有效（{at_centre}{review}）", registration=view)


def _forged(message: str, view: RegistrationView | None = None, hint: str = "") -> SlipCheck:
    return SlipCheck(
        Verdict.NOT_GENUINE, message, hint or "回执被改动过或是伪造的，请报告主管", registration=view
    )
