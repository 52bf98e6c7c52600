"""Registration numbers that can be read aloud and typed back: plan code, counter, sequence, check character."""

from __future__ import annotations

import re

from stdnum.iso7064 import mod_37_36

from kiosk.domain.errors import InvalidInput
from kiosk.domain.identity import normalize

# The counter's number keeps numbers unique when several counters register offline at once; the check
# character (ISO 7064 MOD 37,36) catches one wrong or swapped character when staff type a number back.
_REG_NO = re.compile(r"^([A-Z]+\d{4})(\d{2})(\d{5})([0-9A-Z])$")
SEQUENCE_DIGITS = 5
_COUNTER = re.compile(r"^\d{2}$")


def make_reg_no(plan_code: str, sequence: int, counter: str = "01") -> str:
    if not 0 < sequence < 10**SEQUENCE_DIGITS:
        raise ValueError(f"sequence out of range: {sequence}")
    if not _COUNTER.match(counter):
        raise ValueError(f"counter must be two digits: {counter!r}")
    seq = f"{sequence:0{SEQUENCE_DIGITS}d}"
    return f"{plan_code}-{counter}-{seq}-{mod_37_36.calc_check_digit(plan_code + counter + seq)}"


def parse_reg_no(raw: str) -> str:
    """Accept any spacing, dashes, case or full-width characters; return the canonical form."""
    text = normalize(raw)
    m = _REG_NO.match(text)
    if not m:
        raise InvalidInput(
            f"登记编号格式不对：{text[:24]}",
            hint="例如 Q2611-01-00042-K（计划代码-窗口号-序号-校验位）",
            code="reg_no_format",
        )
    plan_code, counter, seq, check = m.groups()
    if not mod_37_36.is_valid(plan_code + counter + seq + check):
        raise InvalidInput(
            f"登记编号 {plan_code}-{counter}-{seq}-{check} 校验不对",
            hint="请逐位核对回执上的登记编号",
            code="reg_no_check",
        )
    return f"{plan_code}-{counter}-{seq}-{check}"


def spoken(reg_no: str) -> str:
    """Characters separated so speech reads them one by one."""
    return " ".join(ch for ch in reg_no if ch != "-")
