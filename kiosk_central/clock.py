"""Time as the central service sees it: injectable, so tests can stand at any moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    # Naive local wall time, like the kiosk: plan windows and the kiosks' event times all speak local time.
    return datetime.now().replace(microsecond=0)


def to_local_naive(value: datetime) -> datetime:
    """A kiosk may send an offset; store local wall time like everything else."""
    if value.tzinfo is None:
        return value
    return value.astimezone().replace(tzinfo=None)
