"""What the hall's unit board shows of a selection: every unit by building, floor and number, free or taken, and
the counts per unit type. A taken unit is known by the order that took it, never by a name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.services.hall_rounds import pool_names, round_label


@dataclass(frozen=True)
class BoardCell:
    unit_code: str
    label: str  # the room as the hall reads it: 0301
    taken: bool
    taken_by_order: int | None = None


@dataclass(frozen=True)
class BoardFloor:
    floor: int
    cells: tuple[BoardCell | None, ...]  # one per column of the building; None where it has no such unit


@dataclass(frozen=True)
class BoardBuilding:
    name: str
    numbers: tuple[str, ...]  # the columns
    floors: tuple[BoardFloor, ...]  # the top floor first, as the building stands


@dataclass(frozen=True)
class TypeCount:
    code: str
    name: str
    free: int
    taken: int


@dataclass(frozen=True)
class BoardState:
    title: str = ""
    buildings: tuple[BoardBuilding, ...] = ()
    counts: tuple[TypeCount, ...] = ()
    free: int = 0
    taken: int = 0
    notice: str = ""
    version: int = 0


def _number_key(value: Any) -> tuple[int, str]:
    text = str(value)
    return (int(text) if text.isdigit() else 1 << 30, text)


def _column(number: Any) -> str:
    """The unit's place on its floor: 0302 and 0502 stand one above the other in column 02."""
    text = str(number)
    return text[-2:] if text.isdigit() and len(text) >= 3 else text


def room_label(floor: int, number: Any) -> str:
    """0301: the room as on the door, so the hall finds a unit without the column heads. A number of three or
    more digits is the door's already (0302); one or two digits is the unit on its floor (02 on 3 → 0302)."""
    text = str(number)
    if text.isdigit():
        return text.zfill(4) if len(text) >= 3 else f"{floor:02d}{text.zfill(2)}"
    return f"{floor}-{text}"


def build_board(selection: Mapping[str, Any]) -> BoardState:
    """Every unit of the selection by building, floor and number, free or taken, and the counts per unit type."""
    by_building: dict[str, list[Mapping[str, Any]]] = {}
    for unit in selection.get("units", ()):
        by_building.setdefault(str(unit.get("building", "")), []).append(unit)
    buildings = []
    for name in sorted(by_building, key=_number_key):
        units = by_building[name]
        numbers = tuple(sorted({_column(u.get("number", "")) for u in units}, key=_number_key))
        floors: dict[int, dict[str, BoardCell]] = {}
        for u in units:
            floor = int(u.get("floor", 0))
            floors.setdefault(floor, {})[_column(u.get("number", ""))] = BoardCell(
                unit_code=str(u.get("unit_code", "")),
                label=room_label(floor, u.get("number", "")),
                taken=bool(u.get("taken")),
                taken_by_order=u.get("taken_by_order"),
            )
        rows = tuple(
            BoardFloor(floor, tuple(floors[floor].get(n) for n in numbers))
            for floor in sorted(floors, reverse=True)
        )
        buildings.append(BoardBuilding(name, numbers, rows))
    names = pool_names(selection)
    counts = tuple(
        TypeCount(code, names.get(code, code), int(c.get("free", 0)), int(c.get("taken", 0)))
        for code, c in sorted(selection.get("counts", {}).items())
    )
    free = sum(c.free for c in counts)
    taken = sum(c.taken for c in counts)
    plan = selection.get("plan", {})
    return BoardState(
        title=str(plan.get("plan_name", "")),
        buildings=tuple(buildings),
        counts=counts,
        free=free,
        taken=taken,
        notice=round_label(selection),
        version=int(selection.get("version", 0)),
    )
