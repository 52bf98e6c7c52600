"""A fork server for the kill test: imports Kiosk once, then forks a fresh counter process per round.

Run as ``python -m tests.sync.crash_harness DATA_DIR CENTRAL_URL DEVICE_ID SECRET ACK_FILE``. It reads
``run SEED STEPS POINT MODE`` lines, forks a child, prints ``pid N``, waits, and prints ``exit STATUS``.

The fork server fills the cache from the centre and signs the clerk in once, before the first round (neither is
ever a killed step). The child registers, cancels and syncs at random, one step at a time, and prints
``step I done KIND`` after each. Where it is to be killed is decided by progress, never by time, so every machine does the same work:
after STEPS whole steps, the next step counts its write points (each SQL statement and each commit, just before
it reaches SQLite) and at the POINT-th it prints ``kill me KIND POINT``. With MODE ``hold`` it stops right
there until killed (a kill exactly between two statements); with ``go`` it carries on, so the kill lands
wherever the child is when it arrives (inside SQLite's own write, an HTTP call, ...), and it stops at the end
of that step at the latest. A step with fewer points prints ``kill me KIND after`` once done and stops.

The child appends each reg no to ACK_FILE with an unbuffered write *after* ``register()`` returned: that is
what "acknowledged" means at a counter (the clerk saw it). It has no threads, so forking it is safe.
"""

from __future__ import annotations

import gc
import json
import os
import random
import signal
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

import keyring
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import event

from kiosk.bootstrap import build_services
from kiosk.config import RESOURCES, CentralConfig, Config
from kiosk.services.clock import system_clock
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from kiosk.services.slips import SlipRenderer
from kiosk.services.views import OperatorSession, RegistrationDraft
from kiosk.storage.db import known_revisions
from kiosk_core.errors import KioskError
from kiosk_core.model import CancelReason
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import MemoryKeyring

HOUSEHOLDS = json.loads((RESOURCES / "demo" / "households.json").read_text(encoding="utf-8"))["households"]


def say(line: str) -> None:
    os.write(1, f"{line}\n".encode())  # unbuffered: the test acts on it at once


def wait_for_the_kill() -> NoReturn:
    while True:
        signal.pause()


class KillPoint:
    """Counts the write points of the target step and says "kill me" at the chosen one."""

    def __init__(self, point: int, hold: bool) -> None:
        self.point, self.hold = point, hold
        self.armed, self.kind, self.seen, self.said = False, "", 0, False

    def reached(self, *_args: Any) -> None:
        if not self.armed or self.said:
            return
        self.seen += 1
        if self.seen == self.point:
            self.said = True
            say(f"kill me {self.kind} {self.point}")
            if self.hold:
                wait_for_the_kill()

    def step_done(self) -> NoReturn:
        if not self.said:
            say(f"kill me {self.kind} after")
        wait_for_the_kill()


def child(
    config: Config, ack_path: Path, seed: int, steps: int, killer: KillPoint, clerk: OperatorSession
) -> None:
    rng = random.Random(seed)
    built = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=SecretStore())
    s = built.services
    ack = os.open(ack_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    event.listen(built.engine, "before_cursor_execute", killer.reached)
    event.listen(built.engine, "commit", killer.reached)
    say("ready")
    for step in range(steps + 1):
        roll = rng.random()
        killer.kind = "register" if roll < 0.55 else "cancel" if roll < 0.75 else "sync"
        killer.armed = step == steps
        try:
            if killer.kind == "register":
                reg_no = _register(s, clerk, rng)
                if reg_no:
                    os.write(ack, f"{reg_no}\n".encode())
            elif killer.kind == "cancel":
                _cancel(s, clerk, ack_path, rng)
            else:
                s.sync.sync_once()
        except KioskError:
            pass  # refused by a rule, or the centre is away: a counter carries on
        say(f"step {step} done {killer.kind}")
    killer.step_done()


def _cancel(s, clerk, ack_path: Path, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    """One of this counter's acknowledged registrations, so that cancellations really happen."""
    acked = ack_path.read_text().split() if ack_path.exists() else []
    if not acked:
        return
    view = s.records.get(rng.choice(acked))
    if view.status == "active":
        s.records.cancel(view.reg_no, CancelReason.HOUSEHOLD_REQUEST, "", clerk, "super1", "kiosk-demo-2")


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


def keep_migration_scripts() -> None:
    """Alembic reads the cache's migration scripts from disk at each opening (twice); read here once, the
    children inherit them. Each child still checks its cache's revision against them."""
    from_config = ScriptDirectory.from_config
    kept: dict[str | None, ScriptDirectory] = {}

    def once(cfg: AlembicConfig, *args: Any, **kwargs: Any) -> ScriptDirectory:
        location = cfg.get_main_option("script_location")
        if location not in kept:
            kept[location] = from_config(cfg, *args, **kwargs)
        return kept[location]

    ScriptDirectory.from_config = once  # type: ignore[method-assign]
    known_revisions()  # read now, in the fork server


def main() -> None:
    data_dir, url, device_id, secret, ack = sys.argv[1:6]
    keyring.set_keyring(MemoryKeyring())
    SecretStore().set(DEVICE_ID, device_id)
    SecretStore().set(DEVICE_SECRET, secret)
    config = Config(data_dir=Path(data_dir), counter="01", central=CentralConfig(url=url))
    SlipRenderer(
        config.resources / "fonts" / "wqy-microhei.ttc"
    )  # the font registry is inherited by children
    # Build once here so every child inherits the modules and migration scripts already loaded (it would
    # otherwise spend most of a round loading them). The cache's first catalog sync (never a round's killed
    # step) and the clerk's sign-in are done here once too: each child opens the cache as it was left and works
    # as that clerk. The engine and the HTTP clients go before any fork: no connection is shared.
    built = build_services(config, FakePrinter(), hasher=CHEAP_HASHER, secrets=SecretStore())
    while built.services.sync.status().last_catalog_sync_at is None:
        try:
            built.services.sync.sync_once()
        except KioskError:
            continue
    clerk = built.services.auth.login("clerk1", "kiosk-demo-1")
    built.engine.dispose()
    keep_migration_scripts()
    del built
    gc.collect()  # the clients' sockets closed with them
    assert threading.active_count() == 1, "a thread in the fork server: forking it would not be safe"
    print("harness ready", flush=True)
    for line in sys.stdin:
        command, *args = line.split()
        if command != "run":
            break
        seed, steps, point, mode = args
        pid = os.fork()
        if pid == 0:
            try:
                child(config, Path(ack), int(seed), int(steps), KillPoint(int(point), mode == "hold"), clerk)
            finally:
                os._exit(3)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


if __name__ == "__main__":
    main()
