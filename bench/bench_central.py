"""50 kiosks syncing with the central service at once: real uvicorn workers over a throwaway PostgreSQL.

Each simulated kiosk (a thread with its own HTTP connection) signs its device in, then loops until the time
or request budget is spent: pull catalog changes since the version it holds, post a registration from its
outbox (quick plan; every fifth one a real-time unit, so counters compete for units), now and then post a
phone update and pull review changes. The initial full catalog pull (demo + extra households) is timed on
its own: it is a one-off per kiosk, not the steady state the p50/p99 describe. Only 127.0.0.1 is contacted.

    python -m bench.bench_central [--kiosks 50] [--duration 20] [--max-requests 30000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from stdnum.cn import ric

from bench.common import emit, percentile
from kiosk_central.bootstrap import build
from kiosk_central.config import ID_KEY_ENV, Settings
from kiosk_central.db import begin_write
from kiosk_central.services.demo import load_demo
from kiosk_central.services.importer import import_kind
from kiosk_central.throwaway_pg import ThrowawayPostgres, free_port
from kiosk_core.reg_no import make_reg_no

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Kiosk:
    counter: str
    device_id: str
    secret: str
    households: list[tuple[str, str]]  # (filing_no, applicant id) this counter will register
    registered: list[str] = field(default_factory=list)  # filing numbers it registered: phones it may change
    version: int = 0
    seq: int = 0
    free_units: list[str] = field(default_factory=list)


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    requests: int = 0

    def record(self, kind: str, ms: float, outcome: str) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(ms)
            self.outcomes[f"{kind}:{outcome}"] += 1

    def take(self, budget: int) -> bool:
        with self.lock:
            self.requests += 1
            return self.requests <= budget


def _id_number(n: int) -> str:
    body = f"110105{date(1960, 1, 1) + timedelta(days=n % 15000):%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def prepare(url: str, kiosks: int, extra_households: int) -> list[Kiosk]:
    central = build(Settings(database_url=url))
    central.db.migrate()
    with central.db.session() as s:
        load_demo(s, central.auth, now=central.clock())
    rows = [
        (
            f"第{n}条",
            {
                "filing_no": f"BC{n:010d}",
                "applicant_name": "测试",
                "applicant_id_number": _id_number(n),
                "district": "朝阳区",
                "status": "valid",
                "valid_until": date.today() + timedelta(days=365),
                "phone": "13800000000",
                "members": [],
            },
        )
        for n in range(1, extra_households + 1)
    ]
    with central.db.session() as s:
        begin_write(s)
        import_kind(s, "households", rows)
        s.commit()
    per = extra_households // kiosks
    result = []
    with central.db.session() as s:
        for k in range(kiosks):
            e = central.auth.enroll_device(s, f"{k + 1:02d}", f"基准{k + 1}号窗口")
            mine = [(r["filing_no"], r["applicant_id_number"]) for _, r in rows[k * per : (k + 1) * per]]
            result.append(Kiosk(e.counter, e.device_id, e.secret, mine))
    central.close()
    return result


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "kiosk_central", "serve", "--database-url", url, "--port", str(port)]
    cmd += ["--workers", str(workers), "--log-level", "warning", "--no-migrate"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("central service did not start")


def full_sync(client: httpx.Client, headers: dict[str, str], kiosk: Kiosk) -> int:
    pages = 0
    while True:
        page = client.get("/v1/catalog/changes", params={"since": kiosk.version}, headers=headers).json()
        _absorb(kiosk, page)
        pages += 1
        if not page["more"]:
            return pages


def _absorb(kiosk: Kiosk, page: dict[str, Any]) -> None:
    for c in page["changes"]:
        if (
            c["entity"] == "unit"
            and c["data"]["project_code"] == "P-FT-01"
            and c["data"]["unit_type_code"].endswith("1R")
        ):
            code = c["data"]["code"]
            if c["data"]["status"] == "free" and code not in kiosk.free_units:
                kiosk.free_units.append(code)
            elif c["data"]["status"] != "free" and code in kiosk.free_units:
                kiosk.free_units.remove(code)
    kiosk.version = page["version"]


def _registration(kiosk: Kiosk, rng: random.Random) -> dict[str, Any] | None:
    if not kiosk.households:
        return None
    filing_no, id_number = kiosk.households.pop()
    kiosk.registered.append(filing_no)
    kiosk.seq += 1
    now = datetime.now().replace(microsecond=0).isoformat()
    realtime = kiosk.seq % 5 == 0 and kiosk.free_units
    plan, project, unit_type, unit, notice = (
        ("R2611", "P-FT-01", "P-FT-01-1R", rng.choice(kiosk.free_units), 1)
        if realtime
        else ("Q2611", "P-CY-01", "P-CY-01-1R", None, 2)
    )
    payload = {
        "reg_no": make_reg_no(plan, kiosk.seq, kiosk.counter),
        "plan_code": plan,
        "filing_no": filing_no,
        "applicant_id_number": id_number,
        "project_code": project,
        "unit_type_code": unit_type,
        "unit_code": unit,
        "phone": "13800000000",
        "counter": kiosk.counter,
        "operator_id": 1,
        "created_at": now,
        "notice_version": notice,
        "notice_read_aloud": False,
        "notice_ack_at": now,
        "verification_code": "BENCHMRK",
    }
    return {"event_time": now, "payload": payload}


def run_kiosk(
    kiosk: Kiosk,
    base_url: str,
    start: threading.Barrier,
    seconds: float,
    budget: int,
    think: float,
    stats: Stats,
) -> None:
    rng = random.Random(kiosk.counter)
    with httpx.Client(base_url=base_url, timeout=60) as client:
        token = client.post(
            "/v1/auth/device", json={"device_id": kiosk.device_id, "secret": kiosk.secret}
        ).json()
        headers = {"Authorization": f"Bearer {token['token']}"}
        start.wait()
        stop_at = time.monotonic() + seconds
        # Counters are not in step: each starts somewhere in its first pause.
        time.sleep(rng.uniform(0, 2 * think))
        step = 0
        while time.monotonic() < stop_at and stats.take(budget):
            step += 1
            kind, call = _next_call(kiosk, client, headers, step, rng)
            began = time.perf_counter()
            r = call()
            ms = (time.perf_counter() - began) * 1000
            body = r.json()
            outcome = body.get("code", str(r.status_code)) if r.status_code >= 400 else str(r.status_code)
            stats.record(kind, ms, outcome)
            if kind == "catalog" and r.status_code == 200:
                _absorb(kiosk, body)
            if think:
                time.sleep(rng.uniform(0, 2 * think))


def _next_call(
    kiosk: Kiosk, client: httpx.Client, headers: dict[str, str], step: int, rng: random.Random
) -> Any:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    if step % 2 == 1:
        return "catalog", lambda: client.get(
            "/v1/catalog/changes", params={"since": kiosk.version}, headers=headers
        )
    if step % 10 == 4:
        return "reviews", lambda: client.get("/v1/reviews/changes", params={"since": 0}, headers=headers)
    if step % 10 == 8 and kiosk.registered:
        filing_no = kiosk.registered[0]
        now = datetime.now().replace(microsecond=0).isoformat()
        body = {"event_time": now, "payload": {"filing_no": filing_no, "phone": f"139{rng.randrange(10**8):08d}",
                                              "updated_at": now, "operator_id": 1}}  # fmt: skip
        return "phone", lambda: client.post("/v1/phone-updates", json=body, headers=headers | key)
    body = _registration(kiosk, rng)
    if body is None:
        return "catalog", lambda: client.get(
            "/v1/catalog/changes", params={"since": kiosk.version}, headers=headers
        )
    return "registration", lambda: client.post("/v1/registrations", json=body, headers=headers | key)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiosks", type=int, default=50)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    ap.add_argument("--max-requests", type=int, default=30000)
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--households", type=int, default=20000, help="households besides the demo's 1000")
    ap.add_argument("--think-ms", type=float, default=1000.0, help="mean pause between a kiosk's requests")
    ap.add_argument("--saturate", type=float, default=10.0, help="then seconds with no pauses (0: skip)")
    args = ap.parse_args()
    # PostgreSQL needs the ID key; the server process inherits it.
    os.environ.setdefault(ID_KEY_ENV, "bench_central's throwaway ID key, not a secret")

    with ThrowawayPostgres(settings={"max_connections": "300", "shared_buffers": "128MB"}) as pg:
        url = pg.createdb("central")
        kiosks = prepare(url, args.kiosks, args.households)
        port = free_port()
        server = start_server(url, port, args.workers)
        base_url = f"http://127.0.0.1:{port}"
        try:
            # One kiosk's first sync of the whole catalog, then every kiosk starts from that version.
            with httpx.Client(base_url=base_url, timeout=120) as client:
                k0 = kiosks[0]
                token = client.post(
                    "/v1/auth/device", json={"device_id": k0.device_id, "secret": k0.secret}
                ).json()
                start = time.perf_counter()
                pages = full_sync(client, {"Authorization": f"Bearer {token['token']}"}, k0)
                initial = time.perf_counter() - start
            for k in kiosks[1:]:
                k.version, k.free_units = k0.version, list(k0.free_units)

            paced = _phase(kiosks, base_url, args.duration, args.max_requests, args.think_ms / 1000)
            saturated = (
                _phase(kiosks, base_url, args.saturate, args.max_requests, 0.0) if args.saturate else None
            )
        finally:
            server.terminate()
            server.wait(30)

    name = f"central_{args.kiosks}_kiosks"
    stats, elapsed = paced
    every = [ms for values in stats.latencies.values() for ms in values]
    emit(f"{name}_request_p50", percentile(every, 50), "ms")
    emit(f"{name}_request_p99", percentile(every, 99), "ms", 100)
    emit(f"{name}_requests_per_s", len(every) / elapsed, "req/s")
    for kind, values in sorted(stats.latencies.items()):
        emit(f"{name}_{kind}_p99", percentile(values, 99), "ms")
    emit(f"central_initial_sync_{args.households + 1000}_households_s", initial, "s")
    print(f"# initial sync: {pages} pages", flush=True, file=sys.stderr)
    print(
        f"# paced: {len(every)} requests in {elapsed:.1f} s; {dict(stats.outcomes)}",
        flush=True,
        file=sys.stderr,
    )
    if saturated:
        stats, elapsed = saturated
        every = [ms for values in stats.latencies.values() for ms in values]
        emit(f"{name}_saturated_requests_per_s", len(every) / elapsed, "req/s")
        emit(f"{name}_saturated_request_p50", percentile(every, 50), "ms")
        emit(f"{name}_saturated_request_p99", percentile(every, 99), "ms")
        print(
            f"# saturated: {len(every)} requests in {elapsed:.1f} s; {dict(stats.outcomes)}",
            flush=True,
            file=sys.stderr,
        )


def _phase(
    kiosks: list[Kiosk], base_url: str, seconds: float, budget: int, think: float
) -> tuple[Stats, float]:
    """Every kiosk signs in, then all start together and run for ``seconds`` (or until the budget is spent)."""
    stats = Stats()
    start = threading.Barrier(len(kiosks) + 1)
    threads = [
        threading.Thread(target=run_kiosk, args=(k, base_url, start, seconds, budget, think, stats))
        for k in kiosks
    ]
    for t in threads:
        t.start()
    start.wait()
    began = time.monotonic()
    for t in threads:
        t.join()
    return stats, time.monotonic() - began


if __name__ == "__main__":
    main()
