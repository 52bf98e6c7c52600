"""What the centre says about a selection (选房): the shapes counters and hall screens read.

Typed dictionaries like kiosk_core.wire's; the centre's pydantic models keep the same fields
(tests/test_wire.py). Times travel as ISO 8601 text, always the centre's clock.
"""

from __future__ import annotations

from typing import TypedDict


class SelectionPlanRow(TypedDict):
    plan_code: str
    plan_name: str
    draw_id: int
    turn_seconds: int
    round_size: int
    supplementary_deadline: str | None


class RoundRow(TypedDict):
    round_no: int
    starts_at: str
    ends_at: str
    supplementary: bool
    state: str  # kiosk_core.selection.RoundState


class WishRow(TypedDict):
    unit_code: str
    taken: bool  # chosen by another household meanwhile: shown marked, may be deleted


class TurnRow(TypedDict):
    reg_no: str
    filing_no: str  # empty on the public feed
    masked_name: str  # 张*明
    pool: str  # project_code/unit_type_code, the draw's pool code
    rank: int
    order: int
    round_no: int
    queue_pos: int
    state: str  # kiosk_core.selection.TurnState
    late: bool
    counter: str | None
    called_at: str | None
    opened_at: str | None
    deadline: str | None
    paused: bool
    remaining_seconds: float | None  # at server_time
    redeclared_at: str | None
    redeclared_by: str | None
    wishes: list[WishRow]
    unit_code: str | None  # the unit chosen
    finished_at: str | None
    reason: str | None
    supplementary: bool


class BoardUnit(TypedDict):
    unit_code: str
    project_code: str
    unit_type_code: str
    unit_type_name: str
    building: str
    floor: int
    number: str
    orientation: str
    area: float
    rent: float
    taken: bool
    taken_by_order: int | None  # the chooser's order in its pool, never a name


class UnitCounts(TypedDict):
    free: int
    taken: int


class SelectionState(TypedDict):
    """``GET /v1/selection/{plan_code}`` (and the public, masked one)."""

    plan: SelectionPlanRow
    server_time: str
    version: int  # the last selection event id
    rounds: list[RoundRow]
    turns: list[TurnRow]
    units: list[BoardUnit]
    counts: dict[str, UnitCounts]  # per unit_type_code


class SheetData(TypedDict):
    """The selection result sheet (选房确认书) of one household: ``GET .../turns/{reg_no}/sheet``."""

    plan_code: str
    plan_name: str
    reg_no: str
    filing_no: str
    masked_name: str
    masked_id: str  # 1101**********002X
    unit_code: str
    project_name: str
    unit_type_name: str
    building: str
    floor: int
    number: str
    orientation: str
    area: float
    rent: float
    chosen_at: str
    how: str  # confirmed | auto_picked
    counter: str | None  # None when the centre auto-picked with no counter
    operator: str | None
    verify_url: str
