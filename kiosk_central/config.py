"""Settings of one central service instance; the CLI and the tests build them, nothing reads globals."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from kiosk_core.errors import KioskError

DATABASE_URL_ENV = "KIOSK_CENTRAL_DATABASE_URL"
# The key of the ID numbers' keyed hash (kiosk_central.id_index, docs/centre-data.md).
ID_KEY_ENV = "KIOSK_CENTRAL_ID_KEY"
# Only for ``kiosk-central rekey-ids``: the key the hashes were made with (or --old-key-file).
OLD_ID_KEY_ENV = "KIOSK_CENTRAL_OLD_ID_KEY"
MIN_ID_KEY_LENGTH = 32
# Only for the embedded SQLite database (the demo, a developer's centre, the tests); PostgreSQL needs its own.
DEVELOPMENT_ID_KEY = "kiosk-central development ID key: not for production"
DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "kiosk-central"


@dataclass(frozen=True)
class Settings:
    database_url: str
    device_token_ttl: timedelta = timedelta(hours=1)
    operator_token_ttl: timedelta = timedelta(hours=8)
    changes_default_limit: int = 5000
    changes_max_limit: int = 20000
    # Threads per process for the blocking handlers: a few more than the CPU can use only queue on the GIL.
    threads: int = 16
    # How far a kiosk's event time may run ahead of the server's clock before the event is refused.
    max_clock_skew: timedelta = timedelta(minutes=10)
    # The ID numbers' hash key; None: $KIOSK_CENTRAL_ID_KEY (resolve_id_key).
    id_key: str | None = None


class IdKeyMissing(KioskError):
    """The centre would run on PostgreSQL without its ID key, or with one too short to be a key."""


class IdKeyMismatch(KioskError):
    """The ID key is not the one the database's ID hashes were made with (services/id_keys.py)."""


def resolve_id_key(database_url: str, given: str | None = None) -> bytes:
    """The key given in the settings, else the environment's; the development key only on SQLite."""
    key = given or os.environ.get(ID_KEY_ENV, "")
    if not key:
        if database_url.startswith("sqlite"):
            return DEVELOPMENT_ID_KEY.encode()
        raise IdKeyMissing(
            f"未设置身份证号索引密钥 {ID_KEY_ENV}，中心服务不能在 PostgreSQL 上启动"
            f"（{ID_KEY_ENV} is not set: refusing to start on PostgreSQL）",
            hint=f"在 central.env 中设置 {ID_KEY_ENV}：至少 {MIN_ID_KEY_LENGTH} 个字符的随机串（docs/centre-data.md）",
            code="id_key_missing",
        )
    if len(key) < MIN_ID_KEY_LENGTH:
        raise IdKeyMissing(
            f"身份证号索引密钥 {ID_KEY_ENV} 太短（{ID_KEY_ENV} is shorter than {MIN_ID_KEY_LENGTH} characters）",
            hint=f"至少 {MIN_ID_KEY_LENGTH} 个字符的随机串（docs/centre-data.md）",
            code="id_key_missing",
        )
    return key.encode()


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'central.db').resolve()}"


def resolve_database_url(database_url: str | None, data_dir: Path | None) -> str:
    """Command line first, then the environment, then an SQLite file in the data dir (nothing to set up)."""
    url = database_url or os.environ.get(DATABASE_URL_ENV)
    if url:
        return normalize_url(url)
    return sqlite_url(data_dir or DEFAULT_DATA_DIR)


def normalize_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which is not installed; psycopg 3 is.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
