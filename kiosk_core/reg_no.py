"""Registration numbers that can be read aloud and typed back: plan code, counter, sequence, check character."""

from __future__ import annotations

import re

from stdnum.iso7064 import mod_37_36

from kiosk_core.errors import InvalidInput
from kiosk_core.identity import normalize

# The counter's number keeps numbers unique when several counters register offline at once; the check
# character catches one wrong character or two swapped neighbours when staff type a number back.
#
# The check character is ISO 7064's hybrid system MOD 29,28 over CHECK_ALPHABET: the digits and the 18 letters
# that cannot be taken for a digit or for each other on paper or over the counter. Left out: B (8), D (0),
# G (6), I (1), O (0), Q (0), S (5), Z (2). Each data character counts as its place in 0-9A-Z; reduced modulo 28,
# the letters stay distinct among themselves and the regex keeps letters and digits in their own places, so any
# single changed character is still caught. Numbers issued before (ISO 7064 MOD 37,36 over 0-9A-Z) stay
# valid: docs/reg-no.md.
CHECK_ALPHABET = "0123456789ACEFHJKLMNPRTUVWXY"
_DATA_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_M = len(CHECK_ALPHABET)
_REG_NO = re.compile(r"^([A-Z]+\d{4})(\d{2})(\d{5})([0-9A-Z])$")
SEQUENCE_DIGITS = 5
_COUNTER = re.compile(r"^\d{2}$")


def check_character(data: str) -> str:
    """The character that completes ``data`` (plan code, counter and sequence without dashes)."""
    p = _M
    for ch in data:
        s = (p + _DATA_ALPHABET.index(ch)) % _M or _M
        p = (2 * s) % (_M + 1)
    return CHECK_ALPHABET[(1 - p) % _M]


def make_reg_no(plan_code: str, sequence: int, counter: str = "01") -> str:
    if not 0 < sequence < 10**SEQUENCE_DIGITS:
        raise ValueError(f"sequence out of range: {sequence}")
    if not _COUNTER.match(counter):
        raise ValueError(f"counter must be two digits: {counter!r}")
    seq = f"{sequence:0{SEQUENCE_DIGITS}d}"
    return f"{plan_code}-{counter}-{seq}-{check_character(plan_code + counter + seq)}"


def parse_reg_no(raw: str) -> str:
    """Accept any spacing, dashes, case or full-width characters; return the canonical form."""
    text = normalize(raw)
    m = _REG_NO.match(text)
    if not m:
        raise InvalidInput(
            f"登记编号格式不对：{text[:24]}",
            hint="例如 Q2611-01-00042-7（计划代码-窗口号-序号-校验位）",
            code="reg_no_format",
        )
    plan_code, counter, seq, check = m.groups()
    data = plan_code + counter + seq
    if check != check_character(data) and not mod_37_36.is_valid(data + check):
        raise InvalidInput(
            f"登记编号 {plan_code}-{counter}-{seq}-{check} 校验不对",
            hint="请逐位核对回执上的登记编号",
            code="reg_no_check",
        )
    return f"{plan_code}-{counter}-{seq}-{check}"


def spoken(reg_no: str) -> str:
    """Characters separated so speech reads them one by one."""
    return " ".join(ch for ch in reg_no if ch != "-")
