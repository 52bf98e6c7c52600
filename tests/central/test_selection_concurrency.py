"""Twenty counters serve the demo's selection round at once over real HTTP, on SQLite and PostgreSQL, with
overlapping wish lists and misbehaving clients: no unit is chosen twice, no turn opens out of order, and every
refusal says why with a code and a Chinese message and names nobody."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central
from kiosk_central.db import begin_write
from kiosk_central.services import demo_selection
from kiosk_central.services.demo import load_demo
from kiosk_central.tables import (
    Household,
    Registration,
    SelectionChoice,
    SelectionEvent,
    SelectionRound,
    SelectionTurn,
    Unit,
)
from tests.central.server import LiveServer
from tests.fakes import MovableClock

BASE = f"/v1/selection/{demo_selection.PLAN}"
COUNTERS = 20
WAIT = 60.0


@dataclass
class Hall:
    """What the counters' threads share: a condition told whenever a turn finishes, and every refusal."""

    finished: threading.Condition = field(default_factory=threading.Condition)
    refusals: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    doubles: list[tuple[int, int]] = field(default_factory=list)

    def refused(self, r: httpx.Response) -> dict[str, Any]:
        body: dict[str, Any] = r.json()
        with self.finished:
            self.refusals.append((r.status_code, body))
        return body

    def tell(self) -> None:
        with self.finished:
            self.finished.notify_all()


@pytest.fixture
def demo_hall(
    central: Central, clock: MovableClock, live_server: LiveServer
) -> Iterator[tuple[str, Central]]:
    with central.db.session() as s:
        load_demo(s, central.auth, now=clock.now)
    with live_server.serving(create_app(central)):
        yield live_server.base_url, central


class CounterClient:
    def __init__(self, base_url: str, central: Central, counter: str, hall: Hall, seed: int) -> None:
        with central.db.session() as s:
            enrolment = central.auth.enroll_device(s, counter, f"{counter}号窗口")
        self.client = httpx.Client(base_url=base_url, timeout=30)
        r = self.client.post(
            "/v1/auth/device", json={"device_id": enrolment.device_id, "secret": enrolment.secret}
        )
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}
        self.counter = counter
        self.hall = hall
        self.rng = random.Random(seed)

    def post(self, path: str, body: dict[str, Any] | None = None, key: str | None = None) -> httpx.Response:
        headers = self.headers | {"Idempotency-Key": key or str(uuid.uuid4())}
        return self.client.post(f"{BASE}{path}", json=body or {}, headers=headers)

    def put_wishes(self, reg: str, units: list[str]) -> httpx.Response:
        headers = self.headers | {"Idempotency-Key": str(uuid.uuid4())}
        return self.client.put(f"{BASE}/turns/{reg}/wishes", json={"units": units}, headers=headers)

    def get(self, path: str = "") -> dict[str, Any]:
        r = self.client.get(f"{BASE}{path}", headers=self.headers)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def serve(self, misbehave: bool) -> None:
        try:
            while True:
                r = self.post("/call")
                if r.status_code == 409 and self.hall.refused(r)["code"] == "no_one_waiting":
                    return
                assert r.status_code == 200, r.text
                self._serve_one(r.json(), misbehave)
        except Exception as e:  # the main thread reports it
            self.hall.errors.append(f"{self.counter}: {e!r}")
            self.hall.tell()
        finally:
            self.client.close()

    def _serve_one(self, turn: dict[str, Any], misbehave: bool) -> None:
        reg = turn["reg_no"]
        assert self.post(f"/turns/{reg}/redeclare", {"operator": f"clerk{self.counter}"}).status_code == 200
        state = self.get()
        pool = [
            u["unit_code"]
            for u in state["units"]
            if f"{u['project_code']}/{u['unit_type_code']}" == turn["pool"] and not u["taken"]
        ]
        wishes = self.rng.sample(pool[:6], min(3, len(pool[:6])))  # the same few units: lists overlap
        r = self.put_wishes(reg, wishes)
        if r.status_code != 200:  # one listed a moment ago was chosen meanwhile
            assert self.hall.refused(r)["code"] == "unit_taken", r.text
        if misbehave and wishes:  # confirm at once, whether or not it is this household's turn yet
            r = self.post(f"/turns/{reg}/confirm", {"unit_code": wishes[0]})
            if r.status_code != 200:
                assert self.hall.refused(r)["code"] in {"not_your_turn", "unit_taken", "unit_not_wished"}, (
                    r.text
                )
            else:
                self.hall.tell()
                return
        with self.hall.finished:
            ok = self.hall.finished.wait_for(lambda: self.get(f"/turns/{reg}")["state"] != "called", WAIT)
        assert ok, f"{reg} never opened"
        self._confirm(reg)
        self.hall.tell()

    def _confirm(self, reg: str) -> None:
        for _ in range(10):
            turn = self.get(f"/turns/{reg}")
            if turn["state"] != "open":
                return
            free = [w["unit_code"] for w in turn["wishes"] if not w["taken"]]
            if not free:
                state = self.get()
                free = [
                    u["unit_code"]
                    for u in state["units"]
                    if f"{u['project_code']}/{u['unit_type_code']}" == turn["pool"] and not u["taken"]
                ][:1]
                if not free or self.put_wishes(reg, free).status_code != 200:
                    assert self.post(f"/turns/{reg}/decline", {"reason": "没有合适房源"}).status_code == 200
                    return
            # Two confirmations at the same instant from this counter (a double press, two keys): one wins.
            answers: list[httpx.Response] = []
            units = [free[0], free[-1]]
            go = threading.Barrier(2)

            presses = [threading.Thread(target=self._press, args=(reg, u, go, answers)) for u in units]
            for p in presses:
                p.start()
            for p in presses:
                p.join()
            good = [a for a in answers if a.status_code == 200]
            for a in answers:
                if a.status_code != 200:
                    assert self.hall.refused(a)["code"] in {"turn_finished", "unit_taken", "busy"}, a.text
            if len(good) > 1:
                self.hall.doubles.append((len(good), 0))
            if good:
                return
        raise AssertionError(f"{reg}: no confirmation went through")

    def _press(self, reg: str, unit: str, go: threading.Barrier, answers: list[httpx.Response]) -> None:
        go.wait()
        answers.append(self.post(f"/turns/{reg}/confirm", {"unit_code": unit}))


def test_twenty_counters_serve_a_round_at_once_and_no_unit_is_chosen_twice(
    demo_hall: tuple[str, Central], clock: MovableClock
) -> None:
    base_url, central = demo_hall
    hall = Hall()
    counters = [CounterClient(base_url, central, f"{n:02d}", hall, n) for n in range(1, COUNTERS + 1)]
    threads = [threading.Thread(target=c.serve, args=(c.counter in ("03", "11"),)) for c in counters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 3)
    assert not any(t.is_alive() for t in threads)
    assert hall.errors == []
    assert hall.doubles == []

    with central.db.session() as s:
        first_round = s.scalars(
            select(SelectionTurn)
            .join(SelectionRound, SelectionRound.id == SelectionTurn.round_id)
            .where(SelectionRound.round_no == 1)
        ).all()
        assert first_round and all(t.state in ("confirmed", "declined") for t in first_round)
        chosen = s.scalars(select(SelectionChoice.unit_id)).all()
        assert len(chosen) == len(set(chosen)) == sum(t.state == "confirmed" for t in first_round)
        # Each pool's turns opened in its order.
        queue = {t.reg_no: t.queue_pos for t in first_round}
        pools = {t.reg_no: t.pool for t in first_round}
        opened = s.scalars(
            select(SelectionEvent.reg_no).where(SelectionEvent.action == "open").order_by(SelectionEvent.id)
        ).all()
        for pool in set(pools.values()):
            positions = [queue[r] for r in opened if pools.get(r) == pool]
            assert positions == sorted(positions), pool
        people = s.execute(
            select(Household.applicant_name, Household.applicant_id_number)
            .join(Registration, Registration.household_id == Household.id)
            .where(Registration.reg_no.in_(list(queue)))
        ).all()
    assert hall.refusals
    for status, body in hall.refusals:
        assert status in (409, 422, 503) and body["code"], body
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body
        told = str(body)
        assert not any(name in told or number in told for name, number in people), body


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_confirmation_meeting_another_choice_of_the_unit_in_flight_is_told_unit_taken(
    demo_hall: tuple[str, Central], clock: MovableClock
) -> None:
    """The database decides: the other choice is inserted and not yet committed when this one arrives."""
    base_url, central = demo_hall
    hall = Hall()
    counter = CounterClient(base_url, central, "07", hall, 7)
    turn = counter.post("/call").json()
    reg = turn["reg_no"]
    counter.post(f"/turns/{reg}/redeclare", {"operator": "clerk07"})
    state = counter.get()
    unit = next(
        u["unit_code"] for u in state["units"] if f"{u['project_code']}/{u['unit_type_code']}" == turn["pool"]
    )
    assert counter.put_wishes(reg, [unit]).status_code == 200
    assert counter.get(f"/turns/{reg}")["state"] == "open"
    answers: list[httpx.Response] = []
    with central.db.session() as other:
        begin_write(other)
        rival = other.scalar(
            select(SelectionTurn)
            .where(SelectionTurn.reg_no != reg, SelectionTurn.pool == turn["pool"])
            .limit(1)
        )
        assert rival is not None
        unit_id = other.scalar(select(Unit.id).where(Unit.code == unit))
        other.add(
            SelectionChoice(
                plan_id=rival.plan_id,
                reg_no=rival.reg_no,
                turn_id=rival.id,
                unit_id=unit_id,
                how="confirmed",
                counter="99",
                operator=None,
                chosen_at=clock.now,
            )
        )
        other.flush()  # another process's choice of the unit, not yet committed
        worker = threading.Thread(
            target=lambda: answers.append(counter.post(f"/turns/{reg}/confirm", {"unit_code": unit}))
        )
        worker.start()
        _until_waiting_on_a_lock(central)
        other.commit()
    worker.join(WAIT)
    counter.client.close()
    (answer,) = answers
    body = answer.json()
    assert (answer.status_code, body["code"]) == (409, "unit_taken"), body
    assert body["turn"]["state"] == "open" and body["turn"]["wishes"] == [{"unit_code": unit, "taken": True}]
    with central.db.session() as s:
        assert s.scalar(select(func.count()).select_from(SelectionChoice)) == 1


def _until_waiting_on_a_lock(central: Central) -> None:
    deadline = time.monotonic() + 30
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    while time.monotonic() < deadline:
        with central.db.engine.connect() as conn:
            if conn.scalar(query):
                return
    raise AssertionError("the confirmation never waited on the other choice")
