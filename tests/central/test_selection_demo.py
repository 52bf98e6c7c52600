"""The centre's demo has a plan drawn for on-site selection with its first round running, as it was loaded."""

from __future__ import annotations

import pytest

from kiosk_central.bootstrap import Central
from kiosk_central.services import demo_selection
from kiosk_central.services.demo import load_demo


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_demo_selection_has_its_first_round_running_and_a_reload_keeps_it(central: Central) -> None:
    with central.db.session() as s:
        load_demo(s, central.auth, now=central.clock())
    with central.db.session() as s:
        first = central.selection.read_state(s, demo_selection.PLAN)
    with central.db.session() as s:  # every run-demo.sh loads again
        load_demo(s, central.auth, now=central.clock())
    with central.db.session() as s:
        again = central.selection.read_state(s, demo_selection.PLAN)
    assert again == first
    assert [r["state"] for r in first["rounds"]] == ["running", "upcoming", "upcoming"]
    assert len(first["turns"]) == demo_selection.REGISTRATIONS
    assert {t["pool"].rsplit("-", 1)[-1] for t in first["turns"]} == {"1R", "2R", "3R"}
    assert first["counts"] == {
        f"{demo_selection.PROJECT}-1R": {"free": 24, "taken": 0},
        f"{demo_selection.PROJECT}-2R": {"free": 16, "taken": 0},
        f"{demo_selection.PROJECT}-3R": {"free": 10, "taken": 0},
    }
