"""The port through which work running elsewhere (printing, on the network lane) hands its writes to the one writer.

The UI's database lane (kiosk/ui/workers.py) is the only writer to the local cache among the counter's jobs; a
service that runs on another lane is given ``write`` and never opens a write transaction itself. Without a UI
(services' tests, benchmarks) the write runs where it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class DatabaseWriter(Protocol):
    def __call__(self, write: Callable[[], T]) -> T:
        """Run ``write`` on the database lane, wait for it, return its result or raise its exception."""
        ...


def write_here(write: Callable[[], T]) -> T:
    return write()
