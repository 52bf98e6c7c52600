"""The centre's clock on a selection: it opens turns in draw order, pauses a turn whose counter went quiet,
auto-picks at the deadline, and records absent the passed-over households that had not come by the end of
their round.

One ticker per process (started in the app's lifespan). Two processes on one PostgreSQL may tick at once:
each change locks its row and checks its state again first, and the choice's unique constraints decide.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk_central.clock import Clock
from kiosk_central.db import Database, begin_write
from kiosk_central.services import selection_store as store
from kiosk_central.tables import Plan, SelectionChoice, SelectionPlan, SelectionRound, SelectionTurn
from kiosk_core import selection as sel

log = logging.getLogger(__name__)

TICK_SECONDS = 0.5
Event = tuple[str | None, str, str | None, str | None, str]
_Change = Callable[[Session, store.Loaded, SelectionTurn, datetime], list[Event]]
_LIVE = (sel.TurnState.WAITING.value, sel.TurnState.CALLED.value, sel.TurnState.OPEN.value)
_OPEN = sel.TurnState.OPEN.value


def open_ready(
    session: Session, loaded: store.Loaded, pool: str, supplementary: bool, now: datetime
) -> list[Event]:
    """Open the pool's next turn if it may open now (a called, re-declared household whose turn has come)."""
    row = ready_turn(session, loaded.plan.id, pool, supplementary)
    if row is None:
        return []
    deadline = now + timedelta(seconds=loaded.selection.turn_seconds)
    result = session.execute(
        update(SelectionTurn)
        .where(SelectionTurn.id == row.id, SelectionTurn.state == sel.TurnState.CALLED.value)
        # Heard as of the opening: a counter that waited long for its turn gets the 6 s before a pause too.
        .values(state=_OPEN, opened_at=now, deadline=deadline, paused_remaining=None, heard_at=now)
        .execution_options(synchronize_session="fetch")
    )
    opened = getattr(result, "rowcount", 0)
    return [(row.reg_no, "open", row.counter, None, f"截止 {deadline:%H:%M:%S}")] if opened else []


def ready_turn(session: Session, plan_id: int, pool: str, supplementary: bool) -> SelectionTurn | None:
    """The pool's turn that may open now, if any."""
    rows = store.pool_rows(session, plan_id, pool, supplementary)
    turns = [store.as_turn(r, 0) for r in rows]
    ready = [r for r, t in zip(rows, turns, strict=True) if sel.may_open(t, turns)]
    return min(ready, key=lambda r: r.queue_pos, default=None)


class SelectionTicker:
    def __init__(self, db: Database, clock: Clock, *, pause_after: float = sel.PAUSE_AFTER_SECONDS) -> None:
        self._db = db
        self._clock = clock
        self._pause_after = timedelta(seconds=pause_after)

    def tick(self) -> int:
        """One pass over every selection with turns still to finish; returns the number of events written."""
        now = self._clock()
        with self._db.session() as s:
            plans = s.scalars(
                select(SelectionTurn.plan_id).where(SelectionTurn.state.in_(_LIVE)).distinct()
            ).all()
            s.rollback()
            written = 0
            for plan_id in plans:
                for step in (self._absent, self._pause_quiet, self._time_out, self._open):
                    written += step(s, plan_id, now)
            return written

    def _loaded(self, s: Session, plan_id: int) -> store.Loaded:
        plan = s.get(Plan, plan_id)
        selection = s.scalar(select(SelectionPlan).where(SelectionPlan.plan_id == plan_id))
        assert plan is not None and selection is not None
        return store.Loaded(plan, selection)

    def _each(self, s: Session, plan_id: int, now: datetime, ids: list[int], change: _Change) -> int:
        written = 0
        for turn_id in ids:
            begin_write(s, urgent=True)  # turns opening and timing out keep their time
            pool = (
                s.execute(
                    select(SelectionTurn.pool, SelectionTurn.supplementary).where(SelectionTurn.id == turn_id)
                ).first()
                if store.pools_lock(s)
                else None
            )
            if pool is not None:
                store.lock_pool(s, plan_id, pool.pool, pool.supplementary)
            row = s.scalar(select(SelectionTurn).where(SelectionTurn.id == turn_id).with_for_update())
            events = change(s, self._loaded(s, plan_id), row, now) if row is not None else []
            written += len(events)
            if events:
                store.record_events(s, now, plan_id, events)
            s.commit()
        return written

    def _absent(self, s: Session, plan_id: int, now: datetime) -> int:
        """Passed over and not come by the end of its round: absent (a never-called one may still be there)."""
        ids = s.scalars(
            select(SelectionTurn.id)
            .join(SelectionRound, SelectionRound.id == SelectionTurn.round_id)
            .where(
                SelectionTurn.plan_id == plan_id,
                SelectionTurn.state == sel.TurnState.WAITING.value,
                SelectionTurn.late.is_(True),
                SelectionRound.ends_at <= now,
            )
        ).all()
        s.rollback()

        def absent(s: Session, loaded: store.Loaded, row: SelectionTurn, now: datetime) -> list[Event]:
            if row.state != sel.TurnState.WAITING.value or not row.late:
                return []  # came, or was recorded by another process, meanwhile
            gone = sel.mark_absent(store.as_turn(row, 0), now)
            row.state, row.finished_at, row.reason, row.counter = gone.state.value, now, gone.reason, None
            return [(row.reg_no, "absent", None, None, gone.reason or "")]

        return self._each(s, plan_id, now, list(ids), absent)

    def _pause_quiet(self, s: Session, plan_id: int, now: datetime) -> int:
        quiet = now - self._pause_after
        ids = s.scalars(
            select(SelectionTurn.id).where(
                SelectionTurn.plan_id == plan_id,
                SelectionTurn.state == _OPEN,
                SelectionTurn.paused_remaining.is_(None),
                SelectionTurn.heard_at.is_(None) | (SelectionTurn.heard_at < quiet),
            )
        ).all()
        s.rollback()

        def pause(s: Session, loaded: store.Loaded, row: SelectionTurn, now: datetime) -> list[Event]:
            heard = row.heard_at or row.opened_at
            if row.state != _OPEN or row.paused_remaining is not None or heard is None or heard >= quiet:
                return []
            assert row.opened_at is not None and row.deadline is not None
            last = max(heard, row.opened_at)
            row.paused_remaining = max(0.0, (row.deadline - last).total_seconds())
            return [(row.reg_no, "pause", row.counter, None, f"窗口 {self._pause_after.seconds} 秒无响应")]

        return self._each(s, plan_id, now, list(ids), pause)

    def _time_out(self, s: Session, plan_id: int, now: datetime) -> int:
        ids = s.scalars(
            select(SelectionTurn.id).where(
                SelectionTurn.plan_id == plan_id,
                SelectionTurn.state == _OPEN,
                SelectionTurn.paused_remaining.is_(None),
                SelectionTurn.deadline <= now,
            )
        ).all()
        s.rollback()
        return self._each(s, plan_id, now, list(ids), _auto_pick)

    def _open(self, s: Session, plan_id: int, now: datetime) -> int:
        pools = s.execute(
            select(SelectionTurn.pool, SelectionTurn.supplementary)
            .where(SelectionTurn.plan_id == plan_id, SelectionTurn.state == sel.TurnState.CALLED.value)
            .distinct()
        ).all()
        s.rollback()
        written = 0
        for pool, supplementary in pools:
            waiting = ready_turn(s, plan_id, pool, supplementary) is None
            s.rollback()
            if waiting:  # read first: no write lock taken for a pool with nothing to open
                continue
            begin_write(s, urgent=True)  # turns opening and timing out keep their time
            store.lock_pool(s, plan_id, pool, supplementary)
            events = open_ready(s, self._loaded(s, plan_id), pool, supplementary, now)
            if events:
                store.record_events(s, now, plan_id, events)
            written += len(events)
            s.commit()
        return written


def _auto_pick(s: Session, loaded: store.Loaded, row: SelectionTurn, now: datetime) -> list[Event]:
    """The deadline passed: the first wish still free, or no unit; the insert decides against a counter's."""
    turn = store.as_turn(row, 0, store.wishes_of(s, [row.id]).get(row.id, ()))
    if not sel.expired(turn, now):
        return []
    taken = store.taken_codes(s, loaded.plan.id)
    units = store.pool_units(s, row.pool)
    while True:
        done = sel.time_out(turn, taken, now)
        if done.unit_code is None:
            row.state, row.finished_at, row.reason = done.state.value, now, done.reason
            break
        try:
            with s.begin_nested():
                s.add(
                    SelectionChoice(
                        plan_id=row.plan_id,
                        reg_no=row.reg_no,
                        turn_id=row.id,
                        unit_id=units[done.unit_code][0],
                        how=done.state.value,
                        counter=row.counter,
                        operator=None,
                        chosen_at=now,
                    )
                )
        except IntegrityError:  # chosen at another counter a moment ago: the next wish
            taken = {*taken, done.unit_code}
            continue
        row.state, row.finished_at, row.unit_id = done.state.value, now, units[done.unit_code][0]
        break
    s.flush()
    events: list[Event] = [(row.reg_no, row.state, row.counter, None, done.unit_code or (done.reason or ""))]
    return events + open_ready(s, loaded, row.pool, row.supplementary, now)


async def run(ticker: SelectionTicker, every: float = TICK_SECONDS) -> None:
    """Tick until cancelled; a database away for a moment is logged once and tried again."""
    failures = 0
    while True:
        try:
            await anyio.to_thread.run_sync(ticker.tick)
            failures = 0
        except Exception:
            failures += 1
            if failures == 1:
                log.exception("selection ticker: a pass failed")
        await asyncio.sleep(min(5.0, every * 2**failures) if failures else every)
