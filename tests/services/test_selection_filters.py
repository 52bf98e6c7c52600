"""The wish list's filters over a household's pool: only what the pool has, free units only, the list's own out."""

from __future__ import annotations

from kiosk.services.selection_filters import UnitFilter, choices, offered, pool_units, unit_label
from tests.ui.selection_states import units


def test_the_filters_offer_what_the_pool_has_and_leave_taken_and_listed_units_out() -> None:
    rows = units(buildings=("1", "2"), floors=3, per_floor=4, taken=2)
    pool = pool_units(rows, "P01/1B")
    assert {u["unit_type_code"] for u in pool} == {"1B"} and len(pool) == 12
    offer = choices(pool)
    assert (
        offer.buildings == ("1", "2")
        and offer.floors == (1, 2, 3)
        and offer.unit_types == (("1B", "一居室"),)
    )
    assert offer.orientations == ("北", "南")
    listed = "P01-2-0301"
    free = offered(pool, [listed], UnitFilter())
    codes = [u["unit_code"] for u in free]
    assert (
        len(free) == 12 - 2 - 1 and listed not in codes and "P01-1-0101" not in codes
    )  # taken: gone at once
    south_2f = offered(pool, [], UnitFilter(building="2", orientation="南", floor=2))
    assert [unit_label(u) for u in south_2f] == ["2栋0201"]
