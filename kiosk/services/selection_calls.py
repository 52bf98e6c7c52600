"""Selection's calls to the centre (选房): every one with a timeout, every answer typed, offline included.

The centre decides selection (its clock, its database's constraints), so each call answers accepted with the
centre's JSON, refused with its code and Chinese message, or offline (network down, timeout, 5xx, no or
expired token, no centre configured): offline is an answer here, never an exception. The device token is read
from the keyring for each call (the counter is taken from it by the centre); the two supervisor steps (start
a selection, a supplementary round) carry the signed-in supervisor's operator token instead.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from kiosk.services.central_client import (
    CentralAuthExpired,
    CentralClient,
    CentralRefused,
    CentralUnavailable,
)
from kiosk.services.online import Answer
from kiosk.services.secrets import DEVICE_TOKEN, SecretStore, SecretsUnavailable, operator_token_name
from kiosk.services.views import OperatorSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """One call's answer: ``body`` the centre's JSON when accepted; its code, message and hint when refused;
    why, for the log and the banner, when offline."""

    answer: Answer
    body: Any = None
    code: str = ""
    message: str = ""
    hint: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # a refusal's whole problem body (a refreshed list)

    @property
    def accepted(self) -> bool:
        return self.answer is Answer.ACCEPTED

    @property
    def refused(self) -> bool:
        return self.answer is Answer.REFUSED

    @property
    def offline(self) -> bool:
        return self.answer is Answer.OFFLINE


NOT_CONFIGURED = "本机未配置中心服务地址"


def _offline(why: str) -> Reply:
    return Reply(Answer.OFFLINE, message=why)


def new_key() -> str:
    return str(uuid.uuid4())


class SelectionCalls:
    """``client`` None: no centre configured, and every call answers offline."""

    def __init__(self, client: CentralClient | None, secrets: SecretStore):
        self._client = client
        self._secrets = secrets

    @property
    def configured(self) -> bool:
        return self._client is not None

    @property
    def base_url(self) -> str:
        return self._client.base_url if self._client else ""

    # --- reads ---

    def state(self, plan_code: str) -> Reply:
        """``GET /v1/selection/{plan}``: the whole state; it is also this counter's heartbeat for its open turn."""
        return self._device("GET", f"/v1/selection/{_q(plan_code)}")

    def sheet(self, plan_code: str, reg_no: str) -> Reply:
        return self._device("GET", f"{_turn(plan_code, reg_no)}/sheet")

    # --- the counter's steps (device token, each under its own Idempotency-Key) ---

    def call_next(self, plan_code: str, key: str) -> Reply:
        return self._device("POST", f"/v1/selection/{_q(plan_code)}/call", key=key)

    def not_here(self, plan_code: str, reg_no: str, key: str) -> Reply:
        return self._device("POST", f"{_turn(plan_code, reg_no)}/not_here", key=key)

    def arrived(self, plan_code: str, reg_no: str, key: str) -> Reply:
        return self._device("POST", f"{_turn(plan_code, reg_no)}/arrived", key=key)

    def redeclare(self, plan_code: str, reg_no: str, operator: str, key: str) -> Reply:
        return self._device("POST", f"{_turn(plan_code, reg_no)}/redeclare", {"operator": operator}, key=key)

    def set_wishes(self, plan_code: str, reg_no: str, units: list[str], key: str) -> Reply:
        return self._device("PUT", f"{_turn(plan_code, reg_no)}/wishes", {"units": units}, key=key)

    def confirm(self, plan_code: str, reg_no: str, unit_code: str, key: str) -> Reply:
        return self._device("POST", f"{_turn(plan_code, reg_no)}/confirm", {"unit_code": unit_code}, key=key)

    def decline(self, plan_code: str, reg_no: str, reason: str, key: str) -> Reply:
        return self._device("POST", f"{_turn(plan_code, reg_no)}/decline", {"reason": reason}, key=key)

    def apply_supplementary(self, plan_code: str, reg_no: str, key: str) -> Reply:
        return self._device("POST", f"{_turn(plan_code, reg_no)}/supplementary", key=key)

    # --- the supervisor's steps ---

    def start(self, operator: OperatorSession, plan_code: str, body: dict[str, Any], key: str) -> Reply:
        return self._operator(operator, f"/v1/plans/{_q(plan_code)}/selection", body, key)

    def supplementary_round(
        self, operator: OperatorSession, plan_code: str, body: dict[str, Any], key: str
    ) -> Reply:
        return self._operator(operator, f"/v1/plans/{_q(plan_code)}/selection/supplementary", body, key)

    # --- internals ---

    def _device(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, key: str | None = None
    ) -> Reply:
        if self._client is None:
            return _offline(NOT_CONFIGURED)
        try:
            token = self._secrets.get(DEVICE_TOKEN)
        except SecretsUnavailable as exc:
            return _offline(exc.message)
        if not token:
            return _offline("本机尚未取得中心授权")  # the sync round signs the device in
        return self._send(method, path, token, body, key)

    def _operator(self, operator: OperatorSession, path: str, body: dict[str, Any], key: str) -> Reply:
        if self._client is None:
            return _offline(NOT_CONFIGURED)
        try:
            token = self._secrets.get(operator_token_name(operator.username))
        except SecretsUnavailable as exc:
            return _offline(exc.message)
        if not token:
            return Reply(
                Answer.REFUSED,
                code="operator_token_missing",
                message="本次登录未取得中心的主管授权，不能安排选房",
                hint="请在联网时退出并重新登录",
            )
        return self._send("POST", path, token, body, key)

    def _send(
        self, method: str, path: str, token: str, body: dict[str, Any] | None, key: str | None
    ) -> Reply:
        if self._client is None:
            return _offline(NOT_CONFIGURED)
        try:
            return Reply(
                Answer.ACCEPTED, self._client.draw_call(method, path, token=token, key=key, body=body)
            )
        except (CentralUnavailable, CentralAuthExpired) as exc:
            log.info("selection %s %s offline: %s (%s)", method, path, exc.message, exc.hint or exc.code)
            return _offline(exc.message)
        except CentralRefused as exc:
            extra = dict(exc.extra)
            return Reply(
                Answer.REFUSED,
                code=exc.code,
                message=exc.message,
                hint=str(extra.get("hint") or ""),
                extra=extra,
            )


def _q(part: str) -> str:
    return quote(part, safe="")


def _turn(plan_code: str, reg_no: str) -> str:
    return f"/v1/selection/{_q(plan_code)}/turns/{_q(reg_no)}"
