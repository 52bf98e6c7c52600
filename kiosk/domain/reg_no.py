"""Registration numbers that can be read aloud and typed back: plan code, sequence, check character."""

from __future__ import annotations

import re

from stdnum.iso7064 import mod_37_36

from kiosk.domain.errors import InvalidInput
from kiosk.domain.identity import normalize

# The check character comes from ISO 7064 MOD 37,36 over plan code and sequence, so one wrong or swapped
# character is caught when staff type a number back.
_REG_NO = re.compile(r"^([A-Z]+\d+)(\d{5})([0-9A-Z])$")
SEQUENCE_DIGITS = 5


def make_reg_no(plan_code: str, sequence: int) -> str:
    if not 0 < sequence < 10**SEQUENCE_DIGITS:
        raise ValueError(f"sequence out of range: {sequence}")
    body = f"{plan_code}{sequence:0{SEQUENCE_DIGITS}d}"
    return f"{plan_code}-{sequence:0{SEQUENCE_DIGITS}d}-{mod_37_36.calc_check_digit(body)}"


def parse_reg_no(raw: str) -> str:
    """Accept any spacing, dashes, case or full-width characters; return the canonical form."""
    text = normalize(raw)
    m = _REG_NO.match(text)
    if not m:
        raise InvalidInput(
            f"登记编号格式不对：{text[:24]}",
            hint="例如 Q2611-00042-K（计划代码-序号-校验位）",
            code="reg_no_format",
        )
    plan_code, seq, check = m.groups()
    if not mod_37_36.is_valid(plan_code + seq + check):
        raise InvalidInput(
            f"登记编号 {plan_code}-{seq}-{check} 校验不对",
            hint="请逐位核对回执上的登记编号",
            code="reg_no_check",
        )
    return f"{plan_code}-{seq}-{check}"


def spoken(reg_no: str) -> str:
    """Characters separated so speech reads them one by one."""
    return " ".join(ch for ch in reg_no if ch != "-")
