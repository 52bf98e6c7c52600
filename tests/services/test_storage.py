"""The local cache's schema: migrations build exactly what the models describe, and re-running is cheap."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kiosk.storage.db import create_sqlite_engine, migrate
from kiosk.storage.tables import Base


def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "k.db")
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_migrate_twice_is_a_no_op(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "k.db")
    migrate(engine)
    migrate(engine)
    with sqlite3.connect(tmp_path / "k.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0007",)]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    engine.dispose()
