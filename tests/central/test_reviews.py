"""Review results set at the centre come back to kiosks (目前进度 / 不通过原因)."""

from __future__ import annotations

import pytest

from kiosk_central.bootstrap import Central
from kiosk_central.cli import main
from kiosk_central.services import reviews
from kiosk_central.services.errors import InvalidRequest, NotFound
from kiosk_core.reg_no import make_reg_no
from tests.central.api import Api
from tests.central.world import FAMILIES, registration


def test_review_round_trip(
    api: Api, world: Central, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert api.register(registration(FAMILIES["ok"], seq=1)).status_code == 201
    assert api.register(registration(FAMILIES["ok2"], seq=2)).status_code == 201
    assert api.changes(0, path="/v1/reviews/changes") == {"version": 0, "more": False, "changes": []}

    assert (
        main(
            [
                "review",
                "Q2611-01-00001-W",
                "--status",
                "审核不通过",
                "--reason",
                "收入超标",
                "--database-url",
                database_url,
            ]
        )
        == 0
    )
    assert "审核不通过" in capsys.readouterr().out
    second = make_reg_no("Q2611", 2, "01")
    with world.db.session() as s:  # typed back by staff: any case and spacing
        reviews.set_review(s, world.clock, second.lower().replace("-", " "), "审核通过")

    page = api.changes(0, path="/v1/reviews/changes")
    active = {
        "status": "active",
        "cancelled_at": None,
        "cancel_reason": None,
        "cancel_comment": None,
        "cancelled_by_counter": None,
    }
    assert page["changes"] == [
        {
            "reg_no": "Q2611-01-00001-W",
            "review_status": "审核不通过",
            "reject_reason": "收入超标",
            "version": 1,
        }
        | active,
        {"reg_no": second, "review_status": "审核通过", "reject_reason": "", "version": 2} | active,
    ]
    assert page["version"] == 2
    first = api.changes(0, limit=1, path="/v1/reviews/changes")
    assert (first["version"], first["more"], len(first["changes"])) == (1, True, 1)
    assert api.changes(2, path="/v1/reviews/changes")["changes"] == []


def test_review_rules(world: Central) -> None:
    with world.db.session() as s:
        with pytest.raises(InvalidRequest, match="不通过原因"):
            reviews.set_review(s, world.clock, "Q2611-01-00001-W", "审核不通过")
        with pytest.raises(InvalidRequest, match="审核状态只能是"):
            reviews.set_review(s, world.clock, "Q2611-01-00001-W", "通过")
        with pytest.raises(NotFound):
            reviews.set_review(s, world.clock, "Q2611-01-00001-W", "审核通过")
