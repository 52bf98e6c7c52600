"""A counter killed with SIGKILL at random moments, 160 times, during registrations, cancellations and sync:
no acknowledged registration lost, registrations and outbox always in step, the cache always intact, and the
centre ends with exactly what the counter holds."""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import IO

from kiosk.bootstrap import build_services
from kiosk.config import CentralConfig, Config
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.keyrings import cache_db
from tests.sync.conftest import CentralUnderTest

ROUNDS = 160  # about 100 s on an idle machine: the issue asks for under two minutes
MAX_STEPS = 3  # whole steps a round completes before the one it is killed in
MAX_POINT = 40  # write points counted into that step; a register step has about 30, most others fewer
HANG_GUARD = (
    120.0  # seconds without a line from the harness: it hangs (not a speed limit: no work depends on it)
)
ROOT = Path(__file__).resolve().parents[2]


def check_cache(db: Path, acks: Path) -> tuple[int, int]:
    with cache_db(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        regs = {r for (r,) in c.execute("SELECT reg_no FROM registrations")}
        created = [s for (s,) in c.execute("SELECT subject FROM outbox WHERE kind = 'registration'")]
        assert sorted(created) == sorted(regs), "a registration without its outbox message, or the reverse"
        cancelled = sorted(
            r for (r,) in c.execute("SELECT reg_no FROM registrations WHERE status = 'cancelled'")
        )
        cancels = sorted(s for (s,) in c.execute("SELECT subject FROM outbox WHERE kind = 'cancellation'"))
        assert cancels == cancelled, "a cancellation without its outbox message, or the reverse"
    acked = set(acks.read_text().split()) if acks.exists() else set()
    lost = acked - regs
    assert not lost, f"acknowledged registrations lost: {sorted(lost)[:5]}"
    return len(regs), len(cancelled)


class Lines:
    """The harness's output, read on a thread so a hung harness fails the test instead of blocking it."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line.strip())
        self._lines.put(None)

    def until(self, prefix: str, seen: list[str] | None = None) -> str:
        while True:
            try:
                line = self._lines.get(timeout=HANG_GUARD)
            except queue.Empty:
                raise AssertionError(f"no {prefix!r} from the harness for {HANG_GUARD:.0f} s: hung") from None
            if line is None:
                raise AssertionError(f"harness ended while waiting for {prefix!r}")
            if line.startswith(prefix):
                return line
            if seen is not None:
                seen.append(line)


def test_sigkill_160_times(centre: CentralUnderTest, tmp_path: Path) -> None:
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
    assert proc.stdin is not None and proc.stdout is not None
    lines = Lines(proc.stdout)
    rng = random.Random(2026)
    kills: Counter[str] = Counter()
    steps_done: Counter[str] = Counter()
    try:
        lines.until("harness ready")
        for round_no in range(ROUNDS):
            steps, point, mode = (
                rng.randint(0, MAX_STEPS),
                rng.randint(1, MAX_POINT),
                rng.choice(("hold", "go")),
            )
            proc.stdin.write(f"run {round_no} {steps} {point} {mode}\n")
            proc.stdin.flush()
            pid = int(lines.until("pid ").split()[1])
            seen: list[str] = []
            _, _, kind, where = lines.until("kill me ", seen).split()
            os.kill(pid, signal.SIGKILL)
            status = lines.until("exit ", seen)
            assert status == f"exit {signal.SIGKILL}", (status, seen)
            steps_done.update(line.split()[-1] for line in seen if line.startswith("step "))
            kills[f"{kind} {'after' if where == 'after' else mode}"] += 1
            registrations, cancelled = check_cache(data / "kiosk.db", acks)
    finally:
        proc.stdin.close()
        proc.wait(30)
        proc.stdout.close()
    print(
        f"\n{ROUNDS} kills: {registrations} registrations ({cancelled} cancelled),"
        f" {len(acks.read_text().split())} acked; steps done {dict(steps_done)}; kills {dict(sorted(kills.items()))}"
    )
    # The rounds do the same work on any machine (seed 2026: about 75 registrations, 30 cancelled, and every
    # kind of step killed both ways); check that the work and the kills were what is claimed.
    assert registrations >= 50 and cancelled >= 16
    for kind in ("register", "cancel", "sync"):
        assert kills[f"{kind} hold"] >= 3 and kills[f"{kind} go"] >= 3, kills

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
    with cache_db(data / "kiosk.db") as c:
        here = sorted(tuple(r) for r in c.execute("SELECT reg_no, status FROM registrations"))
    built.engine.dispose()
    assert centre.registrations() == here
