"""One selection event as the push channel tells it, and who it concerns.

Twenty counters and the hall screens hold the push stream. Told only *that* selection moved, each re-read the
centre's state after every call, re-declaration and wish list anywhere in the hall: the centre then spent its
time answering reads nobody needed, and the confirmations queued behind them. Each event now says what moved
(plan, household, its pool, the unit chosen), so a counter re-reads only for its own household or a unit taken
in that household's pool, and the unit board only when a unit was taken. An event told without these (an old
centre, a counter that resumed from far back) concerns everyone: the safe side is a read too many.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from kiosk_core.selection_states import TurnState

# The actions after which a unit is no longer free: a confirmation at a counter, the centre's pick at time-out.
TAKES_UNIT = frozenset({"confirm", TurnState.AUTO_PICKED.value})


class MoveData(TypedDict, total=False):
    """The ``data`` of a push event of kind ``selection`` (the centre's SSE stream)."""

    kind: str
    version: int
    plan: str
    reg_no: str | None  # None: the whole plan moved (a round added, the plan set up)
    action: str
    pool: str | None
    unit: str | None  # the unit taken, for TAKES_UNIT actions


@dataclass(frozen=True)
class SelectionMove:
    version: int
    plan: str | None  # None: not said (an older centre, or a resume): concerns everyone
    reg_no: str | None = None
    action: str = ""
    pool: str | None = None
    unit: str | None = None

    @property
    def takes_unit(self) -> bool:
        return self.plan is None or self.reg_no is None or self.action in TAKES_UNIT

    def concerns(self, plan: str, reg_no: str | None, pool: str | None) -> bool:
        """Whether a counter serving household ``reg_no`` of ``pool`` in ``plan`` must re-read.

        A counter serving no one (``reg_no`` None) follows the whole plan: it shows who waits and what is free.
        """
        if self.plan is None or self.reg_no is None:
            return True
        if self.plan != plan:
            return False
        if reg_no is None:
            return True
        return self.reg_no == reg_no or (self.takes_unit and self.pool == pool)

    def data(self) -> MoveData:
        return {
            "kind": "selection",
            "version": self.version,
            "plan": self.plan or "",
            "reg_no": self.reg_no,
            "action": self.action,
            "pool": self.pool,
            "unit": self.unit,
        }

    @staticmethod
    def parse(version: int | None, data: Mapping[str, Any]) -> SelectionMove:
        """From a push event's data; fields missing or odd make a move that concerns everyone."""

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) and value else None

        return SelectionMove(
            version=version or 0,
            plan=text("plan"),
            reg_no=text("reg_no"),
            action=text("action") or "",
            pool=text("pool"),
            unit=text("unit"),
        )
