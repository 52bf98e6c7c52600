"""The plan list's count: the centre's figure for the whole plan with its time, or this counter's own."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from kiosk.services.views import PlanOption
from kiosk.ui.registration.screens.plan_screen import PlanCard
from kiosk_core.model import PlanKind

NOW = datetime(2026, 11, 24, 15, 30)


def _plan(count: int, at: datetime | None = None, not_included: int = 0) -> PlanOption:
    return PlanOption(
        id=1,
        code="Q2611",
        name="2026年第四批快速配租",
        kind=PlanKind.QUICK,
        kind_label="快速配租",
        announcement="公告",
        window_start=datetime(2026, 11, 20, 9),
        window_end=datetime(2026, 11, 30, 17),
        cancel_deadline=datetime(2026, 11, 28, 17),
        registered_count=count,
        notice_version=1,
        refusals=(),
        count_central_at=at,
        count_not_included=not_included,
    )


def _count_shown(qtbot: QtBot, plan: PlanOption) -> str:
    card = PlanCard(plan, now=NOW)
    qtbot.addWidget(card)
    return card.count.text()


def test_the_centres_count_with_the_time_it_was_known(qtbot: QtBot) -> None:
    assert (
        _count_shown(qtbot, _plan(1234, datetime(2026, 11, 24, 14, 5)))
        == "已登记 1\u00a0234 户（中心 14:05）"
    )


def test_an_older_figure_says_its_day_and_what_this_counter_adds(qtbot: QtBot) -> None:
    shown = _count_shown(qtbot, _plan(1234, datetime(2026, 11, 23, 16, 40), not_included=3))
    assert shown == "已登记 1\u00a0234 户（中心 11-23 16:40），另有本机 3 户尚未计入"


def test_a_counter_on_its_own_shows_its_own_count(qtbot: QtBot) -> None:
    assert _count_shown(qtbot, _plan(12)) == "已登记 12 户"
