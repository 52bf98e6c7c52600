"""What the hall's calling screen shows of a selection: who is at which counter with the countdown on the centre's
clock, who is next, and which calls to read aloud. Names reach it masked (张*明), never an ID or a phone number."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.services.hall_rounds import parse_time, pool_names, round_label
from kiosk_core.identity import mask_name
from kiosk_core.selection import QUEUE_STEP, call_text, left_after

CALLING_PAGE = 7  # households at counters on one page at 45 pt on 1080 lines, under the title and the next up
NEXT_UP = 6  # waiting households shown as "please get ready"
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


def _pool_label(turn: Mapping[str, Any], names: Mapping[str, str]) -> str:
    pool = str(turn.get("pool", ""))
    type_code = pool.rsplit("/", 1)[-1]
    return names.get(type_code) or pool


def build_calling(
    selection: Mapping[str, Any], server_now: datetime, page: int = 0, per_page: int = CALLING_PAGE
) -> CallingState:
    """Who is at which counter (their countdown at ``server_now``), who is next, and which calls to read."""
    server_time = parse_time(selection.get("server_time")) or server_now
    names = pool_names(selection)
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


def unspoken(announcements: Sequence[Announcement], spoken: set[str]) -> list[Announcement]:
    """The calls not read yet, oldest first; ``spoken`` is the reader's memory of keys."""
    return [a for a in announcements if a.key not in spoken]
