"""A batch of one kiosk's outbox messages applied in one transaction, each answered as its single endpoint would
answer it; the kinds taken set-wise (registrations) judged in memory and written together."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from kiosk_central.clock import to_local_naive
from kiosk_central.services.auth import Principal
from kiosk_central.services.errors import InvalidRequest
from kiosk_central.services.event_keys import (
    STORE_ANSWERS,
    StoredAnswer,
    answer_text,
    parse_key,
    replay,
    request_hash,
    same_request,
)
from kiosk_central.services.event_values import REFUSALS, BatchWork, EventContext, Outcome, SetWise


class Applier(Protocol):
    """What a batch asks of the event service (EventService)."""

    def now(self) -> datetime: ...

    def alone(self, session: Session, item: BatchWork, ctx: EventContext[Any]) -> Outcome: ...

    def check_clock(self, ctx: EventContext[Any]) -> None: ...


class Batch:
    """One batch's pass: answers in order, the queued messages written before anything goes alone."""

    def __init__(
        self,
        service: Applier,
        session: Session,
        principal: Principal,
        items: list[BatchWork],
        keys: list[str | None],
        stored: dict[str, StoredAnswer],
        set_wise: Mapping[str, SetWise],
    ) -> None:
        self.service, self.session, self.principal, self.items = service, session, principal, items
        self.keys = keys  # each message's key as parse_key reads it, None if it cannot
        self.set_wise = set_wise
        self.outcomes: list[Outcome] = []
        self.contexts: dict[int, EventContext[Any]] = {}
        # A key answered before this batch, or by a message of this batch (its position).
        self.answered: dict[str, StoredAnswer | int] = dict(stored)
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
        STORE_ANSWERS.execute(self.session.connection(), rows)
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
            except REFUSALS as refused:
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

    def _replay(self, earlier: StoredAnswer | int, endpoint: str, digest: str) -> Outcome:
        if isinstance(earlier, StoredAnswer):
            return replay(earlier, endpoint, digest)
        if any(earlier in queued for queued in self.queued.values()):
            self._flush()  # its answer is final once it is written (or it went alone)
        first = self.items[earlier]
        same_request(first.endpoint, request_hash(first.endpoint, first.event), endpoint, digest)
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
