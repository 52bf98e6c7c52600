"""A kiosk and the real central service: catalog down, registrations up exactly once, conflicts back to staff."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kiosk.bootstrap import Built
from kiosk.config import RESOURCES
from kiosk.services.clock import system_clock
from kiosk.services.sync_guards import OfflineTooLong
from kiosk.services.views import OperatorSession, RegistrationDraft, UnitFilter
from kiosk.storage import tables as t
from tests.sync.conftest import CentralUnderTest, KioskFactory

SHOWCASE = json.loads((RESOURCES / "demo" / "households.json").read_text(encoding="utf-8"))["showcase"]


def sign_in(k: Built) -> OperatorSession:
    return k.services.auth.login("clerk1", "kiosk-demo-1")


def quick_draft(k: Built, purpose: str = "quick_normal") -> RegistrationDraft:
    s = k.services
    who = SHOWCASE[purpose]
    household = s.households.identify(who["filing_no"], who["applicant_id_number"])
    plan = next(p for p in s.catalog.plan_options(household.id) if p.code == "Q2611")
    unit_type = next(
        u for p in s.catalog.project_options(household.id, plan.id) for u in p.unit_types if u.available
    )
    return RegistrationDraft(
        household.id,
        plan.id,
        0,
        unit_type.id,
        notice_version=plan.notice_version,
        notice_ack_at=system_clock(),
    )


def realtime_draft(k: Built, purpose: str, unit_code: str) -> RegistrationDraft:
    s = k.services
    who = SHOWCASE[purpose]
    household = s.households.identify(who["filing_no"], who["applicant_id_number"])
    plan = next(p for p in s.catalog.plan_options(household.id) if p.code == "R2611")
    unit = next(u for u in s.catalog.unit_options(household.id, plan.id, UnitFilter()) if u.code == unit_code)
    return RegistrationDraft(
        household.id,
        plan.id,
        0,
        unit.unit_type_id,
        unit.id,
        plan.notice_version,
        notice_ack_at=system_clock(),
    )


def test_first_sync_fills_an_empty_cache_and_signs_in_operators(kiosk: KioskFactory) -> None:
    k = kiosk("01")
    status = k.services.sync.sync_once()
    assert status.online and status.unsent == 0 and status.last_catalog_sync_at is not None
    with k.engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(t.Household)) == 1000
        assert (
            c.scalar(select(func.count()).select_from(t.Unit)) == 290
        )  # the demo lottery plan's 40 and the demo selection plan's 50 too
    assert sign_in(k).display_name == "王晓梅"  # the centre's operator, signed in here without the network


def test_registration_reaches_the_centre_once(kiosk: KioskFactory, centre: CentralUnderTest) -> None:
    k = kiosk("01")
    k.services.sync.sync_once()
    view = k.services.registration.register(quick_draft(k), sign_in(k))
    assert k.services.sync.status().unsent == 1
    k.services.sync.sync_once()
    k.services.sync.sync_once()
    assert centre.registrations() == [(view.reg_no, "active")]
    assert k.services.records.get(view.reg_no).central_status == "accepted"
    assert k.services.sync.status().unsent == 0


def test_only_changes_come_down_after_the_first_sync(kiosk: KioskFactory) -> None:
    k = kiosk("01")
    k.services.sync.sync_once()
    assert k.services.sync.pull_catalog() == 0


def test_two_offline_counters_register_the_same_household(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    a, b = kiosk("01"), kiosk("02")
    a.services.sync.sync_once()
    b.services.sync.sync_once()
    # Both lose the network, both register the same household in the same plan.
    first = a.services.registration.register(quick_draft(a), sign_in(a))
    second = b.services.registration.register(quick_draft(b), sign_in(b))
    a.services.sync.sync_once()
    b.services.sync.sync_once()
    assert centre.registrations() == [(first.reg_no, "active")]
    turned_down = b.services.records.rejected()
    assert [v.reg_no for v in turned_down] == [second.reg_no]
    assert turned_down[0].status == "rejected" and turned_down[0].status_label == "中心未受理"
    assert "已登记" in turned_down[0].central_message
    assert b.services.sync.status().rejected == 1
    # The household's notice prints with the reason.
    outcome = b.services.slips.print_slip(second.reg_no, sign_in(b))
    assert outcome.path.exists()


def test_a_unit_taken_at_another_counter(kiosk: KioskFactory, centre: CentralUnderTest) -> None:
    a, b = kiosk("01"), kiosk("02")
    a.services.sync.sync_once()
    b.services.sync.sync_once()
    unit = "P-FT-01-1-302"
    a.services.registration.register(realtime_draft(a, "realtime_normal", unit), sign_in(a))
    late = b.services.registration.register(realtime_draft(b, "elderly_single", unit), sign_in(b))
    a.services.sync.sync_once()
    b.services.sync.sync_once()
    view = b.services.records.get(late.reg_no)
    assert view.central_status == "rejected" and view.status == "rejected"
    with b.engine.connect() as c:  # counter 02 now knows the unit is taken
        assert c.scalar(select(t.Unit.status).where(t.Unit.code == unit)) == "taken"


def test_cancellation_and_phone_change_follow(kiosk: KioskFactory, centre: CentralUnderTest) -> None:
    from kiosk.services.records import ApplicantId
    from kiosk_core.model import CancelReason

    k = kiosk("01")
    k.services.sync.sync_once()
    clerk = sign_in(k)
    view = k.services.registration.register(quick_draft(k), clerk)
    applicant = ApplicantId(SHOWCASE["quick_normal"]["applicant_id_number"])
    k.services.records.update_phone(view.reg_no, "13911112222", clerk, applicant)
    k.services.records.cancel(
        view.reg_no, CancelReason.HOUSEHOLD_REQUEST, "", clerk, "super1", "kiosk-demo-2"
    )
    k.services.sync.sync_once()
    assert centre.registrations() == [(view.reg_no, "cancelled")]
    with k.engine.connect() as c:
        results = c.execute(
            select(t.OutboxMessage.kind, t.OutboxMessage.result).order_by(t.OutboxMessage.id)
        ).all()
    assert [tuple(r) for r in results] == [
        ("registration", "accepted"),
        ("phone_update", "accepted"),
        ("cancellation", "accepted"),
    ]


def test_reviews_come_back_to_records(kiosk: KioskFactory, centre: CentralUnderTest) -> None:
    from kiosk_central.services.reviews import set_review

    k = kiosk("01")
    k.services.sync.sync_once()
    view = k.services.registration.register(quick_draft(k), sign_in(k))
    k.services.sync.sync_once()
    with centre.central.db.session() as s:
        set_review(s, centre.central.clock, view.reg_no, "审核不通过", "家庭人均住房面积超标")
    k.services.sync.sync_once()
    back = k.services.records.get(view.reg_no)
    assert (back.review_status, back.reject_reason) == ("审核不通过", "家庭人均住房面积超标")


def test_offline_guardrails(kiosk: KioskFactory, centre: CentralUnderTest) -> None:
    k = kiosk("01", offline_max_unsent=1)
    k.services.sync.sync_once()
    clerk = sign_in(k)
    k.services.registration.register(quick_draft(k, "quick_normal"), clerk)
    k.services.registration.register(quick_draft(k, "quick_family_of_four"), clerk)
    with pytest.raises(OfflineTooLong) as err:
        k.services.registration.register(quick_draft(k, "elderly_single"), clerk)
    assert "尚未送达中心" in err.value.message


def test_never_synced_kiosk_refuses_new_registrations(kiosk: KioskFactory) -> None:
    k = kiosk("01", url="http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(Exception):  # noqa: B017 - the centre is simply away
        k.services.sync.sync_once()
    assert not k.services.sync.status().online
    with pytest.raises(OfflineTooLong):
        k.services.sync.guard()


def test_operators_sign_in_at_the_centre_too(
    kiosk: KioskFactory, centre: CentralUnderTest, memory_keyring
) -> None:
    k = kiosk("01")
    k.services.sync.sync_once()
    assert sign_in(k).username == "clerk1"
    # The device token and the operator token are kept in the keyring, never in a file.
    service = "kiosk-test-01"
    assert memory_keyring.get_password(service, "device_token")
    assert memory_keyring.get_password(service, "operator_token:clerk1")
    assert not list(k.config.data_dir.rglob("*token*"))


def test_an_account_disabled_at_the_centre_cannot_sign_in(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    from kiosk_core.errors import AuthFailed

    k = kiosk("01")
    k.services.sync.sync_once()
    with centre.central.db.session() as s:
        centre.central.auth.disable_operator(s, "clerk1")
    with pytest.raises(AuthFailed) as err:
        sign_in(k)  # the counter's copy still says active: the centre's word wins while it can be asked
    assert (err.value.code, err.value.message) == ("operator_disabled", "此账号已被中心停用，请联系管理员")


def test_offline_sign_in_uses_the_local_account(kiosk: KioskFactory, centre: CentralUnderTest) -> None:
    k = kiosk("01")
    k.services.sync.sync_once()
    k.services.sync.client.base_url = "http://127.0.0.1:9"  # the network is gone
    assert sign_in(k).username == "clerk1"
