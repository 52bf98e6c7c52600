"""The idempotency request hash keeps its meaning: the SHA-256 of the json module's sorted, compact text.

Stored hashes decide whether a resent message is the same request; the quick encoder (orjson) that computes
most of them must write exactly the bytes the json module writes, for every message a counter can send.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson
import pytest

from kiosk_central.services.event_keys import canonical_json, request_hash
from kiosk_central.services.payloads import UTF8_CLEAN, CancellationEvent, read_item
from tests.central.world import FAMILIES, cancellation, new_key, phone_update, registration

# Every character there is (lone surrogates cannot be encoded by either and never get this far).
EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def _as_stored_before(endpoint: str, event: Any) -> str:
    """The hash as the centre computed it before orjson: what the rows stored until then hold."""
    text = json.dumps(
        {"endpoint": endpoint, "event": event.model_dump(mode="json")},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()


MESSAGES = [
    ("registration", registration(FAMILIES["ok"])),
    ("registration", registration(FAMILIES["ok2"])),
    ("cancellation", cancellation(registration(FAMILIES["ok"])["payload"]["reg_no"])),
    ("phone_update", phone_update(FAMILIES["ok"].filing_no, "13900000000")),
]


@pytest.mark.parametrize(("kind", "event"), MESSAGES)
def test_a_message_hashes_as_it_did_before(kind: str, event: dict[str, Any]) -> None:
    raw = {"kind": kind, "idempotency_key": new_key(), **event}
    _kind, _key, typed = read_item(raw, {UTF8_CLEAN: True})
    assert request_hash(kind, typed) == _as_stored_before(kind, typed)


def test_a_newer_counters_extra_fields_hash_as_before() -> None:
    event = registration(FAMILIES["ok"])
    payload = event["payload"] | {"ratio": 0.1, "big": 2**80, "nested": {"b": [1.5e16, "x"], "a": None}}
    raw = {"kind": "registration", "idempotency_key": new_key(), "event_time": event["event_time"]}
    _kind, _key, typed = read_item(raw | {"payload": payload}, {UTF8_CLEAN: True})
    assert typed.payload.model_extra
    assert request_hash("registration", typed) == _as_stored_before("registration", typed)


def test_any_text_in_a_field_hashes_as_before() -> None:
    # Built without validation: the hash must not depend on the rules having narrowed the text.
    valid = CancellationEvent.model_validate(cancellation(registration(FAMILIES["ok"])["payload"]["reg_no"]))
    for text in (EVERY_CHARACTER, '\x00\x1f\x7f\u2028\u2029"\\/', "", "登记 🏠"):
        payload = valid.payload.model_copy(update={"comment": text})
        event = CancellationEvent.model_construct(event_time=valid.event_time, payload=payload)
        assert payload.comment == text
        assert request_hash("cancellation", event) == _as_stored_before("cancellation", event)


def test_the_quick_encoder_writes_the_json_modules_bytes() -> None:
    value = {"z": EVERY_CHARACTER, "a": [1, -(2**62), True, False, None, {"y": "", "b": "控制\n\t"}]}
    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == canonical_json(value)
