"""What the hall's projection shows of a draw, as the console makes it known; Qt-free, masked from the start.

The projection window renders a ``ProjectionState`` and nothing else. The console's ``Projection`` builds each
state from what it knows: the frozen list's hash, the sources and the seed as they become known, then the
result, revealed a page of ranks at a time. A result is taken only when it is the one the console computed
itself and the centre's ``result_hash`` says the same; names reach the state masked (张*明), never whole, and
no ID number is ever in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from kiosk.services.draw_views import DrawView, PublicListRow
from kiosk_core.errors import KioskError
from kiosk_core.identity import mask_name
from kiosk_core.lottery import DrawResult, parse_sources, result_text, seed_of, sha256_hex

PAGE_SIZE = 8  # rows at 45 pt on 1080 lines, under the plan, the hash and the column heads


class Stage(StrEnum):
    SCHEDULE = "schedule"  # between draws
    FROZEN = "frozen"  # the list is fixed, the sources named, their values not yet known
    COMMITTED = "committed"  # the sources' values entered: the seed is known
    RESULT = "result"  # the checked result, revealed page by page
    HALTED = "halted"  # the centre's result differs from the console's own: nothing is shown


class ResultNotChecked(KioskError):
    """The projection was handed a result that is not the one the centre published: it shows none of it."""

    code = "draw_result_not_checked"


@dataclass(frozen=True)
class ScheduleItem:
    title: str  # the plan's name
    detail: str  # its time or what it waits for


@dataclass(frozen=True)
class ShownSource:
    label: str
    value: str  # "" until the value is entered at the console


@dataclass(frozen=True)
class ShownOutcome:
    rank: int
    reg_no: str
    name: str  # masked (张*明); "" when the console does not know the household
    pool: str  # the pool's label (project · unit type) or its code
    outcome: str  # 3栋0301室 / 轮候号 3 / 选房顺序号 5 / 已取消，跳过
    skipped: bool = False


@dataclass(frozen=True)
class ProjectionState:
    stage: Stage = Stage.SCHEDULE
    title: str = ""  # the centre's name between draws, the plan's name during one
    plan_code: str = ""
    entries: int = 0
    list_hash: str = ""
    sources: tuple[ShownSource, ...] = ()
    seed: str = ""
    rows: tuple[ShownOutcome, ...] = ()  # the page on screen
    page: int = 0  # 0-based
    pages: int = 0  # of the revealed part
    revealed: int = 0  # ranks revealed so far
    schedule: tuple[ScheduleItem, ...] = ()
    notice: str = ""  # one line for the hall (what happens next, or why the result is not shown)


class Projection:
    """The console's side of the projection: each change makes a new state and hands it to ``publish``.

    ``publish`` is the hall feed's (any thread may call it); the console calls these methods on its own thread.
    """

    def __init__(
        self,
        publish: Callable[[ProjectionState], Any],
        *,
        centre: str = "",
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._publish = publish
        self._centre = centre
        self.page_size = page_size
        self._rows: Sequence[PublicListRow] = ()
        self._schedule: tuple[ScheduleItem, ...] = ()
        self.state = ProjectionState(title=centre)

    # --- between draws ---------------------------------------------------------------------------------------

    def show_schedule(self, items: Sequence[ScheduleItem], notice: str | None = None) -> ProjectionState:
        """The schedule; ``notice`` None keeps the hall's line while it already shows the schedule (a draw was
        just retracted, and the plans were read again)."""
        if notice is None:
            notice = self.state.notice if self.state.stage is Stage.SCHEDULE else ""
        self._rows = ()
        self._schedule = tuple(items)
        return self._set(ProjectionState(title=self._centre, schedule=self._schedule, notice=notice))

    # --- one draw --------------------------------------------------------------------------------------------

    def show_draw(self, draw: DrawView) -> ProjectionState:
        """The plan, the list hash, the sources and the seed as far as the draw's record knows them."""
        self._rows = ()
        values = source_values(draw.sources_text)
        sources = tuple(ShownSource(spec.label, values.get(spec.label, "")) for spec in draw.source_specs)
        seed = known_seed(draw)
        stage = Stage.COMMITTED if seed or any(s.value for s in sources) else Stage.FROZEN
        notice = "随机源已录入，即将摇号" if stage is Stage.COMMITTED else "名单已冻结，等待录入随机源"
        return self._set(
            ProjectionState(
                stage=stage,
                title=draw.plan_name,
                plan_code=draw.plan_code,
                entries=draw.entries,
                list_hash=draw.list_hash,
                sources=sources,
                seed=seed,
                schedule=self._schedule,
                notice=notice,
            )
        )

    def show_result(
        self, draw: DrawView, checked: DrawResult, rows: Sequence[PublicListRow]
    ) -> ProjectionState:
        """Take the checked result, nothing revealed yet: ``checked`` is the console's own computation
        (DrawService.check), ``rows`` the public list of it (DrawService.public_rows), masked.

        The console's outcomes must hash to the centre's ``result_hash`` and the rows must be those outcomes in
        rank order; otherwise ResultNotChecked, and the hall is told the result is withheld.
        """
        same_rows = len(rows) == len(checked.order) and all(
            r.rank == rank and r.reg_no == reg_no
            for rank, (r, reg_no) in enumerate(zip(rows, checked.reg_nos, strict=False), 1)
        )
        same_hash = bool(draw.result_hash) and sha256_hex(result_text(checked)) == draw.result_hash
        if not (same_hash and same_rows):
            self.halt()
            raise ResultNotChecked(
                "中心的摇号结果与本机计算不一致，投屏暂不显示结果",
                hint="请核对冻结名单和随机源；结果以核验一致为准",
            )
        self.show_draw(draw)
        self._rows = rows
        return self._set(
            replace(self.state, stage=Stage.RESULT, notice=f"核验一致，共{len(rows)}户，按序号揭晓")
        )

    def halt(self, notice: str = "本机核验与中心结果不一致，暂停公布结果") -> ProjectionState:
        self._rows = ()
        return self._set(replace(self.state, stage=Stage.HALTED, rows=(), revealed=0, pages=0, notice=notice))

    # --- the pace ----------------------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self._rows)

    def can_reveal(self) -> bool:
        return self.state.stage is Stage.RESULT and self.state.revealed < self.total

    def next_page(self) -> ProjectionState:
        """The next ``page_size`` ranks revealed, and shown."""
        if not self.can_reveal():
            return self.state
        revealed = min(self.total, self.state.revealed + self.page_size)
        return self._show_page(revealed, (revealed - 1) // self.page_size)

    def reveal_all(self) -> ProjectionState:
        """Every rank revealed at once; the hall shows the first page (``turn`` goes through the others)."""
        if self.state.stage is not Stage.RESULT:
            return self.state
        return self._show_page(self.total, 0)

    def turn(self, step: int = 1) -> ProjectionState:
        """Another page of what is revealed already (wrapping): the hall reads the whole list in turn."""
        if self.state.stage is not Stage.RESULT or not self.state.revealed:
            return self.state
        pages = _pages(self.state.revealed, self.page_size)
        return self._show_page(self.state.revealed, (self.state.page + step) % pages)

    def _show_page(self, revealed: int, page: int) -> ProjectionState:
        start = page * self.page_size
        end = min(revealed, start + self.page_size)
        rows = tuple(_shown(r) for r in self._rows[start:end])
        left = self.total - revealed
        notice = f"已揭晓{revealed}户，还有{left}户" if left else f"全部{self.total}户已揭晓"
        return self._set(
            replace(
                self.state,
                rows=rows,
                page=page,
                pages=_pages(revealed, self.page_size),
                revealed=revealed,
                notice=notice,
            )
        )

    def _set(self, state: ProjectionState) -> ProjectionState:
        self.state = state
        self._publish(state)
        return state


def _shown(row: PublicListRow) -> ShownOutcome:
    # mask_name again: it leaves a masked name as it is, and a whole one never reaches the hall.
    return ShownOutcome(
        rank=row.rank,
        reg_no=row.reg_no,
        name=mask_name(row.applicant_masked),
        pool=row.pool_label or row.pool,
        # One line on the hall's screen: the notice's long wording (不参与分配) is for the household's paper.
        outcome="已取消，跳过" if row.kind == "skipped" else row.outcome_label,
        skipped=row.kind == "skipped",
    )


def known_seed(draw: DrawView) -> str:
    """The seed, hex, as soon as the sources are committed: computed here from the list's hash and the sources
    (the hall reads it before the draw); "" before. The centre's own seed is compared by DrawService.check."""
    if draw.sources_text is None:
        return ""
    try:
        return seed_of(draw.list_hash, parse_sources(draw.sources_text)).hex()
    except KioskError:  # a malformed sources file: the check says so; the hall shows no seed
        return ""


def _pages(revealed: int, size: int) -> int:
    return max(1, -(-revealed // size))


def source_values(sources_text: str | None) -> dict[str, str]:
    """label -> value of a draw's committed sources (empty before, or if the file cannot be read: the console's
    check refuses such a draw anyway, and the hall shows no value rather than a wrong one)."""
    if not sources_text:
        return {}
    try:
        return {source.label: source.value for source in parse_sources(sources_text)}
    except KioskError:
        return {}
