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


def wire_time(value: datetime) -> str:
    """A time as answers carry it: RFC 3339 with the centre's UTC offset (``2026-11-24T10:00:00+08:00``).

    The centre keeps local wall time (naive); an answer says which local time it is, so the document's
    ``date-time`` is true and a reader in another zone (or a tool checking the schema) reads it right.
    """
    return (value if value.tzinfo else value.astimezone()).isoformat()
