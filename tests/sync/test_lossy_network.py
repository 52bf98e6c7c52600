"""Through a network that loses a fifth of the requests and a fifth of the responses, the centre ends with
exactly the registrations the counter made: none lost, none twice."""

from __future__ import annotations

import json
import time

from kiosk.bootstrap import Built
from kiosk.config import RESOURCES
from kiosk.services.clock import system_clock
from kiosk.services.views import RegistrationDraft
from kiosk_core.errors import KioskError
from tests.sync.conftest import CentralUnderTest, KioskFactory
from tests.sync.lossy_proxy import LossyProxy

HOUSEHOLDS = json.loads((RESOURCES / "demo" / "households.json").read_text(encoding="utf-8"))["households"]
N = 60


def register_many(k: Built, n: int) -> list[str]:
    s = k.services
    clerk = s.auth.login("clerk1", "kiosk-demo-1")
    made: list[str] = []
    for h in HOUSEHOLDS:
        if len(made) == n:
            break
        try:
            household = s.households.identify(h["filing_no"], h["applicant_id_number"])
            plan = next(p for p in s.catalog.plan_options(household.id) if p.code == "Q2611" and p.available)
            unit_type = next(
                u
                for p in s.catalog.project_options(household.id, plan.id)
                for u in p.unit_types
                if u.available
            )
        except (KioskError, StopIteration):
            continue  # this household cannot register in Q2611: the rules say why, not our concern here
        draft = RegistrationDraft(
            household.id,
            plan.id,
            0,
            unit_type.id,
            notice_version=plan.notice_version,
            notice_ack_at=system_clock(),
        )
        made.append(s.registration.register(draft, clerk).reg_no)
    return made


def test_lossy_network_loses_nothing_and_duplicates_nothing(
    kiosk: KioskFactory, centre: CentralUnderTest
) -> None:
    with LossyProxy(centre.port, drop_requests=0.2, drop_responses=0.2, seed=20) as proxy:
        k = kiosk("01", url=proxy.base_url)
        sync = k.services.sync
        sync.batch_size = 3  # many small requests, so that many are lost, some in mid-batch
        rounds = 0
        deadline = time.monotonic() + 120
        while True:  # the first catalog pull must get through before anyone can register
            rounds += 1
            try:
                sync.sync_once()
                break
            except KioskError:
                assert time.monotonic() < deadline
        made = register_many(k, N)
        assert len(made) == N
        while sync.status().unsent:
            rounds += 1
            assert rounds < 500 and time.monotonic() < deadline, "the outbox did not drain"
            try:
                sync.sync_once()
            except KioskError:
                continue  # lost on the way: the worker would back off and try again
        assert proxy.counts["lost_requests"] > 5 and proxy.counts["lost_responses"] > 5
    held = centre.registrations()
    assert sorted(reg_no for reg_no, _ in held) == sorted(made)
    assert all(status == "active" for _, status in held)
    assert all(k.services.records.get(r).central_status == "accepted" for r in made)
