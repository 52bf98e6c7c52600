"""What the counter and the centre both take in: lengths and formats of names, comments, codes and counters."""

from __future__ import annotations

import re

from kiosk_core.errors import InvalidInput

MAX_NAME = 64  # a person's or an operator's name
MAX_COMMENT = 200  # a cancellation's comment
MAX_CODE = 32  # project, unit type and unit codes
VERIFICATION_CODE_LENGTH = 8
# ASCII: \d also takes other scripts' digits, which no slip, scanner or keyboard at the counter produces.
_VERIFICATION_CODE = re.compile(rf"^[A-Z2-7]{{{VERIFICATION_CODE_LENGTH}}}$", re.ASCII)
_COUNTER = re.compile(r"^\d{2}$", re.ASCII)
_PLAN_CODE = re.compile(r"^[A-Z]{1,12}\d{4}$", re.ASCII)  # the reg_no format needs letters then four digits


def parse_counter(raw: str) -> str:
    if not _COUNTER.match(raw):
        raise InvalidInput(f"窗口号应为2位数字：{raw[:8]}", hint="例如 03", code="counter_format")
    return raw


def parse_verification_code(raw: str) -> str:
    if not _VERIFICATION_CODE.match(raw):
        raise InvalidInput(
            f"验证码应为{VERIFICATION_CODE_LENGTH}位字母或数字2-7，现在是{len(raw)}个字符",
            hint="回执上的验证码",
            code="verification_code_format",
        )
    return raw


def parse_plan_code(raw: str) -> str:
    if not _PLAN_CODE.match(raw):
        raise InvalidInput(
            f"配租计划代码格式不对：{raw[:20]}", hint="字母加4位数字，例如 Q2611", code="plan_code_format"
        )
    return raw


def parse_code(raw: str, what: str) -> str:
    """A project, unit type or unit code as the catalog names it (imports take any printable text)."""
    if not 0 < len(raw) <= MAX_CODE or not raw.isprintable() or any(ch.isspace() for ch in raw):
        raise InvalidInput(
            f"{what}代码格式不对：{raw[:20]}", hint=f"1到{MAX_CODE}个字符，不含空格", code="code_format"
        )
    return raw


def check_comment(text: str) -> str:
    if len(text) > MAX_COMMENT:
        raise InvalidInput(
            f"说明最多{MAX_COMMENT}个字，现在是{len(text)}个", hint="请写得简短些", code="comment_too_long"
        )
    return text


def check_name(text: str) -> str:
    if not text.strip():
        raise InvalidInput("请输入姓名", code="name_empty")
    if len(text) > MAX_NAME:
        raise InvalidInput(f"姓名最多{MAX_NAME}个字，现在是{len(text)}个", code="name_too_long")
    return text
