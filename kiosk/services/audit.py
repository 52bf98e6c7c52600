"""The audit log of operator actions, written inside the action's own transaction and sealed into a hash chain.

The chain's key lives in the OS keyring (secrets.AUDIT_KEY), never in the cache: whoever can edit the file cannot
reseal it. The composition root binds the key to the cache's engine (``bind_key``), so the many callers of
``record`` pass only their session.
"""

from __future__ import annotations

import json
import logging
import secrets as random_bytes
import threading
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.services.secrets import AUDIT_KEY, SecretStore, SecretsUnavailable
from kiosk.storage import tables as t
from kiosk_core.audit_chain import ChainHead, ChainReport, at_text, canonical, detail_text, seal, walk

log = logging.getLogger(__name__)
T = TypeVar("T")

_HEAD_SQL = "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1"
_CHAIN_SQL = "SELECT seq, at, operator_id, counter, action, subject, detail, mac FROM audit_log ORDER BY seq"


class ChainKey:
    """The chain's HMAC key, read from the keyring once and made there at first use."""

    def __init__(self, secrets: SecretStore) -> None:
        self._secrets = secrets
        self._key: bytes | None = None
        self._lock = threading.Lock()  # two first uses at once must not make two keys
        self._warned = False

    def get(self) -> bytes:
        """Raises SecretsUnavailable when the keyring cannot be reached."""
        with self._lock:
            if self._key is None:
                value = self._secrets.get(AUDIT_KEY)
                if value is None:
                    value = random_bytes.token_hex(32)
                    self._secrets.set(AUDIT_KEY, value)
                self._key = bytes.fromhex(value)
            return self._key

    def for_writing(self) -> bytes | None:
        """The key, or None: an action is not refused for want of a keyring; its entry is left unsealed
        (and every check of the chain reports it)."""
        try:
            key = self.get()
        except SecretsUnavailable:
            if not self._warned:
                log.warning("keyring unavailable: audit entries are written unsealed until it returns")
                self._warned = True
            return None
        self._warned = False
        return key


_keys: weakref.WeakKeyDictionary[Engine, ChainKey] = weakref.WeakKeyDictionary()


def bind_key(engine: Engine, key: ChainKey) -> None:
    """Entries written through any session on ``engine`` are sealed with ``key``."""
    _keys[engine] = key


def record(
    session: Session,
    *,
    action: str,
    at: datetime,
    counter: str,
    operator_id: int | None,
    subject: str = "",
    **detail: Any,
) -> None:
    """``detail`` must hold masked personal data only: the log is read by people who need not see it."""
    # Sealed as the store keeps it (tuples as lists, keys as text): the check reads the same text back.
    text = detail_text(detail)
    detail = json.loads(text)
    seq, prev = _last(session)
    key = _key_for(session)
    mac = None
    if key is not None:
        mac = seal(key, prev, canonical(seq + 1, at_text(at), operator_id, counter, action, subject, text))
    session.add(
        t.AuditEntry(
            seq=seq + 1,
            mac=mac,
            at=at,
            operator_id=operator_id,
            counter=counter,
            action=action,
            subject=subject,
            detail=detail,
        )
    )


def _last(session: Session) -> tuple[int, str | None]:
    # Entries added in this session but not flushed yet come after the stored ones.
    pending = [o for o in session.new if isinstance(o, t.AuditEntry)]
    if pending:
        newest = max(pending, key=lambda e: e.seq)
        return newest.seq, newest.mac
    with session.no_autoflush:
        row = session.execute(
            select(t.AuditEntry.seq, t.AuditEntry.mac).order_by(t.AuditEntry.seq.desc()).limit(1)
        ).first()
    return (row.seq, row.mac) if row else (0, None)


def _key_for(session: Session) -> bytes | None:
    bind = session.get_bind()
    chain_key = _keys.get(bind if isinstance(bind, Engine) else bind.engine)
    return chain_key.for_writing() if chain_key else None


def head_of(session: Session) -> ChainHead | None:
    seq, mac = _last(session)
    return ChainHead(seq, mac) if seq else None


def head(engine: Engine) -> ChainHead | None:
    """The newest entry's seq and MAC: what the centre is given to remember."""
    row = _read(engine, lambda cursor: cursor.execute(_HEAD_SQL).fetchone())
    return ChainHead(row[0], row[1]) if row else None


def verify(engine: Engine, key: ChainKey, known: ChainHead | None = None) -> ChainReport:
    """Walk the whole chain; ``known`` is a head remembered earlier (the centre's), which catches a rollback.

    Reads on the driver's connection, without the engine's BEGIN IMMEDIATE: one SELECT is one consistent snapshot in
    WAL mode, and counter writes are not held up while a long log is checked. Raises SecretsUnavailable.
    """
    secret = key.get()
    return _read(engine, lambda cursor: walk(cursor.execute(_CHAIN_SQL), secret, known))


def _read(engine: Engine, read: Callable[[Any], T]) -> T:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            return read(cursor)
        finally:
            cursor.close()
    finally:
        raw.close()
