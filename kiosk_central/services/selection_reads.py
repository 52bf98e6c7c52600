"""Reading a selection: the state (cached per selection version: twenty counters and the hall screens re-read
it after every change), a turn, a sheet; a counter's read is its heartbeat for the turn at it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.clock import Clock, wire_time
from kiosk_central.db import begin_write
from kiosk_central.services import selection_store as store
from kiosk_central.services import selection_views
from kiosk_central.services.auth import Principal
from kiosk_central.tables import SelectionTurn
from kiosk_core import selection as sel
from kiosk_core.selection_wire import SelectionState, SheetData, TurnRow

Event = tuple[str | None, str, str | None, str | None, str]
AT_COUNTER = (sel.TurnState.CALLED.value, sel.TurnState.OPEN.value)


@dataclass(frozen=True)
class _Built:
    version: int
    full: SelectionState  # as counters read it
    public: SelectionState  # as the hall reads it: masked, no lists


class SelectionReader:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        # plan_code -> the state built last: nothing in a state moves without an event but the clock, which
        # retime() applies to a copy. Twenty counters and the hall screens read after each change: one builds,
        # the others wait for it (a lock per plan) and take the same.
        self._states: dict[str, _Built] = {}
        self._building: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def read_state(
        self, session: Session, plan_code: str, principal: Principal | None = None
    ) -> SelectionState:
        """The state at the centre's clock; ``principal`` None: the public one (masked, no lists)."""
        now = self._clock()
        try:
            loaded = store.load_plan(session, plan_code)
            if principal is not None:
                self._heard(session, loaded, principal.counter, now)
            built = self._built(session, loaded, now)
            return retime(built.full if principal is not None else built.public, now)
        finally:
            session.rollback()

    def _built(self, session: Session, loaded: store.Loaded, now: datetime) -> _Built:
        code = loaded.plan.code
        version = versions.current(session, store.COUNTER)
        with self._lock:
            cached = self._states.get(code)
            building = self._building.setdefault(code, threading.Lock())
        if cached is not None and cached.version >= version:  # a newer one built meanwhile is newer still
            return cached
        with building:
            with self._lock:
                cached = self._states.get(code)
            if cached is not None and cached.version >= version:
                return cached
            full = selection_views.state(session, loaded, now)
            built = _Built(full["version"], full, selection_views.public(full))
            with self._lock:
                if code not in self._states or self._states[code].version <= built.version:
                    self._states[code] = built
            return built

    def read_turn(self, session: Session, plan_code: str, reg_no: str) -> TurnRow:
        try:
            return selection_views.turn(session, store.load_plan(session, plan_code), reg_no, self._clock())
        finally:
            session.rollback()

    def sheet(self, session: Session, plan_code: str, reg_no: str, verify_url: str) -> SheetData:
        try:
            return selection_views.sheet(session, store.load_plan(session, plan_code), reg_no, verify_url)
        finally:
            session.rollback()

    def _heard(self, session: Session, loaded: store.Loaded, counter: str, now: datetime) -> None:
        stale = session.scalars(
            select(SelectionTurn.id).where(
                SelectionTurn.plan_id == loaded.plan.id,
                SelectionTurn.counter == counter,
                SelectionTurn.state.in_(AT_COUNTER),
                (SelectionTurn.heard_at.is_(None)) | (SelectionTurn.heard_at < now),
            )
        ).all()
        session.rollback()
        if not stale:
            return
        begin_write(session)
        events: list[tuple[object, ...]] = []
        for row in session.scalars(select(SelectionTurn).where(SelectionTurn.id.in_(stale))):
            events += store.hear(row, now)
        if events:
            store.record_events(session, now, loaded.plan.id, events)
        session.commit()


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone().replace(tzinfo=None)


def retime(state: SelectionState, now: datetime) -> SelectionState:
    """A state read earlier, at ``now``: the server time, the rounds' states and the running countdowns."""
    rounds = [
        {**r, "state": selection_views.times_state(_local(r["starts_at"]), _local(r["ends_at"]), now).value}
        for r in state["rounds"]
    ]
    turns = [
        t
        if t["state"] != sel.TurnState.OPEN.value or t["paused"] or t["deadline"] is None
        else {**t, "remaining_seconds": max(0.0, (_local(t["deadline"]) - now).total_seconds())}
        for t in state["turns"]
    ]
    return {**state, "server_time": wire_time(now), "rounds": rounds, "turns": turns}  # type: ignore[typeddict-item]
