"""The hall's calling screen and unit board kept current from the centre's selection; Qt-free, masked.

Both windows render a state built (kiosk.services.hall_calling, hall_board) from the centre's ``SelectionState`` (the public one: no filing no.) and
nothing else. Names reach them masked (张*明), never an ID or a phone number; the board knows a taken unit by the
order that took it, never by a name. Countdowns run on the centre's clock: ``SelectionHall`` keeps the offset
between the centre's ``server_time`` and this PC's clock, so a counter whose clock is wrong still shows the time
the centre will act on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kiosk.services.hall_board import BoardState, build_board
from kiosk.services.hall_calling import CallingState, build_calling
from kiosk.services.hall_rounds import parse_time

PAGE_TICKS = 8  # seconds a page of the calling screen stays before the next


@dataclass
class SelectionHall:
    """Builds the two hall states from each ``SelectionState`` it is given and republishes the calling screen's
    countdown on each ``tick`` (a second); any thread may call it, the publish callbacks hand the state over.

    ``clock`` is this PC's; the offset to the centre's clock is taken from each state's ``server_time``.
    """

    publish_calling: Callable[[CallingState], Any]
    publish_board: Callable[[BoardState], Any]
    clock: Callable[[], datetime]
    selection: Mapping[str, Any] | None = None
    offset: timedelta = timedelta(0)
    ticks: int = 0
    page: int = 0
    _version: int = field(default=-1, repr=False)

    def take(self, selection: Mapping[str, Any]) -> None:
        """A state from the centre (a poll or a push). An older version than the one shown is dropped: two
        answers may come back out of order."""
        version = int(selection.get("version", 0))
        if version < self._version:
            return
        server_time = parse_time(selection.get("server_time"))
        if server_time is not None:
            self.offset = server_time - self._local_now(server_time)
        self.selection, self._version = selection, version
        self.publish_board(build_board(selection))
        self._publish_calling()

    def tick(self) -> None:
        if self.selection is None:
            return
        self.ticks += 1
        if self.ticks % PAGE_TICKS == 0:
            self.page += 1
        self._publish_calling()

    def server_now(self) -> datetime:
        selection_time = parse_time(self.selection.get("server_time")) if self.selection else None
        return self._local_now(selection_time) + self.offset

    def _local_now(self, like: datetime | None) -> datetime:
        now = self.clock()
        # The centre speaks in aware UTC; a naive local clock is compared as the same zone.
        if like is not None and (like.tzinfo is None) != (now.tzinfo is None):
            now = now.replace(tzinfo=like.tzinfo) if now.tzinfo is None else now.replace(tzinfo=None)
        return now

    def _publish_calling(self) -> None:
        assert self.selection is not None
        state = build_calling(self.selection, self.server_now(), self.page)
        self.page = state.page
        self.publish_calling(state)
