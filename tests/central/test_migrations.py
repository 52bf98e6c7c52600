"""One migration set, run on both databases: the migrated schema is exactly the models', down and up again."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from kiosk_central.db import Database, current_revision, downgrade, head_revision
from kiosk_central.tables import Base

_names = itertools.count(1)


@pytest.fixture
def empty_db(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
        yield db
        db.dispose()
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = f"migrations_{next(_names)}"
    db = Database(cluster.create(name))
    yield db
    db.dispose()
    cluster.drop(name)


def _diff(db: Database) -> list[object]:
    with db.engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_upgrade_gives_exactly_the_models(empty_db: Database) -> None:
    assert current_revision(empty_db.engine) is None
    assert empty_db.migrate() == head_revision(empty_db.engine)
    assert _diff(empty_db) == []
    with empty_db.engine.connect() as conn:
        assert dict(conn.execute(text("SELECT name, value FROM counters")).all()) == {
            "catalog": 0,
            "reviews": 0,
        }


def test_constraints_that_hold_the_rules_are_partial_unique_indexes(empty_db: Database) -> None:
    empty_db.migrate()
    inspector = inspect(empty_db.engine)
    registrations = {i["name"]: i for i in inspector.get_indexes("registrations")}
    persons = {i["name"]: i for i in inspector.get_indexes("registration_persons")}
    for index in (
        registrations["uq_registrations_active_unit"],
        registrations["uq_registrations_active_slot"],
    ):
        assert index["unique"]
    assert persons["uq_registration_persons_active"]["unique"]
    assert persons["uq_registration_persons_active"]["column_names"] == ["plan_id", "id_hash"]


def test_downgrade_and_upgrade_again(empty_db: Database) -> None:
    empty_db.migrate()
    downgrade(empty_db.engine, "base")
    assert set(inspect(empty_db.engine).get_table_names()) <= {"alembic_version"}
    empty_db.migrate()
    assert _diff(empty_db) == []
    assert empty_db.migrate() == head_revision(empty_db.engine)  # at head: nothing to do


def test_idempotency_keys_are_scoped_by_device(empty_db: Database) -> None:
    """Alembic's comparison does not look at primary keys: 0004's new one is checked here, down and up."""
    empty_db.migrate()
    assert inspect(empty_db.engine).get_pk_constraint("idempotency_keys")["constrained_columns"] == [
        "key",
        "device_id",
    ]
    downgrade(empty_db.engine, "0003")
    assert inspect(empty_db.engine).get_pk_constraint("idempotency_keys")["constrained_columns"] == ["key"]
    empty_db.migrate()
    assert _diff(empty_db) == []
