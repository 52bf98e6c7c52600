"""A counter killed (SIGKILL) in the middle of a real-time claim loses nothing: the registration is written ahead
of the claim, so the counter that comes back on the same cache holds what the centre holds once a sync round
has sent its outbox, and its next registration takes the next number."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.bootstrap import build_services
from kiosk.config import CentralConfig, Config
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from kiosk.storage import tables as t
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import CentralUnderTest
from tests.sync.test_online_claim import UNIT, idempotency_keys, outbox_keys
from tests.sync.test_sync import realtime_draft, sign_in

ROOT = Path(__file__).resolve().parents[2]


def sequence(reg_no: str) -> int:
    return int(reg_no.split("-")[2])  # plan-counter-sequence-check


def claim_and_die(centre: CentralUnderTest, data: Path, device: tuple[str, str], stop: str) -> dict[str, str]:
    """The counter's process, killed after ``stop``; returns what it said before dying."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.sync.claim_and_die", str(data), centre.base_url, *device]
        + ["realtime_normal", UNIT, stop],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    return dict(line.split(" ", 1) for line in done.stdout.splitlines())


@pytest.mark.parametrize("stop", ["claimed", "prepared"])
def test_a_counter_killed_before_finish_holds_the_claim_after_its_next_sync(
    centre: CentralUnderTest, tmp_path: Path, stop: str
) -> None:
    device = centre.enroll("01")
    data = tmp_path / "counter-01"
    said = claim_and_die(centre, data, device, stop)
    reg_no = said["reg_no"]
    if stop == "claimed":
        assert said["answer"] == "accepted"
        assert centre.registrations() == [(reg_no, "active")]  # the centre holds it, finish never ran
    else:
        assert centre.registrations() == []

    # The counter comes back on the same cache: the registration is there, provisional, its message unsent.
    secrets = SecretStore()
    secrets.set(DEVICE_ID, device[0])
    secrets.set(DEVICE_SECRET, device[1])
    config = Config(data_dir=data, counter="01", central=CentralConfig(url=centre.base_url))
    k = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=secrets)
    try:
        s = k.services
        assert s.records.get(reg_no).provisional
        assert s.sync.status().unsent == 1

        s.sync.sync_once()  # the same message under the same key: answered from the claim's stored answer
        settled = s.records.get(reg_no)
        assert settled.central_status == "accepted" and not settled.provisional and settled.status == "active"
        assert s.sync.status().unsent == 0
        assert centre.registrations() == [(reg_no, "active")]  # exactly one
        assert idempotency_keys(centre) == outbox_keys(k)  # one key: the claim's, replayed by the outbox

        following = s.registration.register_claimed(
            realtime_draft(k, "elderly_single", "P-FT-01-1-303"), sign_in(k)
        )
        assert sequence(following.reg_no) == sequence(reg_no) + 1  # not the same number again
        assert following.central_status == "accepted"
        assert centre.registrations() == sorted([(reg_no, "active"), (following.reg_no, "active")])
        with k.engine.connect() as c:
            assert c.scalar(select(t.Unit.status).where(t.Unit.code == UNIT)) == "taken"
    finally:
        k.engine.dispose()
