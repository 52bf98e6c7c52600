"""What each counter still holds unsent (``X-Kiosk-Unsent`` on its requests): a freeze waits for it.

Written to ``device_unsent`` so every centre process sees it. Not on every request (a drain sends one batch
after another, each with a smaller count): a process writes when the count becomes zero or stops being zero,
as it last wrote it for that device, and otherwise when that write is older than ``REFRESH``. So the count a
console shows may be up to ``REFRESH`` old, but whether a counter still holds messages is current. With two
centre processes one may have written a value the other does not know of; the other writes its own at the
latest ``REFRESH`` later, so the table is at most that far behind a counter's latest word.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk_central.clock import Clock
from kiosk_central.db import begin_write
from kiosk_central.tables import Device, DeviceUnsent

HEADER = "X-Kiosk-Unsent"
REFRESH = timedelta(seconds=30)
_MAX = 10**9
# The same SQL on SQLite and PostgreSQL (both have ON CONFLICT); compiled once.
_UPSERT = text(
    "INSERT INTO device_unsent (device_id, unsent, reported_at) VALUES (:device_id, :unsent, :at) "
    "ON CONFLICT (device_id) DO UPDATE SET unsent = excluded.unsent, reported_at = excluded.reported_at"
)


@dataclass(frozen=True)
class CounterUnsent:
    counter: str
    device_name: str
    unsent: int
    reported_at: datetime


def parse(raw: str | None) -> int | None:
    """The header's count, or None when it is absent or not a plain number (then nothing is recorded)."""
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    return min(int(raw), _MAX)


class UnsentReports:
    def __init__(self, clock: Clock, refresh: timedelta = REFRESH) -> None:
        self._clock = clock
        self._refresh = refresh
        self._written: dict[str, tuple[int, datetime]] = {}  # device -> what this process wrote, and when
        self._lock = threading.Lock()

    def record(self, session: Session, device_id: str, raw: str | None) -> None:
        """Keep a device's reported count; a no-op when this process lately wrote one as zero or not."""
        value = parse(raw)
        if value is None:
            return
        now = self._clock()
        with self._lock:
            last = self._written.get(device_id)
        if last is not None and (last[0] == 0) == (value == 0) and now - last[1] < self._refresh:
            return
        begin_write(session)
        session.execute(_UPSERT, {"device_id": device_id, "unsent": value, "at": now})
        session.commit()
        with self._lock:
            self._written[device_id] = (value, now)

    def pending(self, session: Session) -> list[CounterUnsent]:
        """The enabled counters that last said they hold unsent messages, by counter."""
        rows = session.execute(
            select(Device.counter, Device.name, DeviceUnsent.unsent, DeviceUnsent.reported_at)
            .join(Device, Device.id == DeviceUnsent.device_id)
            .where(Device.active, DeviceUnsent.unsent > 0)
            .order_by(Device.counter)
        )
        return [CounterUnsent(*row) for row in rows]
