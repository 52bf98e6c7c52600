"""A fork server for the kill test: imports Kiosk once, then forks a fresh counter process per round.

Run as ``python -m tests.sync.crash_harness DATA_DIR CENTRAL_URL DEVICE_ID SECRET ACK_FILE``. It reads
``run SEED`` lines, forks a child that registers, cancels and syncs at random until it is killed, prints
``pid N``, waits, and prints ``exit STATUS``. The child appends each reg no to ACK_FILE with an unbuffered
write *after* ``register()`` returned: that is what "acknowledged" means at a counter (the clerk saw it).
It has no threads, so forking it is safe.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import keyring

from kiosk.bootstrap import build_services
from kiosk.config import RESOURCES, CentralConfig, Config
from kiosk.domain.errors import KioskError
from kiosk.domain.model import CancelReason
from kiosk.services.clock import system_clock
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from kiosk.services.slips import SlipRenderer
from kiosk.services.views import RegistrationDraft
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import MemoryKeyring

HOUSEHOLDS = json.loads((RESOURCES / "demo" / "households.json").read_text(encoding="utf-8"))["households"]


def child(config: Config, ack_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    built = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=SecretStore())
    s = built.services
    ack = os.open(ack_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    while s.sync.status().last_catalog_sync_at is None:
        try:
            s.sync.sync_once()
        except KioskError:
            continue
    clerk = s.auth.login("clerk1", "kiosk-demo-1")
    os.write(1, b"ready\n")
    while True:
        roll = rng.random()
        try:
            if roll < 0.55:
                reg_no = _register(s, clerk, rng)
                if reg_no:
                    os.write(ack, f"{reg_no}\n".encode())
            elif roll < 0.75:
                active = [
                    v for v in s.records.find(rng.choice(HOUSEHOLDS)["filing_no"]) if v.status == "active"
                ]
                for v in active:
                    s.records.cancel(
                        v.reg_no, CancelReason.HOUSEHOLD_REQUEST, "", clerk, "super1", "kiosk-demo-2"
                    )
            else:
                s.sync.sync_once()
        except KioskError:
            pass  # refused by a rule, or the centre is away: a counter carries on


def _register(s, clerk, rng: random.Random) -> str | None:  # type: ignore[no-untyped-def]
    h = rng.choice(HOUSEHOLDS)
    household = s.households.identify(h["filing_no"], h["applicant_id_number"])
    plan = next((p for p in s.catalog.plan_options(household.id) if p.code == "Q2611" and p.available), None)
    if plan is None:
        return None
    types = [u for p in s.catalog.project_options(household.id, plan.id) for u in p.unit_types if u.available]
    if not types:
        return None
    draft = RegistrationDraft(
        household.id,
        plan.id,
        0,
        rng.choice(types).id,
        notice_version=plan.notice_version,
        notice_ack_at=system_clock(),
    )
    return str(s.registration.register(draft, clerk).reg_no)


def main() -> None:
    data_dir, url, device_id, secret, ack = sys.argv[1:6]
    keyring.set_keyring(MemoryKeyring())
    SecretStore().set(DEVICE_ID, device_id)
    SecretStore().set(DEVICE_SECRET, secret)
    config = Config(data_dir=Path(data_dir), counter="01", central=CentralConfig(url=url))
    SlipRenderer(
        config.resources / "fonts" / "wqy-microhei.ttc"
    )  # the font registry is inherited by children
    print("harness ready", flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command != "run":
            break
        pid = os.fork()
        if pid == 0:
            try:
                child(config, Path(ack), int(arg))
            finally:
                os._exit(3)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


if __name__ == "__main__":
    main()
