"""A formal turn's countdown: opening it, the seconds left, expiry, and pausing while its counter is quiet.

Split from kiosk_core.selection, which imports every name here again: callers keep using that module.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from kiosk_core.selection_states import TURN_SECONDS, TurnState
from kiosk_core.selection_values import Turn


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
