"""The local cache encrypted at rest: SQLCipher (AES-256, every page authenticated) under a key from the OS keyring.

The key is 32 random bytes given to SQLCipher raw (``x'…'``): no passphrase, so no key derivation on each of
the connection pool's connections. Beside the cache lies the key's fingerprint (an HMAC of a constant under the
key, which tells nothing about the key): with it a cache that fails to open under the keyring's key is told
apart as damaged (the fingerprint matches) or kept under another key (it does not) — SQLCipher itself says
"file is not a database" for both, and only a damaged file may be set aside.

A cache made by a release before encryption is encrypted in place once (``encrypt_plain``): the encrypted copy
is written and checked beside it, then takes its name, then the plain file is overwritten and removed. A crash
at any step leaves either the plain cache or the encrypted one under the cache's name; ``recover`` finishes or
undoes the step at the next start.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import sqlcipher3.dbapi2 as sqlcipher

from kiosk.storage.private_files import write_private
from kiosk_core import cache_file
from kiosk_core.cache_file import KEY_BYTES, valid_key

__all__ = ["KEY_BYTES", "valid_key"]  # the key's form, for those that keep it (kiosk.services.secrets)

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
_WIPE_CHUNK = 1 << 20

State = Literal["absent", "plain", "encrypted"]


class CacheKeys(Protocol):
    """Where the cache's key is kept (the OS keyring; a fixed key for the self-check and benchmarks)."""

    def get(self) -> str | None:
        """The key (64 hex digits), None when none was ever made; raises KioskError when it cannot be read."""
        ...

    def make(self) -> str:
        """A new key, kept before it is returned (a cache is never encrypted under a key that was not kept)."""
        ...


@dataclass(frozen=True)
class FixedKey:
    """A key given outright: the self-check's throwaway cache, benchmarks, tools that were handed the key."""

    key: str

    def get(self) -> str | None:
        return self.key

    def make(self) -> str:
        return self.key


def new_key() -> str:
    return secrets.token_hex(KEY_BYTES)


def connect(path: Path, key: str, *, readonly: bool = False, timeout: float = 10) -> sqlcipher.Connection:
    """A SQLCipher connection with the key applied before anything reads the file."""
    return cache_file.connect(path, key, readonly=readonly, timeout=timeout)


def state(path: Path) -> State:
    """What lies under the cache's name: nothing (or an empty file), a plain SQLite file, or anything else."""
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "absent"
    if not header:
        # Killed before the first checkpoint: everything is still in the WAL, whose frames say nothing of the
        # key; the fingerprint, written before the first page, does.
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return "encrypted" if fingerprint_file(path).exists() else "plain"
        return "absent"
    return "plain" if header == SQLITE_HEADER else "encrypted"


def opens(path: Path, key: str) -> bool:
    """The file reads as a database under ``key`` (SQLCipher checks the first page's HMAC)."""
    try:
        conn = connect(path, key, readonly=True)
    except sqlcipher.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError:
        return False
    finally:
        conn.close()


# --- the key's fingerprint beside the cache ---------------------------------------------------------------


def fingerprint(key: str) -> str:
    return hmac.new(bytes.fromhex(key), b"kiosk local cache key", hashlib.sha256).hexdigest()[:32]


def fingerprint_file(path: Path) -> Path:
    return path.with_name(f".{path.name}.key-id")


def write_fingerprint(path: Path, key: str) -> None:
    write_private(fingerprint_file(path), f"{fingerprint(key)}\n".encode())


def kept_fingerprint(path: Path) -> str | None:
    try:
        return fingerprint_file(path).read_text(encoding="ascii").strip() or None
    except (FileNotFoundError, UnicodeDecodeError):
        return None


# --- encrypting a plain cache in place ------------------------------------------------------------------------


def _encrypting(path: Path) -> Path:
    return path.with_name(path.name + ".encrypting")


def _plain_leftover(path: Path) -> Path:
    return path.with_name(path.name + ".plain-removing")


def recover(path: Path) -> bool:
    """Finish or undo an encryption a crash interrupted: afterwards only the cache's own name is in use, but
    for the plain leftovers, which ``remove_plain_leftovers`` wipes once the cache opens under its key.

    True when an encryption was finished here (its copy took the cache's name).
    """
    new, old = _encrypting(path), _plain_leftover(path)
    finished = False
    if new.exists() and not path.exists() and old.exists():
        os.replace(new, path)  # the plain copy was already moved aside: the checked encrypted copy takes over
        _sync_dir(path.parent)
        log.warning("local cache: finished encrypting %s after an interruption", path)
        finished = True
    if new.exists():
        _remove_copy(new)  # an unfinished copy; the plain cache is still in place and is encrypted again
    if old.exists() and not path.exists():
        # Set aside but never replaced: the plain cache goes back under its name (nothing is wiped unread).
        for suffix in SIDE_FILES:
            side = old.with_name(old.name + suffix)
            if side.exists():
                os.replace(side, path.with_name(path.name + suffix))
        os.replace(old, path)
        _sync_dir(path.parent)
        log.warning("local cache: %s put back as it was before an interrupted encryption", path)
    return finished


def remove_plain_leftovers(path: Path) -> None:
    """Overwrite and remove the plain cache an encryption set aside. Only once the encrypted cache at ``path``
    is known to open under its key (until then ``recover`` puts the plain one back, never wipes it)."""
    old = _plain_leftover(path)
    for leftover in (old, *(old.with_name(old.name + s) for s in SIDE_FILES)):
        if leftover.exists():
            secure_remove(leftover)


def encrypt_plain(path: Path, key: str) -> None:
    """Encrypt the plain cache at ``path`` in place under ``key``; the plain file is overwritten and removed.

    Raises sqlcipher.Error or OSError (the plain cache untouched) when the copy cannot be made or checked.
    """
    new = _encrypting(path)
    new.unlink(missing_ok=True)
    try:
        counts = _export(path, new, key)
    except BaseException:
        _remove_copy(new)  # the plain cache is untouched; the next start tries again
        raise
    write_fingerprint(path, key)
    old = _plain_leftover(path)
    # Its journal files first (checkpointed: empty), so none is ever found beside the encrypted cache.
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, old.with_name(old.name + suffix))
    os.replace(path, old)
    os.replace(new, path)
    _sync_dir(path.parent)
    remove_plain_leftovers(path)  # the copy opened under ``key`` when it was checked
    log.info("local cache %s encrypted in place (%d tables)", path, len(counts))


def _export(path: Path, new: Path, key: str) -> dict[str, int]:
    """The plain cache copied into ``new`` under ``key``, synced and checked; the rows per table."""
    plain = sqlcipher.connect(str(path), timeout=10)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything committed is in the main file
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        counts = _row_counts(plain)
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key}'\"", (str(new),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    os.chmod(new, 0o600)
    _fsync(new)
    check = connect(new, key)
    try:
        if _row_counts(check) != counts:
            raise sqlcipher.DatabaseError("the encrypted copy does not hold every row of the plain cache")
        check.execute("PRAGMA journal_mode=WAL")
    finally:
        check.close()
    return counts


def _remove_copy(new: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        new.with_name(new.name + suffix).unlink(missing_ok=True)


def _row_counts(conn: sqlcipher.Connection) -> dict[str, int]:
    names = [
        n
        for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def secure_remove(path: Path) -> None:
    """Overwrite with zeros, flush to the disk, then unlink.

    On a flash disk the controller may keep old blocks elsewhere; the plain cache's remains are then left to
    the disk's own wear levelling (docs/privacy.md says so) — what this removes is every copy a program can read.
    """
    try:
        size = path.stat().st_size
        with path.open("r+b") as f:
            zeros = bytes(min(size, _WIPE_CHUNK))
            left = size
            while left > 0:
                n = min(left, len(zeros))
                f.write(zeros[:n])
                left -= n
            f.flush()
            os.fsync(f.fileno())
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
