"""A household's choice before everything else the centre is doing.

The handlers run on one process's threads and share its one interpreter lock: with twenty counters calling,
re-declaring, writing wish lists and reading, a confirmation ran beside a dozen others and took five times
its time alone. Here at most ``ORDINARY`` ordinary requests run at once (the rest wait their turn in arrival
order, before any work is done for them), and the urgent ones (a confirmation or a decline, the household's
countdown running) do not wait at all. The push streams are long-lived and mostly idle: they are let through.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ORDINARY = 2  # enough to keep both cores and the database busy; more only queue on the interpreter lock
URGENT_STEPS = ("/confirm", "/decline")
STREAMS = ("/v1/events/stream",)
_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def urgent(scope: Scope) -> bool:
    return scope["method"] == "POST" and str(scope["path"]).endswith(URGENT_STEPS)


class UrgentFirst:
    def __init__(
        self, app: ASGIApp, ordinary: int = ORDINARY, is_urgent: Callable[[Scope], bool] = urgent
    ) -> None:
        self.app = app
        self._ordinary = ordinary
        self._is_urgent = is_urgent
        self._slots: asyncio.Semaphore | None = None  # made on the serving loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in STREAMS or self._is_urgent(scope):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._ordinary)
        # The body first, outside the slots: a client sending it slowly must not hold one (the size caps
        # outside this one bound what is read).
        body = [await receive()] if scope["method"] in _WITH_BODY else []
        while body and body[-1]["type"] == "http.request" and body[-1].get("more_body", False):
            body.append(await receive())

        async def replay() -> Message:
            return body.pop(0) if body else await receive()

        async with self._slots:
            await self.app(scope, replay, send)
