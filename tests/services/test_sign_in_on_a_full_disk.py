"""Staff can still sign in when the counter's disk is full: that is when they are needed most."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from kiosk.bootstrap import Built, build_services
from kiosk.config import Config
from kiosk.storage import tables as t
from kiosk.storage.disk_reserve import RESERVE_NAME
from kiosk.storage.uow import uow_factory
from kiosk_core.errors import AuthFailed
from tests.builders import CLERK, build_world
from tests.disks import tmpfs
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "disk", "size=24m") as folder:
        yield folder


def _build(data_dir: Path) -> Built:
    return build_services(Config(data_dir=data_dir), FakePrinter(), MovableClock(), CHEAP_HASHER)


def _fill(disk: Path) -> None:
    """Write until the filesystem says it is full."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)


def _logins(built: Built) -> int:
    with built.engine.connect() as c:
        return len(c.scalars(select(t.AuditEntry.id).where(t.AuditEntry.action == "login")).all())


@pytest.fixture
def running(small_disk: Path) -> Iterator[Built]:
    """A counter in use (its cache open) whose disk then fills up."""
    built = _build(small_disk / "data")
    build_world(uow_factory(sessionmaker(built.engine, expire_on_commit=False)), built.services.auth)
    assert (small_disk / "data" / RESERVE_NAME).exists()
    built.services.auth.login(*CLERK)
    _fill(small_disk)
    yield built
    built.engine.dispose()


def test_sign_in_on_a_disk_that_filled_up_is_recorded_in_the_reserves_room(
    running: Built, small_disk: Path
) -> None:
    before = _logins(running)
    operator = running.services.auth.login(*CLERK)
    assert operator.username == CLERK[0]
    assert not (small_disk / "data" / RESERVE_NAME).exists()
    assert _logins(running) == before + 1


def test_sign_in_with_no_room_at_all_still_works_unrecorded(running: Built, small_disk: Path) -> None:
    (small_disk / "data" / RESERVE_NAME).unlink()
    _fill(small_disk)
    operator = running.services.auth.login(*CLERK)
    assert running.services.auth.unlock(operator, CLERK[1]).id == operator.id
    with pytest.raises(AuthFailed) as err:
        running.services.auth.login(CLERK[0], "not-the-password")
    assert err.value.message == "用户名或密码不正确"


def test_a_counter_restarted_on_a_full_disk_opens_and_signs_in(small_disk: Path) -> None:
    built = _build(small_disk / "data")
    build_world(uow_factory(sessionmaker(built.engine, expire_on_commit=False)), built.services.auth)
    built.engine.dispose()  # closed: the journal files are gone, and opening again needs room for them
    _fill(small_disk)
    again = _build(small_disk / "data")
    try:
        assert again.services.auth.login(*CLERK).username == CLERK[0]
        assert not (small_disk / "data" / RESERVE_NAME).exists()
    finally:
        again.engine.dispose()
