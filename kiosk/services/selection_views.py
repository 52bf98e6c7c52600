"""What the counter shows of a selection (选房): the centre's state read into frozen values, times local.

The countdown is the centre's: ``remaining_seconds`` is given at the centre's ``server_time``; the counter
subtracts only the time its own clock says has passed since the state arrived, so a counter whose clock is
wrong still shows the right time left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.services.central_client import local_time
from kiosk_core import selection as core
from kiosk_core.errors import KioskError
from kiosk_core.selection import TurnState, left_after
from kiosk_core.selection_wire import SelectionState, SheetData


class SelectionRefused(KioskError):
    """The centre said no; ``code`` is its code (unit_taken, not_your_turn, ...), the message its words."""

    code = "selection_refused"


class SelectionOffline(KioskError):
    """The centre could not be reached: nothing was done there."""

    code = "selection_offline"


@dataclass(frozen=True)
class WishView:
    unit_code: str
    taken: bool  # chosen by another household meanwhile: shown marked, staff may delete it


@dataclass(frozen=True)
class TurnView:
    reg_no: str
    filing_no: str
    masked_name: str
    pool: str
    rank: int
    order: int
    round_no: int
    queue_pos: int
    state: TurnState
    late: bool
    counter: str | None
    called_at: datetime | None
    opened_at: datetime | None
    deadline: datetime | None
    paused: bool
    remaining_seconds: float | None  # at the state's server_time
    redeclared_at: datetime | None
    redeclared_by: str | None
    wishes: tuple[WishView, ...]
    unit_code: str | None
    finished_at: datetime | None
    reason: str | None
    supplementary: bool

    @property
    def wish_codes(self) -> tuple[str, ...]:
        return tuple(w.unit_code for w in self.wishes)

    @property
    def finished(self) -> bool:
        return self.state in core.FINISHED

    @property
    def state_label(self) -> str:
        return core.STATE_LABELS[self.state]

    def core_turn(self) -> core.Turn:
        """The core's value of this turn, for the rules the counter checks before asking the centre."""
        return core.Turn(
            reg_no=self.reg_no,
            pool=self.pool,
            rank=self.rank,
            order=self.order,
            round_no=self.round_no,
            queue_pos=self.queue_pos,
            state=self.state,
            late=self.late,
            counter=self.counter,
            redeclared_at=self.redeclared_at,
            redeclared_by=self.redeclared_by,
            wishes=self.wish_codes,
            opened_at=self.opened_at,
            deadline=self.deadline,
            paused_remaining=self.remaining_seconds if self.paused else None,
            unit_code=self.unit_code,
            finished_at=self.finished_at,
            reason=self.reason,
            supplementary=self.supplementary,
        )


@dataclass(frozen=True)
class RoundView:
    round_no: int
    starts_at: datetime
    ends_at: datetime
    supplementary: bool
    state: core.RoundState


@dataclass(frozen=True)
class UnitView:
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
    taken_by_order: int | None

    @property
    def pool(self) -> str:
        return core.pool_code(self.project_code, self.unit_type_code)

    def info(self) -> core.UnitInfo:
        return core.UnitInfo(
            self.unit_code,
            self.project_code,
            self.unit_type_code,
            self.building,
            self.floor,
            self.number,
            self.orientation,
            self.area,
            self.rent,
        )


@dataclass(frozen=True)
class SelectionView:
    """One reading of ``GET /v1/selection/{plan}``; ``wire`` is the centre's dictionary as received (the hall
    screens build their own state from it)."""

    plan_code: str
    plan_name: str
    turn_seconds: int
    supplementary_deadline: datetime | None
    server_time: datetime
    fetched_at: datetime  # this counter's clock when it arrived
    version: int
    rounds: tuple[RoundView, ...]
    turns: tuple[TurnView, ...]
    units: tuple[UnitView, ...]
    counts: dict[str, dict[str, int]]
    wire: SelectionState

    def turn(self, reg_no: str) -> TurnView | None:
        return next((t for t in self.turns if t.reg_no == reg_no), None)

    def at_counter(self, counter: str) -> TurnView | None:
        """The household this counter is serving (called or open), if any."""
        return next(
            (t for t in self.turns if t.counter == counter and t.state in (TurnState.CALLED, TurnState.OPEN)),
            None,
        )

    def taken(self) -> frozenset[str]:
        return frozenset(u.unit_code for u in self.units if u.taken)

    def pool_units(self, pool: str) -> dict[str, core.UnitInfo]:
        return {u.unit_code: u.info() for u in self.units if u.pool == pool}

    def free_units(
        self,
        pool: str,
        *,
        building: str | None = None,
        unit_type_code: str | None = None,
        orientation: str | None = None,
        floor: int | None = None,
    ) -> list[UnitView]:
        """The pool's units still free, filtered as staff choose (building, unit type, orientation, floor)."""
        return [
            u
            for u in self.units
            if u.pool == pool
            and not u.taken
            and (building is None or u.building == building)
            and (unit_type_code is None or u.unit_type_code == unit_type_code)
            and (orientation is None or u.orientation == orientation)
            and (floor is None or u.floor == floor)
        ]

    def remaining(self, turn: TurnView, now: datetime) -> float | None:
        """Seconds left of ``turn`` at this counter's ``now``: the centre's figure less the time passed here."""
        return left_after(turn.remaining_seconds, turn.paused, (now - self.fetched_at).total_seconds())


@dataclass(frozen=True)
class SheetView:
    """The selection result sheet (选房确认书) as printed; ``wire`` as the centre sent it (kept for reprints)."""

    plan_code: str
    plan_name: str
    reg_no: str
    filing_no: str
    masked_name: str
    masked_id: str
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
    how: str  # confirmed | auto_picked
    counter: str | None
    operator: str | None
    verify_url: str
    wire: SheetData

    @property
    def how_label(self) -> str:
        return "系统自动选定" if self.how == TurnState.AUTO_PICKED else "现场确认正选"


# --- reading the centre's dictionaries ---


def selection_view(state: SelectionState, fetched_at: datetime) -> SelectionView:
    plan = state["plan"]
    return SelectionView(
        plan_code=str(plan["plan_code"]),
        plan_name=str(plan["plan_name"]),
        turn_seconds=int(plan["turn_seconds"]),
        supplementary_deadline=_time(plan.get("supplementary_deadline")),
        server_time=local_time(str(state["server_time"])),
        fetched_at=fetched_at,
        version=int(state["version"]),
        rounds=tuple(
            RoundView(
                int(r["round_no"]),
                local_time(str(r["starts_at"])),
                local_time(str(r["ends_at"])),
                bool(r["supplementary"]),
                core.RoundState(r["state"]),
            )
            for r in state["rounds"]
        ),
        turns=tuple(turn_view(t) for t in state["turns"]),
        units=tuple(
            UnitView(
                str(u["unit_code"]),
                str(u["project_code"]),
                str(u["unit_type_code"]),
                str(u.get("unit_type_name") or ""),
                str(u.get("building") or ""),
                int(u.get("floor") or 0),
                str(u.get("number") or ""),
                str(u.get("orientation") or ""),
                float(u.get("area") or 0),
                float(u.get("rent") or 0),
                bool(u["taken"]),
                u.get("taken_by_order"),
            )
            for u in state["units"]
        ),
        counts={k: {"free": int(v["free"]), "taken": int(v["taken"])} for k, v in state["counts"].items()},
        wire=state,
    )


def turn_view(row: Any) -> TurnView:
    """A ``TurnRow`` (kiosk_core.selection_wire) as the counter shows it."""
    return TurnView(
        reg_no=str(row["reg_no"]),
        filing_no=str(row.get("filing_no") or ""),
        masked_name=str(row.get("masked_name") or ""),
        pool=str(row["pool"]),
        rank=int(row["rank"]),
        order=int(row["order"]),
        round_no=int(row["round_no"]),
        queue_pos=int(row["queue_pos"]),
        state=TurnState(row["state"]),
        late=bool(row.get("late")),
        counter=row.get("counter"),
        called_at=_time(row.get("called_at")),
        opened_at=_time(row.get("opened_at")),
        deadline=_time(row.get("deadline")),
        paused=bool(row.get("paused")),
        remaining_seconds=None if row.get("remaining_seconds") is None else float(row["remaining_seconds"]),
        redeclared_at=_time(row.get("redeclared_at")),
        redeclared_by=row.get("redeclared_by"),
        wishes=tuple(WishView(str(w["unit_code"]), bool(w["taken"])) for w in row.get("wishes") or ()),
        unit_code=row.get("unit_code"),
        finished_at=_time(row.get("finished_at")),
        reason=row.get("reason"),
        supplementary=bool(row.get("supplementary")),
    )


def sheet_view(data: SheetData) -> SheetView:
    return SheetView(
        plan_code=str(data["plan_code"]),
        plan_name=str(data["plan_name"]),
        reg_no=str(data["reg_no"]),
        filing_no=str(data["filing_no"]),
        masked_name=str(data["masked_name"]),
        masked_id=str(data["masked_id"]),
        unit_code=str(data["unit_code"]),
        project_name=str(data["project_name"]),
        unit_type_name=str(data["unit_type_name"]),
        building=str(data["building"]),
        floor=int(data["floor"]),
        number=str(data["number"]),
        orientation=str(data["orientation"]),
        area=float(data["area"]),
        rent=float(data["rent"]),
        chosen_at=local_time(str(data["chosen_at"])),
        how=str(data["how"]),
        counter=data.get("counter"),
        operator=data.get("operator"),
        verify_url=str(data.get("verify_url") or ""),
        wire=data,
    )


def _time(text: object) -> datetime | None:
    return local_time(str(text)) if text else None
