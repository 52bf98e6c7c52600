"""Operator passwords that are easily guessed are refused, with the reason in Chinese (counter and centre alike)."""

from __future__ import annotations

import pytest

from kiosk.bootstrap import Built
from kiosk_core.errors import InvalidInput
from kiosk_core.model import Role
from kiosk_core.passwords import check_password


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12345678", "常见密码"),
        ("password", "常见密码"),
        ("Qwerty123", "常见密码"),
        ("qazwsxedc", "常见密码"),
        ("aaaaaaaaaa", "重复"),
        ("abcdefgh", "连续"),
        ("19900101", "日期"),
        ("zhang1990", "姓名"),
        ("short", "至少8位"),
        ("zhaoliu-2024", "用户名或姓名"),
    ],
)
def test_easily_guessed_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_password(password, related=("zhaoliu", "赵六"))
    assert err.value.code == "password_weak"
    assert reason in err.value.message
    assert err.value.hint


@pytest.mark.parametrize("password", ["a8#Kq2!x", "kiosk-demo-1", "lamp river 7 tea", "Tk9-mR4w-xP2"])
def test_passwords_hard_to_guess_are_accepted(password: str) -> None:
    check_password(password, related=("zhaoliu", "赵六"))


def test_a_very_long_password_is_refused_before_it_is_judged() -> None:
    with pytest.raises(InvalidInput) as err:
        check_password("x" * 10_000)
    assert err.value.code == "password_too_long"


def test_the_counter_refuses_a_common_password_for_a_new_operator(built: Built) -> None:
    with pytest.raises(InvalidInput) as err:
        built.services.auth.create_operator("zhaoliu", "赵六", Role.CLERK, "12345678")
    assert "常见密码" in err.value.message
    assert not built.services.auth.has_operators()
