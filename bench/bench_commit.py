"""Registration + outbox commit through the real service on a real SQLite file (WAL, synchronous=FULL)."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from bench.common import emit, percentile
from kiosk.bootstrap import build_services
from kiosk.config import Config
from kiosk.services.views import RegistrationDraft
from kiosk.storage import tables as t
from kiosk.storage.uow import uow_factory
from kiosk_core.model import Role
from tests.builders import NOW, id_number
from tests.fakes import FakePrinter

N = 3000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        built = build_services(
            Config(data_dir=Path(tmp)),
            FakePrinter(),
            lambda: NOW,
            PasswordHasher(time_cost=1, memory_cost=1024),
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
        emit("registration_commit_p50", percentile(timings, 50), "ms")
        emit("registration_commit_p99", percentile(timings, 99), "ms", 20)
        built.engine.dispose()


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
