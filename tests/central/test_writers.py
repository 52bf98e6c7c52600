"""An SQLite centre's writers queue in the process, not in SQLite's busy handler (a poll with sleeps that let a
writer starve for seconds while twenty counters confirm); a household's choice goes before the calls and wish
lists waiting; the queue is freed however a transaction ends."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk_central.config import sqlite_url
from kiosk_central.db import Database, Writers, begin_write, writers_of

WAIT = 20.0  # a bound on a hung test only


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(sqlite_url(tmp_path))
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE said (n INTEGER PRIMARY KEY AUTOINCREMENT, who TEXT)"))
    yield database
    database.engine.dispose()


def _queued(writers: Writers, n: int) -> None:
    """Until ``n`` writers wait in the queue (polled: their arrival is the progress waited for)."""
    pause = threading.Event()
    for _ in range(int(WAIT / 0.005)):
        if writers.waiting >= n:
            return
        pause.wait(0.005)
    raise AssertionError(f"{writers.waiting} writers queued, not {n}")


def _writer(db: Database, who: str, urgent: bool = False) -> threading.Thread:
    def run() -> None:
        with db.session() as s:
            begin_write(s, urgent=urgent)
            s.execute(text("INSERT INTO said (who) VALUES (:who)"), {"who": who})
            s.commit()

    thread = threading.Thread(target=run, name=who)
    thread.start()
    return thread


def _order(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.scalars(text("SELECT who FROM said ORDER BY n")))


def test_a_choice_goes_before_the_ordinary_writers_waiting(db: Database) -> None:
    writers = writers_of(db.engine)
    assert writers is not None
    with db.session() as holding:
        begin_write(holding)
        ordinary = [_writer(db, f"call {n}") for n in range(3)]
        _queued(writers, 3)
        urgent = _writer(db, "confirm", urgent=True)
        _queued(writers, 4)
        holding.commit()
    for t in [*ordinary, urgent]:
        t.join(WAIT)
    said = _order(db)
    assert said[0] == "confirm" and sorted(said[1:]) == ["call 0", "call 1", "call 2"]


@pytest.mark.parametrize(
    "end",
    [
        lambda s: s.commit(),
        lambda s: s.rollback(),
        lambda s: s.close(),  # back to the pool with the transaction open: the pool rolls it back
        lambda s: s.connection().invalidate(),  # thrown away after a failure
    ],
    ids=["commit", "rollback", "close", "invalidated"],
)
def test_the_queue_is_freed_however_the_transaction_ends(db: Database, end: Callable[[object], None]) -> None:
    writers = writers_of(db.engine)
    assert writers is not None
    first = db.sessions()
    begin_write(first)
    waiting = _writer(db, "next")
    _queued(writers, 1)
    end(first)
    waiting.join(WAIT)
    assert not waiting.is_alive() and _order(db) == ["next"]
    first.close()


def test_a_writer_that_waits_too_long_is_told_the_database_is_busy() -> None:
    writers = Writers()
    assert writers.acquire(False, 1)
    assert not writers.acquire(True, 0.01)  # the holder never lets go: refused, as SQLite's timeout would
    writers.release()
    assert writers.acquire(False, 1) and writers.waiting == 0
