"""On-site selection's values: a pool's unit, a round's plan, a household's turn, and the pool and queue numbers.

Split from kiosk_core.selection, which imports every name here again: callers keep using that module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk_core.selection_states import FINISHED, QUEUE_STEP, RoundState, TurnState


@dataclass(frozen=True)
class UnitInfo:
    """One unit of a pool, as the wish list and the board show it."""

    code: str
    project_code: str
    unit_type_code: str
    building: str = ""
    floor: int = 0
    number: str = ""
    orientation: str = ""
    area: float = 0.0
    rent: float = 0.0

    @property
    def pool(self) -> str:
        return pool_code(self.project_code, self.unit_type_code)


@dataclass(frozen=True)
class RoundPlan:
    round_no: int
    reg_nos: tuple[str, ...]  # in global draw rank order
    starts_at: datetime
    ends_at: datetime

    def state(self, now: datetime) -> RoundState:
        if now < self.starts_at:
            return RoundState.UPCOMING
        return RoundState.RUNNING if now < self.ends_at else RoundState.ENDED


@dataclass(frozen=True)
class Turn:
    """One household's turn in a selection (or in its supplementary round)."""

    reg_no: str
    pool: str
    rank: int  # the draw's global rank
    order: int  # the draw's order within the pool
    round_no: int
    queue_pos: int
    state: TurnState = TurnState.WAITING
    late: bool = False  # passed over: called and not there
    requeued: bool = False  # came late and was queued after the household being served
    counter: str | None = None
    redeclared_at: datetime | None = None
    redeclared_by: str | None = None
    wishes: tuple[str, ...] = ()
    opened_at: datetime | None = None
    deadline: datetime | None = None
    paused_remaining: float | None = None  # seconds left when paused; None while the countdown runs
    unit_code: str | None = None
    finished_at: datetime | None = None
    reason: str | None = None
    supplementary: bool = False

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def paused(self) -> bool:
        return self.state is TurnState.OPEN and self.paused_remaining is not None


def pool_code(project_code: str, unit_type_code: str) -> str:
    """The draw's pool code of a project and unit type."""
    return f"{project_code}/{unit_type_code}"


def first_queue_pos(order: int) -> int:
    return order * QUEUE_STEP
