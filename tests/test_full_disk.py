"""A full disk: no half-written file is left, staff read 磁盘已满, and nobody is told an error was logged when it was not."""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import PrivateLogFile
from kiosk.storage.private_files import write_private
from kiosk.ui.messages import describe
from tests.disks import tmpfs


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KB filesystem (tmpfs), so the disk really is full."""
    with tmpfs(tmp_path / "disk", "size=256k") as folder:
        yield folder


def test_a_slip_that_does_not_fit_leaves_no_partial_file(small_disk: Path) -> None:
    with pytest.raises(OSError) as err:
        write_private(small_disk / "Q2611-01-00001-A.pdf", b"%PDF" + b"x" * 1_000_000)
    assert err.value.errno == errno.ENOSPC
    assert list(small_disk.iterdir()) == []


def test_a_full_log_disk_is_never_reported_as_logged(small_disk: Path) -> None:
    handler = PrivateLogFile(small_disk / "kiosk.log", maxBytes=10_000_000, encoding="utf-8")
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        _fill(small_disk)
        logging.raiseExceptions = False  # the handler's own stderr report is not what is tested here
        message = describe(RuntimeError("x" * 50_000))
    finally:
        logging.raiseExceptions = True
        root.removeHandler(handler)
        handler.close()
    assert not handler.last_write_ok
    assert "已记录日志" not in message.hint and "日志也未能写入" in message.hint


def test_a_full_disk_is_named_as_such() -> None:
    exc = sqlite3.OperationalError("database or disk is full")
    try:
        raise RuntimeError("commit failed") from exc
    except RuntimeError as wrapped:
        message = describe(wrapped)
    assert message.text.startswith("磁盘已满") and "清理" in message.hint
    assert describe(OSError(errno.ENOSPC, "No space left on device")).text.startswith("磁盘已满")


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
