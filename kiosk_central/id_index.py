"""The centre's keyed hash of ID numbers: what its indexes hold instead of the numbers (docs/centre-data.md).

HMAC-SHA256 with a key kept outside the database (config.resolve_id_key), so a dump of the database, its
indexes included, does not let anyone find a person by hashing candidate ID numbers: an 18-character ID has
few enough candidates (region, birth date, sequence) to try them all against a plain SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from sqlalchemy.orm import Session

# Where Database puts its key in every session's info.
SESSION_KEY = "id_key"


def id_hash(key: bytes, id_number: str) -> str:
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()


def hashes(session: Session, id_numbers: Iterable[str]) -> dict[str, str]:
    """Each number's keyed hash, with the key the session's database was opened with."""
    key: bytes = session.info[SESSION_KEY]
    return {n: id_hash(key, n) for n in id_numbers}
