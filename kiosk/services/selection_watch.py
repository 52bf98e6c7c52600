"""What this counter shows of a selection, so the push channel's moves that do not concern it are let pass.

Each move at any counter in the hall comes down the push channel. Re-reading the centre's state after every one
(twenty counters, five moves a household) was most of the centre's work; a counter now re-reads for its own
household, for a unit taken in its household's pool, and for everything of the plan while it serves no one or
drives the hall's screens. Its two-second poll goes on regardless (it is the centre's heartbeat for the turn).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_core.selection_moves import SelectionMove


@dataclass(frozen=True)
class Shown:
    plan: str
    reg_no: str | None = None  # the household at this counter
    pool: str | None = None
    hall: bool = False  # the hall's calling screen or board follows this counter's reads: every move counts


class SelectionWatch:
    """Set on the GUI thread, read on the push thread: one immutable value, swapped whole."""

    def __init__(self) -> None:
        self._shown: Shown | None = None

    def show(self, shown: Shown | None) -> None:
        self._shown = shown

    def concerns(self, move: SelectionMove | None) -> bool:
        """Whether a pushed move (None: told without what moved) calls for a read of the centre's state."""
        shown = self._shown
        if shown is None:
            return False  # no selection screen open: the next one opened reads the state first anyway
        if move is None or move.plan is None:
            return True
        if shown.hall:
            return move.plan == shown.plan
        return move.concerns(shown.plan, shown.reg_no, shown.pool)
