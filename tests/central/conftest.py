"""Central service fixtures: SQLite and a real PostgreSQL on loopback, in-process and real-HTTP clients.

PostgreSQL: one throwaway cluster per session (initdb as ``postgres`` when run as root), one migrated template
database, and a fresh copy of it for each test. Without PostgreSQL binaries the PostgreSQL cases fail under CI
(CI=true) and are skipped elsewhere.

A test on SQLite that asks for the ``world`` gets its file with the world already in: built once per session (it
is fixed: the clock at NOW, no randomness) and copied, instead of being built again for each of several hundred
tests. On PostgreSQL the world is built in the emptied database (a database made from a template, measured, was
slower than that).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from kiosk_central.bootstrap import Central, build
from kiosk_central.config import ID_KEY_ENV, Settings
from kiosk_central.db import Database
from kiosk_central.tables import Base
from kiosk_central.throwaway_pg import PostgresUnavailable, ThrowawayPostgres
from tests.central.api import Api, asgi_client
from tests.central.server import LiveServer
from tests.central.world import NOW, build_world
from tests.fakes import CHEAP_HASHER, MovableClock

BACKENDS = ("sqlite", "postgresql")
# The centre refuses PostgreSQL without its ID key (config.resolve_id_key): the tests' servers, their worker
# processes included (they inherit the environment), share this one.
os.environ.setdefault(ID_KEY_ENV, "kiosk-central test ID key, 32 characters or more")


class PgCluster:
    """The session's cluster and one migrated database that each test gets emptied (quicker than CREATE DATABASE)."""

    SHARED = "central_test"

    def __init__(self, server: ThrowawayPostgres) -> None:
        self.server = server
        self.url = self.create(self.SHARED)
        db = Database(self.url)
        db.migrate()
        db.dispose()

    def _connect(
        self, database: str = "postgres", autocommit: bool = True
    ) -> psycopg.Connection[tuple[object, ...]]:
        dsn = f"host=127.0.0.1 port={self.server.port} user=postgres dbname={database}"
        return psycopg.connect(dsn, autocommit=autocommit)

    def create(self, name: str) -> str:
        with self._connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.server.url(name)

    def drop(self, name: str) -> None:
        with self._connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def emptied(self) -> str:
        """The shared database with every row deleted and the counters back at 0."""
        with self._connect(self.SHARED, autocommit=False) as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(f"DELETE FROM {table.name}")
            conn.execute("INSERT INTO counters (name, value) VALUES ('catalog', 0), ('reviews', 0)")
        return self.url


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    try:
        server = ThrowawayPostgres(settings={"fsync": "off", "max_connections": "200"})
    except PostgresUnavailable as e:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is required in CI: {e}")
        pytest.skip(f"no PostgreSQL here: {e}")
    server.start()
    try:
        yield PgCluster(server)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "central.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    return path


def fill_world(central: Central) -> None:
    """The world and its two operators."""
    with central.db.session() as s:
        build_world(s)
        central.auth.create_operator(s, "clerk1", "王晓梅", "clerk", "clerk-pass-1")
        central.auth.create_operator(s, "super1", "李建国", "supervisor", "super-pass-1")


@pytest.fixture(scope="session")
def sqlite_world(sqlite_template: Path) -> Path:
    path = sqlite_template.with_name("world.db")
    shutil.copyfile(sqlite_template, path)
    c = build(Settings(database_url=f"sqlite:///{path}"), clock=MovableClock(NOW), hasher=CHEAP_HASHER)
    fill_world(c)
    c.close()  # the last connection checkpoints the WAL into the file that is copied
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of the test's backend: empty, or on SQLite holding the world when the test asks for it."""
    if backend == "sqlite":
        with_world = "world" in request.fixturenames
        template: Path = request.getfixturevalue("sqlite_world" if with_world else "sqlite_template")
        target = tmp_path / "central.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    yield cluster.emptied()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(NOW)


@pytest.fixture
def central(database_url: str, clock: MovableClock) -> Iterator[Central]:
    c = build(Settings(database_url=database_url), clock=clock, hasher=CHEAP_HASHER)
    yield c
    c.close()


@pytest.fixture
def world(central: Central, backend: str) -> Central:
    """The centre with the world (tests/central/world.py) and two operators (on SQLite ``database_url`` copied
    them in)."""
    if backend != "sqlite":
        fill_world(central)
    return central


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


@pytest.fixture(params=("asgi", "http"))
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api(world: Central, transport: str, request: pytest.FixtureRequest) -> Iterator[Api]:
    """The world's API with a signed-in device (counter 01), in-process (TestClient) or over real HTTP (uvicorn)."""
    from kiosk_central.api.app import create_app

    app = create_app(world)
    if transport == "asgi":
        with asgi_client(app) as client:
            yield Api.enrolled(world, client)
        return
    server: LiveServer = request.getfixturevalue("live_server")
    with server.serving(app) as client:
        yield Api.enrolled(world, client)
