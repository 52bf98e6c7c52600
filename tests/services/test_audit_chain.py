"""The audit log's hash chain on a real cache: every edit, deletion, insertion, reordering and rollback is caught."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from alembic import command
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kiosk.bootstrap import build_services
from kiosk.config import Config
from kiosk.services import audit
from kiosk.services.audit import ChainKey
from kiosk.services.secrets import AUDIT_KEY, CACHE_KEY, SecretStore, SecretsUnavailable
from kiosk.storage.db import alembic_config, create_sqlite_engine, migrate
from kiosk_core.audit_chain import ChainHead
from tests.builders import CLERK, SUPERVISOR, build_world
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock
from tests.keyrings import TEST_CACHE_KEY, cache_db

TRIALS = 1000
SNAPSHOTS_AT = (15, 35, 55)  # entries in the log when an older copy of the cache was kept


class MemorySecrets(SecretStore):
    """The keyring as a dict (no desktop session here); ``down`` makes it unreachable, as a locked keyring is."""

    def __init__(self) -> None:
        super().__init__("kiosk-test")
        self.values: dict[str, str] = {CACHE_KEY: TEST_CACHE_KEY}  # as tests.keyrings has it
        self.down = False

    def get(self, name: str) -> str | None:
        if self.down:
            raise SecretsUnavailable("本机的密钥库不可用")
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        if self.down:
            raise SecretsUnavailable("本机的密钥库不可用")
        self.values[name] = value


@dataclass(frozen=True)
class Cache:
    path: Path
    secrets: MemorySecrets
    head: ChainHead  # remembered after the last entry, as the centre would be told
    snapshots: dict[int, Path]  # entries then → the older copy


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of a cache in WAL mode (the -wal file holds the newest pages)."""
    with cache_db(source) as src, cache_db(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _record(engine: Engine, clock: MovableClock, *numbers: int) -> None:
    """Entries like the records screen's, one transaction for all of ``numbers``."""
    with Session(engine) as s:
        for n in numbers:
            audit.record(
                s,
                action="phone_change",
                at=clock(),
                counter="01",
                operator_id=1 if n % 3 else None,
                subject=f"Q2611-{n:05d}",
                old="138****0001",
                new=f"139****{n:04d}",
                note='家属代办 "引号"',
                papers=(1, 2),
            )
            clock.advance(seconds=7, microseconds=n)
        s.commit()


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cache]:
    """A counter's cache with real entries (sign-ins, refusals, changes) and older copies kept along the way."""
    root = tmp_path_factory.mktemp("audit")
    secrets, clock = MemorySecrets(), MovableClock()
    built = build_services(Config(data_dir=root / "live"), FakePrinter(), clock, CHEAP_HASHER, secrets)
    build_world(built.uow, built.services.auth)
    snapshots: dict[int, Path] = {}
    for n in range(1, 71):
        if n % 4 == 0:
            with pytest.raises(Exception, match="密码"):
                built.services.auth.login(CLERK[0], "wrong")
        elif n % 4 == 1:
            built.services.auth.login(*SUPERVISOR)
        else:
            _record(built.engine, clock, n)
        clock.advance(seconds=3)
        if n in SNAPSHOTS_AT:
            snapshots[n] = root / f"older-{n}.db"
            _copy(built.config.database_path, snapshots[n])
    head = audit.head(built.engine)
    assert head is not None and head.seq == 70
    built.engine.dispose()
    template = root / "template.db"
    _copy(built.config.database_path, template)
    yield Cache(template, secrets, head, snapshots)


def test_a_chain_written_by_the_services_checks_and_its_head_is_the_newest_entry(
    cache: Cache, tmp_path: Path
) -> None:
    engine = create_sqlite_engine(cache.path, TEST_CACHE_KEY)
    report = audit.verify(engine, ChainKey(cache.secrets), cache.head)
    engine.dispose()
    assert report.intact, report
    assert (report.entries, report.unsealed, report.head) == (70, 0, cache.head)
    assert cache.head.mac is not None and len(cache.head.mac) == 64


def test_the_key_is_made_once_in_the_keyring_and_a_wrong_key_breaks_the_first_entry(cache: Cache) -> None:
    assert len(cache.secrets.values[AUDIT_KEY]) == 64
    other = MemorySecrets()
    engine = create_sqlite_engine(cache.path, TEST_CACHE_KEY)
    report = audit.verify(engine, ChainKey(other), cache.head)
    engine.dispose()
    assert (report.broken_at, report.reason) == (1, "mac_mismatch")
    assert other.values[AUDIT_KEY] != cache.secrets.values[AUDIT_KEY]


def test_a_thousand_edits_deletions_insertions_reorderings_and_rollbacks_are_each_detected(
    cache: Cache, tmp_path: Path
) -> None:
    rng = random.Random(20261202)
    key = ChainKey(cache.secrets)
    seen: dict[str, int] = {}
    work = tmp_path / "work.db"
    for trial in range(TRIALS):
        kind = rng.choice(("edit", "delete", "insert", "reorder", "rollback", "rollback_and_continue"))
        shutil.copyfile(cache.path, work)
        expected = _tamper(kind, work, cache, rng, key)
        engine = create_sqlite_engine(work, TEST_CACHE_KEY)
        report = audit.verify(engine, key, cache.head)
        engine.dispose()
        assert report.broken_at == expected, f"trial {trial}: {kind} expected at {expected}, got {report}"
        seen[kind] = seen.get(kind, 0) + 1
    assert len(seen) == 6 and min(seen.values()) > 100, seen


def _tamper(kind: str, db_path: Path, cache: Cache, rng: random.Random, key: ChainKey) -> int:
    """Do ``kind`` to the cache file; the seq at which the check must report it."""
    if kind.startswith("rollback"):
        entries = rng.choice(SNAPSHOTS_AT)
        shutil.copyfile(cache.snapshots[entries], db_path)
        if kind == "rollback_and_continue":
            # The counter goes on working on the older copy with the right key: its own chain checks, but the
            # entry the centre remembers now holds something else.
            engine = create_sqlite_engine(db_path, TEST_CACHE_KEY)
            audit.bind_key(engine, key)
            clock = MovableClock(datetime(2026, 11, 25, 9, 0))
            _record(engine, clock, *range(cache.head.seq - entries + rng.randint(0, 5)))
            assert audit.verify(engine, key).intact
            engine.dispose()
        return cache.head.seq
    seq = rng.randint(1, cache.head.seq)
    with cache_db(db_path) as db:
        if kind == "edit":
            _edit(db, seq, rng)
        elif kind == "delete":
            db.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
        elif kind == "insert":
            _shift(db, seq)
            db.execute(
                "INSERT INTO audit_log (seq, at, operator_id, counter, action, subject, detail, mac) "
                "SELECT ?, at, operator_id, counter, action, subject, detail, ? FROM audit_log WHERE seq = ?",
                (seq, rng.randbytes(32).hex(), seq + 1),
            )
        else:
            other = rng.choice([n for n in range(1, cache.head.seq + 1) if n != seq])
            db.execute("UPDATE audit_log SET seq = -1 WHERE seq = ?", (seq,))
            db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq, other))
            db.execute("UPDATE audit_log SET seq = ? WHERE seq = -1", (other,))
            seq = min(seq, other)
    db.close()
    return seq


def _edit(db: sqlcipher.Connection, seq: int, rng: random.Random) -> None:
    column = rng.choice(("at", "operator_id", "counter", "action", "subject", "detail", "mac"))
    (value,) = db.execute(f"SELECT {column} FROM audit_log WHERE seq = ?", (seq,)).fetchone()  # noqa: S608
    if column == "at":
        changed = value[:17] + f"{(int(value[17:19]) + rng.randint(1, 58)) % 60:02d}" + value[19:]
    elif column == "operator_id":
        changed = 2 if value is None else None
    elif column == "detail":
        changed = value[:-1] + ', "by": "someone"}' if value != "{}" else '{"by": "someone"}'
    elif column == "mac":
        changed = rng.randbytes(32).hex()
    else:
        changed = value + rng.choice(("x", "1", "改"))
    db.execute(f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (changed, seq))  # noqa: S608


def _shift(db: sqlcipher.Connection, start: int) -> None:
    """Make room at ``start``: later entries move up one (through negatives, as seq is unique)."""
    db.execute("UPDATE audit_log SET seq = -seq - 1 WHERE seq >= ?", (start,))
    db.execute("UPDATE audit_log SET seq = -seq WHERE seq < 0")


def test_entries_written_before_the_chain_stay_unsealed_and_the_chain_starts_after_them(
    tmp_path: Path,
) -> None:
    engine = create_sqlite_engine(tmp_path / "k.db", TEST_CACHE_KEY)
    command.upgrade(alembic_config(engine), "0009")
    with engine.begin() as conn:
        for n in range(3):
            conn.exec_driver_sql(
                "INSERT INTO audit_log (at, operator_id, counter, action, subject, detail) "
                "VALUES ('2026-11-20 10:00:00.000000', NULL, '01', 'login', ?, '{}')",
                (f"old{n}",),
            )
    migrate(engine)
    secrets = MemorySecrets()
    audit.bind_key(engine, ChainKey(secrets))
    _record(engine, MovableClock(), 3, 6)  # no operators in this cache: entries by nobody
    report = audit.verify(engine, ChainKey(secrets))
    assert report.intact and (report.entries, report.unsealed) == (5, 3)
    # Unsealing a sealed entry to pass it off as an old one breaks the chain at the next.
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET mac = NULL WHERE seq = 4")
    report = audit.verify(engine, ChainKey(secrets))
    engine.dispose()
    assert (report.broken_at, report.reason) == (5, "mac_mismatch")


def test_an_entry_written_while_the_keyring_is_down_is_kept_unsealed_and_reported(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "k.db", TEST_CACHE_KEY)
    migrate(engine)
    secrets, clock = MemorySecrets(), MovableClock()
    audit.bind_key(engine, ChainKey(secrets))
    _record(engine, clock, 3)  # no operators in this cache: entries by nobody
    audit.bind_key(engine, ChainKey(secrets))  # a new start: the key is read from the keyring again
    secrets.down = True
    _record(engine, clock, 6)  # the action is not refused
    secrets.down = False
    _record(engine, clock, 9)
    report = audit.verify(engine, ChainKey(secrets))
    engine.dispose()
    assert (report.entries, report.broken_at, report.reason) == (3, 2, "unsealed")


def test_several_entries_of_one_transaction_chain_in_the_order_they_were_written(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "k.db", TEST_CACHE_KEY)
    migrate(engine)
    secrets = MemorySecrets()
    audit.bind_key(engine, ChainKey(secrets))
    at = datetime(2026, 11, 24, 10, 0)
    with Session(engine) as s:
        for action in ("cancel", "slip_print", "phone_change"):
            audit.record(s, action=action, at=at, counter="01", operator_id=None, subject="Q2611-00001")
        with s.no_autoflush:
            audit.record(s, action="logout", at=at, counter="01", operator_id=None)
        s.commit()
    report = audit.verify(engine, ChainKey(secrets))
    engine.dispose()
    assert report.intact and report.entries == 4
