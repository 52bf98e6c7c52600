"""On-site unit selection (选房): rounds, turns in draw order, the wish list, auto-pick; pure rules.

The centre decides with these functions (its database constraints arbitrate a unit chosen twice at once);
counters and screens use the same ones to explain and show. A turn's timeline: ``waiting`` in its round,
``called`` to a counter (identify, re-declare, wish list), ``open`` when every household before it in its pool
has finished, then one finished state. Times are the centre's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kiosk_core.selection_states import (
    CHOSEN as CHOSEN,
)
from kiosk_core.selection_states import (
    FINISHED as FINISHED,
)
from kiosk_core.selection_states import (
    MAX_WISHES as MAX_WISHES,
)
from kiosk_core.selection_states import (
    PAUSE_AFTER_SECONDS as PAUSE_AFTER_SECONDS,
)
from kiosk_core.selection_states import (
    QUEUE_STEP as QUEUE_STEP,
)
from kiosk_core.selection_states import (
    REASON_ABSENT as REASON_ABSENT,
)
from kiosk_core.selection_states import (
    REASON_NO_UNIT as REASON_NO_UNIT,
)
from kiosk_core.selection_states import (
    STATE_LABELS as STATE_LABELS,
)
from kiosk_core.selection_states import (
    SUPPLEMENTARY_ALLOWED as SUPPLEMENTARY_ALLOWED,
)
from kiosk_core.selection_states import (
    SUPPLEMENTARY_MINUTES as SUPPLEMENTARY_MINUTES,
)
from kiosk_core.selection_states import (
    TURN_SECONDS as TURN_SECONDS,
)
from kiosk_core.selection_states import (
    BadRounds as BadRounds,
)
from kiosk_core.selection_states import (
    DeclinedNoSupplementary as DeclinedNoSupplementary,
)
from kiosk_core.selection_states import (
    DuplicateWish as DuplicateWish,
)
from kiosk_core.selection_states import (
    NotCalled as NotCalled,
)
from kiosk_core.selection_states import (
    NotLate as NotLate,
)
from kiosk_core.selection_states import (
    NotRedeclared as NotRedeclared,
)
from kiosk_core.selection_states import (
    NotYourCounter as NotYourCounter,
)
from kiosk_core.selection_states import (
    NotYourTurn as NotYourTurn,
)
from kiosk_core.selection_states import (
    RoundState as RoundState,
)
from kiosk_core.selection_states import (
    SelectionError as SelectionError,
)
from kiosk_core.selection_states import (
    SupplementaryClosed as SupplementaryClosed,
)
from kiosk_core.selection_states import (
    SupplementaryNotAllowed as SupplementaryNotAllowed,
)
from kiosk_core.selection_states import (
    TooManyWishes as TooManyWishes,
)
from kiosk_core.selection_states import (
    TurnExpired as TurnExpired,
)
from kiosk_core.selection_states import (
    TurnFinished as TurnFinished,
)
from kiosk_core.selection_states import (
    TurnState as TurnState,
)
from kiosk_core.selection_states import (
    UnitNotInPool as UnitNotInPool,
)
from kiosk_core.selection_states import (
    UnitNotWished as UnitNotWished,
)
from kiosk_core.selection_states import (
    UnitTaken as UnitTaken,
)

# --- values ---------------------------------------------------------------------------------------------


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


def call_text(rank: int, masked_name: str, counter: str) -> str:
    """What the calling screen shows and speaks: 请 0005 号 张*明 家庭到 3 号窗口选房."""
    window = str(int(counter)) if counter.isdigit() else counter
    return f"请 {rank:04d} 号 {masked_name} 家庭到 {window} 号窗口选房"


# --- rounds ---------------------------------------------------------------------------------------------


def cut_rounds(order: Sequence[str], size: int, first_start: datetime, minutes: int) -> list[RoundPlan]:
    """Cut reg_nos in global draw rank order into rounds of ``size``; round n starts (n-1)*minutes later."""
    if size < 1:
        raise BadRounds("每场次家庭数至少为 1", hint="请填写每场次的家庭数", code="bad_round_size")
    if minutes < 1:
        raise BadRounds("每场次时长至少 1 分钟", hint="请填写每场次的分钟数", code="bad_round_minutes")
    if not order:
        raise BadRounds("没有可选房的家庭", hint="请确认选房摇号已公布且有未取消的登记", code="no_households")
    if len(set(order)) != len(order):
        raise BadRounds("选房顺序中有重复的登记", hint="同一登记只能排一次", code="duplicate_household")
    step = timedelta(minutes=minutes)
    return [
        RoundPlan(
            n + 1,
            tuple(order[i : i + size]),
            first_start + n * step,
            first_start + (n + 1) * step,
        )
        for n, i in enumerate(range(0, len(order), size))
    ]


def supplementary_deadline(last_round_end: datetime, minutes: int = SUPPLEMENTARY_MINUTES) -> datetime:
    return last_round_end + timedelta(minutes=minutes)


# --- the wish list --------------------------------------------------------------------------------------


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


# --- calling and order ----------------------------------------------------------------------------------


def check_counter(turn: Turn, counter: str) -> None:
    """A called or open turn belongs to the counter that called it."""
    if turn.state in (TurnState.CALLED, TurnState.OPEN) and turn.counter != counter:
        raise NotYourCounter(turn.counter)


def next_to_call(turns: Iterable[Turn], started_rounds: Collection[int]) -> Turn | None:
    """The household a counter calls next: late arrivals first, then the started rounds in draw rank order.

    A household of an ended round that was never called is still called (it may well be in the hall); only
    a passed-over one that has not come is recorded absent (``not_come``).
    """
    candidates = [
        t
        for t in turns
        if t.state is TurnState.WAITING and not t.late and (t.requeued or t.round_no in started_rounds)
    ]
    return min(candidates, key=lambda t: (not t.requeued, t.rank), default=None)


def not_come(turns: Iterable[Turn], ended_rounds: Collection[int]) -> list[Turn]:
    """The households to record absent: of a round that has ended, called, passed over and not come since.

    The centre asks at every tick, so one passed over after its round ended is recorded at once.
    """
    return [t for t in turns if t.state is TurnState.WAITING and t.late and t.round_no in ended_rounds]


def may_open(turn: Turn, pool_turns: Iterable[Turn]) -> bool:
    """A called, re-declared turn opens when every household before it in its pool that is there has finished.

    ``pool_turns``: the turns of the same selection; those of other pools (or of the other kind, regular or
    supplementary) are ignored. Passed-over households (``late``) do not hold up the ones after them.
    """
    if turn.state is not TurnState.CALLED or turn.redeclared_at is None or turn.late:
        return False
    for other in pool_turns:
        if (
            other.reg_no == turn.reg_no
            or other.pool != turn.pool
            or other.supplementary != turn.supplementary
        ):
            continue
        if other.state is TurnState.OPEN:
            return False
        if other.queue_pos < turn.queue_pos and not other.late and not other.finished:
            return False
    return True


def pass_over(turn: Turn) -> Turn:
    """Called and not there: it keeps waiting, the pool goes on without it."""
    if turn.state is not TurnState.CALLED:
        raise NotCalled() if turn.state is TurnState.WAITING else _finished_or_open(turn)
    return replace(turn, state=TurnState.WAITING, late=True, counter=None)


def arrival_queue_pos(turn: Turn, pool_turns: Iterable[Turn]) -> int:
    """Where a late household goes when it arrives: right after the ones being served in its pool.

    The anchor is the last household of the pool that is open, at a counter or finished: putting the arrival
    before one already at a counter would make that counter wait for a household no counter has called.
    Arrivals take anchor+1, +2, ... in the order they come. One nobody behind it has passed keeps its place.
    """
    same = [t for t in pool_turns if t.pool == turn.pool and t.supplementary == turn.supplementary]
    served = [t.queue_pos for t in same if t.state is not TurnState.WAITING and t.reg_no != turn.reg_no]
    anchor = max(served, default=0)
    if turn.queue_pos > anchor:
        return turn.queue_pos
    used = {t.queue_pos for t in same if t.reg_no != turn.reg_no}
    pos = anchor + 1
    while pos in used:
        pos += 1
    return pos


def arrive(turn: Turn, pool_turns: Iterable[Turn]) -> Turn:
    if not turn.late or turn.state is not TurnState.WAITING:
        raise NotLate()
    pos = arrival_queue_pos(turn, pool_turns)
    return replace(turn, late=False, requeued=pos != turn.queue_pos, queue_pos=pos)


def call(turn: Turn, counter: str) -> Turn:
    if turn.state is not TurnState.WAITING:
        raise _finished_or_open(turn) if turn.state is not TurnState.CALLED else NotYourCounter(turn.counter)
    return replace(turn, state=TurnState.CALLED, counter=counter)


def redeclare(turn: Turn, now: datetime, operator: str) -> Turn:
    if turn.state not in (TurnState.CALLED, TurnState.OPEN):
        raise NotCalled() if turn.state is TurnState.WAITING else _finished_or_open(turn)
    return replace(turn, redeclared_at=now, redeclared_by=operator)


def _finished_or_open(turn: Turn) -> SelectionError:
    if turn.finished:
        return TurnFinished(turn.state)
    return NotYourTurn("该家庭已在正式选房") if turn.state is TurnState.OPEN else NotCalled()


# --- the formal turn ------------------------------------------------------------------------------------


def open_turn(turn: Turn, now: datetime, seconds: int = TURN_SECONDS) -> Turn:
    return replace(
        turn,
        state=TurnState.OPEN,
        opened_at=now,
        deadline=now + timedelta(seconds=seconds),
        paused_remaining=None,
    )


def remaining_seconds(turn: Turn, now: datetime) -> float | None:
    """Seconds left of an open turn (a paused one keeps what it had); None for any other turn."""
    if turn.state is not TurnState.OPEN or turn.deadline is None:
        return None
    if turn.paused_remaining is not None:
        return turn.paused_remaining
    return max(0.0, (turn.deadline - now).total_seconds())


def left_after(remaining: float | None, paused: bool, elapsed: float) -> float | None:
    """Seconds left of a turn read with ``remaining`` seconds, ``elapsed`` seconds after that read.

    Only the time passed since the read counts, never the reader's clock against the centre's: a counter or
    hall PC whose clock is wrong still counts down the centre's figure. A paused turn keeps its figure.
    """
    if remaining is None:
        return None
    if paused:
        return max(0.0, remaining)
    return max(0.0, remaining - max(0.0, elapsed))


def expired(turn: Turn, now: datetime) -> bool:
    """An open, running turn whose time is up (the centre then auto-picks)."""
    return (
        turn.state is TurnState.OPEN
        and turn.paused_remaining is None
        and turn.deadline is not None
        and turn.deadline <= now
    )


def pause(turn: Turn, last_heard: datetime) -> Turn:
    """The counter went quiet: the countdown stops where it was when the counter was last heard."""
    if turn.state is not TurnState.OPEN or turn.paused_remaining is not None or turn.deadline is None:
        return turn
    return replace(turn, paused_remaining=max(0.0, (turn.deadline - last_heard).total_seconds()))


def resume(turn: Turn, now: datetime) -> Turn:
    if turn.state is not TurnState.OPEN or turn.paused_remaining is None:
        return turn
    return replace(turn, deadline=now + timedelta(seconds=turn.paused_remaining), paused_remaining=None)


def check_confirm(turn: Turn, unit: str, taken: Collection[str], now: datetime | None = None) -> None:
    """Whether the household may confirm ``unit`` now: its turn open (time not up), the unit wished and free."""
    if turn.finished:
        raise TurnFinished(turn.state)
    if turn.state is not TurnState.OPEN:
        raise NotYourTurn()
    if now is not None and expired(turn, now):
        raise TurnExpired()
    if unit not in turn.wishes:
        raise UnitNotWished(unit)
    if unit in taken:
        raise UnitTaken(unit)


def confirm(turn: Turn, unit: str, taken: Collection[str], now: datetime) -> Turn:
    check_confirm(turn, unit, taken, now)
    return replace(
        turn, state=TurnState.CONFIRMED, unit_code=unit, finished_at=now, paused_remaining=None, reason=None
    )


def time_out(turn: Turn, taken: Collection[str], now: datetime) -> Turn:
    """The deadline passed: the first free wish is chosen, or the household ends with no unit."""
    unit = auto_pick(turn.wishes, taken)
    if unit is None:
        return replace(
            turn, state=TurnState.NO_UNIT, finished_at=now, reason=REASON_NO_UNIT, paused_remaining=None
        )
    return replace(turn, state=TurnState.AUTO_PICKED, unit_code=unit, finished_at=now, paused_remaining=None)


def mark_absent(turn: Turn, now: datetime) -> Turn:
    """The round ended and the household, called and passed over, had not come (``not_come``)."""
    if turn.state is not TurnState.WAITING:
        raise _finished_or_open(turn)
    if not turn.late:
        raise NotLate()
    return replace(turn, state=TurnState.ABSENT, finished_at=now, reason=REASON_ABSENT, counter=None)


def decline(turn: Turn, reason: str, now: datetime) -> Turn:
    if turn.finished:
        raise TurnFinished(turn.state)
    if not reason.strip():
        raise SelectionError("请填写放弃选房的原因", hint="例如：家庭决定不选房", code="reason_empty")
    return replace(
        turn, state=TurnState.DECLINED, finished_at=now, reason=reason.strip(), paused_remaining=None
    )


# --- supplementary selection ----------------------------------------------------------------------------


def supplementary_allowed(turn: Turn, now: datetime, deadline: datetime | None) -> None:
    """Raise unless the household may apply for supplementary selection now (absent or no unit, in time)."""
    if turn.state is TurnState.DECLINED:
        raise DeclinedNoSupplementary()
    if turn.state not in SUPPLEMENTARY_ALLOWED:
        raise SupplementaryNotAllowed(turn.state)
    if deadline is None or now > deadline:
        raise SupplementaryClosed(deadline)


# --- the board ------------------------------------------------------------------------------------------


def counts(units: Iterable[UnitInfo], taken: Collection[str]) -> dict[str, dict[str, int]]:
    """Free and taken units per unit type."""
    out: dict[str, dict[str, int]] = {}
    for u in units:
        c = out.setdefault(u.unit_type_code, {"free": 0, "taken": 0})
        c["taken" if u.code in taken else "free"] += 1
    return out
