"""Refuse a request body past its cap before anything holds it all: the token check, the JSON parser, the routes.

A 150 MB body sent without a token was once read into memory whole (85 → 524 MB) before its 401. Here a
declared Content-Length past the cap is answered 413 at once, without reading a byte; a body without one
(chunked) is read only up to the cap. Either way at most the cap is ever held. uvicorn reads and drops what
the client still sends after the answer, a little at a time.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A counter's largest message is about 2 KB (a cancellation with a 200-character comment, escaped); the caps
# leave room for what a newer kiosk adds without letting anyone make the centre hold megabytes.
MAX_BODY = 64 * 1024
# A batch holds up to 500 messages (the kiosk sends 100): 500 at 8 KB each.
MAX_BATCH_BODY = 4 * 1024 * 1024
CAPS: Mapping[str, int] = {"/v1/events/batch": MAX_BATCH_BODY}
_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def too_large(cap: int) -> dict[str, str]:
    """The 413 answer, in the centre's one error shape."""
    return {
        "code": "body_too_large",
        "message": f"请求内容超过{_size(cap)}，未处理",
        "hint": "窗口终端发送的记录不会这么大；一批记录请分成多次发送",
    }


class BodySizeLimit:
    def __init__(self, app: ASGIApp, default: int = MAX_BODY, caps: Mapping[str, int] = CAPS) -> None:
        self.app = app
        self.default = default
        self.caps = caps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.caps.get(scope["path"], self.default)
        declared = _content_length(scope)
        if declared is not None and declared > cap:
            await JSONResponse(too_large(cap), status_code=413)(scope, receive, send)
            return
        if scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        disconnected = False
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected = True
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await JSONResponse(too_large(cap), status_code=413)(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        del chunks
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"} if disconnected else await receive()

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            # The HTTP server has already refused a malformed one; this guards against an ASGI caller that did not.
            return int(value) if value.isdigit() else None
    return None


def _size(cap: int) -> str:
    return f"{cap // (1024 * 1024)} MB" if cap >= 1024 * 1024 else f"{cap // 1024} KB"
