"""A lottery step answered once per ``Idempotency-Key``, as outbox messages are: a retry gets the stored answer.

Keys are scoped by device. A refusal is stored too, so a retry is refused the same way even if the world moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from kiosk_central.clock import Clock
from kiosk_central.db import begin_write
from kiosk_central.services.auth import Principal
from kiosk_central.services.draw_rules import DrawRefused
from kiosk_central.services.errors import Busy, Forbidden, InvalidRequest, NotFound
from kiosk_central.services.event_keys import parse_key
from kiosk_central.tables import Draw, IdempotencyRecord
from kiosk_core.wire import DrawRecord

_RETRYABLE = {"40P01", "40001", "55P03", "57014"}


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def once(
    session: Session,
    principal: Principal,
    key: str | None,
    endpoint: str,
    request: dict[str, Any],
    apply: Callable[[], DrawRecord] | Callable[[], Mapping[str, Any]],
    clock: Clock,
    *,
    urgent: bool = False,
) -> Answer:
    """Apply once under the key (scoped by device, as outbox messages are); a retry replays the answer.

    ``urgent``: before ordinary writers (kiosk_central.db.begin_write): a household's choice with its timer running.
    """
    key = parse_key(key)
    digest = hashlib.sha256(
        json.dumps({"endpoint": endpoint, "request": request}, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    try:
        begin_write(session, urgent=urgent)
        stored = session.get(IdempotencyRecord, (key, principal.device_id))
        if stored is not None:
            return _replay(session, stored, endpoint, digest)
        record = IdempotencyRecord(
            key=key,
            device_id=principal.device_id,
            endpoint=endpoint,
            request_hash=digest,
            status_code=0,
            response="",
            created_at=clock(),
        )
        session.add(record)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            stored = session.get(IdempotencyRecord, (key, principal.device_id))
            assert stored is not None
            return _replay(session, stored, endpoint, digest)
        try:
            with session.begin_nested():
                answer = Answer(200, dict(apply()))
        except (DrawRefused, InvalidRequest, NotFound, Forbidden) as refusal:
            answer = Answer(refusal.status, refusal.body())
        record.status_code = answer.status
        record.response = json.dumps(_stored_form(answer.body), ensure_ascii=False)
        session.commit()
        return answer
    except DBAPIError as e:
        session.rollback()
        if getattr(e.orig, "sqlstate", None) in _RETRYABLE or "database is locked" in str(e.orig):
            raise Busy("中心数据库繁忙，本次操作未处理", hint="请稍后再试", code="busy") from e
        raise


def _replay(session: Session, stored: IdempotencyRecord, endpoint: str, digest: str) -> Answer:
    if stored.endpoint != endpoint or stored.request_hash != digest:
        raise InvalidRequest(
            "同一幂等键已用于内容不同的请求，本次请求未处理",
            hint="每次操作须有自己的幂等键",
            code="idempotency_key_reused",
        )
    return Answer(stored.status_code, _answer_form(session, json.loads(stored.response)))


# A draw's files never change once written, and may be megabytes: the stored answer names them, a replay
# reads them back from the draw into their places (the same bytes, the same key order).
_FILES = ("list_text", "pools_text", "sources_text", "result_text")
_FILES_KEY = "_files_of_draw"


def _stored_form(body: dict[str, Any]) -> dict[str, Any]:
    present = [k for k in _FILES if body.get(k) is not None]
    if "draw_id" not in body or not present:
        return body
    return {**body, **dict.fromkeys(present), _FILES_KEY: present}


def _answer_form(session: Session, stored: dict[str, Any]) -> dict[str, Any]:
    present = stored.pop(_FILES_KEY, None)
    if present:
        draw = session.get(Draw, stored["draw_id"])
        assert draw is not None
        stored.update({k: getattr(draw, k) for k in present})
    return stored
