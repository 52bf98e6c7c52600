"""A counter killed with SIGKILL at random moments, 200 times, during registrations, cancellations and sync:
no acknowledged registration lost, registrations and outbox always in step, the cache always intact, and the
centre ends with exactly what the counter holds."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from kiosk.bootstrap import build_services
from kiosk.config import CentralConfig, Config
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import CentralUnderTest

ROUNDS = 200
ROOT = Path(__file__).resolve().parents[2]


def check_cache(db: Path, acks: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        regs = {r for (r,) in c.execute("SELECT reg_no FROM registrations")}
        created = [s for (s,) in c.execute("SELECT subject FROM outbox WHERE kind = 'registration_created'")]
        assert sorted(created) == sorted(regs), "a registration without its outbox message, or the reverse"
        cancelled = sorted(
            r for (r,) in c.execute("SELECT reg_no FROM registrations WHERE status = 'cancelled'")
        )
        cancels = sorted(
            s for (s,) in c.execute("SELECT subject FROM outbox WHERE kind = 'registration_cancelled'")
        )
        assert cancels == cancelled, "a cancellation without its outbox message, or the reverse"
    acked = set(acks.read_text().split()) if acks.exists() else set()
    lost = acked - regs
    assert not lost, f"acknowledged registrations lost: {sorted(lost)[:5]}"
    return len(regs), len(cancelled)


def read_until(proc: subprocess.Popen[str], prefix: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"harness ended while waiting for {prefix!r}")
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(f"no {prefix!r} within {timeout} s")


def test_sigkill_200_times(centre: CentralUnderTest, tmp_path: Path) -> None:
    device_id, secret = centre.enroll("01")
    data, acks = tmp_path / "counter", tmp_path / "acks.txt"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.sync.crash_harness",
            str(data),
            centre.base_url,
            device_id,
            secret,
            str(acks),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdin is not None
    rng = random.Random(2026)
    try:
        read_until(proc, "harness ready")
        for round_no in range(ROUNDS):
            proc.stdin.write(f"run {round_no}\n")
            proc.stdin.flush()
            pid = int(read_until(proc, "pid ").split()[1])
            read_until(proc, "ready")
            time.sleep(rng.uniform(0, 0.25))  # a random moment inside registration, cancellation or sync
            os.kill(pid, signal.SIGKILL)
            status = read_until(proc, "exit ")
            assert status == f"exit {signal.SIGKILL}", status
            registrations, cancelled = check_cache(data / "kiosk.db", acks)
    finally:
        proc.stdin.close()
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()
    print(
        f"\n{ROUNDS} kills: {registrations} registrations ({cancelled} cancelled), {len(acks.read_text().split())} acked"
    )
    assert registrations > 100 and cancelled > 10  # the rounds really did work before they were killed

    # The counter comes back once more and drains its outbox: the centre holds exactly what it holds.
    keyring_store = SecretStore()
    keyring_store.set(DEVICE_ID, device_id)
    keyring_store.set(DEVICE_SECRET, secret)
    config = Config(data_dir=data, counter="01", central=CentralConfig(url=centre.base_url))
    built = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=keyring_store)
    for _ in range(5):
        built.services.sync.sync_once()
        if built.services.sync.status().unsent == 0:
            break
    with sqlite3.connect(data / "kiosk.db") as c:
        here = sorted(tuple(r) for r in c.execute("SELECT reg_no, status FROM registrations"))
    built.engine.dispose()
    assert centre.registrations() == here
