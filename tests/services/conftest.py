"""Services on a real SQLite file, with a clock the test can move."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.bootstrap import Built, build_services
from kiosk.config import Config
from kiosk.services.views import OperatorSession
from tests.builders import CLERK, World, build_world
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
def built(tmp_path: Path, clock: MovableClock, printer: FakePrinter) -> Iterator[Built]:
    b = build_services(Config(data_dir=tmp_path), printer, clock, CHEAP_HASHER)
    yield b
    b.engine.dispose()


@pytest.fixture
def world(built: Built) -> World:
    return build_world(built.uow, built.services.auth)


@pytest.fixture
def clerk(built: Built, world: World) -> OperatorSession:
    return built.services.auth.login(*CLERK)
