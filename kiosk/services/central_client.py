"""The central service over HTTP: every call has a timeout, every failure a type the sync loop understands.

The sync worker's client keeps the device token it renews (``token``); the online path's client never holds
one: each of its calls is given the token read from the keyring just then (``post_registration``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

from kiosk_core.errors import KioskError
from kiosk_core.wire import AuditHeadData, BatchItem, EventKind, EventResult, RegistrationPayload, result_of

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 15.0
# Staff and a household wait at the counter for an online answer: past this it is "offline", not a hang.
ONLINE_READ_TIMEOUT = 5.0

UNSENT_HEADER = "X-Kiosk-Unsent"

_TOKEN_PROBLEMS = {"token_missing", "token_invalid", "token_expired"}


class CentralUnavailable(KioskError):
    """Network down, timeout or a server error: try again later, nothing was decided."""

    code = "central_unavailable"


class CentralAuthExpired(KioskError):
    code = "central_auth"


class CentralRefused(KioskError):
    """The centre answered and said no (bad request or payload mismatch): retrying will not help."""

    code = "central_refused"
    extra: dict[str, Any] = {}  # the problem's body as the centre sent it (a refusal may list counters)


@dataclass(frozen=True)
class OutboxItem:
    key: str
    kind: EventKind
    event_time: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class EventAnswer:
    result: EventResult
    code: str  # "" when accepted
    message: str
    received_at: datetime | None
    hint: str = ""  # the centre's advice with a refusal, for staff

    @property
    def accepted(self) -> bool:
        return self.result is EventResult.ACCEPTED


@dataclass(frozen=True)
class PlanCounts:
    at: datetime  # the centre's time of the count
    counts: dict[str, int]  # plan code to active registrations at every counter


@dataclass(frozen=True)
class ChangePage:
    version: int
    more: bool
    changes: list[Any]  # kiosk_core.wire: CatalogChange or ReviewChange, as the feed says


class CentralClient:
    def __init__(
        self, base_url: str, session: requests.Session | None = None, *, read_timeout: float = READ_TIMEOUT
    ):
        self.base_url = base_url.rstrip("/")
        self._http = session or requests.Session()
        self._read_timeout = read_timeout
        self.token = ""
        # The sync worker's client says how many outbox messages wait here on every request (X-Kiosk-Unsent):
        # the centre refuses to freeze a draw while a counter it knows of still holds registrations.
        self.unsent: int | None = None

    def health(self) -> bool:
        try:
            return bool(self._request("GET", "/v1/health", auth=False).status_code == 200)
        except CentralUnavailable:
            return False

    def device_token(self, device_id: str, secret: str) -> str:
        response = self._request(
            "POST", "/v1/auth/device", auth=False, json={"device_id": device_id, "secret": secret}
        )
        if response.status_code == 401:
            raise CentralRefused(
                "本机登记证书被中心拒绝",
                hint="请联系管理员重新登记本机（enroll-device）",
                code=str(_json(response).get("code") or CentralRefused.code),
            )
        self._raise_for_status(response)
        self.token = str(response.json()["token"])
        return self.token

    def operator_token(self, username: str, password: str) -> str:
        """The operator signs in at the centre too (a disabled account is refused there)."""
        response = self._request(
            "POST", "/v1/auth/operator", json={"username": username, "password": password}
        )
        self._raise_for_status(response)
        return str(response.json()["token"])

    def catalog_changes(self, since: int, limit: int = 5000) -> ChangePage:
        return self._page("/v1/catalog/changes", since, limit)

    def review_changes(self, since: int, limit: int = 5000) -> ChangePage:
        return self._page("/v1/reviews/changes", since, limit)

    def photo(self, sha256: str, max_bytes: int) -> bytes | None:
        """A project photo's bytes; None when the centre does not have it (it is not worth stopping a sync)."""
        response = self._request("GET", f"/v1/photos/{sha256}", stream=True)
        with response:
            if response.status_code == 404:
                return None
            self._raise_for_status(response)
            data = bytearray()
            try:
                for chunk in response.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        raise CentralRefused(f"中心的照片超过 {max_bytes // 1024} KB，未下载")
            except requests.RequestException as exc:
                raise CentralUnavailable("下载照片时连接中断", hint=type(exc).__name__) from None
            return bytes(data)

    def plan_counts(self) -> PlanCounts:
        response = self._request("GET", "/v1/plans/counts")
        self._raise_for_status(response)
        body = response.json()
        return PlanCounts(local_time(body["at"]), {str(k): int(v) for k, v in body["plans"].items()})

    def post_batch(
        self, messages: list[OutboxItem], audit_head: AuditHeadData | None = None
    ) -> list[EventAnswer]:
        """Outbox messages in order, one request; one answer each, in the same order. ``audit_head`` travels
        beside them for the centre to keep (kiosk_core.wire.AuditHeadData)."""
        events: list[BatchItem] = [
            {
                "kind": m.kind,
                "idempotency_key": m.key,
                "event_time": m.event_time.isoformat(),
                "payload": m.payload,  # type: ignore[typeddict-item]  # stored as the service built it
            }
            for m in messages
        ]
        body: dict[str, object] = {"events": events}
        if audit_head is not None:
            body["audit_head"] = audit_head
        response = self._request("POST", "/v1/events/batch", json=body)
        self._raise_for_status(response)
        results = response.json()["results"]
        if len(results) != len(messages):
            raise CentralUnavailable("中心的回答与所发记录数不符，稍后重发")
        return [_answer(r["status"], r["body"]) for r in results]

    def post_registration(
        self, key: str, event_time: datetime, payload: RegistrationPayload, *, token: str
    ) -> EventAnswer:
        """One registration now, under the key its outbox message keeps: the centre's answer or a raise.

        Accepted, rejected (409) and invalid (422, 403) are answers; the centre stores each under the key, so
        the outbox sending the same message later gets the same one. Anything else says nothing was decided:
        CentralUnavailable (network, timeout, 5xx, another status), CentralAuthExpired (the token).
        """
        response = self._request(
            "POST",
            "/v1/registrations",
            token=token,
            headers={"Idempotency-Key": key},
            json={"event_time": event_time.isoformat(), "payload": payload},
        )
        if response.status_code == 401:
            raise CentralAuthExpired(
                str(_json(response).get("message") or "中心不认本机的登录"),
                code=str(_json(response).get("code") or CentralAuthExpired.code),
            )
        if response.status_code not in (200, 201, 403, 409, 422):
            raise CentralUnavailable(f"中心暂时不能回答（HTTP {response.status_code}）")
        return _answer(response.status_code, _json(response))

    def draw_outcomes(self, since: int, limit: int = 5000) -> ChangePage | None:
        """Outcome rows of published draws (kiosk_core.wire.DrawOutcomeRow), withdrawn ones as the feed says;
        None from a centre without the lottery (an older release answers 404)."""
        response = self._request("GET", "/v1/draws/outcomes", params={"since": since, "limit": limit})
        if response.status_code == 404 and _json(response).get("code", "not_found") == "not_found":
            return None
        return self._change_page(response)

    def draw_call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        key: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        """A lottery call under ``token`` (a supervisor's operator token for a change; None: this client's), a
        change under its ``Idempotency-Key``: the centre's JSON, or CentralRefused with its code and message
        and the problem's body (``extra``), CentralAuthExpired (the token), CentralUnavailable."""
        headers = {"Idempotency-Key": key} if key else {}
        response = self._request(method, path, token=token, headers=headers, json=body)
        self._raise_for_status(response)
        return response.json()

    def _page(self, path: str, since: int, limit: int) -> ChangePage:
        return self._change_page(self._request("GET", path, params={"since": since, "limit": limit}))

    def _change_page(self, response: requests.Response) -> ChangePage:
        self._raise_for_status(response)
        body = response.json()
        changes = body["changes"] if "changes" in body else body.get("rows", [])
        return ChangePage(int(body["version"]), bool(body.get("more", False)), list(changes))

    def _request(
        self, method: str, path: str, *, auth: bool = True, token: str | None = None, **kw: Any
    ) -> requests.Response:
        headers = dict(kw.pop("headers", {}))
        if self.unsent is not None:
            headers[UNSENT_HEADER] = str(self.unsent)
        if auth:
            headers["Authorization"] = f"Bearer {self.token if token is None else token}"
        try:
            response = self._http.request(
                method,
                self.base_url + path,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, self._read_timeout),
                **kw,
            )
        except requests.RequestException as exc:
            raise CentralUnavailable("连接不上中心服务", hint=type(exc).__name__) from None
        if response.status_code == 401 and auth and _json(response).get("code") in _TOKEN_PROBLEMS:
            raise CentralAuthExpired("与中心的登录已过期", hint="将自动重新登录")
        if response.status_code >= 500:
            raise CentralUnavailable(f"中心服务暂时出错（HTTP {response.status_code}）")
        return response

    @staticmethod
    def _raise_for_status(response: requests.Response) -> None:
        if response.status_code >= 400:
            body = _json(response)
            refused = CentralRefused(
                str(body.get("message") or body.get("detail") or f"HTTP {response.status_code}"),
                code=str(body.get("code") or CentralRefused.code),  # the wire code: callers branch on it
            )
            refused.extra = body
            raise refused


def _answer(status: int, body: dict[str, Any]) -> EventAnswer:
    result = result_of(status)
    if result is EventResult.ACCEPTED:
        received = body.get("received_at")
        return EventAnswer(result, "", "", local_time(received) if received else None)
    return EventAnswer(
        result,
        str(body.get("code", result.value)),
        str(body.get("message", "")),
        None,
        str(body.get("hint", "")),
    )


def local_time(text: str) -> datetime:
    """A time from the centre as the counter keeps every time: local wall time, without an offset.

    The centre's answers carry their UTC offset (``2026-11-24T10:00:00+08:00``); one from before that change
    has none and is local time already.
    """
    value = datetime.fromisoformat(text)
    return value.astimezone().replace(tzinfo=None) if value.tzinfo else value


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
