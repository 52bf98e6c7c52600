"""Idempotency keys: reading a key, hashing the request it came with, and the answers stored under keys, read
back for a retry (which must be the same request)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from kiosk_central.services.auth import Principal
from kiosk_central.services.bulk import ListSelect, PlainInsert
from kiosk_central.services.errors import InvalidRequest
from kiosk_central.services.event_values import Outcome
from kiosk_central.services.payloads import AnyEvent
from kiosk_central.tables import Device, IdempotencyRecord


def parse_key(raw: str | None) -> str:
    if not raw:
        raise InvalidRequest(
            "缺少幂等键",
            hint="请求须带 Idempotency-Key 头（发件箱记录的 UUID）",
            code="idempotency_key_missing",
        )
    try:
        return str(uuid.UUID(raw.strip()))
    except ValueError:
        raise InvalidRequest(
            f"幂等键格式不对：{raw[:40]}", hint="应为 UUID，例如 1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            code="idempotency_key_format",
        ) from None  # fmt: skip


def request_hash(endpoint: str, event: AnyEvent) -> str:
    """The SHA-256 of the request's canonical JSON: keys sorted, no spaces, UTF-8 as it is (not escaped)."""
    value = {"endpoint": endpoint, "event": event.model_dump(mode="json")}
    if not event.payload.model_extra:
        # Only the payload's declared fields: strings, bounded integers, booleans, null, no floats. orjson
        # writes such a value byte for byte as the json module below does (tests/central/test_request_hash.py),
        # at a sixth of the cost; anything else (a newer kiosk's extra fields) takes the json module.
        try:
            return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()
        except orjson.JSONEncodeError:
            pass  # e.g. a lone surrogate: the json module's path says so as it always has
    return hashlib.sha256(canonical_json(value)).hexdigest()


# json.dumps with a non-default argument builds its encoder on every call: a batch writes a hundred answers.
_ANSWER = json.JSONEncoder(ensure_ascii=False)


def answer_text(body: dict[str, Any]) -> str:
    """An answer as it is stored under its key: ``json.dumps(body, ensure_ascii=False)``'s text."""
    return _ANSWER.encode(body)


def canonical_json(value: Any) -> bytes:
    """What the stored request hashes are of: the json module's sorted, compact, unescaped text as UTF-8."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def maybe_key(raw: str) -> str | None:
    try:
        return parse_key(raw)
    except InvalidRequest:
        return None


_IDEMPOTENCY: Table = IdempotencyRecord.__table__  # type: ignore[assignment]
# Built once, values bound per message: constructing it for each message of a batch cost more than running it.
STORE_ANSWERS = PlainInsert(_IDEMPOTENCY)


@dataclass(frozen=True)
class StoredAnswer:
    endpoint: str
    request_hash: str
    status_code: int
    response: str


def stored_answers(session: Session, principal: Principal, keys: list[str]) -> dict[str, StoredAnswer]:
    """The answers stored under these keys for the caller's counter: its device's, or a device it replaced.

    Another counter's device sending the same key never reads them: its message is its own, judged on its
    own. A counter re-enrolled with ``enroll-device --replace`` (one active device per counter) may resend
    what its old device had answered; it gets that answer, so nothing is applied twice.
    """
    if not keys:
        return {}
    params = {"keys": keys, "device_id": principal.device_id, "counter": principal.counter}
    found: dict[str, StoredAnswer] = {}
    # The caller's own answer last: it wins.
    # On the session's connection: plain columns need none of the ORM's execution path.
    for key, endpoint, digest, status, response, _own in sorted(
        _STORED.rows(session.connection(), params), key=lambda row: bool(row[5])
    ):
        found[key] = StoredAnswer(endpoint, digest, status, response)
    return found


# Built once, plain rows: the keys of a batch looked up in one statement, its list written out by hand.
_STORED = ListSelect(
    select(
        IdempotencyRecord.key,
        IdempotencyRecord.endpoint,
        IdempotencyRecord.request_hash,
        IdempotencyRecord.status_code,
        IdempotencyRecord.response,
        IdempotencyRecord.device_id == bindparam("device_id"),
    )
    .join(Device, Device.id == IdempotencyRecord.device_id)
    .where(
        IdempotencyRecord.key.in_(bindparam("keys", expanding=True)), Device.counter == bindparam("counter")
    )
)


def replay(stored: StoredAnswer, endpoint: str, digest: str) -> Outcome:
    same_request(stored.endpoint, stored.request_hash, endpoint, digest)
    return Outcome(stored.status_code, json.loads(stored.response), stored.response)


def same_request(stored_endpoint: str, stored_digest: str, endpoint: str, digest: str) -> None:
    if stored_endpoint != endpoint or stored_digest != digest:
        raise InvalidRequest(
            "同一幂等键已用于内容不同的请求，本次请求未处理",
            hint="每条发件箱记录须有自己的幂等键；请勿修改已发送记录的内容",
            code="idempotency_key_reused",
        )
