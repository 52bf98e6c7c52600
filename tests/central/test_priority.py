"""A household's confirmation does not wait behind the ordinary requests in flight; the ordinary ones run a few
at a time, in arrival order; a client sending its body slowly holds no place; the push streams pass."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from kiosk_central.api.priority import UrgentFirst

WAIT = 20.0  # a bound on a hung test only


class Held:
    """An app whose requests each wait until the test lets them go; it notes who entered."""

    def __init__(self) -> None:
        self.entered: list[str] = []
        self.go: dict[str, asyncio.Event] = {}
        self.moved = asyncio.Event()
        self.bodies: dict[str, bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = scope["path"]
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies[name] = body
        self.entered.append(name)
        self.moved.set()
        await self.go.setdefault(name, asyncio.Event()).wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def until(self, *names: str) -> None:
        while not all(n in self.entered for n in names):
            self.moved.clear()
            await asyncio.wait_for(self.moved.wait(), WAIT)

    def release(self, name: str) -> None:
        self.go.setdefault(name, asyncio.Event()).set()


def _scope(path: str, method: str = "POST") -> Scope:
    return {"type": "http", "method": method, "path": path, "headers": []}


def _body(*chunks: bytes) -> tuple[Receive, asyncio.Event]:
    """A receive that hands the chunks over, the last one only once the test sets the event."""
    last = asyncio.Event()
    parts = list(chunks)

    async def receive() -> Message:
        if len(parts) == 1:
            await last.wait()
        chunk = parts.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

    return receive, last


async def _sent(_message: Message) -> None:
    pass


def _run(test: Any) -> None:
    asyncio.run(asyncio.wait_for(test(), WAIT))


def test_a_confirmation_passes_the_ordinary_requests_waiting_and_they_keep_their_order() -> None:
    async def test() -> None:
        app = Held()
        gate = UrgentFirst(app, ordinary=1)

        def request(path: str, method: str = "POST") -> asyncio.Task[None]:
            receive, last = _body(b"{}")
            last.set()
            return asyncio.create_task(gate(_scope(path, method), receive, _sent))

        first = request("/v1/selection/Q/call")
        await app.until("/v1/selection/Q/call")
        second = request("/v1/selection/Q/turns/R2/wishes", "PUT")
        third = request("/v1/selection/Q", "GET")
        stream = request("/v1/events/stream", "GET")
        confirm = request("/v1/selection/Q/turns/R1/confirm")
        await app.until("/v1/selection/Q/turns/R1/confirm", "/v1/events/stream")
        # In at once beside the call in flight; the wish list and the state read wait their turn.
        assert len(app.entered) == 3
        assert set(app.entered[1:]) == {"/v1/events/stream", "/v1/selection/Q/turns/R1/confirm"}
        for name in ("/v1/selection/Q/turns/R1/confirm", "/v1/events/stream", "/v1/selection/Q/call"):
            app.release(name)
        await app.until("/v1/selection/Q/turns/R2/wishes")
        app.release("/v1/selection/Q/turns/R2/wishes")
        await app.until("/v1/selection/Q")
        app.release("/v1/selection/Q")
        await asyncio.gather(first, second, third, stream, confirm)
        assert app.entered.index("/v1/selection/Q/turns/R2/wishes") < app.entered.index("/v1/selection/Q")

    _run(test)


def test_a_body_sent_slowly_holds_no_place() -> None:
    async def test() -> None:
        app = Held()
        gate = UrgentFirst(app, ordinary=1)
        slow_receive, slow_last = _body(b'{"units": ', b'["A-101"]}')
        slow = asyncio.create_task(gate(_scope("/v1/selection/Q/turns/R1/wishes"), slow_receive, _sent))
        quick_receive, quick_last = _body(b"{}")
        quick_last.set()
        quick = asyncio.create_task(gate(_scope("/v1/selection/Q/call"), quick_receive, _sent))
        await app.until("/v1/selection/Q/call")  # in, while the slow one still sends
        assert app.entered == ["/v1/selection/Q/call"]
        slow_last.set()
        app.release("/v1/selection/Q/call")
        await app.until("/v1/selection/Q/turns/R1/wishes")
        app.release("/v1/selection/Q/turns/R1/wishes")
        await asyncio.gather(slow, quick)
        assert app.bodies["/v1/selection/Q/turns/R1/wishes"] == b'{"units": ["A-101"]}'  # replayed whole

    _run(test)
