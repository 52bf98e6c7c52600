"""On-site selection's bodies as the OpenAPI document shows them; the answers' fields equal
kiosk_core.selection_wire's (tests/central/test_selection_api.py checks)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kiosk_central.services.selection_setup import MAX_ROUND_MINUTES, MAX_ROUND_SIZE, MAX_TURN_SECONDS
from kiosk_core import selection as sel


class SelectionRequest(BaseModel):
    round_size: int = Field(ge=1, le=MAX_ROUND_SIZE, examples=[20], description="households per round")
    first_start: datetime = Field(description="when the first round starts (the centre's local time)")
    round_minutes: int = Field(ge=1, le=MAX_ROUND_MINUTES, examples=[30], description="each round's length")
    turn_seconds: int = Field(
        sel.TURN_SECONDS, ge=10, le=MAX_TURN_SECONDS, description="the formal turn's countdown"
    )
    supplementary_minutes: int = Field(
        sel.SUPPLEMENTARY_MINUTES,
        ge=0,
        le=MAX_ROUND_MINUTES,
        description="applications for supplementary selection close this long after the last round ends",
    )


class SupplementaryRoundRequest(BaseModel):
    first_start: datetime
    round_minutes: int = Field(ge=1, le=MAX_ROUND_MINUTES)


class RedeclareRequest(BaseModel):
    operator: str = Field(max_length=64, description="who recorded the household's re-declaration")


class WishesRequest(BaseModel):
    units: list[str] = Field(
        max_length=20, description=f"unit codes in order (at most {sel.MAX_WISHES} are accepted)"
    )


class ConfirmRequest(BaseModel):
    unit_code: str = Field(max_length=32)


class DeclineRequest(BaseModel):
    reason: str = Field(max_length=200)


class SelectionPlanRow(BaseModel):
    plan_code: str
    plan_name: str
    draw_id: int
    turn_seconds: int
    round_size: int
    supplementary_deadline: datetime | None


class RoundRow(BaseModel):
    round_no: int
    starts_at: datetime
    ends_at: datetime
    supplementary: bool
    state: str = Field(examples=["running"], description="upcoming | running | ended")


class WishRow(BaseModel):
    unit_code: str
    taken: bool = Field(description="chosen by another household meanwhile: shown marked, may be deleted")


class TurnRow(BaseModel):
    reg_no: str
    filing_no: str = Field(description="empty on the public state")
    masked_name: str = Field(examples=["张*明"])
    pool: str = Field(examples=["P-DX-01/P-DX-01-1R"])
    rank: int
    order: int = Field(description="the draw's order within the pool")
    round_no: int
    queue_pos: int
    state: str = Field(
        examples=["open"],
        description="waiting | called | open | confirmed | auto_picked | no_unit | absent | declined",
    )
    late: bool = Field(description="called and not there: passed over until it arrives")
    counter: str | None
    called_at: datetime | None
    opened_at: datetime | None
    deadline: datetime | None
    paused: bool = Field(description="the counter was not heard for 6 s: the countdown stands")
    remaining_seconds: float | None = Field(description="at server_time")
    redeclared_at: datetime | None
    redeclared_by: str | None
    wishes: list[WishRow]
    unit_code: str | None = Field(description="the unit chosen")
    finished_at: datetime | None
    reason: str | None
    supplementary: bool


class BoardUnit(BaseModel):
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
    taken_by_order: int | None = Field(description="the chooser's order in its pool, never a name")


class UnitCounts(BaseModel):
    free: int
    taken: int


class SelectionState(BaseModel):
    plan: SelectionPlanRow
    server_time: datetime = Field(description="the centre's clock: counters show countdowns against it")
    version: int = Field(description="the last selection event; the push channel's selection part")
    rounds: list[RoundRow]
    turns: list[TurnRow]
    units: list[BoardUnit]
    counts: dict[str, UnitCounts] = Field(description="per unit_type_code")


class SheetData(BaseModel):
    plan_code: str
    plan_name: str
    reg_no: str
    filing_no: str
    masked_name: str
    masked_id: str = Field(examples=["1101**********002X"])
    unit_code: str
    project_name: str
    unit_type_name: str
    building: str
    floor: int
    number: str
    orientation: str
    area: float
    rent: float
    chosen_at: datetime
    how: str = Field(description="confirmed | auto_picked")
    counter: str | None
    operator: str | None
    verify_url: str = Field(description="the public check of this result (for the sheet's QR code)")


class PublicResult(BaseModel):
    plan_code: str
    reg_no: str
    masked_name: str
    unit_code: str
    chosen_at: datetime
    how: str
