"""Draining a counter's outbox to the centre on loopback: 10 000 queued registrations, the real HTTP path.

Also the first catalog sync of a counter (11 000 households). Central: the embedded SQLite default, served by
``kiosk-central serve`` in a process of its own as it is deployed (the counter and the centre are different
machines; in one process they would also share one interpreter lock). ``--in-process`` serves it from a thread
of this process instead, as the figures before 2026-12-01's item-6 work were measured.

The drain's floor, from the same run: the rows the centre wrote for those messages (registrations, their
persons, the stored answers) inserted again by plain sqlite3, a transaction per batch as the drain commits
them, into a copy of the centre's database taken just before the drain, on the same disk.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
from sqlalchemy import select

from bench.common import emit
from kiosk.bootstrap import build_services
from kiosk.config import CentralConfig, Config
from kiosk.demo.households import generate_households
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, SecretStore
from kiosk.services.sync_outbox import BATCH_SIZE
from kiosk.services.views import RegistrationDraft
from kiosk.storage import tables as t
from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central, build
from kiosk_central.config import Settings, sqlite_url
from kiosk_central.db import begin_write
from kiosk_central.services.demo import load_demo
from kiosk_central.services.importer import import_kind
from tests.central.server import LiveServer, serve_in_subprocess
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.sync.conftest import MemoryKeyring

IN_PROCESS = "--in-process" in sys.argv
_counts = [a for a in sys.argv[1:] if a.isdigit()]
N = int(_counts[0]) if _counts else 10_000
PLAN = "Q2699"


def bench_catalog(today: date, households: list[dict[str, Any]]) -> list[tuple[str, list[tuple[str, Any]]]]:
    start = datetime.combine(today - timedelta(days=1), datetime.min.time())
    plan = {
        "code": PLAN,
        "name": "基准计划",
        "kind": "quick",
        "announcement": "",
        "allowed_districts": [],
        "window_start": start,
        "window_end": start + timedelta(days=30),
        "cancel_deadline": start + timedelta(days=20),
        "notices": [{"version": 1, "title": "告知书", "text": "……"}],
    }
    project = {
        "plan_code": PLAN,
        "code": "P-BENCH",
        "name": "基准家园",
        "district": "朝阳区",
        "address": "基准路1号",
        "description": "基准",
        "photos": [],
    }
    unit_type = {
        "project_code": "P-BENCH",
        "code": "UT-BENCH",
        "name": "两居室",
        "area": 55,
        "rent": 2000,
        "unit_count": N,
        "min_family": 1,
        "max_family": 9,
    }
    filings = [h | {"valid_until": today + timedelta(days=365), "status": "valid"} for h in households]
    for h in filings:
        h.pop("valid_until_days", None)
    return [
        ("plans", [("plan", plan)]),
        ("projects", [("project", project)]),
        ("unit-types", [("unit type", unit_type)]),
        ("households", [(f"h{i}", h) for i, h in enumerate(filings)]),
    ]


def main() -> None:
    keyring.set_keyring(MemoryKeyring())
    households = list(generate_households(N, seed=99))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "central").mkdir()
        central = build(Settings(sqlite_url(root / "central")), hasher=CHEAP_HASHER)
        central.db.migrate()
        with central.db.session() as s:
            load_demo(s, central.auth, now=datetime.now())
        with central.db.session() as s:
            begin_write(s)
            for kind, labeled in bench_catalog(date.today(), households):
                import_kind(s, kind, labeled)
            s.commit()
        with central.db.session() as s:
            enrolment = central.auth.enroll_device(s, "01", "基准窗口")
        SecretStore().set(DEVICE_ID, enrolment.device_id)
        SecretStore().set(DEVICE_SECRET, enrolment.secret)
        with _serve(central, root / "central") as url:
            # Guardrail off: this bench queues far more than a counter would before refusing.
            central_config = CentralConfig(url=url, offline_max_unsent=10 * N)
            config = Config(data_dir=root / "kiosk", central=central_config)
            kiosk = build_services(config, FakePrinter(), hasher=CHEAP_HASHER)
            s = kiosk.services
            started = time.perf_counter()
            s.sync.sync_once()
            emit("first_catalog_sync_households", len(households) + 1000, "households")
            emit("first_catalog_sync", time.perf_counter() - started, "s")
            clerk = s.auth.login("clerk1", "kiosk-demo-1")
            with kiosk.engine.connect() as c:
                plan_id, type_id = c.execute(
                    select(t.Plan.id, t.UnitType.id)
                    .join(t.Project, t.Project.plan_id == t.Plan.id)
                    .join(t.UnitType, t.UnitType.project_id == t.Project.id)
                    .where(t.Plan.code == PLAN)
                ).one()
                ids = c.scalars(
                    select(t.Household.id).where(
                        t.Household.filing_no.in_([h["filing_no"] for h in households])
                    )
                ).all()
            ack_at = datetime.now().replace(microsecond=0)
            for household_id in ids:  # queued while "offline": nothing is sent until the drain below
                draft = RegistrationDraft(
                    household_id, plan_id, 0, type_id, notice_version=1, notice_ack_at=ack_at
                )
                s.registration.register(draft, clerk)
            queued = s.sync.status().unsent
            central_db = root / "central" / "central.db"
            floor_db = _copy_sqlite(central_db, root / "floor.db")
            started = time.perf_counter()
            cpu0, centre0 = time.process_time(), _centre_cpu()
            s.sync.send_outbox()
            elapsed = time.perf_counter() - started
            counter_cpu, centre_cpu = time.process_time() - cpu0, _centre_cpu() - centre0
            assert s.sync.status().unsent == 0
            emit("outbox_drain_registrations", queued, "registrations")
            emit("outbox_drain_10k", elapsed * 10_000 / queued, "s", 20)
            emit("outbox_drain_rate", queued / elapsed, "registrations/s")
            floor = _floor(central_db, floor_db)
            emit("outbox_drain_floor", floor * 10_000 / queued, "s")
            emit("outbox_drain_ratio", elapsed / floor, "x", 5)
            # Where the time goes: CPU per message in this process (the counter; with --in-process, both) and
            # in the centre's process.
            emit("outbox_drain_counter_cpu_per_message", counter_cpu * 1000 / queued, "ms")
            if not IN_PROCESS:
                emit("outbox_drain_centre_cpu_per_message", centre_cpu * 1000 / queued, "ms")
            # The machine is shared: its load while the drain and its floor ran, to read the ratio against.
            emit("outbox_drain_load_average", os.getloadavg()[0], "runnable")
            kiosk.engine.dispose()
        central.close()


@contextmanager
def _serve(central: Central, data_dir: Path) -> Iterator[str]:
    if IN_PROCESS:
        with LiveServer() as server, server.serving(create_app(central)):
            yield server.base_url
        return
    with serve_in_subprocess("--data-dir", str(data_dir)) as (url, process):
        global CENTRE_PID
        CENTRE_PID = process.pid
        yield url


CENTRE_PID = 0


def _centre_cpu() -> float:
    """CPU seconds the centre's process has used (user + system, from /proc; Linux)."""
    if not CENTRE_PID:
        return 0.0
    fields = Path(f"/proc/{CENTRE_PID}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_WRITTEN = ("registrations", "registration_persons", "idempotency_keys")


def _copy_sqlite(path: Path, to: Path) -> Path:
    """A copy of the database as it is now: the write-ahead log folded in first, so one file holds it all."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(path, to)
    return to


def _floor(central_db: Path, floor_db: Path) -> float:
    """Seconds to insert the drain's rows into the copy by plain SQL, one fsync'd transaction per batch."""
    db = sqlite3.connect(floor_db, isolation_level=None)
    # The drain's rows: those after the last one the copy holds (the demo data has some of its own).
    before = {name: db.execute(f"SELECT coalesce(max(rowid), 0) FROM {name}").fetchone() for name in _WRITTEN}
    tables, columns = {}, {}
    with sqlite3.connect(central_db) as source:
        for name in _WRITTEN:
            cursor = source.execute(f"SELECT * FROM {name} WHERE rowid > ? ORDER BY rowid", before[name])
            tables[name], columns[name] = cursor.fetchall(), len(cursor.description)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    sql = {name: f"INSERT INTO {name} VALUES ({', '.join('?' * n)})" for name, n in columns.items()}  # noqa: S608
    count = max(len(rows) for rows in tables.values())
    started = time.perf_counter()
    for start in range(0, count, BATCH_SIZE):
        db.execute("BEGIN IMMEDIATE")
        for name, rows in tables.items():
            db.executemany(sql[name], rows[start : start + BATCH_SIZE])
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


if __name__ == "__main__":
    main()
