"""One migration set, run on both databases: the migrated schema is exactly the models', down and up again."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from kiosk_central import cli
from kiosk_central.config import DEVELOPMENT_ID_KEY, ID_KEY_ENV, IdKeyMissing, normalize_url, resolve_id_key
from kiosk_central.db import Database, current_revision, downgrade, head_revision, migrate
from kiosk_central.id_index import id_hash
from kiosk_central.tables import Base
from tests.central.world import FAMILIES, SHARED, build_world, id_number

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


KEY = "a centre's ID key for this test, 32 chars or more"


def test_0008_hashes_the_persons_already_stored_and_keeps_no_plain_id_in_an_index(empty_db: Database) -> None:
    """Upgraded in place: the guard's rows keyed by the keyed hash, the numbers back on the way down."""
    key = KEY.encode()
    migrate(empty_db.engine, "0007", id_key=key)
    with empty_db.session() as s:
        build_world(s)
        people = s.execute(
            text(
                "SELECT id, applicant_id_number FROM households UNION ALL SELECT household_id, id_number FROM members"
            )
        ).all()
        plan_id = s.execute(text("SELECT id FROM plans WHERE code = 'Q2611'")).scalar_one()
        wanted = (FAMILIES["ok"].applicant_id_number, SHARED)
        # SHARED is in two households, both let go (inactive rows may repeat a person in a plan).
        rows = [{"h": h, "n": n, "a": not i} for i, (h, n) in enumerate(x for x in people if x[1] in wanted)]
        rows.append({"h": people[0][0], "n": id_number("19800101", 999), "a": True})  # not in the household
        s.execute(
            text(
                "INSERT INTO registration_persons (plan_id, household_id, id_number, registrations, active) "
                "VALUES (:p, :h, :n, 1, :a)"
            ),
            [r | {"p": plan_id} for r in rows],
        )
        s.commit()
    stored = {r["n"] for r in rows}
    migrate(empty_db.engine, id_key=key)
    with empty_db.engine.connect() as conn:
        hashed = set(conn.execute(text("SELECT id_hash FROM registration_persons")).scalars())
    assert hashed == {id_hash(key, n) for n in stored}
    inspector = inspect(empty_db.engine)
    plain = {"id_number", "applicant_id_number"}
    for table in inspector.get_table_names():
        for index in inspector.get_indexes(table):
            assert not plain & set(index["column_names"]), (table, index["name"])
    assert "id_number" not in {c["name"] for c in inspector.get_columns("registration_persons")}
    assert _diff(empty_db) == []

    downgrade(empty_db.engine, "0007", id_key=key)
    with empty_db.engine.connect() as conn:
        restored = set(conn.execute(text("SELECT id_number FROM registration_persons")).scalars())
    assert restored == stored - {rows[-1]["n"]}  # a hash with no person left to match is dropped


def test_postgresql_without_the_id_key_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ID_KEY_ENV, raising=False)
    url = "postgresql://kiosk@127.0.0.1:9/nowhere"  # never reached: the key is checked first
    with pytest.raises(IdKeyMissing):
        resolve_id_key(normalize_url(url))
    assert cli.main(["migrate", "--database-url", url]) == 1
    assert ID_KEY_ENV in capsys.readouterr().err
    monkeypatch.setenv(ID_KEY_ENV, "too short")
    with pytest.raises(IdKeyMissing):
        resolve_id_key(normalize_url(url))
    monkeypatch.setenv(ID_KEY_ENV, KEY)
    assert resolve_id_key(normalize_url(url)) == KEY.encode()
    monkeypatch.delenv(ID_KEY_ENV)
    assert resolve_id_key("sqlite://") == DEVELOPMENT_ID_KEY.encode()  # the embedded database only
