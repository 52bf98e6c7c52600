"""Which key the ID hashes were made with, and changing it (docs/centre-data.md, "The key").

registration_persons.id_hash is HMAC(key, ID number): a process with another key would compute hashes that
never meet the stored ones, and the one-household-per-plan guard would let every double registration through
without an error. So the database keeps the key's fingerprint (HMAC(key, a fixed label)), every process checks
its key against it before it serves or runs a command, and a deliberate change goes through ``rekey``, which
recomputes every hash from the plain numbers the households and members still hold.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect, select, text, update
from sqlalchemy.orm import Session

from kiosk_central.config import ID_KEY_ENV, IdKeyMismatch
from kiosk_central.db import APPLICATION_NAME, Database, begin_write
from kiosk_central.id_index import id_hash
from kiosk_central.services.errors import CentralError
from kiosk_central.tables import AdminAudit, Household, KeyFingerprint, Member, RegistrationPerson

LABEL = b"kiosk centre id key"
ID_KEY = "id_key"  # the fingerprint's row in key_fingerprints
_RECORD = text(
    "INSERT INTO key_fingerprints (name, fingerprint) VALUES (:name, :fp) ON CONFLICT (name) DO NOTHING"
)
_REPLACE = text(
    "INSERT INTO key_fingerprints (name, fingerprint) VALUES (:name, :fp) "
    "ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint"
)


def fingerprint(key: bytes) -> str:
    """Tells keys apart without giving the key away (an HMAC cannot be turned back into its key)."""
    return hmac.new(key, LABEL, hashlib.sha256).hexdigest()


def check(db: Database) -> None:
    """Refuse (IdKeyMismatch) a key the stored hashes were not made with; record the key the first time.

    The first time (a new database, or one upgraded from before 0009) the key is recorded only if the
    hashes already stored agree with it: at least one of them, when there are any, is the hash of a number
    of its own household under this key.
    """
    if not inspect(db.engine).has_table(KeyFingerprint.__tablename__):
        raise CentralError(
            "数据库结构不是最新版本", hint="请先运行 kiosk-central migrate", code="not_migrated"
        )
    mine = fingerprint(db.id_key)
    with db.session() as s:
        stored = _stored(s)
        if stored is None:
            s.rollback()
            begin_write(s)
            if _stored(s) is None:
                matched = _match(s, db.id_key)
                if matched.rows and not matched.found:
                    raise _mismatch()
                s.execute(_RECORD, {"name": ID_KEY, "fp": mine})
            stored = _stored(s)  # another process may have recorded its key first
            s.commit()
    if stored is None or not hmac.compare_digest(stored, mine):
        raise _mismatch()


def _mismatch() -> IdKeyMismatch:
    return IdKeyMismatch(
        f"身份证号索引密钥 {ID_KEY_ENV} 与本数据库记下的不符，中心服务拒绝启动"
        f"（{ID_KEY_ENV} is not the key this database's ID hashes were made with: refusing to start）",
        hint=(
            "请使用本数据库原来的密钥（各实例须相同，恢复备份时用备份时的密钥）；"
            "有意更换密钥请运行 kiosk-central rekey-ids（docs/centre-data.md）"
        ),
        code="id_key_mismatch",
    )


def _stored(s: Session) -> str | None:
    return s.scalar(select(KeyFingerprint.fingerprint).where(KeyFingerprint.name == ID_KEY))


@dataclass(frozen=True)
class _Matched:
    rows: int
    found: dict[int, str]  # registration_persons.id -> the plain number its hash was made from
    lost_active: int
    lost_inactive: int


def _match(s: Session, key: bytes) -> _Matched:
    """Each guard row's plain number, found among its own household's people by hashing them with ``key``."""
    people: dict[int, list[str]] = {}
    for household_id, number in s.execute(
        select(Household.id, Household.applicant_id_number).union_all(
            select(Member.household_id, Member.id_number)
        )
    ):
        people.setdefault(household_id, []).append(number)
    hashed: dict[int, dict[str, str]] = {}
    found: dict[int, str] = {}
    lost = {True: 0, False: 0}
    rows = s.execute(
        select(
            RegistrationPerson.id,
            RegistrationPerson.household_id,
            RegistrationPerson.id_hash,
            RegistrationPerson.active,
        )
    ).all()
    for row_id, household_id, h, active in rows:
        by_hash = hashed.get(household_id)
        if by_hash is None:
            by_hash = hashed[household_id] = {id_hash(key, n): n for n in people.get(household_id, [])}
        plain = by_hash.get(h)
        if plain is None:
            lost[bool(active)] += 1
        else:
            found[row_id] = plain
    return _Matched(len(rows), found, lost[True], lost[False])


def _refuse_running_instances(s: Session) -> None:
    """An instance still serving would go on writing old-key hashes after the change, where the new ones
    never meet them: on PostgreSQL its connections show (SQLite's other processes cannot be seen)."""
    others = s.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = :name AND pid <> pg_backend_pid()"
        ),
        {"name": APPLICATION_NAME},
    )
    if others:
        raise CentralError(
            f"还有 {others} 个中心服务连接在使用本数据库，未做任何改动",
            hint="请先停止所有中心服务实例（systemctl stop kiosk-central，或停止容器），再重算",
            code="id_rekey_instances_running",
        )


@dataclass(frozen=True)
class Rekeyed:
    rows: int
    old: str  # fingerprints, as the audit log has them
    new: str


def rekey(db: Database, old_key: bytes, *, actor: str, now: datetime) -> Rekeyed:
    """Every id_hash made again with the database's key (db.id_key) from ``old_key``'s, in one transaction.

    All or nothing: a wrong old key, or rows whose number no longer is in their household, change nothing.
    The other processes must be stopped: one still running with the old key would go on writing its hashes.
    """
    new_key = db.id_key
    old_fp, new_fp = fingerprint(old_key), fingerprint(new_key)
    if hmac.compare_digest(old_fp, new_fp):
        raise CentralError(
            f"新旧密钥相同（{ID_KEY_ENV} 即旧密钥）",
            hint=f"在 {ID_KEY_ENV} 中给出新的密钥",
            code="id_key_unchanged",
        )
    db.engine.dispose()  # this process's own idle connections are not "another instance" (below)
    with db.session() as s:
        begin_write(s)
        if not db.is_sqlite:  # claims wait for the new hashes rather than slip old ones in between
            s.execute(text("LOCK TABLE registration_persons, key_fingerprints IN EXCLUSIVE MODE"))
            _refuse_running_instances(s)
        stored = _stored(s)
        if stored is not None and not hmac.compare_digest(stored, old_fp):
            if hmac.compare_digest(stored, new_fp):
                raise CentralError(
                    "本数据库已使用新密钥，无需重算", code="id_key_already_new", hint="可直接启动中心服务"
                )
            raise CentralError(
                "给出的旧密钥与本数据库记下的指纹不符，未做任何改动",
                hint="旧密钥须是这些哈希当初所用的密钥（恢复备份时是备份时的密钥）",
                code="id_key_mismatch",
            )
        matched = _match(s, old_key)
        lost = matched.lost_active + matched.lost_inactive
        if lost:
            raise CentralError(
                f"有 {lost} 行身份证号哈希无法重算（其中有效 {matched.lost_active} 行）：旧密钥不对，"
                "或其身份证号已不在该家庭的申请人和成员中；未做任何改动",
                hint="请确认旧密钥；家庭成员被改过时，先恢复其成员记录再重算",
                code="id_rekey_incomplete",
            )
        if matched.found:
            s.execute(
                update(RegistrationPerson).execution_options(synchronize_session=False),
                [{"id": i, "id_hash": id_hash(new_key, n)} for i, n in matched.found.items()],
            )
        s.execute(_REPLACE, {"name": ID_KEY, "fp": new_fp})
        detail = {"rows": matched.rows, "old_fingerprint": old_fp[:16], "new_fingerprint": new_fp[:16]}
        s.add(
            AdminAudit(
                at=now,
                action="rekey_ids",
                subject="registration_persons",
                actor=actor,
                detail=json.dumps(detail),
            )
        )
        s.commit()
    return Rekeyed(matched.rows, old_fp[:16], new_fp[:16])
