"""A message the centre refuses as invalid: staff see the registration turned down, the queue behind it goes on."""

from __future__ import annotations

from sqlalchemy import select, update

from kiosk.storage import tables as t
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.test_sync import quick_draft, sign_in


def test_a_registration_the_centre_finds_invalid_is_turned_down_and_the_rest_go_on(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    k = kiosk("01", synced=True)
    k.services.sync.sync_once()
    operator = sign_in(k)
    bad = k.services.registration.register(quick_draft(k), operator)
    good = k.services.registration.register(quick_draft(k, "quick_family_of_four"), operator)
    # Stored here before the counter's phone rule took ASCII digits only (as it once did: \d takes ٨).
    with k.engine.begin() as c:
        row = c.execute(
            select(t.OutboxMessage.id, t.OutboxMessage.payload).where(t.OutboxMessage.subject == bad.reg_no)
        ).one()
        c.execute(
            update(t.OutboxMessage)
            .where(t.OutboxMessage.id == row.id)
            .values(payload=row.payload | {"phone": "13" + "٨٠٠١٣٨٠٠٠"})
        )

    status = k.services.sync.sync_once()

    assert centre.registrations() == [(good.reg_no, "active")]
    assert status.unsent == 0 and status.rejected == 1  # the sync strip's count
    (turned_down,) = k.services.records.rejected()  # Records' list of turned-down registrations
    assert turned_down.reg_no == bad.reg_no
    assert turned_down.status == "rejected" and turned_down.central_status == "rejected"
    assert "联系电话" in turned_down.central_message and "中心" in turned_down.central_message
    assert k.services.records.get(good.reg_no).central_status == "accepted"
    # A later round does not send it again, and the queue stays clear.
    later = k.services.registration.register(quick_draft(k, "elderly_single"), operator)
    assert k.services.sync.sync_once().unsent == 0
    assert k.services.records.get(later.reg_no).central_status == "accepted"


def test_a_cancellation_the_centre_will_not_take_is_shown_to_staff(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    from sqlalchemy import text

    from kiosk_core.model import CancelReason

    k = kiosk("01", synced=True)
    k.services.sync.sync_once()
    operator = sign_in(k)
    view = k.services.registration.register(quick_draft(k), operator)
    assert k.services.sync.sync_once().rejected == 0
    # The centre brings the plan's cancel deadline forward; this counter has not heard of it yet.
    with centre.central.db.engine.begin() as c:
        c.execute(text("UPDATE plans SET cancel_deadline = '2000-01-01 00:00:00' WHERE code = 'Q2611'"))
    k.services.records.cancel(
        view.reg_no, CancelReason.HOUSEHOLD_REQUEST, "", operator, "super1", "kiosk-demo-2"
    )

    status = k.services.sync.sync_once()

    assert centre.registrations() == [(view.reg_no, "active")]
    assert status.unsent == 0 and status.rejected == 1  # the sync strip's count
    (refused,) = k.services.records.rejected()
    assert refused.reg_no == view.reg_no and refused.central_status == "change_refused"
    assert refused.central_message.startswith("取消登记未被中心受理：") and "截止" in refused.central_message
