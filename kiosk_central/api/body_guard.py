"""Refuse JSON bodies nested too deep or holding lone UTF-16 surrogates, before FastAPI parses them.

Both once went past every check and ended as a plain-text 500: the parser recurses once per level, and a
lone surrogate (``"\\ud800"``) is a valid JSON escape that no later step can encode. Refused here with a
coded 422, whatever the route. Batches are left to check each message themselves (payloads.BatchItem), so
one bad message is answered in its place and the messages behind it are still stored.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk_central.services import wire

PER_MESSAGE_PATHS = frozenset({"/v1/events/batch"})
# Set in the request's state on those paths: True when no value parsed from the body can hold a lone
# surrogate, so the route need not look (payloads.UTF8_CLEAN); False when it may.
UTF8_CLEAN_STATE = "kiosk_body_utf8_clean"
# A parsed value holds a lone surrogate only if the text has a \uD800-\uDFFF escape or surrogate bytes (the
# parser decodes UTF-8 with surrogatepass). A UTF-8 body with neither is not parsed here: FastAPI parses it
# once, as it would anyway. A match (an escaped backslash before "ud8..." too) only means parse and look.
# Two patterns, each with its own first byte to look for: one alternation searched ~6× slower.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf]")
_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_UTF8 = frozenset({"utf-8", "utf-8-sig"})


class JsonBodyGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        body, disconnected = await _read(receive)
        per_message = scope["path"] in PER_MESSAGE_PATHS
        problem = _problem(body, check_text=not per_message)
        if per_message:
            scope.setdefault("state", {})[UTF8_CLEAN_STATE] = not _maybe_surrogate(body)
        if problem is not None:
            await JSONResponse(problem, status_code=422)(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"} if disconnected else await receive()

        await self.app(scope, replay, send)


async def _read(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _maybe_surrogate(body: bytes) -> bool:
    """False when no value parsed from the body can hold a lone surrogate."""
    if json.detect_encoding(body) not in _UTF8:
        return True
    return bool(_SURROGATE_ESCAPE.search(body) or _SURROGATE_BYTES.search(body))


def _problem(body: bytes, *, check_text: bool) -> dict[str, Any] | None:
    if not body:
        return None
    if wire.too_deep(body):
        return {"code": "json_too_deep", "message": wire.DEPTH_MESSAGE, "hint": wire.DEPTH_HINT}
    if not check_text:
        return None
    if not _maybe_surrogate(body):
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None  # not JSON at all: FastAPI answers that with its own request error
    where = wire.surrogate_path(value)
    if where is None:
        return None
    return {
        "code": "text_invalid_unicode",
        "message": f"请求内容含无效字符：{wire.scrub(where)}",
        "hint": wire.SURROGATE_HINT,
    }
