"""What a kiosk's outbox message is at the centre: the context a use case gets, a batch's work, the answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from kiosk_central.services.auth import Principal
from kiosk_central.services.errors import Forbidden, InvalidRequest, Rejected
from kiosk_central.services.payloads import AnyEvent

P = TypeVar("P")
# What a use case refuses with: the answer is stored under the key like an acceptance.
REFUSALS = (Rejected, InvalidRequest, Forbidden)


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


class SetWise(Protocol):
    """A use case that takes a batch's messages of its kind together (registration_batch.RegistrationBatch)."""

    def judge(self, session: Session, ctx: EventContext[Any]) -> dict[str, Any] | None:
        """The answer of a message queued for writing, or None when it must go alone; refusals raise."""

    def flush(self, session: Session) -> bool:
        """Write what was queued; False when nothing could be (its messages then go alone, in order)."""

    def changed(self) -> None:
        """A message applied alone may have changed what the judging read."""
