"""The centre's demo has a quick plan ready to draw: 300 registrations, quotas, priority groups; anyone verifies it."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_central.api.app import create_app
from kiosk_central.bootstrap import Central
from kiosk_central.services.demo import load_demo
from kiosk_central.services.demo_lottery import PLAN, QUOTAS
from kiosk_core import lottery
from tests.central.api import Api, asgi_client
from tests.central.draw_world import VALUES, Console, ok


@pytest.fixture
def demo_api(central: Central) -> Iterator[Api]:
    with central.db.session() as s:
        load_demo(s, central.auth, now=central.clock())
    with central.db.session() as s:  # a second load (every run-demo.sh) changes nothing of the plan's
        load_demo(s, central.auth, now=central.clock())
    with asgi_client(create_app(central)) as client:
        yield Api.enrolled(central, client)


def test_the_demo_plan_is_drawn_and_the_downloaded_verifier_says_match(demo_api: Api, tmp_path: Path) -> None:
    console = Console(demo_api, "super1", "kiosk-demo-2")
    ready = ok(console.get("/v1/draws/ready"))
    (plan,) = [p for p in ready["plans"] if p["plan_code"] == PLAN]
    assert (plan["entries"], plan["draw"], ready["unsent"]) == (300, None, [])
    for pool in plan["pools"]:
        code = pool["unit_type_code"]
        assert [(q["group"], q["count"]) for q in pool["quotas"]] == list(QUOTAS[code])
        assert {g["group"] for g in pool["groups"]} == {"elderly", "disabled", "hardship"}
    assert sum(p["units"] for p in plan["pools"]) == 40

    frozen = ok(console.freeze(plan=PLAN))
    draw_id = frozen["draw_id"]
    ok(console.sources(draw_id, [{"label": VALUES[0]["label"], "value": VALUES[0]["value"]}]))
    ok(console.run(draw_id))
    record = ok(console.publish(draw_id))
    outcomes = lottery.parse_result(record["result_text"])
    assert Counter(o.kind for o in outcomes) == {"unit": 40, "waiting": 260}
    groups = {e.reg_no: e.group for e in lottery.parse_list(record["list_text"])}
    _, pools = lottery.parse_pools(record["pools_text"])
    for pool in pools:
        housed = Counter(groups[o.reg_no] for o in outcomes if o.pool == pool.code and o.kind == "unit")
        listed = Counter(groups[o.reg_no] for o in outcomes if o.pool == pool.code)
        for group, quota in pool.quotas:
            assert housed[group] >= min(quota, listed[group]), (pool.code, group)  # served first

    files = {}
    for name in ("list", "pools", "sources", "result"):
        path = tmp_path / f"{name}.txt"
        path.write_bytes(demo_api.client.get(f"/public/draws/{draw_id}/{name}.txt").content)
        files[name] = str(path)
    verifier = tmp_path / "verify_draw.py"
    verifier.write_bytes(demo_api.client.get("/public/verify_draw.py").content)
    args = [files[n] for n in ("list", "pools", "sources", "result")]
    done = subprocess.run(
        [sys.executable, "-I", str(verifier), *args, "--list-hash", record["list_hash"]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("MATCH"), done.stdout + done.stderr
    tampered = tmp_path / "tampered.txt"
    tampered.write_text(Path(files["list"]).read_text("utf-8").replace("\t-\n", "\telderly\n", 1), "utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(verifier), str(tampered), *args[1:], "--list-hash", record["list_hash"]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and "LIST TAMPERED" in done.stdout
