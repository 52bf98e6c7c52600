"""The lottery at the counter without a centre: the local check of a draw, the two typed entries, the console's
refusals when it cannot reach the centre, and a published draw kept here (lookup, result notice, public list)."""

from __future__ import annotations

import csv
import math
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from kiosk.bootstrap import Built, build_services
from kiosk.config import CentralConfig, Config
from kiosk.services.draw_apply import apply_outcomes
from kiosk.services.draw_check import check_twice
from kiosk.services.draw_views import DrawMismatch, DrawOffline, SourcesDiffer, SourceSpec, SourceValue
from kiosk.services.secrets import CACHE_KEY, DEVICE_TOKEN, SecretStore, operator_token_name
from kiosk.services.views import OperatorSession
from kiosk_core import lottery
from kiosk_core.errors import AuthFailed, InvalidInput, NotAllowed, NotFound
from kiosk_core.model import Role
from kiosk_core.reg_no import make_reg_no
from tests.builders import NOW, World
from tests.fakes import CHEAP_HASHER, FakePrinter, MovableClock
from tests.keyrings import TEST_CACHE_KEY

LABEL = "公证员现场摇号 第1组"
DIGITS = "2718281828459045235360287471352662497757"
BOSS = OperatorSession(2, "super1", "李建国", Role.SUPERVISOR, "01")
FULL_ID = re.compile(r"\d{17}[\dX]")


class MemorySecrets(SecretStore):
    """The keyring as a dict: no desktop session here."""

    def __init__(self) -> None:
        super().__init__("kiosk-test")
        self.values: dict[str, str] = {CACHE_KEY: TEST_CACHE_KEY}  # as tests.keyrings has it

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value


def entries() -> list[lottery.Entry]:
    """Eight registrations in two pools of the test world's quick plan, three in priority groups."""
    one, two = "P-Q-01/UT-Q-1", "P-Q-01/UT-Q-2"
    groups = {1: "elderly", 4: "elderly", 6: "disabled"}
    return [
        lottery.Entry(make_reg_no("Q2611", n), one if n <= 5 else two, groups.get(n, lottery.GROUP_NONE))
        for n in range(1, 9)
    ]


def groups() -> dict[str, str]:
    return {e.reg_no: e.group for e in entries()}


POOLS = [
    lottery.Pool("P-Q-01/UT-Q-1", ("Q-1-0301", "Q-1-0302"), (("elderly", 1),)),
    lottery.Pool("P-Q-01/UT-Q-2", ("Q-2-0501",), ()),
]


def record(state: str = "published", cancelled: tuple[str, ...] = (), mode: str = "units") -> dict[str, Any]:
    """A draw as the centre would record it, computed here with the core's algorithm."""
    listed, sources = entries(), [lottery.digits_source(LABEL, DIGITS)]
    pools = POOLS if mode == "units" else [lottery.Pool(p.code, (), p.quotas) for p in POOLS]
    result = lottery.draw(listed, mode, pools, sources, frozenset(cancelled))
    list_text, pools_text = lottery.list_text(listed), lottery.pools_text(mode, pools)
    result_text = lottery.result_text(result)
    return {
        "draw_id": 7,
        "plan_code": "Q2611",
        "plan_name": "快速配租测试计划",
        "state": state,
        "algorithm": lottery.ALGORITHM,
        "mode": mode,
        "list_text": list_text,
        "list_hash": lottery.sha256_hex(list_text),
        "pools_text": pools_text,
        "pools_hash": lottery.sha256_hex(pools_text),
        "source_specs": [{"kind": "digits", "label": LABEL, "bits": len(DIGITS) * math.log2(10)}],
        "sources_text": lottery.sources_text(sources),
        "seed": result.seed.hex(),
        "cancelled": list(cancelled),
        "result_text": result_text,
        "result_hash": lottery.sha256_hex(result_text),
        "frozen_at": "2026-12-08T09:00:00+08:00",
        "drawn_at": "2026-12-08T10:00:00+08:00",
        "published_at": "2026-12-08T10:30:00+08:00",
        "retracted_at": None,
        "retract_reason": None,
        "replaces": None,
    }


@pytest.fixture
def secrets() -> MemorySecrets:
    return MemorySecrets()


@pytest.fixture
def online(tmp_path: Path, clock: MovableClock, secrets: MemorySecrets) -> Iterator[Built]:
    """A counter whose centre is configured but not there (nothing listens on port 9 of loopback)."""
    config = Config(data_dir=tmp_path / "online", central=CentralConfig(url="http://127.0.0.1:9"))
    b = build_services(config, FakePrinter(), clock, CHEAP_HASHER, secrets)
    yield b
    b.engine.dispose()


def keep(built: Built, rec: dict[str, Any], world: World, filings: dict[int, str]) -> None:
    """What a sync round keeps of a published draw: its record and its rows (here with the households' filing
    numbers, as a feed may give them)."""
    listed = {e.reg_no: e for e in entries()}
    rows = [
        {
            "draw_id": rec["draw_id"],
            "plan_code": rec["plan_code"],
            "reg_no": o.reg_no,
            "rank": o.rank,
            "pool": listed[o.reg_no].pool,
            "kind": o.kind,
            "unit_code": o.unit,
            "number": o.number,
            "filing_no": filings.get(o.rank),
        }
        for o in lottery.parse_result(rec["result_text"])
    ]
    with built.uow() as uow:
        apply_outcomes(uow.session, rows, {rec["draw_id"]: rec}, NOW)
        uow.commit()


def test_the_centres_result_is_checked_against_this_counters_own_computation(built: Built) -> None:
    draws = built.services.draws
    good = draws._view(record())
    result = draws.check(good)
    assert result.seed.hex() == good.seed and lottery.result_text(result) == good.result_text

    lines = (good.result_text or "").splitlines(keepends=True)
    swapped = "".join([lines[1].replace("2\t", "1\t", 1), lines[0].replace("1\t", "2\t", 1), *lines[2:]])
    with pytest.raises(DrawMismatch) as mismatch:
        draws.check(draws._view(record() | {"result_text": swapped}))
    assert mismatch.value.rank == 1 and "不一致" in mismatch.value.message
    with pytest.raises(DrawMismatch, match="种子"):
        draws.check(draws._view(record() | {"seed": "00" * 32}))
    tampered = good.list_text.replace("\t-\n", "\telderly\n", 1)
    with pytest.raises(DrawMismatch, match="名单"):
        draws.check(draws._view(record() | {"list_text": tampered}))
    with pytest.raises(DrawMismatch):  # a list and hash changed together still give another seed
        draws.check(
            draws._view(record() | {"list_text": tampered, "list_hash": lottery.sha256_hex(tampered)})
        )


def test_sources_entered_twice_are_compared_as_the_draw_reads_them() -> None:
    first = [SourceValue(LABEL, "２７１８ 2818,2845"), SourceValue("双色球", "01 07 15 22 28 33 09")]
    second = [SourceValue(LABEL, "271828182845"), SourceValue("双色球", "01071522283309")]
    assert check_twice(first, second) == (
        SourceValue(LABEL, "271828182845"),
        SourceValue("双色球", "01071522283309"),
    )
    with pytest.raises(SourcesDiffer) as differ:
        check_twice(first, [second[0], SourceValue("双色球", "01071522283310")])
    assert differ.value.labels == ("双色球",) and "双色球" in differ.value.message
    with pytest.raises(InvalidInput):
        check_twice([SourceValue(LABEL, "12a4")], [SourceValue(LABEL, "12a4")])


def test_the_console_answers_offline_when_the_centre_is_away_and_refuses_a_clerk(
    built: Built, online: Built, secrets: MemorySecrets
) -> None:
    spec = [SourceSpec.digits(LABEL, 40)]
    with pytest.raises(DrawOffline, match="未配置中心"):
        built.services.draws.freeze(BOSS, "Q2611", spec)  # no centre configured
    with pytest.raises(AuthFailed, match="主管授权"):
        online.services.draws.freeze(BOSS, "Q2611", spec)  # signed in while the centre was away
    secrets.set(operator_token_name(BOSS.username), "operator-token")
    secrets.set(DEVICE_TOKEN, "device-token")
    with pytest.raises(DrawOffline) as offline:
        online.services.draws.freeze(BOSS, "Q2611", spec)
    assert offline.value.code == "draw_offline" and "连接不上中心" in offline.value.message
    with pytest.raises(DrawOffline):
        online.services.draws.record(7)
    clerk = OperatorSession(1, "clerk1", "王晓梅", Role.CLERK, "01")
    with pytest.raises(NotAllowed):
        online.services.draws.publish(clerk, 7)


def test_a_household_finds_its_published_result_and_its_notice_prints_masked(
    built: Built, world: World, clock: MovableClock
) -> None:
    ok_filing, ok_id = world.households["ok"]
    big_filing, _ = world.households["big"]
    rec = record()
    keep(built, rec, world, {1: ok_filing, 2: big_filing})
    draws = built.services.draws
    by_filing = draws.lookup(f" {ok_filing.lower()[:4]} {ok_filing[4:]} ")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in ok_id)
    assert draws.lookup(full_width) == by_filing
    [view] = by_filing
    assert (view.rank, view.applicant_masked, view.filing_no) == (1, "测**k", ok_filing)
    assert view.id_masked == ok_id[:4] + "*" * 10 + ok_id[-4:]
    assert view.list_hash == rec["list_hash"] and view.seed == rec["seed"] and view.entries == 8
    labels = {"P-Q-01/UT-Q-1": "朝阳家园 · 一居室", "P-Q-01/UT-Q-2": "朝阳家园 · 两居室"}
    assert view.pool_label == labels[view.pool]
    assert (
        view.group_label
        == {"-": "", "elderly": "老年人家庭", "disabled": "残疾人家庭"}[groups()[view.reg_no]]
    )
    [member] = draws.lookup(world_member_id(built, big_filing))  # a member's ID finds the household too
    assert member.rank == 2
    assert draws.lookup(view.reg_no) == [view]
    with pytest.raises(NotFound):
        draws.lookup(make_reg_no("Q2611", 99))  # typed well, drawn nowhere
    with pytest.raises(InvalidInput):
        draws.lookup("   ")

    notice = draws.result_notice_pdf(view)
    assert stat.S_IMODE(notice.stat().st_mode) == 0o600
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(notice).pages))
    assert "摇号结果通知书" in text and view.outcome_label.replace(" ", "") in text and "第1位" in text
    assert rec["list_hash"] in text and rec["seed"] in text and rec["result_hash"] in text
    assert "/public/draws/7" not in text  # no centre configured: the QR carries the registration number only
    assert not FULL_ID.search(text) and "测试ok" not in text


def test_the_public_list_names_households_masked_and_marks_skips(built: Built, world: World) -> None:
    ok_filing, _ = world.households["ok"]
    cancelled = entries()[2].reg_no
    rec = record(cancelled=(cancelled,))
    keep(built, rec, world, {1: ok_filing})
    draws = built.services.draws
    rows = draws.public_rows(draws._view(rec))
    assert [r.rank for r in rows] == list(range(1, 9))
    skipped = next(r for r in rows if r.reg_no == cancelled)
    assert skipped.kind == "skipped" and "不参与" in skipped.outcome_label
    assert {r.outcome_label for r in rows if r.kind == "waiting"} <= {f"轮候号 {n}" for n in range(1, 9)}
    assert rows[0].applicant_masked == "测**k" and not rows[1].applicant_masked  # unknown here: left empty

    pdf = draws.public_list_pdf(7)
    text = re.sub(r"\s", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert all(e.reg_no in text for e in entries()) and "测**k" in text and "测试ok" not in text
    assert not FULL_ID.search(text) and rec["list_hash"] in text
    table = draws.public_list_csv(7)
    assert stat.S_IMODE(table.stat().st_mode) == 0o600
    lines = list(csv.reader(table.read_text("utf-8-sig").splitlines()))
    assert len(lines) == 9 and lines[1][2] == "测**k" and not any(FULL_ID.search(c) for r in lines for c in r)


def world_member_id(built: Built, filing_no: str) -> str:
    from sqlalchemy import select

    from kiosk.storage import tables as t

    with built.engine.connect() as c:
        return str(
            c.scalar(
                select(t.Member.id_number)
                .join(t.Household, t.Household.id == t.Member.household_id)
                .where(t.Household.filing_no == filing_no)
                .order_by(t.Member.id.desc())  # the world's first members share ID numbers across households
                .limit(1)
            )
        )


def test_a_draw_not_yet_published_is_not_shown_to_households(built: Built, world: World) -> None:
    keep(built, record(state="drawn"), world, {})
    with pytest.raises(NotFound):
        built.services.draws.lookup(entries()[0].reg_no)


def test_a_selection_draw_gives_each_household_its_turn_to_choose(built: Built) -> None:
    draws = built.services.draws
    rows = draws.public_rows(draws._view(record(mode="selection")))
    by_pool: dict[str, list[str]] = {}
    for row in rows:
        by_pool.setdefault(row.pool, []).append(row.outcome_label)
    for labels in by_pool.values():  # every household one turn, none twice
        assert sorted(labels) == [f"选房顺序号 {n}" for n in range(1, len(labels) + 1)]
    # The one priority household of the one-room pool (quota 1) chooses first there.
    first = next(r for r in rows if r.pool == "P-Q-01/UT-Q-1" and r.outcome_label == "选房顺序号 1")
    assert first.group_label == "老年人家庭"
