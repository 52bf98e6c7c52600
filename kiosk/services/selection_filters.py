"""The counter's view of a household's pool while it makes its wish list: the filters and what they leave.

Qt-free: the wish list screen shows what these return. A unit taken by another household leaves the choice at
once; one already on the list stays there, marked (the seed: 已被在您选房排位之前的家庭选定的住房，您可以将其删除).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.services.hall_board import room_label

ANY = ""  # a filter left open


@dataclass(frozen=True)
class UnitFilter:
    building: str = ANY
    unit_type: str = ANY  # unit_type_code
    orientation: str = ANY
    floor: int | None = None

    def admits(self, unit: Mapping[str, Any]) -> bool:
        return (
            (not self.building or str(unit.get("building")) == self.building)
            and (not self.unit_type or unit.get("unit_type_code") == self.unit_type)
            and (not self.orientation or unit.get("orientation") == self.orientation)
            and (self.floor is None or int(unit.get("floor", 0)) == self.floor)
        )


@dataclass(frozen=True)
class FilterChoices:
    """What each filter offers: only values the pool's units have."""

    buildings: tuple[str, ...]
    unit_types: tuple[tuple[str, str], ...]  # (code, name)
    orientations: tuple[str, ...]
    floors: tuple[int, ...]


def pool_units(units: Iterable[Mapping[str, Any]], pool: str) -> list[Mapping[str, Any]]:
    """The units of ``pool`` (project_code/unit_type_code, the draw's pool code)."""
    return [u for u in units if f"{u.get('project_code')}/{u.get('unit_type_code')}" == pool]


def choices(units: Sequence[Mapping[str, Any]]) -> FilterChoices:
    def number_key(text: str) -> tuple[int, str]:
        return (int(text) if text.isdigit() else 1 << 30, text)

    types = {str(u.get("unit_type_code")): str(u.get("unit_type_name")) for u in units}
    return FilterChoices(
        buildings=tuple(sorted({str(u.get("building")) for u in units}, key=number_key)),
        unit_types=tuple(sorted(types.items())),
        orientations=tuple(sorted({str(u.get("orientation")) for u in units if u.get("orientation")})),
        floors=tuple(sorted({int(u.get("floor", 0)) for u in units})),
    )


def offered(
    units: Sequence[Mapping[str, Any]], wishes: Sequence[str], unit_filter: UnitFilter
) -> list[Mapping[str, Any]]:
    """The free units the filter admits that are not on the list yet, by building, floor and number."""
    chosen = set(wishes)
    left = [
        u for u in units if not u.get("taken") and u.get("unit_code") not in chosen and unit_filter.admits(u)
    ]
    return sorted(left, key=lambda u: (str(u.get("building")), int(u.get("floor", 0)), str(u.get("number"))))


def unit_label(unit: Mapping[str, Any]) -> str:
    """3栋0502: the unit as staff read it to the household."""
    return f"{unit.get('building')}栋{room_label(int(unit.get('floor', 0)), unit.get('number', ''))}"
