"""Selection's wire shapes are written once, in kiosk_core.selection_wire: the centre's models say the same fields."""

from __future__ import annotations

from typing import get_type_hints

import pytest

from kiosk_core import selection_wire

NAMES = (
    "SelectionPlanRow",
    "RoundRow",
    "WishRow",
    "TurnRow",
    "BoardUnit",
    "UnitCounts",
    "SelectionState",
    "SheetData",
)


@pytest.mark.parametrize("name", NAMES)
def test_each_selection_shape_has_the_same_fields_at_the_centre(name: str) -> None:
    from kiosk_central.api import schemas_selection

    counter = set(get_type_hints(getattr(selection_wire, name)))
    centre = set(getattr(schemas_selection, name).model_fields)
    assert counter == centre, counter ^ centre
