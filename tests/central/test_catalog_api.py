"""Catalog changes since a version: paging in version order, and only what changed since the kiosk's version."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from kiosk_central.bootstrap import Central
from kiosk_central.db import begin_write
from kiosk_central.services.importer import import_kind
from tests.central.api import Api
from tests.central.world import NOW, id_number


def _households(n: int, phone: str = "13800000000") -> list[tuple[str, dict[str, object]]]:
    return [
        (
            f"第{i}条",
            {
                "filing_no": f"BB{i:010d}",
                "applicant_name": "赵一",
                "applicant_id_number": id_number("19700101", i % 1000, region="110106"),
                "district": "丰台区",
                "status": "valid",
                "valid_until": (NOW + timedelta(days=100)).date(),
                "phone": phone if i != 7 else "13900000007",
                "members": [
                    {"relation": "子女", "name": "赵二", "id_number": id_number("20000101", i % 1000)}
                ],
            },
        )
        for i in range(1, n + 1)
    ]


def _import_households(central: Central, rows: list[tuple[str, dict[str, object]]]) -> None:
    with central.db.session() as s:
        begin_write(s)
        import_kind(s, "households", rows)
        s.commit()


def test_first_sync_brings_everything_the_kiosk_tables_need(api: Api) -> None:
    version, changes = api.all_changes()
    kinds = Counter(c["entity"] for c in changes)
    assert kinds == {
        "plan": 4, "notice": 4, "project": 4, "unit_type": 5, "unit": 4, "household": 29, "operator": 2,
    }  # fmt: skip
    assert version == max(c["version"] for c in changes)
    by_key = {(c["entity"], c["key"]): c["data"] for c in changes}
    assert by_key[("notice", "Q2611:2")] == {
        "plan_code": "Q2611",
        "version": 2,
        "title": "告知书",
        "text": "请仔细阅读",
    }
    assert by_key[("unit", "R-2-902")]["status"] == "taken"
    assert by_key[("unit", "R-2-902")]["project_code"] == "P-R-01"
    assert by_key[("unit", "R-2-902")]["unit_type_code"] == "UT-R-2"
    assert by_key[("unit_type", "UT-Q-1")]["project_code"] == "P-Q-01"
    assert by_key[("project", "P-Q-01")]["plan_code"] == "Q2611"
    assert by_key[("plan", "Q2611")]["window_start"] == "2026-11-21T10:00:00"
    assert by_key[("household", "BA2024000001")]["members"][0]["relation"] == "配偶"
    operator = by_key[("operator", "clerk1")]
    assert operator["password_hash"].startswith("$argon2id$")  # kiosks sign operators in offline
    assert api.changes(version) == {"version": version, "more": False, "changes": []}


def test_pages_in_version_order_without_gaps_or_repeats(api: Api, world: Central) -> None:
    _import_households(world, _households(300))
    seen: list[int] = []
    since, pages = 0, 0
    while True:
        page = api.changes(since, limit=100)
        versions = [c["version"] for c in page["changes"]]
        assert versions == sorted(versions) and len(versions) <= 100
        assert not versions or page["version"] == versions[-1]
        seen.extend(versions)
        since, pages = page["version"], pages + 1
        if not page["more"]:
            break
    assert pages == 4  # 352 rows
    assert seen == list(range(1, len(seen) + 1))  # every version once: the counter leaves no holes


def test_only_what_changed_since_the_kiosks_version(api: Api, world: Central) -> None:
    rows = _households(500)
    _import_households(world, rows)
    held, _ = api.all_changes()
    # The centre re-imports the same file with one household changed: one change, not 500.
    rows[41][1]["phone"] = "13712345678"
    _import_households(world, rows)
    page = api.changes(held)
    assert [(c["entity"], c["key"], c["data"]["phone"]) for c in page["changes"]] == [
        ("household", "BB0000000042", "13712345678")
    ]
    assert page["version"] == held + 1 and not page["more"]


def test_limit_bounds(api: Api) -> None:
    for limit in (0, 20001):
        r = api.client.get("/v1/catalog/changes", params={"since": 0, "limit": limit}, headers=api.auth)
        assert (r.status_code, r.json()["code"]) == (422, "limit_range")
    r = api.client.get("/v1/catalog/changes", params={"since": -1}, headers=api.auth)
    assert r.status_code == 422
    assert len(api.changes(0, limit=20000)["changes"]) == 52


def test_parents_always_come_before_the_rows_that_name_them(api: Api, world: Central) -> None:
    """A fresh kiosk applies changes in order and looks parents up by code: a changed plan must not
    leave its projects (and their unit types and units) at older versions than itself."""
    from tests.central.world import catalog_batches

    batches = dict(catalog_batches())
    changed = [dict(p, name=p["name"] + "（更正）") for p in batches["plans"]]
    moved_type = [dict(t, name="大一居") if t["code"] == "UT-R-2" else t for t in batches["unit-types"]]
    with world.db.session() as s:
        begin_write(s)
        import_kind(s, "plans", [(f"第{n}条", p) for n, p in enumerate(changed, 1)])
        import_kind(s, "unit-types", [(f"第{n}条", t) for n, t in enumerate(moved_type, 1)])
        s.commit()
    _, changes = api.all_changes()
    seen: set[tuple[str, str]] = set()
    for c in changes:
        d = c["data"]
        parents = {
            "notice": [("plan", d.get("plan_code"))],
            "project": [("plan", d.get("plan_code"))],
            "unit_type": [("project", d.get("project_code"))],
            "unit": [("project", d.get("project_code")), ("unit_type", d.get("unit_type_code"))],
        }.get(c["entity"], [])
        for parent in parents:
            assert parent in seen, f"{c['entity']} {c['key']} came before its {parent}"
        seen.add((c["entity"], c["key"]))
    assert {(c["entity"], c["key"]) for c in changes} == seen
    assert len(changes) == len(seen)  # each row once, at its newest version
