"""What the hall's calling screen and unit board show of a selection; Qt-free, masked from the start.

Both windows render a state built here from the centre's ``SelectionState`` (the public one: no filing no.) and
nothing else. Names reach them masked (张*明), never an ID or a phone number; the board knows a taken unit by the
order that took it, never by a name. Countdowns run on the centre's clock: ``SelectionHall`` keeps the offset
between the centre's ``server_time`` and this PC's clock, so a counter whose clock is wrong still shows the time
the centre will act on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kiosk_core.identity import mask_name
from kiosk_core.selection import QUEUE_STEP, call_text, left_after

CALLING_PAGE = 7  # households at counters on one page at 45 pt on 1080 lines, under the title and the next up
NEXT_UP = 6  # waiting households shown as "please get ready"
PAGE_TICKS = 8  # seconds a page of the calling screen stays before the next
CALL_FRESH_SECONDS = 60  # a call older than this is not read aloud again (a screen opened late stays quiet)

AT_COUNTER = ("called", "open")
FINISHED_STATES = ("confirmed", "auto_picked", "no_unit", "absent", "declined")


@dataclass(frozen=True)
class ServedTurn:
    """A household at a counter: called (getting its wish list ready) or in its formal turn."""

    counter: str
    number: int  # the household's rank in the draw: the number it is called by (0005)
    name: str  # masked
    pool: str  # the unit type's name, or the pool's code
    open: bool  # its formal turn: the countdown runs
    remaining: int | None  # whole seconds left on the centre's clock; None before the turn opens
    paused: bool


@dataclass(frozen=True)
class WaitingTurn:
    number: int  # its rank
    name: str  # masked
    pool: str


@dataclass(frozen=True)
class Announcement:
    """A call to read aloud once: ``key`` tells a new call from one already read."""

    key: str
    text: str


@dataclass(frozen=True)
class CallingState:
    title: str = ""
    round_label: str = ""
    serving: tuple[ServedTurn, ...] = ()  # the page on screen
    page: int = 0
    pages: int = 1
    next_up: tuple[WaitingTurn, ...] = ()
    announcements: tuple[Announcement, ...] = ()
    notice: str = ""
    version: int = 0


@dataclass(frozen=True)
class BoardCell:
    unit_code: str
    label: str  # the room as the hall reads it: 0301
    taken: bool
    taken_by_order: int | None = None


@dataclass(frozen=True)
class BoardFloor:
    floor: int
    cells: tuple[BoardCell | None, ...]  # one per column of the building; None where it has no such unit


@dataclass(frozen=True)
class BoardBuilding:
    name: str
    numbers: tuple[str, ...]  # the columns
    floors: tuple[BoardFloor, ...]  # the top floor first, as the building stands


@dataclass(frozen=True)
class TypeCount:
    code: str
    name: str
    free: int
    taken: int


@dataclass(frozen=True)
class BoardState:
    title: str = ""
    buildings: tuple[BoardBuilding, ...] = ()
    counts: tuple[TypeCount, ...] = ()
    free: int = 0
    taken: int = 0
    notice: str = ""
    version: int = 0


# --- building the states --------------------------------------------------------------------------------------


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _clock_time(text: str | None) -> str:
    """HH:MM as the hall's wall clock reads it (the centre's times are aware; shown in this PC's zone)."""
    moment = parse_time(text)
    if moment is None:
        return ""
    return f"{(moment.astimezone() if moment.tzinfo else moment):%H:%M}"


def remaining_at(turn: Mapping[str, Any], server_time: datetime, server_now: datetime) -> int | None:
    """Whole seconds left on ``turn`` at ``server_now`` (the centre's clock); a paused turn keeps what it had."""
    if turn.get("state") != "open":
        return None
    left = turn.get("remaining_seconds")
    paused = bool(turn.get("paused"))
    elapsed = (server_now - server_time).total_seconds()
    seconds = left_after(None if left is None else float(left), paused, elapsed)
    if seconds is None:
        return None
    return (
        int(seconds) if paused else int(seconds + 0.999)
    )  # 0.2 s left still reads 1, 0 only when time is up


def _pool_names(selection: Mapping[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for unit in selection.get("units", ()):
        names.setdefault(str(unit.get("unit_type_code", "")), str(unit.get("unit_type_name", "")))
    return names


def _pool_label(turn: Mapping[str, Any], names: Mapping[str, str]) -> str:
    pool = str(turn.get("pool", ""))
    type_code = pool.rsplit("/", 1)[-1]
    return names.get(type_code) or pool


def _running_round(selection: Mapping[str, Any]) -> Mapping[str, Any] | None:
    rounds = selection.get("rounds", ())
    running = [r for r in rounds if r.get("state") == "running"]
    return running[0] if running else None


def round_label(selection: Mapping[str, Any]) -> str:
    current = _running_round(selection)
    if current is None:
        upcoming = [r for r in selection.get("rounds", ()) if r.get("state") == "upcoming"]
        if not upcoming:
            return "本日选房已结束" if selection.get("rounds") else ""
        first = _clock_time(upcoming[0].get("starts_at"))
        return (
            f"第 {upcoming[0]['round_no']} 场 {first} 开始"
            if first
            else f"第 {upcoming[0]['round_no']} 场未开始"
        )
    kind = "补选" if current.get("supplementary") else "选房"
    ends = _clock_time(current.get("ends_at"))
    until = f"，{ends} 结束" if ends else ""
    return f"第 {current['round_no']} 场{kind}进行中{until}"


def build_calling(
    selection: Mapping[str, Any], server_now: datetime, page: int = 0, per_page: int = CALLING_PAGE
) -> CallingState:
    """Who is at which counter (their countdown at ``server_now``), who is next, and which calls to read."""
    server_time = parse_time(selection.get("server_time")) or server_now
    names = _pool_names(selection)
    turns = list(selection.get("turns", ()))
    at_counter = sorted(
        (t for t in turns if t.get("state") in AT_COUNTER and t.get("counter")),
        key=lambda t: (_counter_key(str(t["counter"])), int(t.get("queue_pos", 0))),
    )
    served = tuple(
        ServedTurn(
            counter=window_no(str(t["counter"])),
            number=int(t.get("rank", 0)),
            name=mask_name(str(t.get("masked_name", ""))),
            pool=_pool_label(t, names),
            open=t.get("state") == "open",
            remaining=remaining_at(t, server_time, server_now),
            paused=bool(t.get("paused")),
        )
        for t in at_counter
    )
    pages = max(1, -(-len(served) // per_page))
    page %= pages
    waiting = call_order(selection)
    next_up = tuple(
        WaitingTurn(int(t.get("rank", 0)), mask_name(str(t.get("masked_name", ""))), _pool_label(t, names))
        for t in waiting[:NEXT_UP]
    )
    fresh = server_now - timedelta(seconds=CALL_FRESH_SECONDS)
    calls = sorted(
        (t for t in at_counter if (parse_time(t.get("called_at")) or server_now) >= fresh),
        key=lambda t: (str(t.get("called_at") or ""), int(t.get("rank", 0))),
    )
    announcements = tuple(
        Announcement(
            key=f"{t.get('reg_no')}@{t.get('called_at')}",
            text=call_text(
                int(t.get("rank", 0)), mask_name(str(t.get("masked_name", ""))), str(t["counter"])
            ),
        )
        for t in calls
    )
    plan = selection.get("plan", {})
    paused = [s for s in served if s.paused]
    notice = (
        f"{'、'.join(f'{s.counter} 号窗口' for s in paused)}与中心的连接中断，计时暂停，恢复后继续"
        if paused
        else "请听叫号到窗口选房；迟到的家庭到场后排在正在选房的家庭之后"
    )
    return CallingState(
        title=str(plan.get("plan_name", "")),
        round_label=round_label(selection),
        serving=served[page * per_page : (page + 1) * per_page],
        page=page,
        pages=pages,
        next_up=next_up,
        announcements=announcements,
        notice=notice,
        version=int(selection.get("version", 0)),
    )


def window_no(counter: str) -> str:
    """The counter as the hall hears it called (3, not 03), as the core's call_text says it."""
    return str(int(counter)) if counter.isdigit() else counter


def call_order(selection: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The waiting households in the order counters will call them, as the centre does (kiosk_core.selection
    next_to_call): late arrivals queued again first, then the started rounds by call rank, i.e. each pool's
    ranks given to its households in the pool's order, so a pool is always served in its own order."""
    turns = list(selection.get("turns", ()))
    started = {r.get("round_no") for r in selection.get("rounds", ()) if r.get("state") != "upcoming"}
    pools: dict[str, list[Mapping[str, Any]]] = {}
    for t in turns:
        if not t.get("supplementary"):
            pools.setdefault(str(t.get("pool")), []).append(t)
    call_rank: dict[str, int] = {}
    for members in pools.values():
        by_order = sorted(members, key=lambda t: int(t.get("order", 0)))
        ranks = sorted(int(t.get("rank", 0)) for t in members)
        call_rank.update(zip((str(t.get("reg_no")) for t in by_order), ranks, strict=True))

    def requeued(t: Mapping[str, Any]) -> bool:
        # An arrival is queued right after the household being served: a position between two of the draw's.
        return int(t.get("queue_pos", 0)) % QUEUE_STEP != 0

    waiting = [
        t
        for t in turns
        if t.get("state") == "waiting" and not t.get("late") and (requeued(t) or t.get("round_no") in started)
    ]
    return sorted(
        waiting,
        key=lambda t: (not requeued(t), call_rank.get(str(t.get("reg_no")), int(t.get("rank", 0)))),
    )


def _counter_key(counter: str) -> tuple[int, str]:
    digits = "".join(ch for ch in counter if ch.isdigit())
    return (int(digits) if digits else 1 << 30, counter)


def _number_key(value: Any) -> tuple[int, str]:
    text = str(value)
    return (int(text) if text.isdigit() else 1 << 30, text)


def _column(number: Any) -> str:
    """The unit's place on its floor: 0302 and 0502 stand one above the other in column 02."""
    text = str(number)
    return text[-2:] if text.isdigit() and len(text) >= 3 else text


def room_label(floor: int, number: Any) -> str:
    """0301: the room as on the door, so the hall finds a unit without the column heads. A number of three or
    more digits is the door's already (0302); one or two digits is the unit on its floor (02 on 3 → 0302)."""
    text = str(number)
    if text.isdigit():
        return text.zfill(4) if len(text) >= 3 else f"{floor:02d}{text.zfill(2)}"
    return f"{floor}-{text}"


def build_board(selection: Mapping[str, Any]) -> BoardState:
    """Every unit of the selection by building, floor and number, free or taken, and the counts per unit type."""
    by_building: dict[str, list[Mapping[str, Any]]] = {}
    for unit in selection.get("units", ()):
        by_building.setdefault(str(unit.get("building", "")), []).append(unit)
    buildings = []
    for name in sorted(by_building, key=_number_key):
        units = by_building[name]
        numbers = tuple(sorted({_column(u.get("number", "")) for u in units}, key=_number_key))
        floors: dict[int, dict[str, BoardCell]] = {}
        for u in units:
            floor = int(u.get("floor", 0))
            floors.setdefault(floor, {})[_column(u.get("number", ""))] = BoardCell(
                unit_code=str(u.get("unit_code", "")),
                label=room_label(floor, u.get("number", "")),
                taken=bool(u.get("taken")),
                taken_by_order=u.get("taken_by_order"),
            )
        rows = tuple(
            BoardFloor(floor, tuple(floors[floor].get(n) for n in numbers))
            for floor in sorted(floors, reverse=True)
        )
        buildings.append(BoardBuilding(name, numbers, rows))
    names = _pool_names(selection)
    counts = tuple(
        TypeCount(code, names.get(code, code), int(c.get("free", 0)), int(c.get("taken", 0)))
        for code, c in sorted(selection.get("counts", {}).items())
    )
    free = sum(c.free for c in counts)
    taken = sum(c.taken for c in counts)
    plan = selection.get("plan", {})
    return BoardState(
        title=str(plan.get("plan_name", "")),
        buildings=tuple(buildings),
        counts=counts,
        free=free,
        taken=taken,
        notice=round_label(selection),
        version=int(selection.get("version", 0)),
    )


# --- keeping them current ------------------------------------------------------------------------------------


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


def unspoken(announcements: Sequence[Announcement], spoken: set[str]) -> list[Announcement]:
    """The calls not read yet, oldest first; ``spoken`` is the reader's memory of keys."""
    return [a for a in announcements if a.key not in spoken]
