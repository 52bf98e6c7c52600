"""On-site selection at the centre: the counters' steps on a household's turn, each once per Idempotency-Key.

The centre's clock decides; the counter is the device's, never the body's. A unit is chosen by inserting
``selection_choices``, whose unique unit and household make a second choice fail in the database, whatever
was checked before (the refusal then carries the household's refreshed turn). Every change writes an event:
the audit, and the push channel's version (docs/central-api.md, "Selection").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk_central.services import selection_setup, selection_ticker, selection_views
from kiosk_central.services import selection_store as store
from kiosk_central.services.auth import Principal
from kiosk_central.services.draw_requests import Answer, once
from kiosk_central.services.errors import InvalidRequest
from kiosk_central.services.selection_reads import AT_COUNTER, Event, SelectionReader
from kiosk_central.tables import SelectionChoice, SelectionRound, SelectionTurn, SelectionWish
from kiosk_core import selection as sel
from kiosk_core.selection_wire import SelectionState, TurnRow

Change = Callable[[store.Loaded, SelectionTurn, sel.Turn, datetime], list[Event]]


class SelectionService(SelectionReader):
    # --- a supervisor's arrangements ---

    def create(
        self, session: Session, principal: Principal, key: str | None, plan_code: str, body: dict[str, Any]
    ) -> Answer:
        operator = store.require_supervisor(principal)

        def apply() -> SelectionState:
            now = self._clock()
            loaded = selection_setup.create(session, operator, now, plan_code, **body)
            return selection_views.state(session, loaded, now)

        return once(
            session, principal, key, "selection_create", _request(plan_code, body), apply, self._clock
        )

    def supplementary_round(
        self, session: Session, principal: Principal, key: str | None, plan_code: str, body: dict[str, Any]
    ) -> Answer:
        operator = store.require_supervisor(principal)

        def apply() -> SelectionState:
            now = self._clock()
            loaded = selection_setup.supplementary_round(session, operator, now, plan_code, **body)
            return selection_views.state(session, loaded, now)

        request = _request(plan_code, body)
        return once(session, principal, key, "selection_supplementary_round", request, apply, self._clock)

    # --- a counter's steps ---

    def call(self, session: Session, principal: Principal, key: str | None, plan_code: str) -> Answer:
        """The next household for this counter: late arrivals first, then the running rounds in rank order."""

        def apply() -> TurnRow:
            now = self._clock()
            loaded = store.load_plan(session, plan_code)
            plan_id = loaded.plan.id
            busy = session.scalar(
                select(SelectionTurn.reg_no).where(
                    SelectionTurn.plan_id == plan_id,
                    SelectionTurn.counter == principal.counter,
                    SelectionTurn.state.in_(AT_COUNTER),
                )
            )
            if busy is not None:
                raise store.SelectionRefused(
                    f"本窗口正在办理登记 {busy} 的家庭",
                    hint="请先办完（确认、放弃或标为未到），再叫下一户",
                    code="counter_busy",
                )
            rounds = {
                r.id: r
                for r in session.scalars(select(SelectionRound).where(SelectionRound.plan_id == plan_id))
            }
            started = {
                r.round_no
                for r in rounds.values()
                if selection_views.round_state(r, now) is not sel.RoundState.UPCOMING
            }
            rows = {
                t.reg_no + ("+" if t.supplementary else ""): t
                for t in session.scalars(
                    select(SelectionTurn).where(
                        SelectionTurn.plan_id == plan_id, SelectionTurn.state == sel.TurnState.WAITING.value
                    )
                )
            }
            # Called by call_rank: the pool's order within each round (the draw's rank is what is shown).
            turns = {
                k: replace(store.as_turn(t, rounds[t.round_id].round_no), rank=t.call_rank)
                for k, t in rows.items()
            }
            while (chosen := sel.next_to_call(turns.values(), started)) is not None:
                k = chosen.reg_no + ("+" if chosen.supplementary else "")
                row = rows[k]
                # Conditional: two counters calling at once never get the same household.
                claimed = getattr(
                    session.execute(
                        update(SelectionTurn)
                        .where(
                            SelectionTurn.id == row.id,
                            SelectionTurn.state == sel.TurnState.WAITING.value,
                            SelectionTurn.late.is_(False),
                        )
                        .values(
                            state=sel.TurnState.CALLED.value,
                            counter=principal.counter,
                            called_at=now,
                            heard_at=now,
                        )
                        .execution_options(synchronize_session="fetch")
                    ),
                    "rowcount",
                    0,
                )
                if claimed:
                    store.record_events(
                        session,
                        now,
                        plan_id,
                        [(row.reg_no, "call", principal.counter, store.operator_name(principal), "")],
                    )
                    return selection_views.turn(session, loaded, row.reg_no, now)
                del turns[k]
            raise store.SelectionRefused(
                "本场次没有等待叫号的家庭", hint="请等下一场次开始，或等迟到的家庭到场", code="no_one_waiting"
            )

        return once(session, principal, key, "selection_call", {"plan": plan_code}, apply, self._clock)

    def not_here(
        self, session: Session, principal: Principal, key: str | None, plan: str, reg_no: str
    ) -> Answer:
        def change(loaded: store.Loaded, row: SelectionTurn, turn: sel.Turn, now: datetime) -> list[Event]:
            sel.check_counter(turn, principal.counter)
            passed = sel.pass_over(turn)
            row.state, row.late, row.counter = passed.state.value, True, None
            events = [_event(row, "not_here", principal)]
            return events + selection_ticker.open_ready(session, loaded, row.pool, row.supplementary, now)

        return self._on_turn(session, principal, key, plan, reg_no, "selection_not_here", {}, change)

    def arrived(
        self, session: Session, principal: Principal, key: str | None, plan: str, reg_no: str
    ) -> Answer:
        def change(loaded: store.Loaded, row: SelectionTurn, turn: sel.Turn, now: datetime) -> list[Event]:
            pool = store.pool_rows(session, loaded.plan.id, row.pool, row.supplementary)
            came = sel.arrive(turn, [store.as_turn(t, 0) for t in pool])
            row.late, row.requeued, row.queue_pos = False, came.requeued, came.queue_pos
            return [_event(row, "arrived", principal, f"排位 {came.queue_pos}")]

        return self._on_turn(session, principal, key, plan, reg_no, "selection_arrived", {}, change)

    def redeclare(
        self, session: Session, principal: Principal, key: str | None, plan: str, reg_no: str, operator: str
    ) -> Answer:
        operator = operator.strip()
        if not operator:
            raise InvalidRequest("请填写记录重新声明的工作人员", code="operator_missing")

        def change(loaded: store.Loaded, row: SelectionTurn, turn: sel.Turn, now: datetime) -> list[Event]:
            sel.check_counter(turn, principal.counter)
            done = sel.redeclare(turn, now, operator)
            row.redeclared_at, row.redeclared_by = done.redeclared_at, operator
            events = [_event(row, "redeclare", principal, operator)]
            session.flush()
            return events + selection_ticker.open_ready(session, loaded, row.pool, row.supplementary, now)

        request = {"operator": operator}
        return self._on_turn(session, principal, key, plan, reg_no, "selection_redeclare", request, change)

    def set_wishes(
        self,
        session: Session,
        principal: Principal,
        key: str | None,
        plan: str,
        reg_no: str,
        units: list[str],
    ) -> Answer:
        def change(loaded: store.Loaded, row: SelectionTurn, turn: sel.Turn, now: datetime) -> list[Event]:
            _at_counter(turn, principal.counter)
            if turn.redeclared_at is None:
                raise sel.NotRedeclared()
            known = store.pool_units(session, row.pool)
            taken = store.taken_codes(session, loaded.plan.id)
            wishes = sel.check_wishes(units, {c: info for c, (_, info) in known.items()}, taken, turn.wishes)
            session.execute(delete(SelectionWish).where(SelectionWish.turn_id == row.id))
            if wishes:
                rows = [
                    {"turn_id": row.id, "position": n, "unit_id": known[c][0]}
                    for n, c in enumerate(wishes, 1)
                ]
                session.execute(insert(SelectionWish), rows)
            return [_event(row, "wishes", principal, "、".join(wishes))]

        request = {"units": units}
        return self._on_turn(session, principal, key, plan, reg_no, "selection_wishes", request, change)

    def confirm(
        self, session: Session, principal: Principal, key: str | None, plan: str, reg_no: str, unit_code: str
    ) -> Answer:
        def change(loaded: store.Loaded, row: SelectionTurn, turn: sel.Turn, now: datetime) -> list[Event]:
            sel.check_counter(turn, principal.counter)
            taken = store.taken_codes(session, loaded.plan.id)
            try:
                sel.check_confirm(turn, unit_code, taken, now)
            except sel.UnitTaken as e:
                raise store.refusal(e, turn=selection_views.turn(session, loaded, reg_no, now)) from None
            unit_id = store.unit_id(session, row.pool, unit_code)
            if unit_id is None:  # wished when it was the pool's, gone from the catalog since
                raise store.refusal(sel.UnitNotInPool(unit_code))
            try:
                with session.begin_nested():
                    session.add(_choice(row, unit_id, sel.TurnState.CONFIRMED, principal, now))
            except IntegrityError:  # another counter's choice of the unit committed first: the arbitration
                refreshed = selection_views.turn(session, loaded, reg_no, now)
                raise store.refusal(sel.UnitTaken(unit_code), turn=refreshed) from None
            row.state, row.unit_id, row.finished_at = sel.TurnState.CONFIRMED.value, unit_id, now
            row.paused_remaining = None
            events = [_event(row, "confirm", principal, unit_code)]
            session.flush()
            return events + selection_ticker.open_ready(session, loaded, row.pool, row.supplementary, now)

        request = {"unit_code": unit_code}
        # Urgent: the formal turn's timer runs, and the calls and wish lists of other counters can wait.
        return self._on_turn(
            session, principal, key, plan, reg_no, "selection_confirm", request, change, urgent=True
        )

    def decline(
        self, session: Session, principal: Principal, key: str | None, plan: str, reg_no: str, reason: str
    ) -> Answer:
        def change(loaded: store.Loaded, row: SelectionTurn, turn: sel.Turn, now: datetime) -> list[Event]:
            _at_counter(turn, principal.counter)
            done = sel.decline(turn, reason, now)
            row.state, row.finished_at, row.reason = done.state.value, now, done.reason
            row.paused_remaining = None
            events = [_event(row, "decline", principal, done.reason or "")]
            session.flush()
            return events + selection_ticker.open_ready(session, loaded, row.pool, row.supplementary, now)

        request = {"reason": reason}
        return self._on_turn(
            session, principal, key, plan, reg_no, "selection_decline", request, change, urgent=True
        )

    def apply_supplementary(
        self, session: Session, principal: Principal, key: str | None, plan: str, reg_no: str
    ) -> Answer:
        def change(loaded: store.Loaded, row: SelectionTurn, turn: sel.Turn, now: datetime) -> list[Event]:
            sel.supplementary_allowed(turn, now, loaded.selection.supplementary_deadline)
            if row.applied_at is not None:
                return []
            row.applied_at = now
            return [_event(row, "supplementary_apply", principal)]

        return self._on_turn(session, principal, key, plan, reg_no, "selection_supplementary", {}, change)

    def move(self, session: Session, principal: Principal, key: str | None, plan: str, reg_no: str) -> Answer:
        """A supervisor takes a household's turn over to this counter (its counter went down, say)."""
        store.require_supervisor(principal)

        def change(loaded: store.Loaded, row: SelectionTurn, turn: sel.Turn, now: datetime) -> list[Event]:
            if turn.state.value not in AT_COUNTER:
                raise sel.NotCalled() if turn.state is sel.TurnState.WAITING else sel.TurnFinished(turn.state)
            was = row.counter
            row.counter, row.heard_at = principal.counter, now
            return [_event(row, "move", principal, f"{was} → {principal.counter}")]

        return self._on_turn(session, principal, key, plan, reg_no, "selection_move", {}, change)

    def _on_turn(
        self,
        session: Session,
        principal: Principal,
        key: str | None,
        plan_code: str,
        reg_no: str,
        endpoint: str,
        request: dict[str, Any],
        change: Change,
        *,
        urgent: bool = False,
    ) -> Answer:
        def apply() -> TurnRow:
            now = self._clock()
            loaded = store.load_plan(session, plan_code)
            store.lock_turns_pool(session, loaded.plan.id, reg_no)
            row = store.turn_row(session, loaded.plan.id, reg_no, lock=True)
            events = store.hear(row, now) if row.counter == principal.counter else []
            round_no = session.scalar(
                select(SelectionRound.round_no).where(SelectionRound.id == row.round_id)
            )
            wishes = store.wishes_of(session, [row.id]).get(row.id, ())
            try:
                events += change(loaded, row, store.as_turn(row, round_no or 0, wishes), now)
            except sel.SelectionError as e:
                raise store.refusal(e) from None
            store.record_events(session, now, loaded.plan.id, events)
            return selection_views.turn_of(session, loaded, row, round_no or 0, now)

        full = {"plan": plan_code, "reg_no": reg_no, **request}
        return once(session, principal, key, endpoint, full, apply, self._clock, urgent=urgent)


def _request(plan_code: str, body: dict[str, Any]) -> dict[str, Any]:
    """What the key's request hash covers (times as text)."""
    return {"plan": plan_code} | {k: v.isoformat() if isinstance(v, datetime) else v for k, v in body.items()}


def _at_counter(turn: sel.Turn, counter: str) -> None:
    """The household is at this counter (called or in its formal turn)."""
    if turn.state.value not in AT_COUNTER:
        raise sel.NotCalled() if turn.state is sel.TurnState.WAITING else sel.TurnFinished(turn.state)
    sel.check_counter(turn, counter)


def _event(row: SelectionTurn, action: str, principal: Principal, detail: str = "") -> Event:
    return (row.reg_no, action, principal.counter, store.operator_name(principal), detail)


def _choice(
    row: SelectionTurn, unit_id: int, how: sel.TurnState, principal: Principal | None, now: datetime
) -> SelectionChoice:
    return SelectionChoice(
        plan_id=row.plan_id,
        reg_no=row.reg_no,
        turn_id=row.id,
        unit_id=unit_id,
        how=how.value,
        counter=row.counter,
        operator=store.operator_name(principal) if principal else None,
        chosen_at=now,
    )
