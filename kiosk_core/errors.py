"""Typed errors whose message is what staff read on screen (Chinese)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """One failed housing rule: which, what is wrong, and what the household can do."""

    rule: str
    message: str
    remedy: str


class KioskError(Exception):
    """Base of every error a user may see; ``message`` is shown as is, ``hint`` says what to do."""

    code = "error"

    def __init__(self, message: str, *, hint: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message}（{self.hint}）" if self.hint else self.message


class InvalidInput(KioskError):
    """Something typed or scanned is malformed."""

    code = "invalid_input"


class NotFound(KioskError):
    code = "not_found"


class Refused(KioskError):
    """A housing rule refuses the action; ``refusals`` lists every rule that failed."""

    code = "refused"

    def __init__(self, refusals: list[Refusal]) -> None:
        first = refusals[0]
        super().__init__(first.message, hint=first.remedy, code=first.rule)
        self.refusals = refusals


class AuthFailed(KioskError):
    code = "auth_failed"


class AccountLocked(AuthFailed):
    code = "account_locked"


class NotAllowed(KioskError):
    """The operator's role does not permit this action."""

    code = "not_allowed"


class Conflict(KioskError):
    """The data changed under us (unit taken meanwhile, record already cancelled)."""

    code = "conflict"


class CacheUnusable(KioskError):
    """The counter's local cache failed its start-up check: the counter must not work on it, nor start over.

    ``message`` says what happened, ``details`` the facts (where the damaged file was kept, what is at stake),
    ``steps`` what the supervisor does; all in Chinese, for the blocking screen and the log.
    """

    code = "cache_unusable"

    def __init__(self, message: str, *, code: str, details: tuple[str, ...], steps: tuple[str, ...]) -> None:
        super().__init__(message, hint="请主管处理：" + "；".join(steps), code=code)
        self.details = details
        self.steps = steps


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it: SQLite's error, an OSError) says the disk is full."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        e = pending.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno == _ENOSPC:
            return True
        if getattr(e, "sqlite_errorcode", None) == _SQLITE_FULL or "database or disk is full" in str(e):
            return True
        pending += [e.__cause__, e.__context__, getattr(e, "orig", None)]
    return False


_ENOSPC = 28  # errno.ENOSPC on Linux and Windows' C runtime alike
_SQLITE_FULL = 13
