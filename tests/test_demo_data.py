"""The demo data: loaded into a real SQLite cache, every number valid, every refusal rule demonstrable."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from kiosk.demo.generate import CLASH_PAIRS, DEMO_SEED, build, generate_households
from kiosk.services import mapping, queries
from kiosk.services.demo_data import bulk_load_households, load_demo
from kiosk.storage import tables as t
from kiosk.storage.db import create_sqlite_engine, migrate
from kiosk.storage.uow import UnitOfWorkFactory, uow_factory
from kiosk_core import model as m
from kiosk_core.eligibility import (
    HOUSEHOLD_RULES,
    UNIT_RULES,
    UNIT_TYPE_RULES,
    MemberClash,
    RegistrationContext,
    evaluate,
)
from kiosk_core.identity import parse_filing_no, parse_id_number, parse_phone
from tests.keyrings import TEST_CACHE_KEY

RESOURCES = Path(__file__).resolve().parent.parent / "kiosk_resources"
NOW = datetime(2026, 11, 24, 10, 30)
Q2611_DISTRICTS = {"朝阳区", "海淀区", "丰台区"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = create_sqlite_engine(tmp_path_factory.mktemp("demo") / "kiosk.db", TEST_CACHE_KEY)
    migrate(engine)
    load_demo(uow_factory(sessionmaker(engine)), now=NOW, resources=RESOURCES)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> UnitOfWorkFactory:
    return uow_factory(sessionmaker(engine))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture(scope="module")
def showcase() -> dict[str, dict[str, object]]:
    data = json.loads((RESOURCES / "demo" / "households.json").read_text("utf-8"))
    return data["showcase"]  # type: ignore[no-any-return]


def _count(session: Session, table: type[t.Base]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def _counts(session: Session) -> dict[str, int]:
    tables = (t.Plan, t.Notice, t.Project, t.UnitType, t.Unit, t.Household, t.Member, t.Operator)
    return {table.__tablename__: _count(session, table) for table in tables}


def test_plans_one_upcoming_the_others_open(session: Session) -> None:
    plans = {p.code: p for p in session.scalars(select(t.Plan).options(selectinload(t.Plan.notices)))}
    assert set(plans) == {"Q2611", "R2611", "Q2612"}
    assert [p.code for p in plans.values() if p.window_start > NOW] == ["Q2612"]
    for code in ("Q2611", "R2611"):
        assert plans[code].window_start <= NOW < plans[code].window_end
        assert plans[code].window_start < plans[code].cancel_deadline < plans[code].window_end
    assert plans["Q2611"].window_start == datetime(2026, 11, 21, 9, 0)
    assert plans["Q2611"].window_end == datetime(2026, 12, 8, 17, 0)
    assert (plans["Q2611"].kind, plans["R2611"].kind) == ("quick", "realtime")
    assert set(plans["Q2611"].allowed_districts) == Q2611_DISTRICTS
    assert plans["R2611"].allowed_districts == []
    assert [n.version for n in plans["Q2611"].notices] == [2]
    assert 600 <= len(plans["Q2611"].notices[0].text) <= 900
    assert all(300 <= len(p.announcement) <= 600 for p in plans.values() if p.code != "Q2612")


def test_projects_have_photos_on_disk(session: Session) -> None:
    projects = session.scalars(select(t.Project)).all()
    assert len(projects) >= 3
    assert len({p.district for p in projects}) == len(projects)
    for project in projects:
        assert 2 <= len(project.photos) <= 3
        assert 100 <= len(project.description) <= 200
        for photo in project.photos:
            path = Path(photo)
            assert path.is_absolute() and path.is_file(), photo
            assert path.stat().st_size < 60 * 1024
            with Image.open(path) as image:
                assert image.size == (800, 500)


def test_units_match_their_unit_types(session: Session) -> None:
    types = {u.id: u for u in session.scalars(select(t.UnitType))}
    units = session.scalars(select(t.Unit)).all()
    assert len(units) == 200
    per_type = Counter(u.unit_type_id for u in units)
    for unit_type in types.values():
        assert per_type[unit_type.id] == unit_type.unit_count
        assert unit_type.min_family <= unit_type.max_family
    for unit in units:
        unit_type = types[unit.unit_type_id]
        assert unit.project_id == unit_type.project_id
        assert abs(unit.area - unit_type.area) < 2
        assert abs(unit.rent / unit.area - unit_type.rent / unit_type.area) < 0.1
        assert 2 <= unit.floor <= 18 and unit.number.startswith(str(unit.floor))
        assert unit.orientation in {"南", "南北", "东", "西", "东南", "西南", "北"}
    assert 0 < sum(u.status == "taken" for u in units) < 20


def test_households_numbers_are_valid(session: Session) -> None:
    rows = session.scalars(select(t.Household).options(selectinload(t.Household.members))).all()
    assert len(rows) == 1000
    for h in rows:
        assert parse_filing_no(h.filing_no) == h.filing_no
        assert parse_phone(h.phone) == h.phone
        for number in (h.applicant_id_number, *(x.id_number for x in h.members)):
            assert parse_id_number(number, today=NOW.date()) == number
        assert {x.relation for x in h.members} <= {"配偶", "子女", "父母"}


def test_every_rule_has_households(session: Session) -> None:
    households = [
        mapping.household(h)
        for h in session.scalars(select(t.Household).options(selectinload(t.Household.members)))
    ]
    today = NOW.date()
    expired = [h for h in households if h.status is m.FilingStatus.EXPIRED or h.valid_until < today]
    assert len([h for h in expired if h.status is not m.FilingStatus.REVOKED]) >= 5
    assert len([h for h in households if h.status is m.FilingStatus.REVOKED]) >= 5
    assert sum(h.district not in Q2611_DISTRICTS for h in households) >= 50
    assert set(Counter(h.family_size for h in households)) == {1, 2, 3, 4, 5, 6}
    people = Counter(n for h in households for n in h.id_numbers())
    assert sorted(people.values(), reverse=True)[: CLASH_PAIRS + 1] == [2] * CLASH_PAIRS + [1]


def _context(session: Session, filing_no: str, plan_code: str, **kw: object) -> RegistrationContext:
    row = session.scalar(
        select(t.Household)
        .where(t.Household.filing_no == filing_no)
        .options(selectinload(t.Household.members))
    )
    plan = session.scalar(
        select(t.Plan).where(t.Plan.code == plan_code).options(selectinload(t.Plan.notices))
    )
    assert row is not None and plan is not None
    ranges = queries.family_ranges(session, plan.id)
    return RegistrationContext(
        household=mapping.household(row),
        plan=mapping.plan(plan),
        now=NOW,
        plan_family_ranges=ranges,
        **kw,  # type: ignore[arg-type]
    )


def _unit_types(session: Session, plan_id: int) -> list[m.UnitType]:
    rows = session.scalars(select(t.UnitType).join(t.Project).where(t.Project.plan_id == plan_id))
    return [mapping.unit_type(r) for r in rows]


@pytest.mark.parametrize(
    "purpose",
    [
        "quick_normal",
        "quick_family_of_four",
        "realtime_normal",
        "elderly_single",
        "expired",
        "lapsed",
        "revoked",
        "wrong_district",
        "too_large",
        "member_clash_first",
        "member_clash_second",
    ],
)
def test_showcase_demonstrates_its_rule(
    session: Session, showcase: dict[str, dict[str, object]], purpose: str
) -> None:
    entry = showcase[purpose]
    ctx = _context(session, str(entry["filing_no"]), str(entry["plan"]))
    assert ctx.household.applicant_id_number == entry["applicant_id_number"]
    assert ctx.household.family_size == entry["family_size"]
    if purpose == "member_clash_second":
        assert not evaluate(ctx, HOUSEHOLD_RULES)  # fine until the other household registers
        first = _context(session, str(showcase["member_clash_first"]["filing_no"]), ctx.plan.code).household
        shared = set(first.id_numbers()) & set(ctx.household.id_numbers())
        assert len(shared) == 1
        # What registering the first household would record (kiosk.services.queries.member_clashes).
        names = {ctx.household.applicant_id_number: ctx.household.applicant_name}
        names.update({x.id_number: x.name for x in ctx.household.members})
        ctx = replace(ctx, member_clashes=(MemberClash(names[shared.pop()], first.filing_no),))
    expect = set(entry["expect"])  # type: ignore[call-overload]
    household_rules = {r.rule for r in evaluate(ctx, HOUSEHOLD_RULES)}
    by_type = [
        {r.rule for r in evaluate(replace(ctx, unit_type=u), UNIT_TYPE_RULES)}
        for u in _unit_types(session, ctx.plan.id)
    ]
    assert household_rules == expect
    if expect == {"family_size_plan"}:
        assert by_type and all(rules == {"family_size"} for rules in by_type)
    if not expect:
        assert any(not rules for rules in by_type)


def test_wrong_district_may_register_for_realtime(
    session: Session, showcase: dict[str, dict[str, object]]
) -> None:
    ctx = _context(session, str(showcase["wrong_district"]["filing_no"]), "R2611")
    assert evaluate(ctx, HOUSEHOLD_RULES) == []


def test_upcoming_plan_is_not_open(session: Session, showcase: dict[str, dict[str, object]]) -> None:
    ctx = _context(session, str(showcase["quick_normal"]["filing_no"]), "Q2612")
    assert [r.rule for r in evaluate(ctx, HOUSEHOLD_RULES)] == ["window_not_open"]


def test_taken_unit_is_refused(session: Session, showcase: dict[str, dict[str, object]]) -> None:
    catalog = json.loads((RESOURCES / "demo" / "catalog.json").read_text("utf-8"))
    ctx = _context(session, str(showcase["realtime_normal"]["filing_no"]), "R2611")
    for code, expect in (
        (catalog["showcase"]["taken_unit"], ["unit_taken"]),
        (catalog["showcase"]["free_unit"], []),
    ):
        row = session.scalar(select(t.Unit).where(t.Unit.code == code))
        assert row is not None
        assert [r.rule for r in evaluate(replace(ctx, unit=mapping.unit(row)), UNIT_RULES)] == expect


def test_loading_twice_does_not_duplicate(session: Session, uow: UnitOfWorkFactory) -> None:
    before = _counts(session)
    assert before["operators"] == 3
    session.rollback()  # every transaction here takes the write lock (BEGIN IMMEDIATE): let go of it
    load_demo(uow, now=NOW, resources=RESOURCES)
    assert _counts(session) == before


def test_generate_households_is_deterministic() -> None:
    first = list(generate_households(1000, DEMO_SEED))
    assert first == list(generate_households(1000, DEMO_SEED))
    assert first != list(generate_households(1000, DEMO_SEED + 1))
    assert len({h["filing_no"] for h in first}) == 1000


def test_committed_json_is_what_the_generator_writes() -> None:
    catalog, households = build()
    demo = RESOURCES / "demo"
    assert json.loads((demo / "catalog.json").read_text("utf-8")) == catalog
    assert json.loads((demo / "households.json").read_text("utf-8")) == households
    assert households["households"][:985] == list(generate_households(985, DEMO_SEED))


def test_bulk_load_households_into_an_engine(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "bulk.db", TEST_CACHE_KEY)
    migrate(engine)
    rows = list(generate_households(500, 7))
    assert bulk_load_households(engine, iter(rows), batch=128, today=NOW.date()) == 500
    with Session(engine) as s:
        assert _count(s, t.Household) == 500
        assert _count(s, t.Member) == sum(len(h["members"]) for h in rows)
        h = s.scalar(select(t.Household).where(t.Household.filing_no == rows[321]["filing_no"]))
        assert h is not None and [x.id_number for x in h.members] == [
            x["id_number"] for x in rows[321]["members"]
        ]
    engine.dispose()
