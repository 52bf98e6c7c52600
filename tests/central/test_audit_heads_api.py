"""The audit chain head beside a batch: kept when it moved, judged against the heads the device sent before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kiosk_central.bootstrap import Central
from kiosk_central.services.payloads import AuditHead
from kiosk_central.tables import AuditHeadSeen
from kiosk_core.wire import AuditHeadData
from tests.central.api import Api

A, B = "a" * 64, "b" * 64


def send(api: Api, seq: int, mac: Any) -> int:
    r = api.client.post(
        "/v1/events/batch", json={"events": [], "audit_head": {"seq": seq, "mac": mac}}, headers=api.auth
    )
    return r.status_code


def heads(world: Central, api: Api) -> list[tuple[int, str | None, str]]:
    with world.db.session() as s:
        rows = s.execute(
            select(AuditHeadSeen.seq, AuditHeadSeen.mac, AuditHeadSeen.verdict)
            .where(AuditHeadSeen.device_id == api.device_id)
            .order_by(AuditHeadSeen.id)
        )
        return [(r.seq, r.mac, r.verdict) for r in rows]


def test_heads_are_kept_once_and_a_step_back_or_a_second_mac_is_flagged(world: Central, api: Api) -> None:
    assert send(api, 5, A) == 200
    assert send(api, 5, A) == 200  # the same batch again (its answer was lost): nothing new
    assert send(api, 9, B) == 200
    assert send(api, 7, A) == 200  # behind 9: the log cut short or an older copy put back
    assert send(api, 9, A) == 200  # 9 again, another MAC
    assert heads(world, api) == [(5, A, "ok"), (9, B, "ok"), (7, A, "rolled_back"), (9, A, "forked")]


def test_the_head_s_fields_are_the_wire_s() -> None:
    assert set(AuditHead.model_fields) == set(AuditHeadData.__annotations__)


def test_a_malformed_head_refuses_the_batch(world: Central, api: Api) -> None:
    assert send(api, 0, A) == 422
    assert send(api, 3, "not-hex") == 422
    assert heads(world, api) == []
