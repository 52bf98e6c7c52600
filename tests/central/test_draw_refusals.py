"""Every refusal of a lottery step: its code, a Chinese message, and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from kiosk_central.bootstrap import Central
from kiosk_central.tables import Draw, DrawAudit, DrawOutcome, PoolQuota
from kiosk_core import lottery
from tests.central.api import Api
from tests.central.draw_world import (
    DIGITS_40,
    Console,
    add_units_quotas_groups,
    close_window,
    ok,
    refused,
    register_everyone,
)
from tests.fakes import MovableClock

pytestmark = pytest.mark.parametrize("transport", ["asgi"])
LABEL = "公证员现场摇号 第1组"


@pytest.fixture
def registered(world: Central, api: Api) -> Central:
    add_units_quotas_groups(world)
    with world.db.session() as s:
        world.auth.create_operator(s, "super2", "赵敏", "supervisor", "super-pass-2")
    register_everyone(api)
    return world


def _state(central: Central) -> tuple[Any, ...]:
    """Everything a lottery step may change."""
    with central.db.session() as s:
        draws = tuple(
            (d.id, d.state, d.sources_text, d.result_hash, d.feed_first, d.retract_version)
            for d in s.scalars(select(Draw).order_by(Draw.id))
        )
        return (
            draws,
            s.scalar(select(func.count()).select_from(DrawOutcome)),
            s.scalar(select(func.count()).select_from(DrawAudit)),
        )


def test_a_freeze_before_the_window_closes_or_with_too_little_entropy_is_refused(
    registered: Central, api: Api, clock: MovableClock
) -> None:
    console = Console(api)
    before = _state(registered)
    refused(console.freeze(), 409, "window_open")
    close_window(api, clock)
    console = Console(api)
    body = refused(
        console.freeze([{"kind": "digits", "label": LABEL, "bits": 37 * lottery.DIGIT_BITS}]),
        422,
        "entropy_too_low",
    )
    assert "还差 2 位数字" in body["message"]
    body = refused(
        console.freeze([{"kind": "public", "label": "双色球 第2026140期", "bits": 20.0}]),
        422,
        "entropy_too_low",
    )
    assert "还差 33 位数字" in body["message"]
    refused(console.freeze([{"kind": "digits", "label": LABEL, "bits": 130.0}]), 422, "draw_source_bits")
    refused(console.freeze([{"kind": "dice", "label": LABEL, "bits": DIGITS_40}]), 422, "source_kind")
    twice = [{"kind": "digits", "label": LABEL, "bits": DIGITS_40}] * 2
    refused(console.freeze(twice), 422, "source_label_twice")
    refused(
        console.freeze([{"kind": "digits", "label": "第\t1组", "bits": DIGITS_40}]), 422, "draw_source_label"
    )
    refused(console.freeze([]), 422, "sources_missing")
    refused(console.freeze(plan="R2611"), 409, "plan_not_quick")
    refused(console.freeze(plan="X9999"), 404, "plan_not_found")
    refused(console.freeze(plan="M2611"), 409, "empty_list")  # closed, nobody registered
    assert _state(registered) == before


def test_more_quota_than_units_is_refused_at_the_freeze(
    registered: Central, api: Api, clock: MovableClock
) -> None:
    with registered.db.session() as s:
        quota = s.scalars(select(PoolQuota).where(PoolQuota.group == "elderly")).one()
        quota.count = 5  # five one-room units: elderly 5 + disabled 1
        s.commit()
    close_window(api, clock)
    body = refused(Console(api).freeze(), 409, "quota_exceeds_units")
    assert "6 套" in body["message"] and "5 套" in body["message"]
    assert _state(registered)[0] == ()


def test_values_must_match_the_committed_sources(registered: Central, api: Api, clock: MovableClock) -> None:
    close_window(api, clock)
    console = Console(api)
    specs = [
        {"kind": "digits", "label": LABEL, "bits": DIGITS_40},
        {"kind": "public", "label": "双色球 第2026140期", "bits": 0.0},
    ]
    draw_id = ok(console.freeze(specs))["draw_id"]
    before = _state(registered)
    digits = "0123456789" * 4
    cases = [
        ([{"label": LABEL, "value": digits}], "source_value_missing"),
        (
            [{"label": LABEL, "value": digits}, {"label": "双色球", "value": "01020304050607"}],
            "source_label_unknown",
        ),
        (
            [{"label": LABEL, "value": digits[:-1]}, {"label": "双色球 第2026140期", "value": "0102"}],
            "source_digits_count",
        ),
        (
            [{"label": LABEL, "value": digits[:-1] + "x"}, {"label": "双色球 第2026140期", "value": "0102"}],
            "draw_digits",
        ),
        (
            [{"label": LABEL, "value": digits}, {"label": "双色球 第2026140期", "value": "一二"}],
            "draw_digits",
        ),
        ([{"label": LABEL, "value": digits}, {"label": "双色球 第2026140期", "value": ""}], "draw_digits"),
        ([{"label": LABEL, "value": digits}, {"label": LABEL, "value": digits}], "source_value_twice"),
    ]
    for values, code in cases:
        refused(console.sources(draw_id, values), 422, code)
    assert _state(registered) == before
    # Full-width digits and spaces are what a person types: taken as the ASCII digits.
    full = "".join(chr(ord("０") + int(d)) for d in digits[:20]) + " " + digits[20:]
    committed = ok(
        console.sources(
            draw_id, [{"label": LABEL, "value": full}, {"label": "双色球 第2026140期", "value": "01 02 03"}]
        )
    )
    assert committed["sources_text"] == f"digits\t{LABEL}\t{digits}\npublic\t双色球 第2026140期\t010203\n"
    refused(
        console.sources(
            draw_id, [{"label": LABEL, "value": digits}, {"label": "双色球 第2026140期", "value": "1"}]
        ),
        409,
        "sources_committed",
    )


def test_steps_out_of_order_are_refused(registered: Central, api: Api, clock: MovableClock) -> None:
    close_window(api, clock)
    console = Console(api)
    draw_id = ok(console.freeze())["draw_id"]
    refused(console.run(draw_id), 409, "sources_missing")
    refused(console.publish(draw_id), 409, "draw_not_run")
    ok(console.sources(draw_id))
    refused(console.publish(draw_id), 409, "draw_not_run")
    refused(console.freeze(), 409, "draw_exists")
    ok(console.run(draw_id))
    refused(console.run(draw_id), 409, "draw_done")
    ok(console.publish(draw_id))
    refused(console.publish(draw_id), 409, "draw_published")
    refused(console.freeze(), 409, "draw_exists")
    refused(console.run(999), 404, "draw_not_found")


def test_a_retraction_needs_a_reason_and_a_second_supervisor_and_then_new_sources(
    registered: Central, api: Api, clock: MovableClock
) -> None:
    close_window(api, clock)
    console = Console(api)
    first = console.drawn()
    draw_id = first["draw_id"]
    ok(console.publish(draw_id))
    before = _state(registered)
    refused(console.retract(draw_id, "  ", "super2", "super-pass-2"), 422, "retract_reason_missing")
    refused(console.retract(draw_id, "名单遗漏", "", ""), 422, "second_supervisor_missing")
    refused(console.retract(draw_id, "名单遗漏", "super1", "super-pass-1"), 422, "second_supervisor_same")
    refused(
        console.retract(draw_id, "名单遗漏", "super2", "wrong-password"), 403, "second_supervisor_refused"
    )
    refused(console.retract(draw_id, "名单遗漏", "nobody", "super-pass-2"), 403, "second_supervisor_refused")
    refused(console.retract(draw_id, "名单遗漏", "clerk1", "clerk-pass-1"), 403, "second_not_supervisor")
    assert _state(registered) == before

    retracted = ok(console.retract(draw_id, "公证处发现名单遗漏一户", "super2", "super-pass-2"))
    assert (retracted["state"], retracted["retract_reason"]) == ("retracted", "公证处发现名单遗漏一户")
    public = ok(api.client.get(f"/public/draws/{draw_id}"))
    assert (
        public["retract_reason"] == "公证处发现名单遗漏一户" and public["result_text"] == first["result_text"]
    )
    refused(console.retract(draw_id, "再撤一次", "super2", "super-pass-2"), 409, "draw_retracted")
    with registered.db.session() as s:
        audit = s.scalars(select(DrawAudit).where(DrawAudit.action == "retract")).one()
        assert (audit.operator, audit.second_operator, audit.detail) == (
            "super1",
            "super2",
            "公证处发现名单遗漏一户",
        )

    # A new freeze for the plan replaces it; the old sources may not seed it again.
    second = ok(console.freeze())
    assert (second["replaces"], second["list_hash"]) == (draw_id, first["list_hash"])
    refused(console.sources(second["draw_id"]), 422, "sources_reused")
    other = [{"label": LABEL, "value": "2718281828459045235360287471352662497757"}]
    ok(console.sources(second["draw_id"], other))
    assert ok(console.run(second["draw_id"]))["result_text"] != first["result_text"]
    assert [d["draw_id"] for d in ok(api.client.get("/public/draws"))["draws"]] == [
        second["draw_id"],
        draw_id,
    ]


def test_wrong_second_passwords_lock_that_supervisor(
    registered: Central, api: Api, clock: MovableClock
) -> None:
    close_window(api, clock)
    console = Console(api)
    draw_id = ok(console.freeze())["draw_id"]
    for _ in range(5):
        refused(
            console.retract(draw_id, "名单遗漏", "super2", "wrong-password"), 403, "second_supervisor_refused"
        )
    refused(console.retract(draw_id, "名单遗漏", "super2", "super-pass-2"), 403, "second_supervisor_refused")
    assert api.operator_login("super2", "super-pass-2").json()["code"] == "account_locked"


def test_every_lottery_body_is_bounded(registered: Central, api: Api, clock: MovableClock) -> None:
    close_window(api, clock)
    console = Console(api)
    draw_id = ok(console.freeze())["draw_id"]
    before = _state(registered)
    huge = {"reason": "撤" * 40_000, "second_username": "super2", "second_password": "super-pass-2"}
    refused(console.post(f"/v1/draws/{draw_id}/retract", huge), 413, "body_too_large")
    long = {"reason": "撤" * 501, "second_username": "super2", "second_password": "super-pass-2"}
    refused(console.post(f"/v1/draws/{draw_id}/retract", long), 422, "invalid_request")
    many = [{"label": f"第{n}组", "value": "1"} for n in range(17)]
    refused(console.sources(draw_id, many), 422, "invalid_request")
    refused(
        console.freeze([{"kind": "digits", "label": "x" * 201, "bits": DIGITS_40}]), 422, "invalid_request"
    )
    assert _state(registered) == before


def test_a_draw_retracted_before_publication_sends_counters_nothing(
    registered: Central, api: Api, clock: MovableClock
) -> None:
    close_window(api, clock)
    console = Console(api)
    drawn = console.drawn()
    ok(console.retract(drawn["draw_id"], "随机源录入时公证员不在场", "super2", "super-pass-2"))
    assert api.changes(path="/v1/draws/outcomes")["changes"] == []
    public = ok(api.client.get(f"/public/draws/{drawn['draw_id']}"))
    assert (public["state"], public["result_text"], public["seed"]) == ("retracted", None, None)
    assert ok(console.freeze())["replaces"] == drawn["draw_id"]
