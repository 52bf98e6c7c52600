"""On-site selection under contention: 20 counters and 3 hall screens on ``kiosk-central serve`` over loopback.

The centre runs as an admin starts it (its own process, embedded SQLite, the demo loaded with the selection
plan's 90 households in one running round). Twenty counter threads each call, re-declare, set an overlapping
wish list and, when the push channel tells a move that concerns them (kiosk_core/selection_moves.py) and their
turn is open, confirm: ``choice_p99`` is the confirmation's round trip. Three screens hold the push stream too
and re-read the public state when a unit is taken: two in threads here, and the real unit board (BoardScreen at
1920×1080, offscreen Qt) in its own process.
``board_update_p99`` runs from the confirmation's send (before the centre commits it, so an upper bound on
"from the commit") to each screen holding a state of that version, for the board to its repaint.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bench.common import emit, median, percentile
from kiosk.services.push_client import PushClient, PushEvent
from kiosk_central.bootstrap import build
from kiosk_central.config import Settings, sqlite_url
from kiosk_central.services import demo_selection
from kiosk_central.services.demo import load_demo
from kiosk_central.tables import SelectionEvent
from kiosk_core.selection_moves import SelectionMove
from tests.central.server import serve_in_subprocess
from tests.fakes import CHEAP_HASHER

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
COUNTERS, SCREENS = 20, 3
SOLO = 10  # households one counter serves alone first
CHOICE_TARGET_MS, BOARD_TARGET_MS = 100.0, 1000.0
WAIT = 60.0
BASE = f"/v1/selection/{demo_selection.PLAN}"
PUBLIC = f"/v1/public/selection/{demo_selection.PLAN}"


class Told:
    """A push subscriber's wake-up: set on each selection event that ``concerns`` it (as the counter's is)."""

    def __init__(self, base_url: str, token: str, concerns: Callable[[SelectionMove], bool]) -> None:
        self.moved = threading.Event()
        self.concerns = concerns
        self.push = PushClient(base_url, lambda: token, self._on)

    def _on(self, event: PushEvent) -> None:
        if event.kind == "reset" or (
            event.kind == "selection" and (event.move is None or self.concerns(event.move))
        ):
            self.moved.set()


class Counter:
    def __init__(self, base_url: str, device: tuple[str, str], seed: int) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        r = self.http.post("/v1/auth/device", json={"device_id": device[0], "secret": device[1]})
        self.auth = {"Authorization": f"Bearer {r.json()['token']}"}
        self.told = Told(base_url, self.auth["Authorization"].removeprefix("Bearer "), self._concerns)
        self.serving: tuple[str, str] | None = None  # reg_no, pool
        self.rng = random.Random(seed)
        self.choices: list[tuple[str, float, float]] = []  # reg_no, sent (perf_counter), round trip ms

    def _concerns(self, move: SelectionMove) -> bool:
        reg_no, pool = self.serving or (None, None)
        return move.concerns(demo_selection.PLAN, reg_no, pool)

    def _post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        headers = self.auth | {"Idempotency-Key": str(uuid.uuid4())}
        r = self.http.post(f"{BASE}{path}", json=body or {}, headers=headers)
        return r

    def _get(self, path: str = "") -> dict[str, Any]:
        body: dict[str, Any] = self.http.get(f"{BASE}{path}", headers=self.auth).json()
        return body

    def run(self, limit: int | None = None) -> None:
        self.told.push.start()
        try:
            while (r := self._post("/call")).status_code == 200:
                self._serve(r.json())
                if limit is not None and len(self.choices) >= limit:
                    return
            assert r.json()["code"] == "no_one_waiting", r.text
        finally:
            self.told.push.stop()
            self.http.close()

    def _serve(self, turn: dict[str, Any]) -> None:
        reg, pool = turn["reg_no"], turn["pool"]
        self.serving = (reg, pool)
        self._post(f"/turns/{reg}/redeclare", {"operator": "bench"})
        free = _free(self._get(), pool)
        self.http.put(
            f"{BASE}/turns/{reg}/wishes",
            json={"units": self.rng.sample(free[:6], min(3, len(free)))},
            headers=self.auth | {"Idempotency-Key": str(uuid.uuid4())},
        )
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            self.told.moved.clear()
            now = self._get(f"/turns/{reg}")  # after the clear: a move meanwhile wakes the wait below
            if now["state"] != "called":
                break
            self.told.moved.wait(5)
        for _ in range(10):
            now = self._get(f"/turns/{reg}")
            if now["state"] != "open":
                return
            units = [w["unit_code"] for w in now["wishes"] if not w["taken"]] or _free(self._get(), pool)[:1]
            if not units:
                self._post(f"/turns/{reg}/decline", {"reason": "无可选房源"})
                return
            if not now["wishes"] or units[0] not in [w["unit_code"] for w in now["wishes"]]:
                self.http.put(
                    f"{BASE}/turns/{reg}/wishes",
                    json={"units": units},
                    headers=self.auth | {"Idempotency-Key": str(uuid.uuid4())},
                )
            sent = time.perf_counter()
            r = self._post(f"/turns/{reg}/confirm", {"unit_code": units[0]})
            self.choices.append((reg, sent, (time.perf_counter() - sent) * 1000))
            if r.status_code == 200:
                return


class Screen:
    """A hall screen: told by the push channel, it re-reads the public state; keeps when each version arrived."""

    def __init__(self, base_url: str, device: tuple[str, str]) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        r = self.http.post("/v1/auth/device", json={"device_id": device[0], "secret": device[1]})
        assert r.status_code == 200, r.text
        self.told = Told(base_url, r.json()["token"], lambda move: move.takes_unit)  # free and taken units
        self.seen: list[tuple[float, int]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="screen")

    def _run(self) -> None:
        self.told.push.start()
        try:
            while not self.stopping.is_set():
                if self.told.moved.wait(0.5):
                    self.told.moved.clear()
                    version = int(self.http.get(PUBLIC).json()["version"])
                    self.seen.append((time.perf_counter(), version))
        finally:
            self.told.push.stop()
            self.http.close()


class PaintedBoard:
    """The third screen: the real BoardScreen in a process of its own (bench/board_probe.py); its times are
    those of the grid's paint, so the board figure runs from the confirmation's send to the repaint."""

    def __init__(self, base_url: str, device: tuple[str, str]) -> None:
        r = httpx.post(f"{base_url}/v1/auth/device", json={"device_id": device[0], "secret": device[1]})
        assert r.status_code == 200, r.text
        command = [
            sys.executable,
            "-m",
            "bench.board_probe",
            base_url,
            r.json()["token"],
            demo_selection.PLAN,
        ]
        env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"
        self.seen: list[tuple[float, int]] = []

    def stop(self, version: int) -> None:
        """Once it has painted ``version``: its paints."""
        out, _ = self.proc.communicate(f"{version}\n", timeout=WAIT)
        self.seen = [(float(at), int(v)) for at, v in (line.split() for line in out.splitlines())]


def _free(state: dict[str, Any], pool: str) -> list[str]:
    return [
        u["unit_code"]
        for u in state["units"]
        if f"{u['project_code']}/{u['unit_type_code']}" == pool and not u["taken"]
    ]


def one_run() -> tuple[list[float], list[float], list[float], list[float]]:
    demo_selection.ROUND_SIZE = 90  # every household of the plan in the running round
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        central = build(Settings(sqlite_url(data / "central")), hasher=CHEAP_HASHER)
        central.db.migrate()
        with central.db.session() as s:
            load_demo(s, central.auth, now=datetime.now())
            devices = [
                (e.device_id, e.secret)
                for e in (
                    central.auth.enroll_device(s, f"{n:02d}", f"{n}号")
                    for n in range(1, COUNTERS + SCREENS + 1)
                )
            ]
        with serve_in_subprocess("--database-url", central.db.url) as (base, _proc):
            solo = Counter(base, devices[0], 0)  # first one counter alone: the round trip without contention
            solo.run(SOLO)
            screens = [Screen(base, d) for d in devices[COUNTERS:-1]]
            for screen in screens:
                screen.thread.start()
            board_screen = PaintedBoard(base, devices[-1])
            counters = [Counter(base, d, n) for n, d in enumerate(devices[:COUNTERS])]
            threads = [threading.Thread(target=c.run) for c in counters]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            emit("round_served_s", time.perf_counter() - started, "s")
            with central.db.session() as s:
                rows = s.execute(
                    select(SelectionEvent.reg_no, SelectionEvent.id).where(SelectionEvent.action == "confirm")
                )
                confirmed = {str(reg): int(id_) for reg, id_ in rows}
            final = max(confirmed.values())  # the screens read when a unit is taken: the last confirmation
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline and min(max(v for _, v in s.seen) for s in screens) < final:
                time.sleep(0.05)  # the screens' last reads
            for screen in screens:
                screen.stopping.set()
                screen.thread.join()
            board_screen.stop(final)
            screens_seen = [s.seen for s in screens] + [board_screen.seen]
        central.close()
    choice = [ms for c in counters for _, _, ms in c.choices]
    board: list[float] = []
    painted: list[float] = []  # the real board's repaints alone
    for c in counters:
        for reg, sent, _ in c.choices:
            if reg not in confirmed:
                continue
            for seen in screens_seen:
                at = next(t for t, v in seen if v >= confirmed[reg])
                board.append((at - sent) * 1000)
            at = next(t for t, v in board_screen.seen if v >= confirmed[reg])
            painted.append((at - sent) * 1000)
    return [ms for _, _, ms in solo.choices], choice, board, painted


def main() -> None:
    alone: list[float] = []
    choice: list[float] = []
    board: list[float] = []
    painted: list[float] = []
    for _ in range(RUNS):
        a, c, b, p = one_run()
        alone += a
        choice += c
        board += b
        painted += p
    emit("choice_alone_p50", median(alone), "ms")
    emit("choice_p50", median(choice), "ms")
    emit("choice_p99", percentile(choice, 99), "ms", CHOICE_TARGET_MS)
    emit("choice_samples", len(choice), "count")
    emit("board_update_p50", median(board), "ms")
    emit("board_update_p99", percentile(board, 99), "ms", BOARD_TARGET_MS)
    emit("board_repaint_p99", percentile(painted, 99), "ms", BOARD_TARGET_MS)  # the Qt board's share of it


if __name__ == "__main__":
    main()
