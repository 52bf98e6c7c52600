"""Applying a kiosk's outbox message exactly once, keyed by its idempotency key, answering a retry the same way."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

import orjson
from sqlalchemy import Table, bindparam, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from kiosk_central.clock import Clock, to_local_naive
from kiosk_central.db import begin_write
from kiosk_central.services.auth import Principal
from kiosk_central.services.bulk import ListSelect, PlainInsert
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
    # The body as JSON when it is already written out (stored under its key): a batch's answer reuses it.
    text: str | None = field(default=None, compare=False)


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
    """The SHA-256 of the request's canonical JSON: keys sorted, no spaces, UTF-8 as it is (not escaped)."""
    value = {"endpoint": endpoint, "event": event.model_dump(mode="json")}
    if not event.payload.model_extra:
        # Only the payload's declared fields: strings, bounded integers, booleans, null, no floats. orjson
        # writes such a value byte for byte as the json module below does (tests/central/test_request_hash.py),
        # at a sixth of the cost; anything else (a newer kiosk's extra fields) takes the json module.
        try:
            return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()
        except orjson.JSONEncodeError:
            pass  # e.g. a lone surrogate: the json module's path says so as it always has
    return hashlib.sha256(canonical_json(value)).hexdigest()


# json.dumps with a non-default argument builds its encoder on every call: a batch writes a hundred answers.
_ANSWER = json.JSONEncoder(ensure_ascii=False)


def answer_text(body: dict[str, Any]) -> str:
    """An answer as it is stored under its key: ``json.dumps(body, ensure_ascii=False)``'s text."""
    return _ANSWER.encode(body)


def canonical_json(value: Any) -> bytes:
    """What the stored request hashes are of: the json module's sorted, compact, unescaped text as UTF-8."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


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
                    self.check_clock(ctx)
                    outcome = Outcome(accepted_status, apply(session, ctx))
            except _REFUSALS as refused:
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
            keys = [_maybe_key(i.key) for i in items]
            stored = _stored(session, principal, [k for k in keys if k])
            return _Batch(self, session, principal, items, keys, stored, set_wise(session, items)).run()
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
        except _REFUSALS as refused:
            return Outcome(refused.status, refused.body())

    def check_clock(self, ctx: EventContext[Any]) -> None:
        ahead = ctx.event_time - ctx.received_at
        if ahead > self._max_skew:
            raise Rejected(
                f"事件时间 {ctx.event_time:%Y-%m-%d %H:%M} 晚于中心时间 {ctx.received_at:%Y-%m-%d %H:%M}",
                hint="本机时钟不准，请校准时间后重新办理",
                code="event_in_future",
            )


class SetWise(Protocol):
    """A use case that takes a batch's messages of its kind together (registration_batch.RegistrationBatch)."""

    def judge(self, session: Session, ctx: EventContext[Any]) -> dict[str, Any] | None:
        """The answer of a message queued for writing, or None when it must go alone; refusals raise."""

    def flush(self, session: Session) -> bool:
        """Write what was queued; False when nothing could be (its messages then go alone, in order)."""

    def changed(self) -> None:
        """A message applied alone may have changed what the judging read."""


class _Batch:
    """One batch's pass: answers in order, the queued messages written before anything goes alone."""

    def __init__(
        self,
        service: EventService,
        session: Session,
        principal: Principal,
        items: list[BatchWork],
        keys: list[str | None],
        stored: dict[str, _Answer],
        set_wise: Mapping[str, SetWise],
    ) -> None:
        self.service, self.session, self.principal, self.items = service, session, principal, items
        self.keys = keys  # each message's key as parse_key reads it, None if it cannot
        self.set_wise = set_wise
        self.outcomes: list[Outcome] = []
        self.contexts: dict[int, EventContext[Any]] = {}
        # A key answered before this batch, or by a message of this batch (its position).
        self.answered: dict[str, _Answer | int] = dict(stored)
        self.to_store: list[tuple[int, str, str]] = []  # position, key, request hash
        self.queued: dict[str, list[int]] = {}  # positions judged in memory since the last write, by kind

    def run(self) -> list[Outcome]:
        for position, item in enumerate(self.items):
            self.outcomes.append(self._one(position, item))
        self._flush()
        rows = []
        for i, key, digest in self.to_store:
            outcome = self.outcomes[i]
            text = answer_text(outcome.body)
            self.outcomes[i] = Outcome(outcome.status, outcome.body, text)
            rows.append(
                {
                    "key": key,
                    "device_id": self.principal.device_id,
                    "endpoint": self.items[i].endpoint,
                    "request_hash": digest,
                    "status_code": outcome.status,
                    "response": text,
                    "created_at": self.contexts[i].received_at,
                }
            )
        # The answers are stored with the changes. A twin of one of these messages committed meanwhile
        # elsewhere makes this fail: the whole batch is undone and the kiosk sends it again.
        _STORE_ANSWERS.execute(self.session.connection(), rows)
        self.session.commit()
        return self.outcomes

    def _one(self, position: int, item: BatchWork) -> Outcome:
        try:
            key = self.keys[position] or parse_key(item.key)  # parsing again says why it cannot be read
            digest = request_hash(item.endpoint, item.event)
            earlier = self.answered.get(key)
            if earlier is not None:
                return self._replay(earlier, item.endpoint, digest)
        except InvalidRequest as refused:
            return Outcome(refused.status, refused.body())
        event = item.event
        ctx = EventContext(
            self.principal, event.payload, to_local_naive(event.event_time), self.service.now()
        )
        self.answered[key] = position  # the same key again later in this batch replays this answer
        self.to_store.append((position, key, digest))
        self.contexts[position] = ctx
        set_wise = self.set_wise.get(item.endpoint)
        if set_wise is not None:
            try:
                self.service.check_clock(ctx)
                body = set_wise.judge(self.session, ctx)
            except _REFUSALS as refused:
                # Kept with the queue: judged against it (a unit it took), so answered again if it fails.
                self.queued.setdefault(item.endpoint, []).append(position)
                return Outcome(refused.status, refused.body())
            if body is not None:
                self.queued.setdefault(item.endpoint, []).append(position)
                return Outcome(item.accepted_status, body)
        self._flush()
        outcome = self.service.alone(self.session, item, ctx)
        if outcome.status == item.accepted_status:
            for kind in self.set_wise.values():
                kind.changed()
        return outcome

    def _replay(self, earlier: _Answer | int, endpoint: str, digest: str) -> Outcome:
        if isinstance(earlier, _Answer):
            return _replay(earlier, endpoint, digest)
        if any(earlier in queued for queued in self.queued.values()):
            self._flush()  # its answer is final once it is written (or it went alone)
        first = self.items[earlier]
        _same_request(first.endpoint, request_hash(first.endpoint, first.event), endpoint, digest)
        return self.outcomes[earlier]

    def _flush(self) -> None:
        for kind, positions in self.queued.items():
            if not positions:
                continue
            self.queued[kind] = []
            if self.set_wise[kind].flush(self.session):
                continue
            # Another transaction got there first: each message judged against the queue goes alone, in
            # order, as it would have (a refusal too: a unit the queue took may be free after all).
            for i in positions:
                self.outcomes[i] = self.service.alone(self.session, self.items[i], self.contexts[i])
            self.set_wise[kind].changed()


_IDEMPOTENCY: Table = IdempotencyRecord.__table__  # type: ignore[assignment]
# Built once, values bound per message: constructing it for each message of a batch cost more than running it.
_STORE_ANSWERS = PlainInsert(_IDEMPOTENCY)


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
    params = {"keys": keys, "device_id": principal.device_id, "counter": principal.counter}
    found: dict[str, _Answer] = {}
    # The caller's own answer last: it wins.
    # On the session's connection: plain columns need none of the ORM's execution path.
    for key, endpoint, digest, status, response, _own in sorted(
        _STORED.rows(session.connection(), params), key=lambda row: bool(row[5])
    ):
        found[key] = _Answer(endpoint, digest, status, response)
    return found


# Built once, plain rows: the keys of a batch looked up in one statement, its list written out by hand.
_STORED = ListSelect(
    select(
        IdempotencyRecord.key,
        IdempotencyRecord.endpoint,
        IdempotencyRecord.request_hash,
        IdempotencyRecord.status_code,
        IdempotencyRecord.response,
        IdempotencyRecord.device_id == bindparam("device_id"),
    )
    .join(Device, Device.id == IdempotencyRecord.device_id)
    .where(
        IdempotencyRecord.key.in_(bindparam("keys", expanding=True)), Device.counter == bindparam("counter")
    )
)


def _replay(stored: _Answer, endpoint: str, digest: str) -> Outcome:
    _same_request(stored.endpoint, stored.request_hash, endpoint, digest)
    return Outcome(stored.status_code, json.loads(stored.response), stored.response)


def _same_request(stored_endpoint: str, stored_digest: str, endpoint: str, digest: str) -> None:
    if stored_endpoint != endpoint or stored_digest != digest:
        raise InvalidRequest(
            "同一幂等键已用于内容不同的请求，本次请求未处理",
            hint="每条发件箱记录须有自己的幂等键；请勿修改已发送记录的内容",
            code="idempotency_key_reused",
        )
