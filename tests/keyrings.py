"""The OS keyring for tests: a dict (there is no desktop session, so no Secret Service, in CI).

Every counter in the suite is as if one IT person had enrolled it: the local cache's key is the same test key
for every keyring service, until a test sets or deletes it. So a cache made once and copied (the synced-counter
templates in tests/demo_centre.py) opens in the test that copied it, and a child process (the crash harness,
the app started as a program: ``PYTHON_KEYRING_BACKEND`` names this class, tests/conftest.py) opens the cache its
killed predecessor made.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import sqlcipher3.dbapi2 as sqlcipher
from keyring.backend import KeyringBackend

from kiosk.services.secrets import CACHE_KEY
from kiosk.storage import cipher

TEST_CACHE_KEY = "7e57" * 16
_DELETED = object()


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, *, test_cache_key: bool = True) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}
        self._deleted: set[str] = set()  # services whose cache key a test removed
        self._test_cache_key = test_cache_key

    def get_password(self, service: str, username: str) -> str | None:
        found = self.store.get((service, username))
        if found is None and username == CACHE_KEY and self._test_cache_key and service not in self._deleted:
            return TEST_CACHE_KEY
        return found

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)
        if username == CACHE_KEY:
            self._deleted.add(service)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def cache_db(path: object, **kwargs: object) -> sqlcipher.Connection:
    """A raw connection on a counter's cache (encrypted under the test key), for tests that look underneath."""
    return cipher.connect(Path(str(path)), TEST_CACHE_KEY, **kwargs)  # type: ignore[arg-type]


def decrypt_in_place(cache: Path, slip_key: str) -> None:
    """The counter's cache turned into the plain file a release before 11 kept, its slip key in its settings."""
    plain = cache.with_name("plain.db")
    with cache_db(cache) as db:
        db.execute("INSERT INTO settings (key, value) VALUES ('verification_secret', ?)", (slip_key,))
        db.commit()
        db.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        db.execute("SELECT sqlcipher_export('plain')")
        db.commit()
        db.execute("DETACH DATABASE plain")
    db.close()
    for side in cipher.SIDE_FILES:
        cache.with_name(cache.name + side).unlink(missing_ok=True)
    plain.replace(cache)
    cipher.fingerprint_file(cache).unlink()
    assert cipher.state(cache) == "plain"
