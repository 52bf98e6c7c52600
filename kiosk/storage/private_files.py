"""The counter's data folder and its files, readable by the kiosk's user only: households' data is in them."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PARTIAL_SUFFIX = ".tmp"


def private_dir(path: Path) -> Path:
    """``path`` made if absent; 0700 also when it was made by hand, by an older release or under another umask."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    # A folder the kiosk user may write but does not own (set up by an administrator) keeps its mode.
    with contextlib.suppress(PermissionError):
        path.chmod(PRIVATE_DIR)
    return path


def restrict(*paths: Path) -> None:
    """0600 for each of ``paths`` that exists (files an older release left readable by everyone)."""
    for path in paths:
        if path.exists():
            path.chmod(PRIVATE_FILE)


def open_private(path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_APPEND) -> int:
    """A descriptor on ``path``, created 0600 whatever the process's umask, and made 0600 if it was not."""
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE)
        else:  # Windows: only the read-only flag exists, and 0600 leaves it off
            os.chmod(path, PRIVATE_FILE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_private(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` whole or not at all: written beside it, synced, renamed.

    A write that fails (a full disk) removes its partial file: nothing half-written is left in the folder.
    """
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    try:
        fd = open_private(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def remove_partials(folder: Path, pattern: str = "*") -> list[Path]:
    """Partial files a crash left behind in ``folder`` (a process killed mid-write cannot clean up itself)."""
    removed = []
    for partial in folder.glob(pattern + PARTIAL_SUFFIX):
        partial.unlink(missing_ok=True)
        removed.append(partial)
    return removed
