"""Opening the local cache: its start-up check, pragmas for durability, migrations to the newest schema."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

from kiosk.storage import health
from kiosk.storage.private_files import open_private, private_dir, restrict
from kiosk_core.errors import CacheUnusable

MIGRATIONS = Path(__file__).with_name("migrations")


def open_cache(path: Path) -> Engine:
    """The checked, migrated cache; CacheUnusable (the damaged file set aside) when it must not be used."""
    from kiosk.storage.tables import Base

    private_dir(path.parent)
    health.check_before_open(path, known_revisions())
    engine = create_sqlite_engine(path)
    try:
        migrate(engine)
        engine.dispose()  # the check below reads the file on its own; nothing may hold it meanwhile
        health.check_tables(path, Base.metadata.tables)
    except CacheUnusable:
        raise
    except Exception as exc:
        engine.dispose()
        # A full disk or a read-only folder is the machine's trouble, not a damaged cache: reported as it is.
        if _machine_trouble(exc):
            raise
        raise health.damaged_while_opening(path, exc) from exc
    health.mark_created(path)
    return engine


def _machine_trouble(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OSError) or any(
        words in text for words in ("disk is full", "readonly database", "unable to open", "disk i/o")
    )


def known_revisions() -> set[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}


def create_sqlite_engine(path: Path) -> Engine:
    private_dir(path.parent)
    if not path.exists():
        os.close(open_private(path))  # 0600 from the first byte, whatever the umask
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 10})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" below open the transaction, so it can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # an acknowledged registration survives power loss
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()
        # SQLite gives its -wal and -shm files the database's own mode: 0600 here covers all three.
        restrict(path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # Take the write lock at the start: checks and inserts of one registration cannot interleave.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to head; cheap when it already is (checked without loading Alembic's environment)."""
    cfg = alembic_config(engine)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current != head:
        command.upgrade(cfg, "head")
