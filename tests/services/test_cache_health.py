"""A damaged, emptied or vanished local cache is set aside and reported at start, never silently rebuilt."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kiosk.bootstrap import Built, build_services
from kiosk.config import Config
from kiosk.services.views import OperatorSession
from kiosk.storage import health
from kiosk_core.errors import CacheUnusable
from tests.builders import World
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock
from tests.keyrings import cache_db
from tests.services.test_registration import draft

PAGE = 4096


@pytest.fixture
def with_unsent(built: Built, world: World, clerk: OperatorSession, tmp_path: Path) -> Path:
    """A cache holding two registrations the centre has not had yet; closed, as after a power cut."""
    built.services.registration.register(draft(world, "ok"), clerk)
    built.services.registration.register(draft(world, "clash_a"), clerk)
    built.engine.dispose()
    with cache_db(tmp_path / "kiosk.db") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0] == 2
    return tmp_path / "kiosk.db"


def start(folder: Path, clock: MovableClock) -> Built:
    return build_services(Config(data_dir=folder), FakePrinter(), clock, CHEAP_HASHER)


def refused_start(folder: Path, clock: MovableClock) -> CacheUnusable:
    with pytest.raises(CacheUnusable) as err:
        start(folder, clock).engine.dispose()
    return err.value


def words(err: CacheUnusable) -> str:
    return "\n".join((err.message, *err.details, *err.steps))


def test_a_first_start_creates_the_cache_and_remembers_it(built: Built, tmp_path: Path) -> None:
    assert (tmp_path / "kiosk.db").stat().st_size > 0
    assert health.marker(tmp_path / "kiosk.db").exists()


def test_an_emptied_cache_is_kept_aside_and_never_rebuilt_empty(
    with_unsent: Path, clock: MovableClock
) -> None:
    with_unsent.write_bytes(b"")
    err = refused_start(with_unsent.parent, clock)
    assert err.code == "cache_empty" and "空文件" in err.message
    assert not with_unsent.exists(), "an empty cache was built in its place"
    (kept,) = health.kept_aside(with_unsent)
    assert kept.stat().st_size == 0 and str(kept) in words(err)
    assert "kiosk --fresh-cache" in words(err) and "备份" in words(err)
    # The next start says the same, with the file kept earlier; it still builds nothing.
    again = refused_start(with_unsent.parent, clock)
    assert again.code == "cache_missing" and str(kept) in words(again)
    assert not with_unsent.exists()


def test_a_truncated_cache_is_reported_with_what_is_at_stake(with_unsent: Path, clock: MovableClock) -> None:
    data = with_unsent.read_bytes()
    with_unsent.write_bytes(data[: len(data) // 2])
    err = refused_start(with_unsent.parent, clock)
    assert err.code == "cache_damaged" and "损坏" in err.message
    (kept,) = health.kept_aside(with_unsent)
    assert kept.read_bytes() == data[: len(data) // 2], "the damaged file must be kept as it was"
    assert "尚未送达中心" in words(err)


def test_a_scrambled_cache_is_damaged(with_unsent: Path, clock: MovableClock) -> None:
    # Encrypted, a scrambled file looks like any other without the key; its key's fingerprint says it is ours.
    with_unsent.write_bytes(os.urandom(with_unsent.stat().st_size))
    err = refused_start(with_unsent.parent, clock)
    assert err.code == "cache_damaged"
    assert "无法读出" in words(err)
    assert len(health.kept_aside(with_unsent)) == 1 and not with_unsent.exists()


def test_one_damaged_page_stops_the_counter_and_counts_the_unsent(
    with_unsent: Path, clock: MovableClock
) -> None:
    with cache_db(with_unsent) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'households'").fetchone()
    db.close()
    with with_unsent.open("r+b") as f:  # scribble over the households table's first page
        f.seek((root - 1) * PAGE + 8)
        f.write(b"\xff" * 64)
    err = refused_start(with_unsent.parent, clock)
    assert err.code == "cache_damaged"
    assert "其中有 2 笔登记尚未送达中心" in words(err)


def test_a_vanished_cache_is_not_started_over(with_unsent: Path, clock: MovableClock) -> None:
    with_unsent.unlink()
    err = refused_start(with_unsent.parent, clock)
    assert err.code == "cache_missing" and "不见了" in err.message
    assert not with_unsent.exists()


def test_a_cache_from_a_newer_release_is_left_as_it_is(with_unsent: Path, clock: MovableClock) -> None:
    with cache_db(with_unsent) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    err = refused_start(with_unsent.parent, clock)
    assert err.code == "cache_schema_unknown" and "9999" in err.message
    assert with_unsent.exists() and not health.kept_aside(with_unsent)


def test_a_cache_missing_a_table_is_damaged(with_unsent: Path, clock: MovableClock) -> None:
    with cache_db(with_unsent) as db:
        db.execute("DROP TABLE audit_log")
    db.close()
    err = refused_start(with_unsent.parent, clock)
    assert err.code == "cache_tables_missing" and "audit_log" in err.message
    assert "其中有 2 笔登记尚未送达中心" in words(err)


def test_a_cache_made_before_the_marker_counts_as_existing_when_slips_were_printed(
    tmp_path: Path, clock: MovableClock
) -> None:
    (tmp_path / "slips" / "Q2611").mkdir(parents=True)
    (tmp_path / "slips" / "Q2611" / "Q2611-01-00001-A.pdf").write_bytes(b"%PDF")
    (tmp_path / "kiosk.db").write_bytes(b"")
    assert refused_start(tmp_path, clock).code == "cache_empty"


def test_the_cache_and_its_journal_files_are_readable_by_the_kiosk_user_only(
    tmp_path: Path, clock: MovableClock
) -> None:
    old = os.umask(0o022)  # what a desktop session usually has: files 0644
    try:
        built = start(tmp_path / "data", clock)
        with built.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")  # a write: the -wal and -shm files exist now
            folder = tmp_path / "data"
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir() if p.is_file()}
        built.engine.dispose()
    finally:
        os.umask(old)
    assert {"kiosk.db", "kiosk.db-wal", "kiosk.db-shm"} <= set(modes)
    assert all(mode == 0o600 for mode in modes.values()), modes
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
