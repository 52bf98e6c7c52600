"""The heads of the counters' audit chains the centre has seen, and their check against a counter's cache.

The centre holds no chain key (it lives in each counter's keyring), so at a batch it can only compare heads: a
head behind one seen before, or a number seen before with another MAC, is reported at once (logged, kept with
its verdict). Whether the chain up to the heads is whole is checked with the counter's cache file and key
(``check_cache``, the ``kiosk-central audit-verify`` command).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk_central.db import begin_write
from kiosk_central.services.errors import CentralError
from kiosk_central.tables import AuditHeadSeen
from kiosk_core import cache_file
from kiosk_core.audit_chain import ChainHead, ChainReport, Row, walk

log = logging.getLogger(__name__)

OK, ROLLED_BACK, FORKED = "ok", "rolled_back", "forked"
_CHAIN_SQL = "SELECT seq, at, operator_id, counter, action, subject, detail, mac FROM audit_log ORDER BY seq"


@dataclass(frozen=True)
class SeenHead:
    seq: int
    mac: str | None
    received_at: datetime
    verdict: str


def take(session: Session, device_id: str, head: ChainHead, now: datetime) -> str | None:
    """Keep ``head`` if it moved since the device's last one; its verdict then (None when it had not moved).

    Its own short transaction, after the batch's: a head never holds up or undoes the messages.
    """
    session.rollback()
    last = session.execute(
        select(AuditHeadSeen.seq, AuditHeadSeen.mac)
        .where(AuditHeadSeen.device_id == device_id)
        .order_by(AuditHeadSeen.id.desc())
        .limit(1)
    ).first()
    session.rollback()
    if last is not None and (last.seq, last.mac) == (head.seq, head.mac):
        return None
    begin_write(session)
    verdict = _verdict(session, device_id, head)
    session.add(
        AuditHeadSeen(device_id=device_id, seq=head.seq, mac=head.mac, received_at=now, verdict=verdict)
    )
    session.commit()
    if verdict != OK:
        log.warning(
            "device %s sent audit head %s (%s): its audit log was changed", device_id, head.seq, verdict
        )
    return verdict


def _verdict(session: Session, device_id: str, head: ChainHead) -> str:
    mine = AuditHeadSeen.device_id == device_id
    other_mac = session.scalar(
        select(func.count()).where(
            mine, AuditHeadSeen.seq == head.seq, AuditHeadSeen.mac.is_distinct_from(head.mac)
        )
    )
    if other_mac:
        return FORKED
    newest = session.scalar(select(func.max(AuditHeadSeen.seq)).where(mine)) or 0
    return ROLLED_BACK if newest > head.seq else OK


def seen(session: Session, device_id: str) -> list[SeenHead]:
    rows = session.execute(
        select(AuditHeadSeen.seq, AuditHeadSeen.mac, AuditHeadSeen.received_at, AuditHeadSeen.verdict)
        .where(AuditHeadSeen.device_id == device_id)
        .order_by(AuditHeadSeen.id)
    )
    return [SeenHead(*row) for row in rows]


@dataclass(frozen=True)
class CacheCheck:
    report: ChainReport
    missing: list[SeenHead]  # heads the centre saw that the cache's chain no longer holds


def check_cache(cache: Path, key: bytes, heads: list[SeenHead], cache_key: str | None = None) -> CacheCheck:
    """Walk the counter's chain in ``cache`` and look for every head seen (read only; the file is not changed).

    ``cache_key``: the counter's cache key (hex, its keyring's ``cache_key``); None for a plain cache of a
    release before 11.
    """
    try:
        if cache_key is not None and not cache_file.valid_key(cache_key):
            raise CentralError("缓存密钥应为 64 位小写十六进制数", code="invalid_arguments")
        db = cache_file.connect(cache, cache_key, readonly=True)
        try:
            rows: list[Row] = db.execute(_CHAIN_SQL).fetchall()
        finally:
            db.close()
    except sqlcipher.DatabaseError as exc:
        raise CentralError(
            f"打不开柜台缓存 {cache.name}：{exc}",
            hint="给出该柜台密钥库中的 cache_key（--cache-key-file），并确认文件是柜台的 kiosk.db",
            code="cache_unreadable",
        ) from None
    macs = {row[0]: row[7] for row in rows}
    sealed = [h for h in heads if h.verdict == OK]
    latest = ChainHead(sealed[-1].seq, sealed[-1].mac) if sealed else None
    report = walk(rows, key, latest)
    missing = [h for h in sealed if h.seq not in macs or macs[h.seq] != h.mac]
    return CacheCheck(report, missing)
