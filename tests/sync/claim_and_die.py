"""A counter that claims a real-time unit and is killed (SIGKILL, by its own hand) before it records the answer.

Run as ``python -m tests.sync.claim_and_die DATA_DIR CENTRAL_URL DEVICE_ID SECRET PURPOSE UNIT STOP``. It syncs,
signs the clerk in, runs ``prepare`` and, with STOP ``claimed``, the claim too; it prints ``reg_no R`` and
``answer A`` (unbuffered) and kills itself, so ``finish`` never runs. With STOP ``prepared`` it dies before the
claim. Nothing is cleaned up: that is the point.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import keyring

from kiosk.bootstrap import build_services
from kiosk.config import CentralConfig, Config
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import MemoryKeyring
from tests.sync.test_sync import realtime_draft, sign_in


def say(line: str) -> None:
    os.write(1, f"{line}\n".encode())


def main() -> None:
    data_dir, url, device_id, secret, purpose, unit, stop = sys.argv[1:8]
    keyring.set_keyring(MemoryKeyring())
    secrets = SecretStore()
    secrets.set(DEVICE_ID, device_id)
    secrets.set(DEVICE_SECRET, secret)
    config = Config(data_dir=Path(data_dir), counter="01", central=CentralConfig(url=url))
    built = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=secrets)
    built.services.sync.sync_once()
    registration = built.services.registration
    prepared = registration.prepare(realtime_draft(built, purpose, unit), sign_in(built))
    say(f"reg_no {prepared.reg_no}")
    if stop == "claimed":
        say(f"answer {registration.claim(prepared).answer.value}")
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
