"""The lottery at the centre over its API: a supervisor's freeze → sources → run → publish, checked by anyone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kiosk_central.bootstrap import Central
from kiosk_central.tables import DrawAudit, IdempotencyRecord
from kiosk_core import lottery
from tests.central.api import Api
from tests.central.draw_world import (
    ONE_ROOM,
    PLAN,
    TWO_ROOMS,
    Console,
    add_units_quotas_groups,
    close_window,
    ok,
    refused,
    register_everyone,
)
from tests.central.world import NOW, cancellation, new_key
from tests.fakes import MovableClock


@pytest.fixture
def ready(world: Central, api: Api, clock: MovableClock) -> list[str]:
    """Q2611 with units, quotas, groups and 21 registrations; its window closed."""
    add_units_quotas_groups(world)
    with world.db.session() as s:
        world.auth.create_operator(s, "super2", "赵敏", "supervisor", "super-pass-2")
    reg_nos = register_everyone(api)
    close_window(api, clock)
    return reg_nos


def test_a_supervisor_draws_a_plan_and_anyone_can_recompute_the_published_result(
    api: Api, ready: list[str]
) -> None:
    console = Console(api)
    frozen = ok(console.freeze())
    assert (frozen["state"], frozen["plan_code"], frozen["algorithm"]) == ("frozen", PLAN, lottery.ALGORITHM)
    entries = lottery.parse_list(frozen["list_text"])
    assert [e.reg_no for e in entries] == sorted(ready)
    assert frozen["list_hash"] == lottery.sha256_hex(frozen["list_text"])
    assert {e.pool for e in entries} == {ONE_ROOM, TWO_ROOMS}
    mode, pools = lottery.parse_pools(frozen["pools_text"])
    one_room = next(p for p in pools if p.code == ONE_ROOM)
    # Published unit order: building, floor, number.
    assert (mode, one_room.units) == ("units", ("Q-1-201", "Q-1-501", "Q-1-901", "Q-2-101", "Q-2-301"))
    assert one_room.quotas == (("elderly", 2), ("disabled", 1))
    assert sorted(e.group for e in entries if e.group != "-") == [
        "disabled",
        "elderly",
        "elderly",
        "elderly",
        "hardship",
    ]
    assert frozen["result_text"] is None and frozen["seed"] is None

    # Cancelled after the freeze (a counter's late message): it stays on the list, its pick is skipped.
    late = ready[7]
    r = api.post("/v1/cancellations", cancellation(late, at=NOW + timedelta(days=1)))
    assert r.status_code == 200, r.text

    draw_id = frozen["draw_id"]
    committed = ok(console.sources(draw_id))
    assert committed["state"] == "committed"
    assert (
        committed["sources_text"]
        == "digits\t公证员现场摇号 第1组\t3141592653589793238462643383279502884197\n"
    )
    drawn = ok(console.run(draw_id))
    assert (drawn["state"], drawn["cancelled"]) == ("drawn", [late])
    expected = lottery.draw(
        entries, mode, pools, lottery.parse_sources(drawn["sources_text"]), frozenset([late])
    )
    assert drawn["result_text"] == lottery.result_text(expected)
    assert drawn["seed"] == expected.seed.hex()
    assert drawn["result_hash"] == lottery.sha256_hex(drawn["result_text"])
    outcomes = {o.reg_no: o for o in lottery.parse_result(drawn["result_text"])}
    assert outcomes[late].kind == "skipped"
    assert sorted(o.unit for o in outcomes.values() if o.unit) == sorted([*one_room.units, "Q-3-401"])

    # Before publication the public sees the list and the sources, not the result.
    hidden = ok(api.client.get(f"/public/draws/{draw_id}"))
    assert (hidden["list_hash"], hidden["result_text"], hidden["seed"]) == (frozen["list_hash"], None, None)
    assert api.client.get(f"/public/draws/{draw_id}/result.txt").json()["code"] == "draw_file_not_published"
    assert api.changes(path="/v1/draws/outcomes")["changes"] == []

    published = ok(console.publish(draw_id))
    assert published["state"] == "published" and published["published_at"]
    record = ok(api.client.get(f"/public/draws/{draw_id}"))  # no sign-in
    assert record == published
    for name, field in (
        ("list", "list_text"),
        ("pools", "pools_text"),
        ("sources", "sources_text"),
        ("result", "result_text"),
    ):
        r = api.client.get(f"/public/draws/{draw_id}/{name}.txt")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        assert r.content == record[field].encode()
    listed = ok(api.client.get("/public/draws"))
    assert [(d["draw_id"], d["state"], d["result_hash"]) for d in listed["draws"]] == [
        (draw_id, "published", record["result_hash"])
    ]
    page = api.client.get("/public/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert record["list_hash"] in page.text and f"/public/draws/{draw_id}/result.txt" in page.text
    verifier = api.client.get(listed["verifier"])
    assert verifier.status_code == 200 and verifier.text == lottery.verifier_source()

    page = api.changes(path="/v1/draws/outcomes")
    assert not page["more"] and len(page["changes"]) == len(ready)
    assert [c["rank"] for c in page["changes"]] == list(range(1, len(ready) + 1))
    row = next(c for c in page["changes"] if c["reg_no"] == late)
    assert (row["kind"], row["unit_code"], row["number"], row["plan_code"]) == ("skipped", None, None, PLAN)
    assert api.changes(page["version"], path="/v1/draws/outcomes")["changes"] == []


@pytest.mark.parametrize("transport", ["asgi"])
def test_the_outcomes_feed_pages_and_a_retraction_withdraws_what_counters_hold(
    api: Api, ready: list[str]
) -> None:
    console = Console(api)
    draw_id = console.drawn()["draw_id"]
    ok(console.publish(draw_id))
    first = api.changes(0, limit=8, path="/v1/draws/outcomes")
    assert first["more"] and len(first["changes"]) == 8
    rest = api.changes(first["version"], limit=100, path="/v1/draws/outcomes")
    assert not rest["more"]
    assert [c["rank"] for c in first["changes"] + rest["changes"]] == list(range(1, 22))
    ok(console.retract(draw_id, "公证处发现名单遗漏一户", "super2", "super-pass-2"))
    withdrawn = api.changes(rest["version"], limit=100, path="/v1/draws/outcomes")
    assert len(withdrawn["changes"]) == 21
    assert {(c["draw_id"], c["kind"], c["unit_code"], c["number"]) for c in withdrawn["changes"]} == {
        (draw_id, "withdrawn", None, None)
    }
    # A counter that never pulled the published rows gets only the withdrawal.
    assert {c["kind"] for c in api.changes(0, path="/v1/draws/outcomes")["changes"]} == {"withdrawn"}


@pytest.mark.parametrize("transport", ["asgi"])
def test_a_clerk_or_a_bare_device_cannot_change_a_draw(api: Api, ready: list[str]) -> None:
    clerk = Console(api, "clerk1", "clerk-pass-1")
    body = refused(clerk.freeze(), 403, "supervisor_required")
    assert "主管" in body["message"]
    device = api.client.post(
        f"/v1/plans/{PLAN}/draw/freeze",
        json={"sources": []},
        headers=api.auth | {"Idempotency-Key": new_key()},
    )
    refused(device, 403, "supervisor_required")
    draw_id = Console(api).drawn()["draw_id"]
    for r in (
        clerk.publish(draw_id),
        clerk.run(draw_id),
        clerk.retract(draw_id, "原因", "super1", "super-pass-1"),
    ):
        refused(r, 403, "supervisor_required")
    assert (
        ok(api.client.get(f"/v1/draws/{draw_id}", headers=api.auth))["state"] == "drawn"
    )  # a device reads it


@pytest.mark.parametrize("transport", ["asgi"])
def test_each_step_answers_a_retry_from_its_stored_answer(api: Api, ready: list[str], world: Central) -> None:
    console = Console(api)
    key = "0b4e28ba-2fa1-11d2-883f-0016d3cca427"
    first = console.post(f"/v1/plans/{PLAN}/draw/freeze", {"sources": _specs(), "force": False}, key)
    again = console.post(f"/v1/plans/{PLAN}/draw/freeze", {"sources": _specs(), "force": False}, key)
    assert first.status_code == again.status_code == 200 and first.content == again.content
    refused(
        console.post(f"/v1/plans/{PLAN}/draw/freeze", {"sources": _specs(), "force": True}, key),
        422,
        "idempotency_key_reused",
    )
    draw_id = first.json()["draw_id"]
    refused(console.freeze(), 409, "draw_exists")  # a new key: a second freeze
    run_key = "1c4e28ba-2fa1-11d2-883f-0016d3cca427"
    refused(console.post(f"/v1/draws/{draw_id}/run", None, run_key), 409, "sources_missing")
    ok(console.sources(draw_id))
    # The refusal was stored under its key: the retry is refused the same way though sources are in now.
    refused(console.post(f"/v1/draws/{draw_id}/run", None, run_key), 409, "sources_missing")
    ran = console.post(f"/v1/draws/{draw_id}/run", None, "2c4e28ba-2fa1-11d2-883f-0016d3cca427")
    assert (
        console.post(f"/v1/draws/{draw_id}/run", None, "2c4e28ba-2fa1-11d2-883f-0016d3cca427").content
        == ran.content
    )
    refused(console.run(draw_id), 409, "draw_done")  # a draw runs once
    with world.db.session() as s:  # the files are not stored again with each answer: the draw holds them
        stored = s.scalars(select(IdempotencyRecord.response).where(IdempotencyRecord.endpoint == "draw_run"))
        assert all("unit:" not in r and "\\t" not in r for r in stored)
    with world.db.session() as s:
        audit = [
            (a.action, a.operator, a.counter) for a in s.scalars(select(DrawAudit).order_by(DrawAudit.id))
        ]
    assert audit == [("freeze", "super1", "01"), ("sources", "super1", "01"), ("run", "super1", "01")]


def _specs(digits: int = 40) -> list[dict[str, Any]]:
    return [{"kind": "digits", "label": "公证员现场摇号 第1组", "bits": digits * lottery.DIGIT_BITS}]
