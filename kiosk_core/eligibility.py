"""Who may register for what: each rule is named, and each refusal says what is wrong and what to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from kiosk_core.errors import Refusal
from kiosk_core.identity import mask_name
from kiosk_core.model import FilingStatus, Household, Plan, Unit, UnitStatus, UnitType


@dataclass(frozen=True)
class NoticeAck:
    """已阅读告知书: which version of the plan's notice the household acknowledged, when, and whether read aloud."""

    version: int
    at: datetime
    read_aloud: bool = False


@dataclass(frozen=True)
class MemberClash:
    """A person of this household already in another household's active registration in the same plan."""

    name: str
    other_filing_no: str


@dataclass(frozen=True)
class RegistrationContext:
    household: Household
    plan: Plan
    now: datetime
    active_in_plan: int = 0  # this household's active registrations in the plan
    member_clashes: tuple[MemberClash, ...] = ()
    plan_family_ranges: tuple[
        tuple[int, int], ...
    ] = ()  # (min, max) family size of each of the plan's unit types
    unit_type: UnitType | None = None
    unit: Unit | None = None
    notice_ack: NoticeAck | None = None  # judged only when a registration is confirmed


Rule = Callable[[RegistrationContext], Refusal | None]


def filing_refusal(h: Household, today: date) -> Refusal | None:
    """Checked already when the household is identified, before any plan is chosen."""
    if h.status is FilingStatus.REVOKED:
        return Refusal(
            "filing_revoked", f"备案 {h.filing_no} 已被撤销，不能登记", "请到户籍所在街道咨询备案情况"
        )
    if h.status is FilingStatus.EXPIRED or h.valid_until < today:
        return Refusal(
            "filing_expired",
            f"备案 {h.filing_no} 已于 {h.valid_until:%Y年%m月%d日} 过期",
            "请先到户籍所在街道办理备案复核，复核通过后再来登记",
        )
    return None


def filing_valid(ctx: RegistrationContext) -> Refusal | None:
    return filing_refusal(ctx.household, ctx.now.date())


def window_open(ctx: RegistrationContext) -> Refusal | None:
    p = ctx.plan
    if ctx.now < p.window_start:
        return Refusal(
            "window_not_open",
            f"「{p.name}」登记尚未开始，开始时间 {p.window_start:%Y-%m-%d %H:%M}",
            "请在登记开始后再来",
        )
    if ctx.now >= p.window_end:
        return Refusal(
            "window_closed",
            f"「{p.name}」登记已于 {p.window_end:%Y-%m-%d %H:%M} 截止",
            "请关注下一期配租计划",
        )
    return None


def district_allowed(ctx: RegistrationContext) -> Refusal | None:
    p = ctx.plan
    if p.allowed_districts and ctx.household.district not in p.allowed_districts:
        return Refusal(
            "district_not_allowed",
            f"「{p.name}」只面向{'、'.join(p.allowed_districts)}的备案家庭，本家庭备案在{ctx.household.district}",
            "请选择面向本区的配租计划",
        )
    return None


def not_registered_yet(ctx: RegistrationContext) -> Refusal | None:
    limit = ctx.plan.max_registrations_per_household
    if ctx.active_in_plan >= limit:
        times = "一次" if limit == 1 else f"{limit}次"
        return Refusal(
            "already_registered",
            f"本家庭已登记过「{ctx.plan.name}」，本计划每户只能登记{times}",
            "如需改选，请先在“登记记录”中取消原登记（截止前可取消）",
        )
    return None


def members_free(ctx: RegistrationContext) -> Refusal | None:
    if not ctx.member_clashes:
        return None
    names = "、".join(f"{mask_name(c.name)}（备案 {c.other_filing_no}）" for c in ctx.member_clashes)
    return Refusal(
        "member_registered_elsewhere",
        f"家庭成员 {names} 已在其他家庭的本计划登记中",
        "同一人只能随一个家庭登记；请先由对方家庭取消登记或更正备案成员",
    )


def family_size_fits(ctx: RegistrationContext) -> Refusal | None:
    t = ctx.unit_type
    size = ctx.household.family_size
    if t is not None and not t.min_family <= size <= t.max_family:
        return Refusal(
            "family_size",
            f"「{t.name}」限{_size_range(t)}家庭，本家庭{size}人",
            "请选择适合家庭人数的户型",
        )
    return None


def family_fits_plan(ctx: RegistrationContext) -> Refusal | None:
    """Said at the plan, once: a family no unit type of the plan takes need not look through them one by one."""
    ranges, size = ctx.plan_family_ranges, ctx.household.family_size
    if not ranges or any(low <= size <= high for low, high in ranges):
        return None
    limits = "、".join(_range_text(low, high) for low, high in _merged(ranges))
    return Refusal(
        "family_size_plan",
        f"「{ctx.plan.name}」的户型只适合{limits}的家庭，本家庭{size}人，没有可选的户型",
        "请选择有适合本家庭人数户型的其他配租计划",
    )


def _merged(ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """1–2 and 2–3 read as 1–3: staff say one range where the plan has one."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


def unit_free(ctx: RegistrationContext) -> Refusal | None:
    u = ctx.unit
    if u is not None and u.status is not UnitStatus.FREE:
        return Refusal("unit_taken", f"房源 {u.label} 已被选定", "请选择其他房源")
    return None


def notice_acknowledged(ctx: RegistrationContext) -> Refusal | None:
    """Nobody registers without having read (or heard) the plan's current notice, acknowledged before now."""
    ack, notice = ctx.notice_ack, ctx.plan.notice
    if ack is None or ack.version < 1:
        return Refusal(
            "notice_not_acknowledged",
            "申请人尚未确认已阅读登记告知书，不能登记",
            "请先请申请人阅读（或听读）告知书，并勾选“申请人已仔细阅读登记告知书”",
        )
    if ack.version != notice.version:
        return Refusal(
            "notice_outdated",
            f"告知书已更新为第{notice.version}版，申请人确认的是第{ack.version}版",
            "请请申请人重新阅读最新告知书并确认",
        )
    if ack.at > ctx.now:
        return Refusal(
            "notice_ack_in_future",
            f"告知书确认时间 {ack.at:%Y-%m-%d %H:%M} 晚于登记时间",
            "请核对本机时钟后重新确认告知书",
        )
    return None


def _size_range(t: UnitType) -> str:
    return _range_text(t.min_family, t.max_family)


def _range_text(low: int, high: int) -> str:
    return f"{low}人" if low == high else f"{low}–{high}人"


HOUSEHOLD_RULES: tuple[Rule, ...] = (
    filing_valid,
    window_open,
    district_allowed,
    not_registered_yet,
    members_free,
    family_fits_plan,
)
UNIT_TYPE_RULES: tuple[Rule, ...] = (family_size_fits,)
UNIT_RULES: tuple[Rule, ...] = (unit_free,)
ALL_RULES = HOUSEHOLD_RULES + UNIT_TYPE_RULES + UNIT_RULES
# What only a registration being confirmed has: the options lists are judged before the notice is read.
CONFIRM_RULES: tuple[Rule, ...] = ALL_RULES + (notice_acknowledged,)


def evaluate(ctx: RegistrationContext, rules: tuple[Rule, ...] = ALL_RULES) -> list[Refusal]:
    """Every refusal, not just the first, so staff can explain all of them at once."""
    return [r for r in (rule(ctx) for rule in rules) if r is not None]
