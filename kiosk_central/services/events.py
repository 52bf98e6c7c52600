"""Applying a kiosk's outbox message exactly once, keyed by its idempotency key, answering a retry the same way."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from kiosk_central.clock import Clock, to_local_naive
from kiosk_central.db import begin_write
from kiosk_central.services.auth import Principal
from kiosk_central.services.errors import Busy, Forbidden, InvalidRequest, Rejected
from kiosk_central.services.payloads import AnyEvent
from kiosk_central.tables import Device, IdempotencyRecord

P = TypeVar("P")
# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available, query_canceled (statement_timeout).
_RETRYABLE = {"40P01", "40001", "55P03", "57014"}
# What a use case refuses with: the answer is stored under the key like an acceptance.
_REFUSALS = (Rejected, InvalidRequest, Forbidden)


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class BatchWork:
    """One message of a batch, resolved to its endpoint and use case."""

    endpoint: str
    key: str
    event: AnyEvent
    apply: Callable[[Session, EventContext[Any]], dict[str, Any]]
    accepted_status: int


@dataclass(frozen=True)
class EventContext(Generic[P]):
    """What a use case gets: who sent it, the kiosk's payload, when it happened there and when it arrived."""

    principal: Principal
    payload: P
    event_time: datetime
    received_at: datetime


def parse_key(raw: str | None) -> str:
    if not raw:
        raise InvalidRequest(
            "缺少幂等键",
            hint="请求须带 Idempotency-Key 头（发件箱记录的 UUID）",
            code="idempotency_key_missing",
        )
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise InvalidRequest(
            f"幂等键格式不对：{raw[:40]}", hint="应为 UUID，例如 1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            code="idempotency_key_format",
        ) from None  # fmt: skip


def request_hash(endpoint: str, event: AnyEvent) -> str:
    canonical = json.dumps(
        {"endpoint": endpoint, "event": event.model_dump(mode="json")},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


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
            stored = _stored(session, principal, [key]).get(key)
            if stored is not None:
                return _replay(stored, endpoint, digest)
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
                return _replay(_stored(session, principal, [key])[key], endpoint, digest)
            ctx = EventContext(principal, event.payload, to_local_naive(event.event_time), now)
            try:
                with session.begin_nested():
                    self._check_clock(ctx)
                    outcome = Outcome(accepted_status, apply(session, ctx))
            except _REFUSALS as refused:
                outcome = Outcome(refused.status, refused.body())
            record.status_code = outcome.status
            record.response = json.dumps(outcome.body, ensure_ascii=False)
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
        prepare: Callable[[Session, list[BatchWork]], None] = lambda _s, _items: None,
    ) -> list[Outcome]:
        """Several messages of one kiosk, in order, in one transaction: one commit instead of one per message.

        Each message gets its own savepoint, so one rejection does not undo the others, and its answer is
        stored under its key exactly as the single-message endpoints store it (a retry either way replays it).
        If the database is busy, the messages answered so far are kept and the rest are left for a retry.
        ``prepare`` reads what the messages will need in one go, inside the transaction (registrations.prefetch).
        """
        outcomes: list[Outcome] = []
        try:
            begin_write(session)
            # One query for the keys already answered, instead of one per message.
            stored = _stored(session, principal, [k for k in (_maybe_key(i.key) for i in items) if k])
            prepare(session, items)
            for item in items:
                outcomes.append(self._one_of_batch(session, principal, item, stored))
            session.commit()
            return outcomes
        except DBAPIError as e:
            session.rollback()
            twin = isinstance(e, IntegrityError) and "idempotency_keys" in str(e.orig)
            if twin or getattr(e.orig, "sqlstate", None) in _RETRYABLE or "database is locked" in str(e.orig):
                raise Busy("中心数据库繁忙，本批记录未处理", hint="稍后会自动重发", code="busy") from e
            raise

    def _one_of_batch(
        self, session: Session, principal: Principal, item: BatchWork, answered: dict[str, _Answer]
    ) -> Outcome:
        try:
            key = parse_key(item.key)
            digest = request_hash(item.endpoint, item.event)
            stored = answered.get(key)
            if stored is not None:
                return _replay(stored, item.endpoint, digest)
        except InvalidRequest as refused:
            return Outcome(refused.status, refused.body())
        now = self._clock()
        ctx = EventContext(principal, item.event.payload, to_local_naive(item.event.event_time), now)
        try:
            with session.begin_nested():
                self._check_clock(ctx)
                outcome = Outcome(item.accepted_status, item.apply(session, ctx))
        except _REFUSALS as refused:
            outcome = Outcome(refused.status, refused.body())
        # The answer is stored with the change, in one plain insert. A twin of this message committed
        # meanwhile elsewhere makes it fail: the whole batch is undone and the kiosk sends it again.
        answer = _Answer(item.endpoint, digest, outcome.status, json.dumps(outcome.body, ensure_ascii=False))
        session.connection().execute(
            _STORE_ANSWER,
            {
                "key": key,
                "device_id": principal.device_id,
                "endpoint": answer.endpoint,
                "request_hash": answer.request_hash,
                "status_code": answer.status_code,
                "response": answer.response,
                "created_at": now,
            },
        )
        answered[key] = answer  # the same key again later in this batch replays it
        return outcome

    def _check_clock(self, ctx: EventContext[Any]) -> None:
        ahead = ctx.event_time - ctx.received_at
        if ahead > self._max_skew:
            raise Rejected(
                f"事件时间 {ctx.event_time:%Y-%m-%d %H:%M} 晚于中心时间 {ctx.received_at:%Y-%m-%d %H:%M}",
                hint="本机时钟不准，请校准时间后重新办理",
                code="event_in_future",
            )


_IDEMPOTENCY: Table = IdempotencyRecord.__table__  # type: ignore[assignment]
# Built once, values bound per message: constructing it for each message of a batch cost more than running it.
_STORE_ANSWER = insert(_IDEMPOTENCY)


def _maybe_key(raw: str) -> str | None:
    try:
        return parse_key(raw)
    except InvalidRequest:
        return None


@dataclass(frozen=True)
class _Answer:
    endpoint: str
    request_hash: str
    status_code: int
    response: str


def _stored(session: Session, principal: Principal, keys: list[str]) -> dict[str, _Answer]:
    """The answers stored under these keys for the caller's counter: its device's, or a device it replaced.

    Another counter's device sending the same key never reads them: its message is its own, judged on its
    own. A counter re-enrolled with ``enroll-device --replace`` (one active device per counter) may resend
    what its old device had answered; it gets that answer, so nothing is applied twice.
    """
    if not keys:
        return {}
    rows = session.execute(
        select(IdempotencyRecord, IdempotencyRecord.device_id == principal.device_id)
        .join(Device, Device.id == IdempotencyRecord.device_id)
        .where(IdempotencyRecord.key.in_(keys), Device.counter == principal.counter)
    ).all()
    found: dict[str, _Answer] = {}
    for record, _own in sorted(rows, key=lambda row: bool(row[1])):  # the caller's own answer last: it wins
        found[record.key] = _Answer(record.endpoint, record.request_hash, record.status_code, record.response)
    return found


def _replay(stored: _Answer, endpoint: str, digest: str) -> Outcome:
    if stored.endpoint != endpoint or stored.request_hash != digest:
        raise InvalidRequest(
            "同一幂等键已用于内容不同的请求，本次请求未处理",
            hint="每条发件箱记录须有自己的幂等键；请勿修改已发送记录的内容",
            code="idempotency_key_reused",
        )
    return Outcome(stored.status_code, json.loads(stored.response))
