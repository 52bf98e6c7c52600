"""A real-time unit is claimed at the real centre before its slip prints: one unit, one household, whatever the
network does; when the centre does not answer, the slip says 待中心确认 until a sync round settles it."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select, text

from kiosk.bootstrap import Built
from kiosk.services.online import Answer
from kiosk.services.registration import ClaimRefused
from kiosk.services.secrets import DEVICE_TOKEN, SecretStore
from kiosk.services.views import UnitFilter
from kiosk.storage import tables as t
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.lossy_proxy import LossyProxy
from tests.sync.test_sync import realtime_draft, sign_in

UNIT = "P-FT-01-1-302"


def rows(k: Built, table: type[t.Base]) -> int:
    with k.engine.connect() as c:
        return c.scalar(select(func.count()).select_from(table)) or 0


def idempotency_keys(centre: CentralUnderTest) -> list[str]:
    """The keys the counters sent (not the demo's: its lottery and selection are arranged through the API)."""
    from kiosk_central.services.demo_lottery import DEVICE_ID as DEMO

    with centre.central.db.engine.connect() as c:
        rows = c.execute(text("SELECT key FROM idempotency_keys WHERE device_id <> :demo"), {"demo": DEMO})
        return [r[0] for r in rows]


def outbox_keys(k: Built) -> list[str]:
    with k.engine.connect() as c:
        return list(c.scalars(select(t.OutboxMessage.idempotency_key)))


def pdf_text(path: object) -> str:
    with open(str(path), "rb") as f:
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages).replace("\n", "")


def test_two_counters_one_realtime_unit_the_second_is_refused_before_printing(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    a, b = kiosk("01", synced=True), kiosk("02", synced=True)
    a.services.sync.sync_once()
    b.services.sync.sync_once()  # both caches show the unit free

    first = a.services.registration.register_claimed(realtime_draft(a, "realtime_normal", UNIT), sign_in(a))
    assert first.central_status == "accepted" and not first.provisional
    assert a.services.sync.status().unsent == 0  # its outbox message is already answered
    assert outbox_keys(a) == idempotency_keys(centre)  # the claim went under the outbox message's key
    printed = a.services.slips.print_slip(first.reg_no, sign_in(a))
    assert printed.printed and "待中心确认" not in pdf_text(printed.path)

    registration = b.services.registration
    prepared = registration.prepare(realtime_draft(b, "elderly_single", UNIT), sign_in(b))
    answer = registration.claim(prepared)
    assert answer.answer is Answer.REFUSED and answer.code == "unit_taken"
    try:
        registration.finish(prepared, answer)
        raise AssertionError("a refused claim was registered")
    except ClaimRefused as refused:
        assert refused.unit_taken and "中心未受理本次登记" in refused.message
    # Turned down at the second counter as a refused outbox message turns it down: its number used up, its
    # people free, its message answered (never sent again), the unit taken; nothing to print.
    turned_down = b.services.records.get(prepared.reg_no)
    assert turned_down.status == turned_down.central_status == "rejected"
    assert turned_down.central_message == answer.message and not turned_down.provisional
    assert rows(b, t.Registration) == rows(b, t.OutboxMessage) == 1 and rows(b, t.RegisteredPerson) == 0
    assert b.services.sync.status().unsent == 0
    with b.engine.connect() as c:
        assert c.execute(select(t.OutboxMessage.result, t.OutboxMessage.last_error)).one() == (
            "rejected",
            f"unit_taken: {answer.message}",
        )
    assert not list(b.config.slips_dir.glob("**/*.pdf"))
    draft = prepared.draft
    units = b.services.catalog.unit_options(draft.household_id, draft.plan_id, UnitFilter())
    unit = next(u for u in units if u.code == UNIT)
    assert not unit.available and unit.refusals[0].rule == "unit_taken"
    assert b.services.sync.send_outbox() == 0  # the refusal is not sent again
    assert centre.registrations() == [(first.reg_no, "active")]
    # The household may go on with another unit under the next number.
    other = registration.register_claimed(realtime_draft(b, "elderly_single", "P-FT-01-1-303"), sign_in(b))
    assert other.central_status == "accepted" and other.reg_no != prepared.reg_no
    assert centre.registrations() == sorted([(first.reg_no, "active"), (other.reg_no, "active")])


def test_a_claim_whose_answer_was_lost_is_sent_again_with_its_key_and_held_once(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    with LossyProxy(centre.port, drop_requests=0.0, drop_responses=0.0) as proxy:
        k = kiosk("01", url=proxy.base_url, synced=True)
        k.services.sync.sync_once()
        clerk = sign_in(k)
        proxy.drop_responses = 1.0  # the centre applies the claim; its answer never comes back
        view = k.services.registration.register_claimed(realtime_draft(k, "realtime_normal", UNIT), clerk)
        assert proxy.counts["lost_responses"] == 1
        assert view.provisional  # offline, as far as the counter knows
        assert centre.registrations() == [(view.reg_no, "active")]
        proxy.drop_responses = 0.0
        k.services.sync.sync_once()  # the outbox sends the same message under the same key
    assert centre.registrations() == [(view.reg_no, "active")]  # one registration, not two
    assert idempotency_keys(centre) == outbox_keys(k)  # one key at the centre: the claim's, replayed
    settled = k.services.records.get(view.reg_no)
    assert settled.central_status == "accepted" and not settled.provisional
    assert k.services.sync.status().unsent == 0


def test_centre_down_the_slip_prints_provisional_and_a_sync_round_settles_it(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    with LossyProxy(centre.port, drop_requests=0.0, drop_responses=0.0) as proxy:
        k = kiosk("01", url=proxy.base_url, synced=True)
        k.services.sync.sync_once()
        clerk = sign_in(k)
        proxy.drop_requests = 1.0  # nothing reaches the centre
        view = k.services.registration.register_claimed(realtime_draft(k, "realtime_normal", UNIT), clerk)
        assert view.provisional and centre.registrations() == []
        slip = k.services.slips.print_slip(view.reg_no, clerk)
        assert "待中心确认" in pdf_text(slip.path) and "携带本回执" in pdf_text(slip.path)
        assert k.services.records.get(view.reg_no).provisional
        proxy.drop_requests = 0.0  # the centre is back
        k.services.sync.sync_once()
    assert centre.registrations() == [(view.reg_no, "active")]
    assert not k.services.records.get(view.reg_no).provisional
    again = k.services.slips.print_slip(view.reg_no, clerk, reprint=True)
    assert "待中心确认" not in pdf_text(again.path) and "补打" in pdf_text(again.path)


def test_no_device_token_is_offline_not_an_error(kiosk: KioskFactory, centre: CentralUnderTest) -> None:
    k = kiosk("01", synced=True)
    k.services.sync.sync_once()
    clerk = sign_in(k)
    # Not signed in at the centre yet, or the keyring lost it: the sync round's job, not the claim's.
    SecretStore(service="kiosk-test-01").set(DEVICE_TOKEN, "")
    registration = k.services.registration
    prepared = registration.prepare(realtime_draft(k, "realtime_normal", UNIT), clerk)
    answer = registration.claim(prepared)
    assert answer.offline
    assert registration.finish(prepared, answer).provisional
    assert centre.registrations() == []
