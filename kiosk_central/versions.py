"""Catalog and review versions: one global counter each, bumped in the transaction that makes the change.

``UPDATE counters SET value = value + n ... RETURNING value`` row-locks the counter until the transaction
ends, so writers holding versions commit in version order: a reader can never see version v+1 committed while
v is still in flight (docs/central-api.md, "The visibility race"). Take versions as the last step before
commit, to hold the lock as briefly as possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk_central.tables import Counter

CATALOG = "catalog"
REVIEWS = "reviews"


class Versioned(Protocol):
    version: int


def allocate(session: Session, counter: str, n: int = 1) -> int:
    """Reserve ``n`` consecutive versions and return the first; the counter stays locked until commit."""
    if n < 1:
        raise ValueError("allocate at least one version")
    last = session.execute(
        update(Counter)
        .where(Counter.name == counter)
        .values(value=Counter.value + n)
        .returning(Counter.value)
    ).scalar_one()
    return int(last) - n + 1


def stamp(session: Session, rows: Sequence[Versioned]) -> None:
    """Give each changed catalog row its own new version, in order."""
    if not rows:
        return
    first = allocate(session, CATALOG, len(rows))
    for offset, row in enumerate(rows):
        row.version = first + offset


def current(session: Session, counter: str = CATALOG) -> int:
    return int(session.scalar(select(Counter.value).where(Counter.name == counter)) or 0)
