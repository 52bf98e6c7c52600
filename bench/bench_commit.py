"""Registration + outbox commit through the real service on a real SQLite file (WAL, synchronous=FULL).

Beside it, its floor from the same run: the rows each registration wrote (the plan's sequence, the
registration, its registered persons, the outbox message, the audit entry) written again by plain sqlite3 in
one BEGIN IMMEDIATE transaction a registration, into the same tables of the same file on the same disk.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from bench.bench_audit import BENCH_CACHE_KEY, MemorySecrets
from bench.common import emit, percentile, ratio
from kiosk.bootstrap import build_services
from kiosk.config import Config
from kiosk.services.views import RegistrationDraft
from kiosk.storage import cipher
from kiosk.storage import tables as t
from kiosk.storage.uow import uow_factory
from kiosk_core.model import Role
from tests.builders import NOW, id_number
from tests.fakes import FakePrinter

N = int(sys.argv[1]) if len(sys.argv) > 1 else 3000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        built = build_services(
            Config(data_dir=Path(tmp)),
            FakePrinter(),
            lambda: NOW,
            PasswordHasher(time_cost=1, memory_cost=1024),
            MemorySecrets(),  # the audit entries sealed, as on a counter with its keyring
        )
        auth = built.services.auth
        auth.create_operator("bench", "测试", Role.CLERK, "river-lamp-7-tea")
        clerk = auth.login("bench", "river-lamp-7-tea")
        plan_id, type_id = _catalog(built.engine)
        registration = built.services.registration
        timings = []
        for household_id in range(1, N + 1):
            d = RegistrationDraft(
                household_id, plan_id, 0, type_id, notice_version=1, notice_read_aloud=True, notice_ack_at=NOW
            )
            start = time.perf_counter()
            registration.register(d, clerk)
            timings.append((time.perf_counter() - start) * 1000)
        built.engine.dispose()
        floor = _floor(Config(data_dir=Path(tmp)).database_path)
        emit("registration_commit_p50", percentile(timings, 50), "ms")
        emit("registration_commit_p99", percentile(timings, 99), "ms", 20)
        emit("registration_commit_floor_p50", percentile(floor, 50), "ms")
        emit("registration_commit_floor_p99", percentile(floor, 99), "ms")
        emit("registration_commit_ratio_p50", ratio(timings, floor, 50), "x")
        emit("registration_commit_ratio_p99", ratio(timings, floor, 99), "x", 10)


_COPIED = ("registrations", "registered_persons", "outbox", "audit_log")


def _floor(path: Path) -> list[float]:
    """Each registration's rows written again by plain SQL, one fsync'd transaction each: what a commit costs."""
    db = cipher.connect(path, BENCH_CACHE_KEY)  # encrypted as the cache is: the floor pays SQLCipher too
    db.isolation_level = None
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    rows = {table: _rows(db, table) for table in _COPIED}
    rows["audit_log"] = [r for r in rows["audit_log"] if r["action"] == "register"]
    by_registration = {r["registration_id"]: r for r in rows["registered_persons"]}
    (last_seq,) = db.execute("SELECT MAX(seq) FROM audit_log").fetchone()
    timings = []
    for i, (reg, outbox, entry) in enumerate(
        zip(rows["registrations"], rows["outbox"], rows["audit_log"], strict=True)
    ):
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE plans SET next_sequence = next_sequence + 1 WHERE id = ?", (reg["plan_id"],))
        new_id = _insert(db, "registrations", reg | {"reg_no": f"F{i}-{reg['reg_no']}"})
        person = by_registration[reg["id"]]
        _insert(db, "registered_persons", person | {"registration_id": new_id})
        _insert(db, "outbox", outbox | {"idempotency_key": str(uuid.uuid4())})
        _insert(db, "audit_log", entry | {"seq": last_seq + i + 1})
        db.execute("COMMIT")
        timings.append((time.perf_counter() - start) * 1000)
    db.close()
    return timings


def _rows(db: Any, table: str) -> list[dict[str, object]]:
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - our own table names
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _insert(db: Any, table: str, row: dict[str, object]) -> int:
    values = {k: v for k, v in row.items() if k != "id"}
    sql = f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"  # noqa: S608
    return db.execute(sql, tuple(values.values())).lastrowid or 0


def _catalog(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with uow_factory(sessionmaker(engine))() as uow:
        s = uow.session
        plan = t.Plan(
            code="Q9999",
            name="基准计划",
            kind="quick",
            announcement="",
            window_start=NOW - timedelta(days=1),
            window_end=NOW + timedelta(days=10),
            cancel_deadline=NOW + timedelta(days=5),
            allowed_districts=[],
        )
        s.add(plan)
        s.flush()
        s.add(t.Notice(plan_id=plan.id, version=1, title="告知书", text="……"))
        project = t.Project(
            plan_id=plan.id,
            code="P-B",
            name="基准家园",
            district="朝阳区",
            address="",
            description="",
            photos=[],
        )
        s.add(project)
        s.flush()
        ut = t.UnitType(
            project_id=project.id,
            code="UT-B",
            name="两居室",
            area=55,
            rent=2000,
            unit_count=N,
            min_family=1,
            max_family=6,
        )
        s.add(ut)
        s.flush()
        s.execute(
            insert(t.Household),
            [
                {
                    "filing_no": f"BA2024{i:06d}",
                    "applicant_name": "基准",
                    "district": "朝阳区",
                    "status": "valid",
                    "applicant_id_number": id_number("110105", "19600101", i % 1000)[:-4] + f"{i:04d}",
                    "valid_until": date(2030, 1, 1),
                    "phone": "13800138000",
                }
                for i in range(1, N + 1)
            ],
        )
        uow.commit()
        return plan.id, ut.id


if __name__ == "__main__":
    sys.exit(main())
