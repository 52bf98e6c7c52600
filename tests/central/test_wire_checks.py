"""The checks on raw bodies (services/wire.py, api/body_guard.py) say what the slow, obvious scans say.

Each has a quick path for the common body (no escapes; no surrogate anywhere); these tests hold the quick
paths to the plain definitions, on bodies made of the characters that matter.
"""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_central.api.body_guard import _maybe_surrogate
from kiosk_central.services import wire

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)


def _nests_deeper(body: bytes, limit: int) -> bool:
    """The definition: strings taken out by the JSON string pattern, then the brackets counted in order."""
    depth = 0
    for bracket in re.findall(rb"[\[\]{}]", _STRING.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


_JSONISH = st.binary(max_size=80).map(lambda b: bytes(b'[]{}"\\ a,:u'[c % 11] for c in b))


@settings(max_examples=3000)
@given(_JSONISH, st.integers(min_value=0, max_value=4))
def test_the_depth_is_what_the_string_pattern_leaves(body: bytes, limit: int) -> None:
    assert wire.too_deep(body, limit) == _nests_deeper(body, limit)


def test_a_deep_body_is_found_with_and_without_escapes() -> None:
    deep = b'{"a": "x", "b": ' + b"[" * 40 + b"]" * 40 + b"}"
    assert wire.too_deep(deep)
    assert wire.too_deep(deep.replace(b'"x"', b'"\\"x\\\\"'))
    assert not wire.too_deep(b'{"a": "' + b"[" * 40 + b'"}')
    assert not wire.too_deep(b'{"a": "\\"' + b"[" * 40 + b'"}')


def _holds_surrogate(body: bytes) -> bool:
    """The definition: parse it and look (what the quick answer False must never hide)."""
    try:
        value = json.loads(body)
    except ValueError:
        return False
    return wire.surrogate_path(value) is not None


_ESCAPED = st.lists(
    st.sampled_from(['"\\ud800"', '"\\uDBff"', '"\\ud83c\\udfe0"', '"\\\\ud800"', '"\\u0041"', '"x"', "1"]),
    max_size=6,
)


@given(_ESCAPED, st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_a_body_said_clean_holds_no_lone_surrogate(values: list[str], encoding: str) -> None:
    body = f"[{','.join(values)}]".encode(encoding)
    if _holds_surrogate(body):
        assert _maybe_surrogate(body)


def test_surrogate_bytes_and_escapes_are_both_seen() -> None:
    assert _maybe_surrogate(b'["\\ud800"]')
    assert _maybe_surrogate(b'["\\uDFFF"]')
    assert _maybe_surrogate(b'["' + "\ud800".encode("utf-8", "surrogatepass") + b'"]')
    assert _maybe_surrogate('["x"]'.encode("utf-16"))
    assert not _maybe_surrogate('["登记 \\u0041", 1]'.encode())
