"""Encrypting a plain cache in place survives being killed at any step: the next start finds every household,
in an encrypted cache, and no plain copy anywhere in the data folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.demo.generate import generate_households
from kiosk.services.demo_data import bulk_load_households
from kiosk.storage import cipher
from kiosk.storage import tables as t
from kiosk.storage.db import create_sqlite_engine, migrate, open_cache
from tests.keyrings import TEST_CACHE_KEY, cache_db

HOUSEHOLDS = 8_000
ROOT = Path(__file__).resolve().parents[2]
CHILD = (
    "import sys; from pathlib import Path; from kiosk.storage.db import open_cache; "
    "from kiosk.storage.cipher import FixedKey; open_cache(Path(sys.argv[1]), FixedKey(sys.argv[2])).dispose()"
)


@pytest.fixture(scope="module")
def plain_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bytes]]:
    """A plain cache, as a release before 11 left it, with 8 000 households (~4 MB: encrypting takes a moment)."""
    folder = tmp_path_factory.mktemp("plain")
    made = folder / "made.db"
    engine = create_sqlite_engine(made, TEST_CACHE_KEY)
    migrate(engine)
    rows = list(generate_households(HOUSEHOLDS, 11))
    bulk_load_households(engine, iter(rows))
    engine.dispose()
    plain = folder / "kiosk.db"
    with cache_db(made) as db:
        db.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        db.execute("SELECT sqlcipher_export('plain')")
        db.commit()
        db.execute("DETACH DATABASE plain")
    db.close()
    assert cipher.state(plain) == "plain"
    return plain, [rows[i]["members"][0]["id_number"].encode() for i in (0, HOUSEHOLDS // 2, HOUSEHOLDS - 1)]


def reopened_whole(folder: Path, ids: list[bytes]) -> None:
    cache = folder / "kiosk.db"
    engine = open_cache(cache, cipher.FixedKey(TEST_CACHE_KEY))
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(t.Household)) == HOUSEHOLDS
    engine.dispose()
    assert cipher.state(cache) == "encrypted"
    for path in folder.iterdir():
        if path.is_file():
            data = path.read_bytes()
            assert not [i for i in ids if i in data], f"{path.name} holds a household's ID in plain"
    assert not [p for p in folder.iterdir() if "plain" in p.name or "encrypting" in p.name]


def killed_when(folder: Path, ready: Callable[[], bool]) -> None:
    """Start the encryption in a process of its own; SIGKILL it as soon as ``ready()`` (or let it finish)."""
    command = [sys.executable, "-c", CHILD, str(folder / "kiosk.db"), TEST_CACHE_KEY]
    with subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL) as child:
        while child.poll() is None and not ready():
            os.sched_yield()
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.wait(timeout=120)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.9])
def test_killed_while_the_encrypted_copy_is_written(
    fraction: float, plain_cache: tuple[Path, list[bytes]], tmp_path: Path
) -> None:
    plain, ids = plain_cache
    shutil.copy(plain, tmp_path / "kiosk.db")
    copy = tmp_path / "kiosk.db.encrypting"
    goal = int(plain.stat().st_size * fraction)
    killed_when(tmp_path, lambda: _size(copy) >= goal)
    reopened_whole(tmp_path, ids)


def test_killed_once_the_plain_file_is_set_aside(
    plain_cache: tuple[Path, list[bytes]], tmp_path: Path
) -> None:
    plain, ids = plain_cache
    shutil.copy(plain, tmp_path / "kiosk.db")
    killed_when(tmp_path, lambda: (tmp_path / "kiosk.db.plain-removing").exists())
    reopened_whole(tmp_path, ids)


@pytest.mark.parametrize(
    "step", ["copy_half_made", "plain_moved_aside", "plain_not_yet_wiped", "plain_moved_aside_copy_gone"]
)
def test_each_step_a_crash_can_stop_at_is_finished_or_undone(
    step: str, plain_cache: tuple[Path, list[bytes]], tmp_path: Path
) -> None:
    """The same moments built by hand, as a kill at exactly that point leaves them."""
    plain, ids = plain_cache
    cache, copy, old = (
        tmp_path / "kiosk.db",
        tmp_path / "kiosk.db.encrypting",
        tmp_path / "kiosk.db.plain-removing",
    )
    done = tmp_path / "done"
    done.mkdir()
    shutil.copy(plain, done / "kiosk.db")
    open_cache(done / "kiosk.db", cipher.FixedKey(TEST_CACHE_KEY)).dispose()  # a finished encryption
    encrypted = (done / "kiosk.db").read_bytes()
    if step == "copy_half_made":
        shutil.copy(plain, cache)
        copy.write_bytes(encrypted[: len(encrypted) // 2])
    elif step == "plain_moved_aside":
        shutil.copy(plain, old)
        copy.write_bytes(encrypted)
        cipher.write_fingerprint(cache, TEST_CACHE_KEY)
    elif step == "plain_not_yet_wiped":
        cache.write_bytes(encrypted)
        shutil.copy(plain, old)
        cipher.write_fingerprint(cache, TEST_CACHE_KEY)
    else:  # the copy lost after the plain file was moved aside: the plain one goes back, never wiped
        shutil.copy(plain, old)
        cipher.write_fingerprint(cache, TEST_CACHE_KEY)
    reopened_whole(tmp_path, ids)
    assert os.listdir(tmp_path).count("kiosk.db") == 1
