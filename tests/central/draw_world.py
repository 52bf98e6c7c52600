"""The test world's quick plan Q2611 made ready to draw, and a supervisor's console over the API."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from kiosk_central.bootstrap import Central
from kiosk_central.db import begin_write
from kiosk_central.services.importer import import_kind
from kiosk_central.tables import Household, PoolQuota, UnitType
from tests.central.api import Api
from tests.central.world import CROWD, FAMILIES, NOW, new_key, registration
from tests.fakes import MovableClock

PLAN = "Q2611"
ONE_ROOM, TWO_ROOMS = "P-Q-01/UT-Q-1", "P-Q-01/UT-Q-2"
CLOSED = NOW + timedelta(days=15)  # Q2611's window closes 14 days after NOW, at 10:00
DIGITS_40 = 40 * math.log2(10)
SPECS = [{"kind": "digits", "label": "公证员现场摇号 第1组", "bits": DIGITS_40}]
VALUES = [{"label": "公证员现场摇号 第1组", "value": "3141592653 5897932384 6264338327 9502884197"}]
GROUPS = {0: "elderly", 1: "elderly", 2: "elderly", 3: "disabled", 4: "hardship"}  # CROWD index → group


def _unit(code: str, type_code: str, building: str, floor: int) -> dict[str, Any]:
    return {
        "code": code,
        "unit_type_code": type_code,
        "building": building,
        "floor": floor,
        "number": f"{floor:02d}01",
        "orientation": "南",
        "area": 45.0,
        "rent": 1500,
        "status": "free",
    }


def add_units_quotas_groups(central: Central, quota: dict[str, int] | None = None) -> None:
    """Five one-room units and one two-room unit for Q2611, quotas on the one-room pool, groups on households."""
    units = [
        _unit(f"Q-{b}-{f}01", "UT-Q-1", b, f) for b, f in (("2", 3), ("1", 5), ("1", 2), ("2", 1), ("1", 9))
    ]
    units.append(_unit("Q-3-401", "UT-Q-2", "3", 4))
    with central.db.session() as s:
        begin_write(s)
        import_kind(s, "units", [(f"第{n}条", u) for n, u in enumerate(units, 1)], now=NOW)
        one_room = s.scalar(select(UnitType.id).where(UnitType.code == "UT-Q-1"))
        for group, count in (quota or {"elderly": 2, "disabled": 1}).items():
            s.add(PoolQuota(unit_type_id=one_room, group=group, count=count))
        for index, group in GROUPS.items():
            s.execute(
                update(Household)
                .where(Household.filing_no == CROWD[index].filing_no)
                .values(priority_group=group)
            )
        s.commit()


def register_everyone(api: Api) -> list[str]:
    """Twenty one-person households in the one-room pool, the two-person ``ok`` in the two-room pool."""
    reg_nos = []
    for seq, family in enumerate(CROWD, 1):
        r = api.register(registration(family, PLAN, seq))
        assert r.status_code == 201, r.text
        reg_nos.append(r.json()["reg_no"])
    r = api.register(registration(FAMILIES["ok"], PLAN, 21, unit_type="UT-Q-2"))
    assert r.status_code == 201, r.text
    return [*reg_nos, r.json()["reg_no"]]


def close_window(api: Api, clock: MovableClock) -> None:
    clock.now = CLOSED
    api.sign_in()


class Console:
    """A supervisor (or whoever signs in) at counter ``api``: every lottery step over the API."""

    def __init__(self, api: Api, username: str = "super1", password: str = "super-pass-1") -> None:
        self.api = api
        r = api.operator_login(username, password)
        assert r.status_code == 200, r.text
        self.token = r.json()["token"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def post(self, path: str, body: dict[str, Any] | None = None, key: str | None = None) -> httpx.Response:
        headers = self.headers | {"Idempotency-Key": key or new_key()}
        return self.api.client.post(path, json=body, headers=headers)

    def freeze(
        self, specs: list[dict[str, Any]] | None = None, force: bool = False, plan: str = PLAN
    ) -> httpx.Response:
        return self.post(
            f"/v1/plans/{plan}/draw/freeze", {"sources": SPECS if specs is None else specs, "force": force}
        )

    def sources(self, draw_id: int, values: list[dict[str, str]] | None = None) -> httpx.Response:
        return self.post(f"/v1/draws/{draw_id}/sources", {"values": VALUES if values is None else values})

    def run(self, draw_id: int) -> httpx.Response:
        return self.post(f"/v1/draws/{draw_id}/run")

    def publish(self, draw_id: int) -> httpx.Response:
        return self.post(f"/v1/draws/{draw_id}/publish")

    def retract(self, draw_id: int, reason: str, second: str, password: str) -> httpx.Response:
        body = {"reason": reason, "second_username": second, "second_password": password}
        return self.post(f"/v1/draws/{draw_id}/retract", body)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.api.client.get(path, params=params, headers=self.headers)

    def drawn(self) -> dict[str, Any]:
        """Freeze, commit, run: the drawn record."""
        r = self.freeze()
        assert r.status_code == 200, r.text
        draw_id = r.json()["draw_id"]
        assert self.sources(draw_id).status_code == 200
        r = self.run(draw_id)
        assert r.status_code == 200, r.text
        record: dict[str, Any] = r.json()
        return record


def ok(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def refused(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert (r.status_code, r.json().get("code")) == (status, code), r.text
    body: dict[str, Any] = r.json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), "message is for staff: Chinese"
    return body
