"""What the push channel tells counters: which of the catalog, reviews, plan counts and selection moved, and to where.

The event log is the database's own state, not a table of its own: a position is the vector of the catalog
version, the reviews version, the number of registrations and the last selection event (``"1520.33.871.12"``),
and it is the SSE event id; an older counter's three-part id resumes too, its selection part unknown.
Any worker of any process reads the same vector from the same rows, so a counter may resume at another worker
with its ``Last-Event-ID``; nothing has to be written in the transactions that make the changes, and nothing
grows. Changes that land between two reads are told once, with the newest value (the counter pulls everything
since its own version anyway). See docs/central-api.md, "Push".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk_central.tables import Counter, Registration
from kiosk_central.versions import CATALOG, REVIEWS

log = logging.getLogger(__name__)

KINDS = ("catalog", "reviews", "plan_counts", "selection")
SELECTION = (
    "selection"  # the counter whose value is the last selection event's id (services/selection_events.py)
)
RESET = "reset"  # the counter must pull everything: its position is unknown here
POLL_SECONDS = 0.05  # one read of three indexed values per worker: cheap enough to keep latency low
RECOUNT_SECONDS = 1.0  # registrations are counted at least this often (see _Reader)
HEARTBEAT_SECONDS = 15.0
# A stream ends after this and the counter resumes at once with its Last-Event-ID. uvicorn's graceful shutdown
# waits for every response to finish, so an endless stream would hold a stopping centre for ever.
LIFETIME_SECONDS = 60.0


@dataclass(frozen=True, order=True)
class Position:
    catalog: int
    reviews: int
    plan_counts: int
    # -1: unknown, from an older counter's three-part id; its first selection event tells it the value.
    selection: int = -1

    @property
    def event_id(self) -> str:
        head = f"{self.catalog}.{self.reviews}.{self.plan_counts}"
        return head if self.selection < 0 else f"{head}.{self.selection}"

    @staticmethod
    def parse(text: str | None) -> Position | None:
        """A counter's Last-Event-ID; None when it is missing or not one of ours."""
        if not text:
            return None
        parts = text.strip().split(".")
        if len(parts) not in (3, 4) or not all(p.isascii() and p.isdigit() and len(p) <= 19 for p in parts):
            return None
        return Position(*(int(p) for p in parts))

    def value(self, kind: str) -> int:
        return int(getattr(self, kind))

    def moved(self, kind: str, to: int) -> Position:
        return Position(**{**{k: self.value(k) for k in KINDS}, kind: to})


@dataclass(frozen=True)
class PushEvent:
    id: str
    kind: str
    version: int | None

    def encode(self) -> str:
        data = {"kind": self.kind} if self.version is None else {"kind": self.kind, "version": self.version}
        return f"id: {self.id}\nevent: {self.kind}\ndata: {json.dumps(data)}\n\n"


def events_between(old: Position | None, new: Position) -> list[PushEvent]:
    """One event per kind that moved, each id taking only the kinds told so far: a drop between two loses none.

    A position the centre never reached (a restored database, a foreign id) or none at all: one reset.
    """
    if old is None or any(old.value(k) > new.value(k) for k in KINDS):
        return [PushEvent(new.event_id, RESET, None)]
    events, at = [], old
    # An older counter's position has no selection part: told first, so every id after it has all four.
    for kind in KINDS if old.selection >= 0 else (SELECTION, *KINDS[:-1]):
        if new.value(kind) != at.value(kind):
            at = at.moved(kind, new.value(kind))
            events.append(PushEvent(at.event_id, kind, new.value(kind)))
    return events


class _Reader:
    """Reads the position. Versions are read every time (primary-key lookups); the registrations are counted
    only when their highest id moved or a second has passed: in PostgreSQL a registration can commit after one
    with a higher id, and the periodic count is what tells it within a second."""

    def __init__(
        self, sessions: Callable[[], AbstractContextManager[Session]], recount: float = RECOUNT_SECONDS
    ):
        self._sessions = sessions
        self._recount = recount
        self._max_id: int | None = None
        self._count = 0
        self._counted_at = 0.0
        self._lock = threading.Lock()  # streams' first reads and the poller run on the thread pool

    def read(self) -> Position:
        with self._lock, self._sessions() as s:
            values = {name: value for name, value in s.execute(select(Counter.name, Counter.value))}
            max_id = s.scalar(select(func.max(Registration.id))) or 0
            now = time.monotonic()
            if max_id != self._max_id or now - self._counted_at >= self._recount:
                self._count = int(s.scalar(select(func.count()).select_from(Registration)) or 0)
                self._max_id, self._counted_at = max_id, now
            s.rollback()
        return Position(
            int(values.get(CATALOG, 0)),
            int(values.get(REVIEWS, 0)),
            self._count,
            int(values.get(SELECTION, 0)),
        )


class PushHub:
    """One per app: a poller runs on the event loop while someone listens, and wakes every listener."""

    def __init__(
        self, sessions: Callable[[], AbstractContextManager[Session]], *, poll: float = POLL_SECONDS
    ):
        self._reader = _Reader(sessions)
        self._poll = poll
        self._listeners: set[asyncio.Event] = set()
        self._task: asyncio.Task[None] | None = None
        self.position: Position | None = None

    async def current(self) -> Position:
        position = await anyio.to_thread.run_sync(self._reader.read)
        self.position = position
        return position

    @contextlib.asynccontextmanager
    async def listening(self) -> AsyncIterator[asyncio.Event]:
        woken = asyncio.Event()
        self._listeners.add(woken)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="push-poller")
        try:
            yield woken
        finally:
            self._listeners.discard(woken)

    async def _run(self) -> None:
        # Ends when the last listener leaves, so an app nobody streams from reads nothing.
        failures = 0
        # Its own last position, not self.position: a stream's first read may move that one, and the other
        # listeners must still be woken for the move.
        told: Position | None = None
        while self._listeners:
            try:
                now = await self.current()
                failures = 0
            except Exception:  # a database away for a moment must not end every stream
                failures += 1
                if failures == 1:
                    log.exception("push: could not read the centre's versions")
                await asyncio.sleep(min(5.0, self._poll * 2**failures))
                continue
            if now != told:
                told = now
                for woken in list(self._listeners):
                    woken.set()
            await asyncio.sleep(self._poll)


async def stream(
    hub: PushHub,
    since: Position | None,
    *,
    heartbeat: float = HEARTBEAT_SECONDS,
    lifetime: float = LIFETIME_SECONDS,
) -> AsyncIterator[str]:
    """The SSE text for one counter: what moved since ``since``, then each move as it happens, heartbeats between."""
    yield "retry: 2000\n\n"
    async with hub.listening() as woken:
        told = since
        position: Position | None = await hub.current()
        ends = time.monotonic() + lifetime
        while True:
            if position is not None and position != told:
                for event in events_between(told, position):
                    yield event.encode()
                told = position
            left = ends - time.monotonic()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(woken.wait(), min(heartbeat, left))
            except TimeoutError:
                yield ": heartbeat\n\n"  # a comment: proxies and the counter's read timeout see a live link
            # Cleared before reading: a move while this stream was writing wakes it again at once.
            woken.clear()
            position = hub.position
