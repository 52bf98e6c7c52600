"""Operator passwords that are not easily guessed: the same rule for accounts made at the counter and the centre.

zxcvbn (Dropbox's estimator, with its lists of common passwords, names and words) judges how many guesses a
password takes; staff get the reason in Chinese. Score 2 (about 10^8 guesses) is enough here: both sides lock an
account after 5 wrong tries.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk_core.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128  # zxcvbn's work grows with the length; nobody types more at a counter
MIN_SCORE = 2
HINT = "请用至少8位、不常见的组合，例如两三个不相关的词加上数字和符号"


def check_password(password: str, related: Iterable[str] = ()) -> None:
    """Raise InvalidInput (code ``password_weak``) saying why, when ``password`` is too easily guessed.

    ``related``: the account's user name and display name, which the password must not be built from.
    """
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"密码至少{MIN_LENGTH}位", hint=HINT, code="password_weak")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"密码最多{MAX_LENGTH}位", code="password_too_long")
    from zxcvbn import zxcvbn  # ~50 ms to load its word lists: only when an account is made

    inputs = [x for x in related if x]
    if any(x.lower() in password.lower() for x in inputs if len(x) >= 3):
        raise InvalidInput("密码不能包含用户名或姓名", hint=HINT, code="password_weak")
    result = zxcvbn(password, user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        raise InvalidInput(
            f"密码太容易被猜到：{_reason(result['sequence'])}", hint=HINT, code="password_weak"
        )


def _reason(matches: list[dict[str, Any]]) -> str:
    """The weakest part in words staff understand (zxcvbn's own feedback is English)."""
    for m in matches:
        pattern = m.get("pattern")
        if pattern == "dictionary":
            name = m.get("dictionary_name", "")
            if name == "passwords":
                return "这是常见密码"
            if name == "user_inputs":
                return "含用户名或姓名"
            if name in ("surnames", "male_names", "female_names"):
                return "含常见姓名"
            return "含常见单词"
        if pattern == "sequence":
            return "含连续的字母或数字（如 abc、1234）"
        if pattern == "repeat":
            return "含重复的字符（如 aaa、1212）"
        if pattern == "spatial":
            return "是键盘上挨着的按键（如 qwerty、asdf）"
        if pattern in ("date", "regex"):
            return "含日期或年份"
    return "太短或太简单"


# Sign-in, the same at the counter and the centre: the lock-out and the words a refused sign-in gets.
MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
SIGN_IN_REFUSED = "用户名或密码不正确"
# The same hint for every refusal: a count of tries left would tell a stranger that the account exists.
SIGN_IN_HINT = f"连续输错{MAX_FAILED_ATTEMPTS}次，账号将锁定{LOCK_MINUTES}分钟"


class PasswordVerifier:
    """Checks a password against its stored hash; for an unknown account it does the same work against a decoy,
    so the time a refusal takes tells nobody whether the account exists."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher
        self._decoy = ""

    def matches(self, stored_hash: str | None, password: str) -> bool:
        """``stored_hash`` None: an unknown account (always False, after the same work)."""
        if not self._decoy:  # made on the first sign-in of any account, so that one costs the same for all
            self._decoy = self._hasher.hash(secrets.token_hex(16))
        try:
            return self._hasher.verify(stored_hash or self._decoy, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False
