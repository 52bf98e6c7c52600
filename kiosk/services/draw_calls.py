"""The lottery's calls to the centre and what they answer, read into the counter's views.

Every change carries the signed-in supervisor's operator token (read from the keyring per call; it names the
device too) and a fresh Idempotency-Key; reads carry the device token. The centre's refusals come back in its
words (DrawRefused), a centre away as DrawOffline, never as a traceback.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from kiosk.services.central_client import (
    CentralAuthExpired,
    CentralClient,
    CentralRefused,
    CentralUnavailable,
    local_time,
)
from kiosk.services.draw_views import (
    DrawOffline,
    DrawRefused,
    DrawView,
    ReadyPlan,
    ReadyPool,
    SourceSpec,
    UnsentCounter,
)
from kiosk.services.secrets import DEVICE_TOKEN, SecretStore, operator_token_name
from kiosk.services.views import OperatorSession
from kiosk_core.errors import AuthFailed, NotAllowed
from kiosk_core.lottery import ALGORITHM
from kiosk_core.model import Role


class DrawCalls:
    """``client`` None: no centre configured, and every call answers DrawOffline."""

    def __init__(self, client: CentralClient | None, secrets: SecretStore):
        self._client = client
        self._secrets = secrets

    @property
    def base_url(self) -> str:
        return self._client.base_url if self._client else ""

    def change(self, operator: OperatorSession, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._as_supervisor(operator, "POST", path, body, key=str(uuid.uuid4()))

    def read(self, operator: OperatorSession, path: str) -> Any:
        return self._as_supervisor(operator, "GET", path)

    def read_as_device(self, path: str) -> Any:
        client = self._configured()
        token = self._secrets.get(DEVICE_TOKEN)
        if not token:
            raise DrawOffline("本机尚未取得中心授权", hint="同步一次后重试")
        return self._request(client, "GET", path, token)

    def _as_supervisor(
        self,
        operator: OperatorSession,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        key: str | None = None,
    ) -> Any:
        if operator.role != Role.SUPERVISOR:
            raise NotAllowed("摇号操作需主管账号", hint="请主管登录后操作")
        client = self._configured()
        token = self._secrets.get(operator_token_name(operator.username))
        if not token:
            raise AuthFailed(
                "本次登录未取得中心的主管授权，不能操作摇号",
                hint="请在联网时退出并重新登录",
                code="operator_token_missing",
            )
        return self._request(client, method, path, token, body, key=key, operator=True)

    def _configured(self) -> CentralClient:
        if self._client is None:
            raise DrawOffline("本机未配置中心服务地址，摇号需要连接中心", hint="请管理员配置 [central] url")
        return self._client

    @staticmethod
    def _request(
        client: CentralClient,
        method: str,
        path: str,
        token: str,
        body: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        operator: bool = False,
    ) -> Any:
        try:
            return client.draw_call(method, path, token=token, key=key, body=body)
        except CentralUnavailable as exc:
            raise DrawOffline(
                f"连接不上中心，未办理：{exc.message}", hint="摇号的每一步都需联网；请检查网络后重试"
            ) from None
        except CentralAuthExpired:
            if operator:
                raise AuthFailed(
                    "与中心的主管登录已过期", hint="请退出并重新登录后再操作", code="operator_token_expired"
                ) from None
            raise DrawOffline("本机与中心的登录已过期", hint="同步一次后重试") from None
        except CentralRefused as exc:
            raise DrawRefused(exc.message, hint=str(exc.extra.get("hint") or ""), code=exc.code) from None


def draw_view(record: dict[str, Any], base_url: str) -> DrawView:
    """The centre's record (kiosk_core.wire.DrawRecord) as the counter shows it; times in local wall time."""
    draw_id = int(record["draw_id"])
    return DrawView(
        draw_id=draw_id,
        plan_code=str(record["plan_code"]),
        plan_name=str(record.get("plan_name") or record["plan_code"]),
        state=str(record["state"]),
        algorithm=str(record.get("algorithm") or ALGORITHM),
        mode=str(record["mode"]),
        list_text=str(record["list_text"]),
        list_hash=str(record["list_hash"]),
        pools_text=str(record["pools_text"]),
        pools_hash=str(record["pools_hash"]),
        source_specs=tuple(
            SourceSpec(str(s["kind"]), str(s["label"]), float(s["bits"]))
            for s in record.get("source_specs") or ()
        ),
        sources_text=record.get("sources_text"),
        seed=record.get("seed"),
        cancelled=tuple(record.get("cancelled") or ()),
        result_text=record.get("result_text"),
        result_hash=record.get("result_hash"),
        frozen_at=local_time(str(record["frozen_at"])),
        drawn_at=_time(record.get("drawn_at")),
        published_at=_time(record.get("published_at")),
        retracted_at=_time(record.get("retracted_at")),
        retract_reason=record.get("retract_reason"),
        replaces=record.get("replaces"),
        public_url=f"{base_url}/public/draws/{draw_id}" if base_url else "",
        record=dict(record),
    )


def ready_plans(body: dict[str, Any], labels: dict[str, str]) -> list[ReadyPlan]:
    """``GET /v1/draws/ready``: each plan with its pools named from this counter's catalog (``labels``), and
    every counter the centre knows holds unsent registrations."""
    unsent = tuple(
        UnsentCounter(str(u["counter"]), int(u["unsent"]), _time(u.get("reported_at")))
        for u in body.get("unsent") or ()
    )
    return [_ready_plan(plan, labels, unsent) for plan in body["plans"]]


def _ready_plan(plan: dict[str, Any], labels: dict[str, str], unsent: tuple[UnsentCounter, ...]) -> ReadyPlan:
    draw = plan.get("draw") or {}
    pools = tuple(
        ReadyPool(
            code=str(p["pool"]),
            label=labels.get(str(p["pool"]), str(p.get("unit_type_name") or "")),
            entries=int(p["entries"]),
            units=int(p["units"]),
            quotas=tuple((str(q["group"]), int(q["count"])) for q in p.get("quotas") or ()),
        )
        for p in plan.get("pools") or ()
    )
    return ReadyPlan(
        plan_code=str(plan["plan_code"]),
        plan_name=str(plan["plan_name"]),
        entries=int(plan["entries"]),
        pools=pools,
        draw_id=int(draw["draw_id"]) if draw else None,
        draw_state=str(draw["state"]) if draw else None,
        unsent=unsent,
        window_end=_time(plan.get("window_end")),
        mode=str(plan.get("mode") or "units"),
    )


def _time(text: object) -> datetime | None:
    return local_time(str(text)) if text else None
