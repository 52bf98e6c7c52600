"""Real small or read-only filesystems for the tests of a full disk and of a folder that cannot be written."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """``folder`` (made if absent) as a tmpfs mounted with ``options`` (e.g. ``size=256k``, ``ro,size=1m``).

    Skips the test where mounting is impossible: it needs root (CI runs as root) and CAP_SYS_ADMIN.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=False).returncode:
        pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN in this container)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)
