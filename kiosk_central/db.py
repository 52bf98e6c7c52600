"""Opening the central database (SQLite or PostgreSQL), its transactions, and migrating it to head."""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from kiosk_central import id_index
from kiosk_central.config import resolve_id_key

MIGRATIONS = Path(__file__).with_name("migrations")
_WRITE = "kiosk_central_write"
BUSY_SECONDS = 30
URGENT = "urgent"
APPLICATION_NAME = "kiosk-central"  # PostgreSQL's name for the service's connections (pg_stat_activity)


def create_db_engine(url: str, *, pool_size: int = 30) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # No pre-ping: a lost connection fails one request (503, the kiosk retries) and SQLAlchemy then renews
    # the pool; pinging on every checkout would cost a round trip on every request.
    # Named, so that rekey-ids can tell whether other instances are still connected (services/id_keys.py).
    return create_engine(
        url, pool_size=pool_size, max_overflow=5, connect_args={"application_name": APPLICATION_NAME}
    )


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # Requests run on a thread pool: a pooled connection may serve several threads one after another.
    engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below opens the transactions
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # an accepted registration survives a power cut
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
        cur.close()

    # The process's writers queue here before SQLite's write lock. SQLite's own wait is a poll with sleeps of
    # up to 100 ms, first come not first served: with twenty counters confirming at once a writer could sleep
    # through seconds of others' turns (selection's choice_p99). Other processes still meet the busy timeout.
    writers = _WRITERS[engine] = Writers()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take SQLite's write lock up front: a read-then-write transaction could otherwise fail on a
        # snapshot another writer has moved past. Readers stay deferred and run beside the writer (WAL).
        immediate = conn.get_execution_options().get(_WRITE)
        if not immediate:
            conn.exec_driver_sql("BEGIN")
            return
        if not writers.acquire(immediate == URGENT, BUSY_SECONDS):  # as SQLite's busy timeout would say it
            raise sqlite3.OperationalError("database is locked")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writers.release()
            raise
        holding.add(id(conn.connection.dbapi_connection))

    # Let go once SQLite has committed or rolled back (its own lock is held until then): SQLAlchemy's commit
    # and rollback events come before the DBAPI call. The pool's rollback of a connection handed back with its
    # transaction open goes through the dialect too.
    holding: set[int] = set()  # the DBAPI connections that hold the queue, by id
    do_commit, do_rollback = engine.dialect.do_commit, engine.dialect.do_rollback

    def _let_go(connection: Any, *_args: Any) -> None:
        raw = id(getattr(connection, "dbapi_connection", connection))  # the pool's proxy, or the raw one
        if raw in holding:
            holding.discard(raw)
            writers.release()

    # A connection thrown away in its transaction (a failure invalidated it) lets go too.
    event.listen(engine, "invalidate", _let_go)
    event.listen(engine, "close", _let_go)

    def _commit(dbapi_connection: Any) -> None:
        try:
            do_commit(dbapi_connection)
        finally:
            _let_go(dbapi_connection)

    def _rollback(dbapi_connection: Any) -> None:
        try:
            do_rollback(dbapi_connection)
        finally:
            _let_go(dbapi_connection)

    engine.dialect.do_commit = _commit  # type: ignore[method-assign]
    engine.dialect.do_rollback = _rollback  # type: ignore[method-assign]
    return engine


class Writers:
    """One writer of this process at a time; an urgent one (a household's choice, its timer running) goes
    before every ordinary one waiting (a call, a wish list, a batch of registrations)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = False
        self._urgent = 0
        self.waiting = 0  # how many wait now (tests wait on it)

    def acquire(self, urgent: bool, timeout: float) -> bool:
        with self._changed:
            self._urgent += urgent
            self.waiting += 1
            try:
                free = self._changed.wait_for(
                    lambda: not self._busy and (urgent or not self._urgent), timeout
                )
                self._busy = self._busy or free
                return free
            finally:
                self._urgent -= urgent
                self.waiting -= 1

    def release(self) -> None:
        with self._changed:
            self._busy = False
            self._changed.notify_all()


_WRITERS: weakref.WeakKeyDictionary[Engine, Writers] = weakref.WeakKeyDictionary()


def writers_of(engine: Engine) -> Writers | None:
    """The queue of an SQLite engine's writers (None for PostgreSQL, whose rows are locked instead)."""
    return _WRITERS.get(engine)


class Database:
    """The engine and the session factory; one session per request or command.

    ``id_key``: the ID numbers' hash key (config.resolve_id_key: None takes the environment's, and refuses
    PostgreSQL without one); every session carries it in ``info`` for id_index, and migrations get it too.
    """

    def __init__(self, url: str, *, pool_size: int = 30, id_key: str | None = None) -> None:
        self.url = url
        self.id_key = resolve_id_key(url, id_key)
        self.engine = create_db_engine(url, pool_size=pool_size)
        self.sessions = sessionmaker(
            self.engine, expire_on_commit=False, info={id_index.SESSION_KEY: self.id_key}
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self.sessions()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def migrate(self) -> str | None:
        return migrate(self.engine, id_key=self.id_key)

    def dispose(self) -> None:
        self.engine.dispose()


def begin_write(session: Session, *, urgent: bool = False) -> None:
    """Start the session's next transaction as a writer (SQLite: BEGIN IMMEDIATE; PostgreSQL: as usual).

    ``urgent``: before the ordinary writers waiting in this process (SQLite; PostgreSQL locks rows instead).
    """
    if session.in_transaction():
        raise RuntimeError("begin_write must start a transaction, one is already open")
    session.connection(execution_options={_WRITE: URGENT if urgent else True})


def alembic_config(engine: Engine, id_key: bytes | None = None) -> Config:
    """``id_key``: for the migrations that hash ID numbers already stored (0008); left out, they resolve it
    as config.resolve_id_key does."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    cfg.attributes[id_index.SESSION_KEY] = id_key
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def migrate(engine: Engine, revision: str = "head", *, id_key: bytes | None = None) -> str | None:
    """Bring the schema to ``revision``; returns the revision it is at afterwards."""
    if revision != "head" or current_revision(engine) != head_revision(engine):
        command.upgrade(alembic_config(engine, id_key), revision)
    return current_revision(engine)


def downgrade(engine: Engine, revision: str = "base", *, id_key: bytes | None = None) -> None:
    command.downgrade(alembic_config(engine, id_key), revision)
