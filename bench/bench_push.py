"""The push channel on loopback: from a catalog change committed at the centre to the counter's push client told.

The centre (embedded SQLite, demo data) runs under uvicorn on loopback; one counter's ``PushClient`` holds the
stream. Each change is one new household committed the way an import commits it; the clock runs from the
commit's return to the event reaching the counter's callback, one change at a time.
"""

from __future__ import annotations

import queue
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from stdnum.cn import ric

from bench.common import emit, median, percentile
from kiosk.services.central_client import CentralClient
from kiosk.services.push_client import PushClient, PushEvent
from kiosk_central import versions
from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central, build
from kiosk_central.config import Settings, sqlite_url
from kiosk_central.db import begin_write
from kiosk_central.services.catalog_writer import upsert_households
from kiosk_central.services.demo import load_demo
from tests.central.server import LiveServer
from tests.fakes import CHEAP_HASHER

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
TARGET_MS = 200.0


def _household(n: int) -> dict[str, object]:
    body = f"110105198501{(n // 28) % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return {
        "filing_no": f"BA2032{n:06d}",
        "applicant_name": f"推{n}",
        "applicant_id_number": body + ric.calc_check_digit(body),
        "district": "东城区",
        "status": "valid",
        "valid_until": (datetime.now() + timedelta(days=365)).date(),
        "phone": "13800000000",
        "members": [],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, LiveServer() as server:
        central = build(Settings(sqlite_url(Path(tmp) / "central")), hasher=CHEAP_HASHER)
        central.db.migrate()
        with central.db.session() as s:
            load_demo(s, central.auth, now=datetime.now())
            enrolment = central.auth.enroll_device(s, "01", "基准窗口")
        with server.serving(create_app(central)):
            token = CentralClient(server.base_url).device_token(enrolment.device_id, enrolment.secret)
            told: queue.Queue[tuple[float, PushEvent]] = queue.Queue()
            push = PushClient(server.base_url, lambda: token, lambda e: told.put((time.perf_counter(), e)))
            push.start()
            try:
                told.get(timeout=30)  # the stream's first event (reset): connected
                latencies = [_one_change(central, n, told) for n in range(N)]
            finally:
                push.stop()
        central.close()
    emit("push_latency_p50", median(latencies), "ms")
    emit("push_latency_p99", percentile(latencies, 99), "ms", TARGET_MS)


def _one_change(central: Central, n: int, told: queue.Queue[tuple[float, PushEvent]]) -> float:
    with central.db.session() as s:
        begin_write(s)
        upsert_households(s, [_household(n)])
        version = versions.current(s)
        s.commit()
    committed = time.perf_counter()
    while True:
        at, event = told.get(timeout=30)
        if event.kind == "catalog" and (event.version or 0) >= version:
            return (at - committed) * 1000


if __name__ == "__main__":
    main()
