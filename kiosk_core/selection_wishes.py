"""On-site selection's wish list (预选): checking, editing and ordering it, and the auto-pick from it.

Split from kiosk_core.selection, which imports every name here again: callers keep using that module.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from kiosk_core.selection_states import (
    MAX_WISHES,
    DuplicateWish,
    TooManyWishes,
    UnitNotInPool,
    UnitNotWished,
    UnitTaken,
)
from kiosk_core.selection_values import UnitInfo


def check_wishes(
    units: Sequence[str],
    pool_units: Mapping[str, UnitInfo],
    taken: Collection[str],
    kept: Collection[str] = (),
) -> tuple[str, ...]:
    """The wish list as given, or the first refusal: a sixth unit, one twice, one of another pool, one taken.

    A unit taken by another household may stay on the list if it was already there (``kept``: the list
    before this change), shown marked, as the seed says; it is never newly added.
    """
    if len(units) > MAX_WISHES:
        raise TooManyWishes()
    seen: set[str] = set()
    for unit in units:
        if unit in seen:
            raise DuplicateWish(unit)
        seen.add(unit)
        if unit not in pool_units:
            raise UnitNotInPool(unit)
        if unit in taken and unit not in kept:
            raise UnitTaken(unit)
    return tuple(units)


def add_wish(wishes: Sequence[str], unit: str) -> tuple[str, ...]:
    """The list with ``unit`` at the end (check_wishes judges it)."""
    return (*wishes, unit)


def remove_wish(wishes: Sequence[str], unit: str) -> tuple[str, ...]:
    return tuple(w for w in wishes if w != unit)


def move_wish(wishes: Sequence[str], unit: str, where: str) -> tuple[str, ...]:
    """Move ``unit`` ``up``, ``down`` or to the ``top``; at an end it stays."""
    items = list(wishes)
    if unit not in items:
        raise UnitNotWished(unit)
    i = items.index(unit)
    if where == "top":
        j = 0
    elif where == "up":
        j = max(0, i - 1)
    elif where == "down":
        j = min(len(items) - 1, i + 1)
    else:
        raise ValueError(where)
    items.insert(j, items.pop(i))
    return tuple(items)


def auto_pick(wishes: Sequence[str], taken: Collection[str]) -> str | None:
    """The first wish still free, or None."""
    return next((w for w in wishes if w not in taken), None)
