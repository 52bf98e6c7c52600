"""Settings of one central service instance; the CLI and the tests build them, nothing reads globals."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

DATABASE_URL_ENV = "KIOSK_CENTRAL_DATABASE_URL"
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
