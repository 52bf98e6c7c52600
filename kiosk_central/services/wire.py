"""Checks on JSON as it comes off the wire, before any schema: how deep it nests, and lone UTF-16 surrogates."""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 32  # a counter's deepest message is five levels (batch, events, item, payload, value)
# A JSON string, possessive so a long one costs one pass; what is left between strings is structure.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in b'"[]{}')
_OPENING = (ord("["), ord("{"))
_SURROGATE = re.compile("[\ud800-\udfff]")
DEPTH_MESSAGE = f"请求内容嵌套超过{MAX_DEPTH}层，未处理"
DEPTH_HINT = "窗口终端发送的记录不会嵌套这么深，请检查发送方"
SURROGATE_HINT = "文字中有孤立的UTF-16代理项（如 \\ud800），不是有效字符，请检查发送方"


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the body's arrays and objects nest deeper than ``limit``, without parsing it.

    The parser would recurse once per level (and give up past about a thousand), and everything after it
    (validation, hashing, error reports) walks the value again: the depth is refused before any of them.
    """
    if b"\\" in body or body.count(b'"') % 2:
        structure = b"".join(_BRACKET.findall(_STRING.sub(b"", body)))
    else:
        # No escapes and the quotes in pairs: the strings are exactly what lies between the first quote and
        # the second, the third and the fourth… (what _STRING takes too), found in C at a seventh of its cost.
        structure = b"".join(body.translate(None, _NOT_STRUCTURE).split(b'"')[::2])
    depth = 0
    for bracket in structure:
        if bracket in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def surrogate_path(value: Any) -> str | None:
    """Where a parsed JSON value holds a lone surrogate (``payload.phone``, ``events.3``), or None.

    JSON lets ``"\\ud800"`` through, Python keeps it in a str, and nothing downstream can encode it (UTF-8 for
    the database, the idempotency hash, the answer itself). A pair (``"\\ud83c\\udfe0"``) is one character
    once parsed and passes.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                if _SURROGATE.search(key):
                    return f"{path}.{key!a}".lstrip(".")
                stack.append((f"{path}.{key}".lstrip("."), child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}".lstrip("."), child) for i, child in enumerate(item))
    return None


def scrub(value: Any) -> Any:
    """A copy safe to send back: lone surrogates become U+FFFD, long strings are cut (errors echo input)."""
    if isinstance(value, str):
        text = _SURROGATE.sub("\ufffd", value)
        return text if len(text) <= 200 else text[:200] + "…"
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value
