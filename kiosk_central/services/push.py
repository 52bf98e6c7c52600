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
import itertools
import json
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk_central.tables import Counter, Plan, Registration, SelectionEvent, SelectionTurn
from kiosk_central.versions import CATALOG, REVIEWS
from kiosk_core.selection_moves import TAKES_UNIT, SelectionMove

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
# Selection events are told one by one with what moved (kiosk_core/selection_moves.py) while they are among the
# last this many; a stream further behind is told the newest version once, and its counter re-reads.
MOVES_KEPT = 4096


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

    def behind(self, other: Position) -> bool:
        return any(self.value(k) < other.value(k) for k in KINDS)

    def moved(self, kind: str, to: int) -> Position:
        return Position(**{**{k: self.value(k) for k in KINDS}, kind: to})


@dataclass(frozen=True)
class PushEvent:
    id: str
    kind: str
    version: int | None
    move: SelectionMove | None = None

    def encode(self) -> str:
        data: dict[str, Any] = {"kind": self.kind}
        if self.move is not None:
            data = dict(self.move.data())
        elif self.version is not None:
            data["version"] = self.version
        return f"id: {self.id}\nevent: {self.kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


Moves = Callable[[int, int], Sequence[SelectionMove] | None]


def events_between(
    old: Position | None, new: Position, moves: Moves = lambda _a, _b: None
) -> list[PushEvent]:
    """One event per kind that moved, each id taking only the kinds told so far: a drop between two loses none.

    Selection events are told one by one when ``moves(after, upto)`` has every one of them, else once.
    A position the centre never reached (a restored database, a foreign id) or none at all: one reset.
    """
    if old is None or any(old.value(k) > new.value(k) for k in KINDS):
        return [PushEvent(new.event_id, RESET, None)]
    events, at = [], old
    # An older counter's position has no selection part: told first, so every id after it has all four.
    for kind in KINDS if old.selection >= 0 else (SELECTION, *KINDS[:-1]):
        if new.value(kind) == at.value(kind):
            continue
        each = moves(at.selection, new.selection) if kind == SELECTION and at.selection >= 0 else None
        for move in each or ():
            at = at.moved(kind, move.version)
            events.append(PushEvent(at.event_id, kind, move.version, move))
        if not each:
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

    def moves(self, after: int, upto: int) -> list[SelectionMove]:
        """The selection events ``after < id <= upto`` (at most MOVES_KEPT, the first ones), with their pools."""
        with self._lock, self._sessions() as s:
            rows = s.execute(
                select(
                    SelectionEvent.id,
                    Plan.code,
                    SelectionEvent.plan_id,
                    SelectionEvent.reg_no,
                    SelectionEvent.action,
                    SelectionEvent.detail,
                )
                .join(Plan, Plan.id == SelectionEvent.plan_id)
                .where(SelectionEvent.id > after, SelectionEvent.id <= upto)
                .order_by(SelectionEvent.id)
                .limit(MOVES_KEPT)
            ).all()
            households = {(r.plan_id, r.reg_no) for r in rows if r.reg_no is not None}
            pools: dict[tuple[int, str], str] = {}
            if households:
                found = s.execute(
                    select(SelectionTurn.plan_id, SelectionTurn.reg_no, SelectionTurn.pool).where(
                        SelectionTurn.plan_id.in_({p for p, _ in households}),
                        SelectionTurn.reg_no.in_({r for _, r in households}),
                    )
                )
                pools = {(p, r): pool for p, r, pool in found}
            s.rollback()
        return [
            SelectionMove(
                version=int(r.id),
                plan=r.code,
                reg_no=r.reg_no,
                action=r.action,
                pool=pools.get((r.plan_id, r.reg_no)) if r.reg_no is not None else None,
                unit=(r.detail or None) if r.action in TAKES_UNIT else None,
            )
            for r in rows
        ]


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
        # The last selection events read, in id order (ids are dense: they come from one counter), and up to
        # which id they were read; None until the poller's first read (nothing before it is kept).
        self._moves: deque[SelectionMove] = deque(maxlen=MOVES_KEPT)
        self._moves_upto: int | None = None
        self._polled = asyncio.Event()  # set once the poller has read (or failed to read) for the first time

    async def current(self) -> Position:
        """Read now (a stream's first position). ``position`` is the poller's alone: set once the selection
        events up to it are kept, so the streams it wakes can tell them one by one."""
        return await anyio.to_thread.run_sync(self._reader.read)

    @contextlib.asynccontextmanager
    async def listening(self) -> AsyncIterator[asyncio.Event]:
        woken = asyncio.Event()
        self._listeners.add(woken)
        if self._task is None or self._task.done():
            self._polled = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._run(), name="push-poller")
        # The poller's first read before the stream's own: every move after the stream's position is kept.
        await self._polled.wait()
        try:
            yield woken
        finally:
            self._listeners.discard(woken)

    def moves(self, after: int, upto: int) -> list[SelectionMove] | None:
        """Every selection event ``after < id <= upto`` if all are kept, else None (tell the newest once)."""
        if not self._moves or after + 1 < self._moves[0].version or upto > (self._moves_upto or -1):
            return None
        first = self._moves[0].version
        kept = list(itertools.islice(self._moves, after + 1 - first, upto + 1 - first))
        return kept if len(kept) == upto - after else None

    async def _read_moves(self, now: Position) -> None:
        if not self._polled.is_set() or self._moves_upto is None or now.selection < self._moves_upto:
            # the poller's first read (nothing before it is kept), or a restored database
            self._moves.clear()
            self._moves_upto = now.selection
        elif now.selection > self._moves_upto:
            read = await anyio.to_thread.run_sync(self._reader.moves, self._moves_upto, now.selection)
            if len(read) < now.selection - self._moves_upto:  # more than are kept: start over from here
                self._moves.clear()
            else:
                self._moves.extend(read)
            self._moves_upto = now.selection

    async def _run(self) -> None:
        # Ends when the last listener leaves, so an app nobody streams from reads nothing.
        failures = 0
        # Its own last position, not self.position: a stream's first read may move that one, and the other
        # listeners must still be woken for the move.
        told: Position | None = None
        while self._listeners:
            try:
                now = await self.current()
                await self._read_moves(now)
                self.position = now
                failures = 0
            except Exception:  # a database away for a moment must not end every stream
                failures += 1
                if failures == 1:
                    log.exception("push: could not read the centre's versions")
                self._polled.set()
                await asyncio.sleep(min(5.0, self._poll * 2**failures))
                continue
            self._polled.set()
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
                for event in events_between(told, position, hub.moves):
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
            if position is not None and told is not None and position.behind(told):
                position = (
                    None  # the poller's read is older than this stream's own first one: its next is not
                )
