"""The projection's state: what the hall sees of a draw, as the console learns it; masked, checked, paced."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest

from kiosk.services.draw_views import DrawView, PublicListRow, SourceSpec
from kiosk.services.projection import Projection, ProjectionState, ResultNotChecked, ScheduleItem, Stage
from kiosk_core import lottery
from kiosk_core.lottery import DrawResult, Entry, Pool

NAMES = ("张淑兰", "王强", "欧阳建国", "李")
ID_18 = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")  # a whole ID number, not a part of the notary's digits
DIGITS = "3141592653589793238462643383279502884197"  # 40 digits: 132.9 bits


def entries(n: int = 20) -> list[Entry]:
    return [
        Entry(f"Q2611-01-{i:05d}", "P01/T01" if i % 3 else "P01/T02", "elderly" if i % 5 == 0 else "-")
        for i in range(1, n + 1)
    ]


POOLS = (
    Pool("P01/T01", ("1-0101", "1-0102", "1-0201"), (("elderly", 1),)),
    Pool("P01/T02", ("2-0101",), ()),
)


def a_draw(n: int = 20, cancelled: frozenset[str] = frozenset()) -> tuple[DrawView, DrawResult]:
    """A draw the centre ran and this counter recomputed: real files, real hashes."""
    listed = entries(n)
    sources = (
        lottery.digits_source("公证员现场摇出的号码", DIGITS),
        lottery.public_source("中国福利彩票双色球 2026-12-05 第2026140期", "03071422283109", 0),
    )
    result = lottery.draw(listed, "units", POOLS, sources, cancelled)
    list_text = lottery.list_text(listed)
    text = lottery.result_text(result)
    view = DrawView(
        draw_id=7,
        plan_code="Q2611",
        plan_name="2026年第11期快速配租",
        state="drawn",
        algorithm=lottery.ALGORITHM,
        mode="units",
        list_text=list_text,
        list_hash=lottery.sha256_hex(list_text),
        pools_text=lottery.pools_text("units", POOLS),
        pools_hash="",
        source_specs=(
            SourceSpec.digits("公证员现场摇出的号码", 40),
            SourceSpec.public("中国福利彩票双色球 2026-12-05 第2026140期", 0),
        ),
        sources_text=lottery.sources_text(sources),
        seed=result.seed.hex(),
        cancelled=tuple(sorted(cancelled)),
        result_text=text,
        result_hash=lottery.sha256_hex(text),
        frozen_at=datetime(2026, 12, 5, 9, 0),
        drawn_at=datetime(2026, 12, 5, 10, 0),
        published_at=None,
        retracted_at=None,
        retract_reason=None,
        replaces=None,
        public_url="",
    )
    return view, result


def rows_of(result: DrawResult, names: tuple[str, ...] = NAMES) -> list[PublicListRow]:
    """The public list as DrawService.public_rows gives it; the names here are whole on purpose."""
    return [
        PublicListRow(
            rank=o.rank,
            reg_no=o.reg_no,
            applicant_masked=names[o.rank % len(names)],
            id_masked="1101**********002X",
            pool=o.pool,
            pool_label="幸福家园 · 一居室" if o.pool == "P01/T01" else "幸福家园 · 两居室",
            group_label="",
            kind=o.kind,
            outcome_label={"unit": f"{o.unit}室", "waiting": f"轮候号 {o.number}"}.get(o.kind, "登记已取消"),
        )
        for o in result.outcomes
    ]


def frozen(view: DrawView) -> DrawView:
    return replace(view, state="frozen", sources_text=None, seed=None, result_text=None, result_hash=None)


@pytest.fixture
def published() -> list[ProjectionState]:
    return []


@pytest.fixture
def projection(published: list[ProjectionState]) -> Projection:
    return Projection(published.append, centre="公租房登记中心", page_size=8)


def test_between_draws_the_hall_sees_the_schedule(projection: Projection, published: list) -> None:
    items = [ScheduleItem("2026年第11期快速配租", "10:00"), ScheduleItem("2026年第12期快速配租", "14:30")]
    state = projection.show_schedule(items, "请在大厅等候")
    assert published == [state]
    assert state.stage is Stage.SCHEDULE and state.title == "公租房登记中心"
    assert state.schedule == tuple(items) and not state.rows and not state.list_hash
    again = projection.show_schedule(items[:1])  # read again: the hall's line stays
    assert again.notice == "请在大厅等候" and again.schedule == tuple(items[:1])
    assert projection.show_schedule(items, "").notice == ""


def test_the_hash_then_the_sources_and_the_seed_show_as_they_become_known(projection: Projection) -> None:
    view, result = a_draw()
    state = projection.show_draw(frozen(view))
    assert state.stage is Stage.FROZEN
    assert (state.title, state.entries, state.list_hash) == ("2026年第11期快速配租", 20, view.list_hash)
    assert [(s.label, s.value) for s in state.sources] == [
        ("公证员现场摇出的号码", ""),
        ("中国福利彩票双色球 2026-12-05 第2026140期", ""),
    ]
    assert state.seed == "" and not state.rows

    # Committed: the centre's record has no seed until the run; the console computes it from the same files.
    state = projection.show_draw(replace(view, seed=None, result_text=None, result_hash=None))
    assert state.stage is Stage.COMMITTED
    assert [s.value for s in state.sources] == [DIGITS, "03071422283109"]
    assert state.seed == result.seed.hex() and not state.rows  # known, and still nothing of the result


def test_a_checked_result_is_revealed_a_page_at_a_time_in_rank_order(projection: Projection) -> None:
    view, result = a_draw(20)
    state = projection.show_result(view, result, rows_of(result))
    assert state.stage is Stage.RESULT and state.revealed == 0 and not state.rows  # the console sets the pace
    assert projection.can_reveal()

    first = projection.next_page()
    assert [r.rank for r in first.rows] == list(range(1, 9))
    assert [r.reg_no for r in first.rows] == [o.reg_no for o in result.outcomes[:8]]
    assert (first.revealed, first.page, first.pages) == (8, 0, 1)
    assert first.notice == "已揭晓8户，还有12户"
    second = projection.next_page()
    assert [r.rank for r in second.rows] == list(range(9, 17)) and (second.page, second.pages) == (1, 2)
    last = projection.next_page()
    assert [r.rank for r in last.rows] == [17, 18, 19, 20] and last.revealed == 20
    assert last.notice == "全部20户已揭晓" and not projection.can_reveal()
    assert projection.next_page() == last  # nothing more to reveal


def test_all_at_once_reveals_every_rank_and_the_pages_turn_round(projection: Projection) -> None:
    view, result = a_draw(20)
    projection.show_result(view, result, rows_of(result))
    state = projection.reveal_all()
    assert (state.revealed, state.page, state.pages) == (20, 0, 3)
    assert [r.rank for r in state.rows] == list(range(1, 9))
    assert [projection.turn().page for _ in range(3)] == [1, 2, 0]
    assert [r.rank for r in projection.turn(-1).rows] == [17, 18, 19, 20]


def test_names_reach_the_hall_masked_and_no_id_number_ever(projection: Projection) -> None:
    view, result = a_draw(20)
    projection.show_result(view, result, rows_of(result))  # whole names, as a careless caller might hand over
    seen = [projection.reveal_all()] + [projection.turn() for _ in range(3)]
    names = {row.name for state in seen for row in state.rows}
    assert names == {"张*兰", "王*", "欧**国", "李"}
    for state in seen:
        text = repr(state)
        assert not ID_18.search(text)
        assert "**********" not in text  # not even a masked ID: the hall has no use for it
        assert not any(whole in text for whole in ("张淑兰", "王强", "欧阳建国"))


def test_a_skipped_entry_is_shown_as_skipped_in_one_line(projection: Projection) -> None:
    cancelled = "Q2611-01-00004"
    view, result = a_draw(20, frozenset({cancelled}))
    projection.show_result(view, result, rows_of(result))
    rows = [r for _ in range(3) for r in projection.next_page().rows]
    skipped = [r for r in rows if r.reg_no == cancelled]
    assert len(skipped) == 1 and skipped[0].skipped and skipped[0].outcome == "已取消，跳过"
    assert sum(r.skipped for r in rows) == 1


def test_a_result_the_centre_computed_differently_is_never_shown(
    projection: Projection, published: list[ProjectionState]
) -> None:
    view, result = a_draw(20)
    projection.show_draw(view)
    tampered = replace(view, result_hash=lottery.sha256_hex((view.result_text or "") + "x"))
    with pytest.raises(ResultNotChecked) as refused:
        projection.show_result(tampered, result, rows_of(result))
    assert "不一致" in refused.value.message
    state = published[-1]
    assert state.stage is Stage.HALTED and not state.rows and state.revealed == 0
    assert state.notice == "本机核验与中心结果不一致，暂停公布结果"
    assert projection.next_page() == state and projection.reveal_all() == state  # nothing to reveal


def test_rows_that_are_not_the_checked_result_are_refused(projection: Projection) -> None:
    view, result = a_draw(20)
    rows = rows_of(result)
    rows[0], rows[1] = rows[1], rows[0]
    with pytest.raises(ResultNotChecked):
        projection.show_result(view, result, rows)
    with pytest.raises(ResultNotChecked):
        projection.show_result(replace(view, result_hash=None), result, rows_of(result))
    assert projection.state.stage is Stage.HALTED and not projection.can_reveal()


def test_a_new_draw_forgets_the_last_result(projection: Projection) -> None:
    view, result = a_draw(20)
    projection.show_result(view, result, rows_of(result))
    projection.next_page()
    state = projection.show_draw(frozen(view))
    assert state.stage is Stage.FROZEN and not state.rows and state.revealed == 0
    assert not projection.can_reveal() and projection.next_page() == state
    assert projection.show_schedule([]).notice == ""  # a draw's line is not the schedule's
