"""Emergency room on the counter's disk: a file given back when the disk fills, so staff can still sign in.

A full disk would otherwise lock everyone out: SQLite cannot even open the cache without room for its journal
files, and a sign-in writes its audit entry. The reserve is made when there is plenty of room and released
(deleted) at start when room is short, or when a sign-in meets a full disk; it comes back by itself once the
disk has been cleaned up.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from kiosk.storage.private_files import open_private, private_dir

log = logging.getLogger(__name__)

RESERVE_NAME = ".kiosk-disk-reserve"
RESERVE_BYTES = 4 * 1024 * 1024
_CHUNK = 64 * 1024


class DiskReserve:
    def __init__(self, folder: Path, size: int = RESERVE_BYTES) -> None:
        self.path = folder / RESERVE_NAME
        self.size = size

    def settle(self) -> None:
        """At start: give the room back when the disk is nearly full, otherwise make sure the reserve is there."""
        try:
            private_dir(self.path.parent)
            free = shutil.disk_usage(self.path.parent).free
        except OSError:
            return  # a folder that cannot be made or read: opening the cache says so, in words
        if free < self.size:
            self.release()
        elif free > 4 * self.size:
            self._make()

    def release(self) -> bool:
        """Delete the reserve; True when that gave room back."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            log.warning("could not release the disk reserve %s: %s", self.path, exc)
            return False
        log.warning("disk full: released the %d MB disk reserve %s", self.size // 2**20, self.path)
        return True

    def _make(self) -> None:
        if self.path.exists() and self.path.stat().st_size >= self.size:
            return
        try:
            fd = open_private(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            try:
                # The room must really be taken (not a sparse file): allocated where the system can, else written.
                if hasattr(os, "posix_fallocate"):
                    os.posix_fallocate(fd, 0, self.size)
                else:
                    zeros = b"\0" * _CHUNK
                    for _ in range(self.size // _CHUNK):
                        os.write(fd, zeros)
                    os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            self.path.unlink(missing_ok=True)
            log.warning("could not make the disk reserve %s: %s", self.path, exc)
