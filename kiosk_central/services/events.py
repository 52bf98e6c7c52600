"""Applying a kiosk's outbox message exactly once, keyed by its idempotency key, answering a retry the same way.

The keys and the answers stored under them are in event_keys, a batch's pass in event_batch, the values in
event_values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from kiosk_central.clock import Clock, to_local_naive
from kiosk_central.db import begin_write
from kiosk_central.services.auth import Principal
from kiosk_central.services.errors import Busy, Rejected
from kiosk_central.services.event_batch import Batch
from kiosk_central.services.event_keys import (
    answer_text,
    maybe_key,
    parse_key,
    replay,
    request_hash,
    stored_answers,
)
from kiosk_central.services.event_values import REFUSALS, BatchWork, EventContext, Outcome, SetWise
from kiosk_central.services.payloads import AnyEvent
from kiosk_central.tables import IdempotencyRecord

# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available, query_canceled (statement_timeout).
_RETRYABLE = {"40P01", "40001", "55P03", "57014"}


class EventService:
    def __init__(self, clock: Clock, max_skew: timedelta = timedelta(minutes=10)) -> None:
        self._clock = clock
        self._max_skew = max_skew

    def handle(
        self,
        session: Session,
        *,
        endpoint: str,
        key: str | None,
        principal: Principal,
        event: AnyEvent,
        apply: Callable[[Session, EventContext[Any]], dict[str, Any]],
        accepted_status: int,
    ) -> Outcome:
        """Claim the key, apply the event in a savepoint, store the answer with the change, commit.

        The key is inserted first: a twin of this request in flight waits on it, then reads our answer.
        A rejection is stored too, so a retry is rejected the same way even if the world changed since.
        """
        key = parse_key(key)
        digest = request_hash(endpoint, event)
        try:
            begin_write(session)
            stored = stored_answers(session, principal, [key]).get(key)
            if stored is not None:
                return replay(stored, endpoint, digest)
            now = self._clock()
            record = IdempotencyRecord(
                key=key,
                device_id=principal.device_id,
                endpoint=endpoint,
                request_hash=digest,
                status_code=0,
                response="",
                created_at=now,
            )
            session.add(record)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                return replay(stored_answers(session, principal, [key])[key], endpoint, digest)
            ctx = EventContext(principal, event.payload, to_local_naive(event.event_time), now)
            try:
                with session.begin_nested():
                    self.check_clock(ctx)
                    outcome = Outcome(accepted_status, apply(session, ctx))
            except REFUSALS as refused:
                outcome = Outcome(refused.status, refused.body())
            record.status_code = outcome.status
            record.response = answer_text(outcome.body)
            session.commit()
            return outcome
        except DBAPIError as e:
            session.rollback()
            if getattr(e.orig, "sqlstate", None) in _RETRYABLE or "database is locked" in str(e.orig):
                raise Busy("中心数据库繁忙，本条记录未处理", hint="稍后会自动重发", code="busy") from e
            raise

    def handle_batch(
        self,
        session: Session,
        principal: Principal,
        items: list[BatchWork],
        set_wise: Callable[[Session, list[BatchWork]], Mapping[str, SetWise]] = lambda _s, _items: {},
    ) -> list[Outcome]:
        """Several messages of one kiosk, in order, in one transaction: one commit instead of one per message.

        Each message is answered exactly as its single endpoint would answer it, in its place, and its answer
        is stored under its key the same way (a retry either way replays it). Kinds that ``set_wise`` takes
        (registrations) are judged in memory and written together; a message that is refused has written
        nothing, and one that may conflict with what is already there goes alone under its own savepoint,
        as does every message of another kind, so one refusal never undoes the others. If the database is
        busy, nothing is kept and the kiosk sends the batch again.
        """
        try:
            begin_write(session)
            # One query for the keys already answered, instead of one per message.
            keys = [maybe_key(i.key) for i in items]
            stored = stored_answers(session, principal, [k for k in keys if k])
            return Batch(self, session, principal, items, keys, stored, set_wise(session, items)).run()
        except DBAPIError as e:
            session.rollback()
            twin = isinstance(e, IntegrityError) and "idempotency_keys" in str(e.orig)
            if twin or getattr(e.orig, "sqlstate", None) in _RETRYABLE or "database is locked" in str(e.orig):
                raise Busy("中心数据库繁忙，本批记录未处理", hint="稍后会自动重发", code="busy") from e
            raise

    def now(self) -> datetime:
        return self._clock()

    def alone(self, session: Session, item: BatchWork, ctx: EventContext[Any]) -> Outcome:
        """One message through its single endpoint's use case, under its own savepoint."""
        try:
            with session.begin_nested():
                self.check_clock(ctx)
                return Outcome(item.accepted_status, item.apply(session, ctx))
        except REFUSALS as refused:
            return Outcome(refused.status, refused.body())

    def check_clock(self, ctx: EventContext[Any]) -> None:
        ahead = ctx.event_time - ctx.received_at
        if ahead > self._max_skew:
            raise Rejected(
                f"事件时间 {ctx.event_time:%Y-%m-%d %H:%M} 晚于中心时间 {ctx.received_at:%Y-%m-%d %H:%M}",
                hint="本机时钟不准，请校准时间后重新办理",
                code="event_in_future",
            )
