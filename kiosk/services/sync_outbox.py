"""The sync round's sending: the outbox, oldest first, in batches, with the centre's answers kept here as they come."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from sqlalchemy import Table, select

from kiosk.services import audit
from kiosk.services.central_client import EventAnswer, OutboxItem
from kiosk.services.central_session import CentralSession
from kiosk.services.clock import Clock
from kiosk.services.settle import record_answers
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core.wire import EventKind

BATCH_SIZE = 100  # one request and one local commit per hundred messages


def send_outbox(
    uow: UnitOfWorkFactory,
    clock: Clock,
    session: CentralSession,
    batch_size: int,
    progress: Callable[[float], None] | None = None,
) -> int:
    """Oldest first, in batches; stops at the first network failure so order is kept. Returns how many."""
    with uow() as u:
        pending = [
            (msg_id, OutboxItem(key, EventKind(kind), event_time, payload))
            for msg_id, key, kind, event_time, payload in u.session.execute(_UNSENT)
        ]
        head = audit.head_of(u.session)  # the audit chain's head rides with every batch of the round
    # Every request of the round tells the centre how many wait here (the lottery's freeze looks).
    session.client.unsent = len(pending)
    chunks = [pending[i : i + batch_size] for i in range(0, len(pending), batch_size)]
    if not chunks:
        return 0

    def post(chunk: list[tuple[int, OutboxItem]]) -> list[EventAnswer]:
        items = [item for _, item in chunk]
        return session.call(partial(session.client.post_batch, items, head.to_wire() if head else None))

    # The next batch travels while this one's answers are committed here: the centre's work and the
    # counter's fsync overlap. Batches still go in order, each only after the one before was answered; a
    # failure stops the drain after the answers already received are kept (a batch the centre took but
    # whose answers were not kept here is sent again, and answered from the centre's stored answers).
    with ThreadPoolExecutor(1, thread_name_prefix="kiosk-sync-send") as sender:
        in_flight = sender.submit(post, chunks[0])
        sent = 0
        for number, chunk in enumerate(chunks):
            answers = in_flight.result()
            if number + 1 < len(chunks):
                in_flight = sender.submit(post, chunks[number + 1])
            _record_answers(uow, clock, chunk, answers)
            sent += len(chunk)
            session.client.unsent = len(pending) - sent
            if progress:
                progress(min(1.0, sent / len(pending)))
    return len(pending)


def _record_answers(
    uow: UnitOfWorkFactory, clock: Clock, chunk: list[tuple[int, OutboxItem]], answers: list[EventAnswer]
) -> None:
    """One transaction for the whole batch: the centre has stored these answers, a crash here resends.

    The common case (accepted) is two bulk updates; only turned-down registrations go row by row.
    """
    now = clock()
    with uow() as u:
        record_answers(u.session, chunk, answers, now)
        u.commit()


# Plain rows, built once: a drain reads thousands of messages, and loading each as an ORM object cost more
# than reading it.
_OUTBOX: Table = t.OutboxMessage.__table__  # type: ignore[assignment]
_UNSENT = (
    select(_OUTBOX.c.id, _OUTBOX.c.idempotency_key, _OUTBOX.c.kind, _OUTBOX.c.event_time, _OUTBOX.c.payload)
    .where(_OUTBOX.c.sent_at.is_(None))
    .order_by(_OUTBOX.c.id)
)
