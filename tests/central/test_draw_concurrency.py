"""Two supervisors freezing one plan at the same moment: the database's index lets one draw through."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import select, text

from kiosk_central.bootstrap import Central
from kiosk_central.db import begin_write
from kiosk_central.services.auth import OperatorInfo, Principal
from kiosk_central.services.draw_requests import Answer
from kiosk_central.services.draw_rules import SpecIn
from kiosk_central.tables import Draw, Plan
from tests.central.api import Api
from tests.central.draw_world import CLOSED, DIGITS_40, PLAN, add_units_quotas_groups, register_everyone
from tests.fakes import MovableClock


@pytest.mark.parametrize(("backend", "transport"), [("postgresql", "asgi")])
def test_a_freeze_that_meets_another_in_flight_is_refused_as_a_second_draw(
    world: Central, api: Api, clock: MovableClock
) -> None:
    add_units_quotas_groups(world)
    register_everyone(api)
    clock.now = CLOSED
    principal = Principal(api.device_id, "01", OperatorInfo("super1", "李建国", "supervisor"))
    answers: list[Answer] = []

    def freeze() -> None:
        with world.db.session() as s:
            specs = [SpecIn("digits", "现场摇号", DIGITS_40)]
            answers.append(world.draws.freeze(s, principal, str(uuid.uuid4()), PLAN, specs, False))

    with world.db.session() as other:
        begin_write(other)
        plan_id = other.scalar(select(Plan.id).where(Plan.code == PLAN))
        other.add(
            Draw(plan_id=plan_id, state="frozen", algorithm="kiosk-draw-1", mode="units", entries=0, list_text="",
                 list_hash="", pools_text="", pools_hash="", source_specs=[], cancelled=[], frozen_at=CLOSED)
        )  # fmt: skip
        other.flush()  # the other supervisor's freeze, not yet committed
        worker = threading.Thread(target=freeze)
        worker.start()
        _until_waiting_on_a_lock(world)
        other.commit()
    worker.join(timeout=60)
    assert not worker.is_alive()
    (answer,) = answers
    assert (answer.status, answer.body["code"]) == (409, "draw_exists")
    with world.db.session() as s:
        assert len(s.scalars(select(Draw)).all()) == 1


def _until_waiting_on_a_lock(central: Central) -> None:
    """Until some session of the database waits on a lock (the worker's insert on the unique index)."""
    deadline = time.monotonic() + 30
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    while time.monotonic() < deadline:
        with central.db.engine.connect() as conn:
            if conn.scalar(query):
                return
    raise AssertionError("the second freeze never waited on the first")
