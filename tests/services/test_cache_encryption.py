"""The local cache is encrypted at rest: no household's data in any file of the data folder, a plain cache of an
older release encrypted in place with nothing lost, and a missing, wrong or locked key said in words, the cache
left as it is and no second, empty one made."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked
from sqlalchemy import func, select

from kiosk.bootstrap import Built, build_services
from kiosk.config import Config
from kiosk.services.secrets import CACHE_KEY, SERVICE, SLIP_KEY
from kiosk.start_checks import fresh_cache
from kiosk.storage import cipher, health
from kiosk.storage import tables as t
from kiosk.storage.db import open_cache
from kiosk_core.errors import CacheUnusable, KioskError
from tests.builders import World
from tests.disks import tmpfs
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock
from tests.keyrings import TEST_CACHE_KEY, MemoryKeyring, cache_db, decrypt_in_place
from tests.services.test_registration import draft

OLD_SLIP_KEY = "51" * 32  # the verification key a release before 11 kept in the cache's settings


def start(folder: Path, clock: MovableClock) -> Built:
    return build_services(Config(data_dir=folder), FakePrinter(), clock, CHEAP_HASHER)


def refused(folder: Path, clock: MovableClock) -> CacheUnusable:
    with pytest.raises(CacheUnusable) as err:
        start(folder, clock).engine.dispose()
    return err.value


def personal(built: Built) -> list[bytes]:
    """Every household's ID number and name, as they would lie in a plain SQLite file."""
    with built.uow() as u:
        rows = u.session.execute(select(t.Household.applicant_id_number, t.Household.applicant_name)).all()
    return [value.encode() for row in rows for value in row]


def files_holding(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n.decode()}" for n in needles if n in data]
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def with_unsent(built: Built, world: World, clerk, tmp_path: Path) -> Iterator[list[bytes]]:
    """Two registrations the centre has not had yet; the counter closed."""
    built.services.registration.register(draft(world, "ok"), clerk)
    built.services.registration.register(draft(world, "clash_a"), clerk)
    needles = personal(built)
    built.engine.dispose()
    yield needles


def unsent(path: Path) -> int:
    with cache_db(path) as db:
        return db.execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND kind = 'registration'"
        ).fetchone()[0]


def test_no_file_of_the_data_folder_holds_a_households_data(with_unsent: list[bytes], tmp_path: Path) -> None:
    assert cipher.state(tmp_path / "kiosk.db") == "encrypted"
    assert not (tmp_path / "kiosk.db").read_bytes().startswith(cipher.SQLITE_HEADER)
    assert files_holding(tmp_path, with_unsent) == []
    assert unsent(tmp_path / "kiosk.db") == 2


def test_a_first_start_makes_the_key_and_keeps_it_in_the_keyring(
    tmp_path: Path, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = MemoryKeyring(test_cache_key=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", bare)
    start(tmp_path, clock).engine.dispose()
    key = bare.get_password(SERVICE, CACHE_KEY)
    assert key is not None and cipher.valid_key(key) and key != TEST_CACHE_KEY
    assert cipher.opens(tmp_path / "kiosk.db", key)
    assert not cipher.opens(tmp_path / "kiosk.db", TEST_CACHE_KEY)
    assert cipher.kept_fingerprint(tmp_path / "kiosk.db") == cipher.fingerprint(key)
    assert bare.get_password(SERVICE, SLIP_KEY), "the slips' key is made in the keyring, not in the cache"


def make_plain(tmp_path: Path) -> Path:
    cache = tmp_path / "kiosk.db"
    decrypt_in_place(cache, OLD_SLIP_KEY)
    return cache


def test_an_older_releases_plain_cache_is_encrypted_in_place_and_loses_nothing(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock, memory_keyring: MemoryKeyring
) -> None:
    cache = make_plain(tmp_path)
    memory_keyring.delete_password(SERVICE, SLIP_KEY)  # that release kept it in the cache only
    assert files_holding(tmp_path, with_unsent), "the plain cache holds the households' data"
    built = start(tmp_path, clock)
    with built.uow() as u:
        assert u.session.scalar(select(func.count()).select_from(t.Registration)) == 2
        assert u.session.get(t.Setting, "verification_secret") is None, "the slip key left the cache"
        (entry,) = u.session.scalars(select(t.AuditEntry).where(t.AuditEntry.action == "cache_encrypted"))
    assert built.notes == ("本机缓存已按新版本加密保存；其中 2 笔尚未送达中心的登记都在，联网后照常送出",)
    built.engine.dispose()
    assert memory_keyring.get_password(SERVICE, SLIP_KEY) == OLD_SLIP_KEY, "slips already printed still check"
    assert cipher.state(cache) == "encrypted" and unsent(cache) == 2
    assert files_holding(tmp_path, with_unsent) == [], "the plain file was removed, its copies too"
    assert not [p for p in tmp_path.iterdir() if "plain" in p.name or "encrypting" in p.name]


def test_a_plain_cache_that_cannot_be_encrypted_is_kept_and_said_so(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock
) -> None:
    cache = make_plain(tmp_path)
    data = tmp_path / "full"
    with tmpfs(data, f"size={cache.stat().st_size + 64 * 1024}") as folder:
        (folder / "kiosk.db").write_bytes(cache.read_bytes())
        before = digest(folder / "kiosk.db")
        err = refused(folder, clock)
        assert err.code == "cache_not_encrypted" and "未能加密" in err.message
        assert any("一笔不少" in d for d in err.details) and any("磁盘空间" in s for s in err.steps)
        assert digest(folder / "kiosk.db") == before and cipher.state(folder / "kiosk.db") == "plain"
        assert not list(folder.glob("*.encrypting*")), "a half-made copy was left behind"
        assert not health.kept_aside(folder / "kiosk.db")


def test_a_missing_key_is_said_and_nothing_is_made_in_the_caches_place(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock, memory_keyring: MemoryKeyring
) -> None:
    cache = tmp_path / "kiosk.db"
    before = digest(cache)
    memory_keyring.delete_password(SERVICE, CACHE_KEY)
    for _ in range(2):  # and again at the next start
        err = refused(tmp_path, clock)
        assert err.code == "cache_key_missing" and "没有它的密钥" in err.message
        assert any("不会另建" in d for d in err.details)
    assert digest(cache) == before and not health.kept_aside(cache)
    assert memory_keyring.get_password(SERVICE, CACHE_KEY) is None, "no new key was made over the old cache"


def test_a_wrong_key_is_said_and_the_cache_left_as_it_is(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock, memory_keyring: MemoryKeyring
) -> None:
    cache = tmp_path / "kiosk.db"
    before = digest(cache)
    memory_keyring.set_password(SERVICE, CACHE_KEY, cipher.new_key())
    err = refused(tmp_path, clock)
    assert err.code == "cache_key_wrong" and "不一致" in err.message
    assert digest(cache) == before and not health.kept_aside(cache)
    memory_keyring.set_password(SERVICE, CACHE_KEY, TEST_CACHE_KEY)  # the right keyring is back
    built = start(tmp_path, clock)
    built.engine.dispose()
    assert unsent(cache) == 2


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the login keyring is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the login keyring is locked")


@pytest.mark.parametrize("first_start", [False, True])
@pytest.mark.parametrize("keyring_now", ["locked", "gone"])
def test_a_locked_or_gone_keyring_is_said_and_the_cache_left_as_it_is(
    keyring_now: str, first_start: bool, tmp_path: Path, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not first_start:
        start(tmp_path, clock).engine.dispose()
    before = digest(tmp_path / "kiosk.db") if not first_start else None
    # Gone: no Secret Service at all (a session without one), keyring's own "fail" backend.
    backend = LockedKeyring() if keyring_now == "locked" else fail.Keyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    err = refused(tmp_path, clock)
    assert err.code == "cache_keyring_unavailable" and "密钥库已锁定或不可用" in err.message
    assert any("解锁" in s for s in err.steps)
    if first_start:
        assert cipher.state(tmp_path / "kiosk.db") == "absent", "no cache is made without a key kept for it"
    else:
        assert digest(tmp_path / "kiosk.db") == before


def test_fresh_cache_sets_an_unreadable_cache_aside_and_the_next_start_begins_anew(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock, memory_keyring: MemoryKeyring
) -> None:
    cache = tmp_path / "kiosk.db"
    before = digest(cache)
    memory_keyring.delete_password(SERVICE, CACHE_KEY)
    assert refused(tmp_path, clock).code == "cache_key_missing"
    assert fresh_cache(Config(data_dir=tmp_path)) == 0  # the supervisor's choice, key given up for lost
    (kept,) = health.kept_aside(cache)
    assert digest(kept) == before, "the unreadable cache is kept whole for whoever finds its key"
    start(tmp_path, clock).engine.dispose()
    new_key = memory_keyring.get_password(SERVICE, CACHE_KEY)
    assert new_key and new_key != TEST_CACHE_KEY and cipher.opens(cache, new_key)


def test_fresh_cache_refuses_while_the_keyring_is_locked(
    with_unsent: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = digest(tmp_path / "kiosk.db")
    monkeypatch.setattr(keyring.core, "_keyring_backend", LockedKeyring())
    assert fresh_cache(Config(data_dir=tmp_path)) == 2
    assert digest(tmp_path / "kiosk.db") == before and not health.kept_aside(tmp_path / "kiosk.db")


def test_a_damaged_key_in_the_keyring_is_said_as_such(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock, memory_keyring: MemoryKeyring
) -> None:
    before = digest(tmp_path / "kiosk.db")
    memory_keyring.set_password(SERVICE, CACHE_KEY, "not a key")
    err = refused(tmp_path, clock)
    assert err.code == "cache_key_damaged" and "已损坏" in err.message
    assert digest(tmp_path / "kiosk.db") == before and not health.kept_aside(tmp_path / "kiosk.db")


def test_a_lost_fingerprint_is_written_again_so_damage_stays_tellable_from_a_wrong_key(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock
) -> None:
    cache = tmp_path / "kiosk.db"
    cipher.fingerprint_file(cache).unlink()
    start(tmp_path, clock).engine.dispose()
    assert cipher.kept_fingerprint(cache) == cipher.fingerprint(TEST_CACHE_KEY)
    with cache.open("r+b") as f:  # the first page scribbled over
        f.seek(100)
        f.write(b"\xff" * 64)
    assert refused(tmp_path, clock).code == "cache_damaged"
    assert len(health.kept_aside(cache)) == 1


def test_a_damaged_plain_cache_of_an_older_release_is_set_aside_not_encrypted(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock
) -> None:
    cache = make_plain(tmp_path)
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2])
    err = refused(tmp_path, clock)
    assert err.code == "cache_damaged"
    (kept,) = health.kept_aside(cache)
    assert kept.read_bytes() == data[: len(data) // 2] and not cache.exists()
    assert any("未加密，含住户个人信息" in d for d in err.details), "a plain copy left on disk is said"


def test_a_second_program_on_the_same_cache_is_refused_and_nothing_is_touched(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_CACHE, str(tmp_path / "kiosk.db"), TEST_CACHE_KEY],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = digest(tmp_path / "kiosk.db")
        err = refused(tmp_path, clock)
        assert err.code == "cache_in_use" and "另一个 Kiosk" in err.message
        assert fresh_cache(Config(data_dir=tmp_path)) == 2
        assert digest(tmp_path / "kiosk.db") == before and not health.kept_aside(tmp_path / "kiosk.db")
    finally:
        holder.communicate("done\n", timeout=60)
    start(tmp_path, clock).engine.dispose()  # the lock went with the program


HOLD_THE_CACHE = (
    "import sys; from pathlib import Path; from kiosk.storage.db import open_cache; "
    "from kiosk.storage.cipher import FixedKey; e = open_cache(Path(sys.argv[1]), FixedKey(sys.argv[2])); "
    "print('open', flush=True); sys.stdin.readline(); e.dispose()"
)
ROOT = Path(__file__).resolve().parents[2]


def test_a_plain_cache_with_a_damaged_first_page_is_set_aside_as_not_a_database(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock
) -> None:
    cache = make_plain(tmp_path)
    with cache.open("r+b") as f:
        f.write(b"\x00" * 16)  # the header gone: no longer "SQLite format 3"
    err = refused(tmp_path, clock)
    assert err.code == "cache_not_database", err.message
    assert len(health.kept_aside(cache)) == 1 and not cache.exists()


def test_an_encryption_done_by_another_opener_is_still_told_at_the_counters_next_start(
    with_unsent: list[bytes], tmp_path: Path, clock: MovableClock
) -> None:
    cache = make_plain(tmp_path)
    open_cache(cache, cipher.FixedKey(TEST_CACHE_KEY)).dispose()  # the installer's self-check, say
    built = start(tmp_path, clock)
    built.engine.dispose()
    assert built.notes == ("本机缓存已按新版本加密保存；其中 2 笔尚未送达中心的登记都在，联网后照常送出",)
    again = start(tmp_path, clock)
    again.engine.dispose()
    assert again.notes == (), "told once"


def test_fresh_cache_refuses_over_a_damaged_key(
    with_unsent: list[bytes], tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password(SERVICE, CACHE_KEY, "not a key")
    assert fresh_cache(Config(data_dir=tmp_path)) == 2
    assert health.marker(tmp_path / "kiosk.db").exists() and not health.kept_aside(tmp_path / "kiosk.db")


def test_a_damaged_slip_key_is_said_as_such_and_never_replaced(
    built: Built, tmp_path: Path, clock: MovableClock, memory_keyring: MemoryKeyring
) -> None:
    built.engine.dispose()
    memory_keyring.set_password(SERVICE, SLIP_KEY, "zz")
    with pytest.raises(KioskError) as err:
        start(tmp_path, clock)
    assert err.value.code == "slip_key_damaged" and "回执核验密钥已损坏" in err.value.message
    assert memory_keyring.get_password(SERVICE, SLIP_KEY) == "zz", "slips already printed keep their key"
