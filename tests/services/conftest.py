"""Services on a real SQLite file, with a clock the test can move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.bootstrap import Built, build_services
from kiosk.config import Config
from kiosk.services.views import OperatorSession
from tests.builders import CLERK, NOW, World, build_world
from tests.fakes import CHEAP_HASHER, FakePrinter


class MovableClock:
    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


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
    from sqlalchemy.orm import sessionmaker

    from kiosk.storage.uow import uow_factory

    return build_world(uow_factory(sessionmaker(built.engine, expire_on_commit=False)), built.services.auth)


@pytest.fixture
def clerk(built: Built, world: World) -> OperatorSession:
    return built.services.auth.login(*CLERK)
