"""Time as services see it: injectable, so tests can stand at any moment of a plan's window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    # Local wall time without tz: the counter, its printouts and plan windows all speak local time.
    return datetime.now().replace(microsecond=0)
