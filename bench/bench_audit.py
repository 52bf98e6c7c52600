"""Checking a counter's audit chain: 100 000 sealed entries walked from a real SQLite cache, with the head.

The cache is built in a temporary folder: entries shaped like the counter's (masked detail, Chinese text), sealed
with the same functions ``audit.record`` uses, inserted in bulk (writing them one action at a time would time the
writes, not the check). ``audit_verify_100k`` is the median of ``--runs`` walks of ``audit.verify`` (read,
canonical form, HMAC, compare with a remembered head); the process's CPU time is printed beside it on stderr,
because the machine is shared. One JSON line a figure.

python -m bench.bench_audit [--entries 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.common import emit
from kiosk.services import audit
from kiosk.services.audit import ChainKey
from kiosk.services.secrets import CACHE_KEY, SecretStore
from kiosk.storage import tables as t
from kiosk.storage.db import create_sqlite_engine, migrate
from kiosk_core.audit_chain import at_text, canonical, detail_text, seal

TARGET_S = 1.0
START = datetime(2026, 12, 1, 9, 0)
ACTIONS = ("login", "register", "slip_print", "phone_change", "cancel", "logout")


BENCH_CACHE_KEY = "be" * 32  # the benchmarks' caches hold made-up households only


class MemorySecrets(SecretStore):
    """The keyring as a dict: a benchmark has no desktop session."""

    def __init__(self) -> None:
        super().__init__("kiosk-bench")
        self.values: dict[str, str] = {CACHE_KEY: BENCH_CACHE_KEY}  # as a counter's keyring holds it

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value


def entries(key: bytes, count: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    prev: str | None = None
    for seq in range(1, count + 1):
        at = START + timedelta(seconds=seq * 3)
        action = ACTIONS[seq % len(ACTIONS)]
        subject = f"Q2611-{seq:06d}"
        detail = {"plan": "Q2611", "phone": f"139****{seq % 10000:04d}", "note": "家属代办", "papers": [1, 2]}
        operator_id = None
        mac = seal(
            key, prev, canonical(seq, at_text(at), operator_id, "01", action, subject, detail_text(detail))
        )
        rows.append(
            {
                "seq": seq,
                "mac": mac,
                "at": at,
                "operator_id": operator_id,
                "counter": "01",
                "action": action,
                "subject": subject,
                "detail": detail,
            }
        )
        prev = mac
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = create_sqlite_engine(Path(folder) / "kiosk.db", BENCH_CACHE_KEY)
        migrate(engine)
        key = ChainKey(MemorySecrets())
        with engine.begin() as conn:
            conn.execute(insert(t.AuditEntry), entries(key.get(), args.entries))
        remembered = audit.head(engine)
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            report = audit.verify(engine, key, remembered)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            if not report.intact or report.entries != args.entries:
                print(f"the chain did not check: {report}", file=sys.stderr)
                return 1
        engine.dispose()
    emit(f"audit_verify_{args.entries // 1000}k", statistics.median(walls), "s", TARGET_S)
    print(f"cpu {statistics.median(cpus):.3f} s (median of {args.runs})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
