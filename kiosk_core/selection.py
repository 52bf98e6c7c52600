"""On-site unit selection (选房): rounds, turns in draw order, the wish list, auto-pick; pure rules.

The centre decides with these functions (its database constraints arbitrate a unit chosen twice at once);
counters and screens use the same ones to explain and show. A turn's timeline: ``waiting`` in its round,
``called`` to a counter (identify, re-declare, wish list), ``open`` when every household before it in its pool
has finished, then one finished state. Times are the centre's.

The values, the wish list and the countdown live in kiosk_core.selection_values, selection_wishes and
selection_countdown; this module imports their names again, so callers use this one module.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from kiosk_core.selection_countdown import expired as expired
from kiosk_core.selection_countdown import left_after as left_after
from kiosk_core.selection_countdown import open_turn as open_turn
from kiosk_core.selection_countdown import pause as pause
from kiosk_core.selection_countdown import remaining_seconds as remaining_seconds
from kiosk_core.selection_countdown import resume as resume
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
from kiosk_core.selection_values import RoundPlan as RoundPlan
from kiosk_core.selection_values import Turn as Turn
from kiosk_core.selection_values import UnitInfo as UnitInfo
from kiosk_core.selection_values import first_queue_pos as first_queue_pos
from kiosk_core.selection_values import pool_code as pool_code
from kiosk_core.selection_wishes import add_wish as add_wish
from kiosk_core.selection_wishes import auto_pick as auto_pick
from kiosk_core.selection_wishes import check_wishes as check_wishes
from kiosk_core.selection_wishes import move_wish as move_wish
from kiosk_core.selection_wishes import remove_wish as remove_wish

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


# --- calling and order ----------------------------------------------------------------------------------


def call_text(rank: int, masked_name: str, counter: str) -> str:
    """What the calling screen shows and speaks: 请 0005 号 张*明 家庭到 3 号窗口选房."""
    window = str(int(counter)) if counter.isdigit() else counter
    return f"请 {rank:04d} 号 {masked_name} 家庭到 {window} 号窗口选房"


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


# --- the formal turn's end (its countdown: kiosk_core.selection_countdown) ------------------------------


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
