"""The counter's cache file as SQLCipher reads it: opened by the counter (kiosk.storage.cipher) and, for
``kiosk-central audit-verify``, by the centre from a copy. The key is 32 bytes given raw as hex (``x'…'``)."""

from __future__ import annotations

import re
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

KEY_BYTES = 32
_HEX_KEY = re.compile(rf"^[0-9a-f]{{{KEY_BYTES * 2}}}$")


def valid_key(key: str) -> bool:
    return bool(_HEX_KEY.match(key))


def connect(
    path: Path, key: str | None, *, readonly: bool = False, timeout: float = 10
) -> sqlcipher.Connection:
    """A connection with the key applied before anything reads the file; no key: a plain SQLite file (a
    release before 11). ValueError for a key that is not 64 lower-case hex digits."""
    if key is not None and not valid_key(key):
        raise ValueError("a cache key is 64 lower-case hex digits")
    target = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
    conn = sqlcipher.connect(target, uri=readonly, timeout=timeout, check_same_thread=False)
    if key is not None:
        conn.execute(f"PRAGMA key = \"x'{key}'\"")  # hex checked above: nothing else reaches the statement
    return conn
