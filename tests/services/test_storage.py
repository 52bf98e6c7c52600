"""The local cache's schema: migrations build exactly what the models describe, and re-running is cheap."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kiosk.storage.db import create_sqlite_engine, migrate
from kiosk.storage.tables import Base
from tests.keyrings import TEST_CACHE_KEY, cache_db


def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "k.db", TEST_CACHE_KEY)
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    engine.dispose()


def test_migrate_twice_is_a_no_op(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "k.db", TEST_CACHE_KEY)
    migrate(engine)
    migrate(engine)
    with cache_db(tmp_path / "k.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0011",)]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    engine.dispose()


def test_unsent_messages_keep_their_place_when_their_kinds_take_the_wire_names(tmp_path: Path) -> None:
    """A counter updated with messages still queued sends them under the names the centre knows."""
    from alembic import command

    from kiosk.storage.db import alembic_config

    engine = create_sqlite_engine(tmp_path / "k.db", TEST_CACHE_KEY)
    command.upgrade(alembic_config(engine), "0006")
    with cache_db(tmp_path / "k.db") as db:
        for kind in ("registration_created", "phone_updated", "registration_cancelled"):
            db.execute(
                "INSERT INTO outbox (idempotency_key, kind, subject, event_time, payload, attempts, last_error)"
                " VALUES (?, ?, 's', '2026-12-01 10:00:00', '{}', 0, '')",
                (f"key-{kind}", kind),
            )
    migrate(engine)
    with cache_db(tmp_path / "k.db") as db:
        rows = db.execute("SELECT idempotency_key, kind FROM outbox ORDER BY id").fetchall()
    assert rows == [
        ("key-registration_created", "registration"),
        ("key-phone_updated", "phone_update"),
        ("key-registration_cancelled", "cancellation"),
    ]
    engine.dispose()
