"""Errors with an HTTP status, a stable code the kiosk can branch on, and a Chinese message for staff."""

from __future__ import annotations

from typing import Any

from kiosk_core.errors import KioskError, Refusal


class CentralError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, hint: str = "", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        return body

    def __str__(self) -> str:
        return f"{self.message}（{self.hint}）" if self.hint else self.message


class Unauthorized(CentralError):
    """Wrong credentials, or a token that is missing, unknown or expired (the code says which)."""

    status = 401
    code = "unauthorized"


class Forbidden(CentralError):
    """The caller may not change this (another counter's registration without a supervisor's token)."""

    status = 403
    code = "forbidden"


class NotFound(CentralError):
    status = 404
    code = "not_found"


class InvalidRequest(CentralError):
    status = 422
    code = "invalid_request"

    @classmethod
    def from_kiosk(cls, error: KioskError, field: str = "") -> InvalidRequest:
        """A domain validator's message (ID number, phone, reg no) as a request error."""
        prefix = f"{field}：" if field else ""
        return cls(prefix + error.message, code=error.code, hint=error.hint)


class Rejected(CentralError):
    """A central rule refuses the event: the answer is 409 with ``result: rejected``."""

    status = 409
    code = "rejected"

    @classmethod
    def from_refusal(cls, refusal: Refusal) -> Rejected:
        return cls(refusal.message, code=refusal.rule, hint=refusal.remedy)

    def body(self) -> dict[str, Any]:
        return {"result": "rejected", **super().body()}


class Busy(CentralError):
    """The database gave up on a lock (deadlock, serialisation): the kiosk retries later, nothing changed."""

    status = 503
    code = "busy"
