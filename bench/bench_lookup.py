"""How fast a counter finds a household: filing number plus applicant ID among a million filings.

    python bench/bench_lookup.py [--households 1000000] [--lookups 2000] [--rebuild]

Builds (once; re-used afterwards) a SQLite cache under bench/out/ with generated households and members, then
times the counter's query over random lookups. Prints JSON lines: name, value, unit, target.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, bindparam, select  # noqa: E402

from bench.bench_audit import BENCH_CACHE_KEY  # noqa: E402
from kiosk.demo.households import generate_households  # noqa: E402
from kiosk.services.demo_data import bulk_load_households  # noqa: E402
from kiosk.storage import cipher, health  # noqa: E402
from kiosk.storage import tables as t  # noqa: E402
from kiosk.storage.db import create_sqlite_engine, known_revisions, migrate  # noqa: E402

OUT = ROOT / "bench" / "out"
SEED = 20261124
P99_TARGET_MS = 5.0

_HOUSEHOLD = select(
    t.Household.id,
    t.Household.filing_no,
    t.Household.applicant_name,
    t.Household.applicant_id_number,
    t.Household.district,
    t.Household.status,
    t.Household.valid_until,
    t.Household.phone,
).where(t.Household.filing_no == bindparam("filing_no"))
_MEMBERS = (
    select(t.Member.relation, t.Member.name, t.Member.id_number)
    .where(t.Member.household_id == bindparam("household_id"))
    .order_by(t.Member.id)
)


def emit(name: str, value: float, unit: str, target: float | None) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit, "target": target}), flush=True)


def cache(households: int, rebuild: bool) -> tuple[Engine, float]:
    """The benchmark cache and the seconds its build took (recorded next to it when it is re-used)."""
    path = cache_path(households)
    meta_path = path.with_suffix(".json")
    meta: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    reusable = path.exists() and cipher.state(path) == "encrypted"  # not a plain one from before release 11
    if reusable and not rebuild and meta.get("households") == households and meta.get("seed") == SEED:
        engine = create_sqlite_engine(path, BENCH_CACHE_KEY)
        migrate(engine)
        print(f"re-using {path} (built in {meta['build_seconds']:.1f} s)", file=sys.stderr)
        return engine, float(meta["build_seconds"])
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), meta_path):
        old.unlink(missing_ok=True)
    engine = create_sqlite_engine(path, BENCH_CACHE_KEY)
    migrate(engine)
    print(f"building {path} with {households} households ...", file=sys.stderr)
    started = time.perf_counter()
    with engine.begin() as conn:
        # A large page cache for the build only: the indexes take random keys and would otherwise thrash.
        conn.exec_driver_sql("PRAGMA cache_size=-400000")
        bulk_load_households(conn, generate_households(households, SEED), batch=20_000, today=date.today())
        conn.exec_driver_sql("PRAGMA cache_size=-2000")
    seconds = time.perf_counter() - started
    meta_path.write_text(json.dumps({"households": households, "seed": SEED, "build_seconds": seconds}))
    return engine, seconds


def cache_path(households: int) -> Path:
    return OUT / f"households_{households}.db"


def lookup(engine: Engine, filing_no: str, id_number: str) -> tuple[Any, list[Any]]:
    """What the counter runs on identification: one transaction, the household by filing_no, then its members."""
    with engine.begin() as conn:
        household = conn.execute(_HOUSEHOLD, {"filing_no": filing_no}).one()
        if household.applicant_id_number != id_number:
            raise AssertionError(f"{filing_no}: applicant does not match")
        members = conn.execute(_MEMBERS, {"household_id": household.id}).all()
    return household, members


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--rebuild", action="store_true", help="build the cache again even if it exists")
    args = parser.parse_args(argv)

    engine, build_seconds = cache(args.households, args.rebuild)
    suffix = "1m" if args.households == 1_000_000 else str(args.households)
    emit(f"bench_build_{suffix}_households", build_seconds, "s", None)

    rng = random.Random(SEED)
    ids = rng.sample(range(1, args.households + 1), min(args.lookups, args.households))
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.Household.id, t.Household.filing_no, t.Household.applicant_id_number).where(
                t.Household.id.in_(ids)
            )
        ).all()
    targets = [(r.filing_no, r.applicant_id_number) for r in rows]
    rng.shuffle(targets)
    for filing_no, id_number in targets[:50]:  # warm the connection pool and statement cache
        lookup(engine, filing_no, id_number)
    timings = []
    for filing_no, id_number in targets:
        started = time.perf_counter()
        lookup(engine, filing_no, id_number)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    emit("household_lookup_p50", timings[len(timings) // 2], "ms", None)
    emit(
        "household_lookup_p99", timings[min(len(timings) - 1, int(len(timings) * 0.99))], "ms", P99_TARGET_MS
    )
    engine.dispose()
    # The check every start makes before it opens the cache (kiosk/storage/health.py): it reads the whole file.
    started = time.perf_counter()
    health.check_before_open(cache_path(args.households), known_revisions())
    emit(f"cache_check_{suffix}_households", time.perf_counter() - started, "s", None)


if __name__ == "__main__":
    main()
