"""A registration another counter cancels at the centre: only with a supervisor's token, and its own counter
hears of it on its next sync (Records show it cancelled, the unit is free again there)."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.secrets import DEVICE_TOKEN, SecretStore, operator_token_name
from kiosk.storage import tables as t
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.test_refusals import audit_actions
from tests.sync.test_sync import realtime_draft, sign_in

UNIT = "P-FT-01-1-302"


def _cancel_from(k: Built, base_url: str, reg_no: str, token: str) -> httpx.Response:
    """What a counter that does not hold the registration can send: the centre's API, by hand."""
    now = datetime.now().replace(microsecond=0).isoformat()
    body = {
        "event_time": now,
        "payload": {
            "reg_no": reg_no,
            "reason": "household_request",
            "comment": "户主在2号窗口申请",
            "cancelled_at": now,
            "operator_id": 1,
            "approved_by": 2,
        },
    }
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    return httpx.post(f"{base_url}/v1/cancellations", json=body, headers=headers, timeout=10)


def _unit_status(k: Built) -> str:
    with k.engine.connect() as c:
        return str(c.scalar(select(t.Unit.status).where(t.Unit.code == UNIT)))


def test_a_supervisor_elsewhere_cancels_and_the_owning_counter_shows_it(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    mine, other = kiosk("01", synced=True), kiosk("02", synced=True)
    mine.services.sync.sync_once()
    other.services.sync.sync_once()
    view = mine.services.registration.register(realtime_draft(mine, "realtime_normal", UNIT), sign_in(mine))
    mine.services.sync.sync_once()
    assert centre.registrations() == [(view.reg_no, "active")]

    secrets = SecretStore(service="kiosk-test-02")  # counter 02's keyring, as the kiosk fixture set it up
    device_token = secrets.get(DEVICE_TOKEN) or ""
    refused = _cancel_from(other, centre.base_url, view.reg_no, device_token)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_your_registration")
    assert centre.registrations() == [(view.reg_no, "active")]

    other.services.sync.sign_in_operator("super1", "kiosk-demo-2")
    supervisor = secrets.get(operator_token_name("super1")) or ""
    assert _cancel_from(other, centre.base_url, view.reg_no, supervisor).status_code == 200
    assert centre.registrations() == [(view.reg_no, "cancelled")]

    assert mine.services.records.get(view.reg_no).status == "active"  # not told yet
    mine.services.sync.sync_once()
    shown = mine.services.records.find(view.reg_no)[0]
    assert (shown.status, shown.status_label) == ("cancelled", "已取消")
    assert shown.cancel_reason_label == "家庭申请取消：户主在2号窗口申请；由02号窗口主管取消"
    assert shown.cancelled_at is not None and shown.cancelled_at.tzinfo is None
    assert _unit_status(mine) == "free"
    with mine.engine.connect() as c:
        held = c.scalar(
            select(t.RegisteredPerson.id).join(t.Registration).where(t.Registration.reg_no == view.reg_no)
        )
    assert held is None  # the household may register again here
    assert ("cancelled_elsewhere", {"by_counter": "02", "reason": "household_request"}) in audit_actions(mine)
    mine.services.sync.sync_once()  # the feed moved on: told once
    assert mine.services.records.get(view.reg_no).status == "cancelled"
