"""The housing rules as plain functions: no database, microseconds each."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kiosk_core import eligibility as e
from kiosk_core.model import FilingStatus, Household, Member, Notice, Plan, PlanKind, UnitType

START = datetime(2026, 11, 20, 9, 0)
PLAN = Plan(
    1,
    "Q2611",
    "测试计划",
    PlanKind.QUICK,
    "",
    START,
    START + timedelta(days=14),
    START + timedelta(days=10),
    ("朝阳区",),
    1,
    Notice(1, "告知书", "……"),
)


def household(
    size: int = 1, district: str = "朝阳区", status: FilingStatus = FilingStatus.VALID
) -> Household:
    members = tuple(Member("子女", f"成员{i}", f"11010520000101{i:03d}X") for i in range(size - 1))
    return Household(
        1, "BA2024000001", "张三", "110105195001011234", district, status, date(2028, 1, 1), "", members
    )


def ctx(
    h: Household | None = None, now: datetime = START + timedelta(days=1), **kw: object
) -> e.RegistrationContext:
    return e.RegistrationContext(household=h or household(), plan=PLAN, now=now, **kw)  # type: ignore[arg-type]


@given(st.integers(1, 8), st.integers(1, 6), st.integers(0, 3))
def test_family_size_rule_matches_the_limits(size: int, low: int, span: int) -> None:
    unit_type = UnitType(1, 1, "UT", "两居室", 55, 2000, 10, low, low + span)
    refusals = e.evaluate(ctx(household(size), unit_type=unit_type), e.UNIT_TYPE_RULES)
    assert (not refusals) == (low <= size <= low + span)
    if refusals:
        assert f"本家庭{size}人" in refusals[0].message


@given(st.integers(-3 * 24 * 60, 20 * 24 * 60))
def test_window_is_open_from_start_until_end(minutes: int) -> None:
    now = START + timedelta(minutes=minutes)
    refused = e.window_open(ctx(now=now)) is not None
    assert refused == (now < PLAN.window_start or now >= PLAN.window_end)


def test_every_failing_rule_is_reported_at_once() -> None:
    h = household(district="东城区", status=FilingStatus.REVOKED)
    clash = e.MemberClash("李四五", "BA2024000009")
    rules = {r.rule for r in e.evaluate(ctx(h, active_in_plan=1, member_clashes=(clash,)), e.HOUSEHOLD_RULES)}
    assert rules == {
        "filing_revoked",
        "district_not_allowed",
        "already_registered",
        "member_registered_elsewhere",
    }


def test_expiry_by_date_even_if_status_says_valid() -> None:
    h = household()
    assert e.filing_refusal(h, date(2028, 1, 2)) is not None
    assert e.filing_refusal(h, date(2027, 12, 31)) is None


def test_member_clash_message_masks_the_name() -> None:
    refusal = e.members_free(ctx(member_clashes=(e.MemberClash("李四五", "BA2024000009"),)))
    assert refusal is not None and "李*五" in refusal.message and "李四五" not in refusal.message


def test_a_family_no_unit_type_of_the_plan_takes_is_refused_at_the_plan_once() -> None:
    ranges = ((1, 1), (1, 2), (3, 5))
    refusal = e.family_fits_plan(ctx(household(6), plan_family_ranges=ranges))
    assert refusal is not None and refusal.rule == "family_size_plan"
    assert "只适合1–5人的家庭" in refusal.message and "本家庭6人" in refusal.message
    assert e.family_fits_plan(ctx(household(4), plan_family_ranges=ranges)) is None
    assert e.family_fits_plan(ctx(household(6))) is None  # a plan without unit types says nothing yet


def test_a_gap_between_unit_types_is_named() -> None:
    refusal = e.family_fits_plan(ctx(household(3), plan_family_ranges=((1, 2), (4, 5), (6, 6))))
    assert refusal is not None and "1–2人、4–6人" in refusal.message


@given(st.lists(st.tuples(st.integers(1, 8), st.integers(0, 3)), min_size=1, max_size=5), st.integers(1, 10))
def test_the_plan_rule_agrees_with_the_unit_type_rule(spans: list[tuple[int, int]], size: int) -> None:
    """Refused at the plan exactly when every one of its unit types refuses the family."""
    types = [
        UnitType(i, 1, f"T{i}", "户型", 40.0, 1000, 1, low, low + span) for i, (low, span) in enumerate(spans)
    ]
    ranges = tuple((t.min_family, t.max_family) for t in types)
    h = household(size)
    every_type_refuses = all(e.family_size_fits(ctx(h, unit_type=t)) is not None for t in types)
    assert (e.family_fits_plan(ctx(h, plan_family_ranges=ranges)) is not None) == every_type_refuses
