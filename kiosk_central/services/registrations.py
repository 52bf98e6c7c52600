"""A kiosk's registration, judged again by the centre: rules at the event's time, uniqueness by constraints."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, TextClause, bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from kiosk_central import id_index, versions
from kiosk_central.clock import to_local_naive, wire_time
from kiosk_central.services import domain_map, payloads, request_cache
from kiosk_central.services.errors import InvalidRequest, Rejected
from kiosk_central.services.event_values import EventContext
from kiosk_central.services.payloads import RegistrationPayload, canonical_phone
from kiosk_central.tables import (
    Household,
    Plan,
    Project,
    Registration,
    RegistrationPerson,
    Unit,
    UnitType,
)
from kiosk_core import eligibility
from kiosk_core import model as m
from kiosk_core.errors import InvalidInput

ACTIVE = m.RegistrationStatus.ACTIVE.value
PENDING_REVIEW = "待审核"
# Checked before inserting; what concurrency can break (slots, persons, units) is left to the constraints.
STATIC_RULES = (
    eligibility.filing_valid,
    eligibility.window_open,
    eligibility.district_allowed,
    eligibility.family_size_fits,
    eligibility.unit_free,
    eligibility.notice_acknowledged,
)


# Built once: a statement made per message cost more to construct and key than to run (a batch is 100 of
# them). The values arrive as bound parameters.
_PLAN = select(Plan).where(Plan.code == bindparam("code")).options(joinedload(Plan.notices))
_PLACE = (
    select(Project, UnitType)
    .select_from(Project)
    .join(UnitType, UnitType.code == bindparam("unit_type_code"))
    .where(Project.code == bindparam("project_code"))
)
# A plain insert of the row: nothing reads it back in this request, so the ORM's flush of one object (a
# fifth of a registration's time) buys nothing.
INSERT: Insert = insert(Registration.__table__)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Choice:
    plan: Plan
    household: m.Household
    project: Project
    unit_type: UnitType
    unit: Unit | None


@dataclass(frozen=True)
class Judged:
    """A registration that passed every check made by reading: what its row and its claims are built from."""

    reg_no: str
    choice: _Choice
    rule_ctx: eligibility.RegistrationContext


def register(session: Session, ctx: EventContext[RegistrationPayload]) -> dict[str, Any]:
    judged = judge(session, ctx)
    choice, rule_ctx = judged.choice, judged.rule_ctx
    row = registration_row(judged, ctx, _free_slot(session, choice, rule_ctx))
    try:
        session.connection().execute(INSERT, row)
    except IntegrityError as e:
        raise _rejection(e, judged.reg_no, rule_ctx) from None
    _claim_persons(session, choice, rule_ctx)
    if choice.unit is not None:
        _take_unit(session, choice.unit, rule_ctx)
    return accepted(judged.reg_no, ctx)


def judge(session: Session, ctx: EventContext[RegistrationPayload]) -> Judged:
    """The checks that only read: the fields, the choice, the rules at the event's time. Refuses the first.

    What concurrency can break (slots, persons, units, the reg_no) is left to the writes that follow.
    """
    p = ctx.payload
    reg_no = _reg_no(session, p, ctx.principal.counter)
    choice = _load_choice(session, p)
    rule_ctx = eligibility.RegistrationContext(
        household=choice.household,
        plan=_domain(session, "plan", choice.plan, domain_map.plan),
        now=ctx.event_time,
        unit_type=_domain(session, "unit_type", choice.unit_type, domain_map.unit_type),
        unit=domain_map.unit(choice.unit) if choice.unit else None,  # its status moves within a batch
        notice_ack=eligibility.NoticeAck(
            p.notice_version, to_local_naive(p.notice_ack_at), p.notice_read_aloud
        ),
    )
    refusals = eligibility.evaluate(rule_ctx, STATIC_RULES)
    if refusals:
        raise Rejected.from_refusal(refusals[0])
    return Judged(reg_no, choice, rule_ctx)


def _domain(session: Session, kind: str, row: Any, convert: Callable[[Any], Any]) -> Any:
    """A catalog row as the core's value, converted once per request: a batch repeats its plan and type."""
    cache: dict[tuple[str, int], Any] = session.info.setdefault("registration_domain", {})
    key = (kind, row.id)
    if key not in cache:
        cache[key] = convert(row)
    return cache[key]


def registration_row(judged: Judged, ctx: EventContext[RegistrationPayload], slot: int) -> dict[str, Any]:
    p, choice = ctx.payload, judged.choice
    return dict(
        reg_no=judged.reg_no,
        plan_id=choice.plan.id,
        household_id=choice.household.id,
        project_id=choice.project.id,
        unit_type_id=choice.unit_type.id,
        unit_id=choice.unit.id if choice.unit else None,
        slot=slot,
        status=ACTIVE,
        phone=canonical_phone(p.phone)
        if p.phone
        else "",  # the payload's schema checked it; stored canonical
        counter=ctx.principal.counter,
        device_id=ctx.principal.device_id,
        kiosk_operator_id=p.operator_id,
        created_at=to_local_naive(p.created_at),
        event_time=ctx.event_time,
        received_at=ctx.received_at,
        notice_version=p.notice_version,
        notice_read_aloud=p.notice_read_aloud,
        notice_ack_at=to_local_naive(p.notice_ack_at),
        verification_code=p.verification_code,
        review_status=PENDING_REVIEW,
        reject_reason="",
    )


def accepted(reg_no: str, ctx: EventContext[Any]) -> dict[str, Any]:
    return {"result": "accepted", "reg_no": reg_no, "received_at": _wire_time(ctx.received_at)}


@functools.lru_cache(maxsize=16)  # a batch's messages arrive within a second or two: a few distinct times
def _wire_time(received_at: datetime) -> str:
    return wire_time(received_at)


def _reg_no(s: Session, p: RegistrationPayload, counter: str) -> str:
    try:
        reg_no = canonical_reg_no(s, p.reg_no)
    except InvalidInput as e:
        raise InvalidRequest.from_kiosk(e, "reg_no") from None
    plan_code, reg_counter = reg_no.split("-")[:2]
    if plan_code != p.plan_code:
        raise InvalidRequest(f"登记编号 {reg_no} 不属于计划 {p.plan_code}", code="reg_no_plan_mismatch")
    if reg_counter != counter or p.counter != counter:
        raise Rejected(
            f"登记编号 {reg_no} 的窗口号与本设备登记的窗口号 {counter} 不一致",
            hint="请检查本机配置的窗口号，或请管理员为本窗口重新登记设备",
            code="counter_mismatch",
        )
    return reg_no


def canonical_reg_no(_s: Session, raw: str) -> str:
    """``parse_reg_no``, once per number: the payload's check, a batch's lookups and its message share it."""
    return payloads.canonical_reg_no(raw)


def _load_choice(s: Session, p: RegistrationPayload) -> _Choice:
    # Joined loads: one round trip each for the plan with its notices and the household with its members.
    # Plans, projects and unit types repeat across a batch: looked up once per session (one request).
    cache: dict[tuple[str, ...], Any] = s.info.setdefault("registration_lookups", {})
    plan_key = ("plan", p.plan_code)
    if plan_key not in cache:
        cache[plan_key] = s.scalars(_PLAN, {"code": p.plan_code}).unique().first()
    plan = cache[plan_key]
    if plan is None:
        raise Rejected(f"中心没有配租计划 {p.plan_code}", hint="请同步目录后重试", code="plan_not_found")
    households: dict[str, m.Household | None] = s.info.setdefault(request_cache.HOUSEHOLDS_KEY, {})
    if p.filing_no not in households:
        request_cache.prefetch_households(s, [p.filing_no])
    household = households[p.filing_no]
    if household is None:
        raise Rejected(f"中心没有备案编号 {p.filing_no}", hint="请核对备案通知单", code="household_not_found")
    if household.applicant_id_number != p.applicant_id_number:
        raise Rejected(
            f"身份证号码与备案 {p.filing_no} 的主申请人不符",
            hint="请核对主申请人身份证",
            code="applicant_mismatch",
        )
    place_key = ("place", p.project_code, p.unit_type_code)
    if place_key not in cache:
        params = {"unit_type_code": p.unit_type_code, "project_code": p.project_code}
        cache[place_key] = s.execute(_PLACE, params).first()
    project, unit_type = cache[place_key] or (None, None)
    unit = request_cache.unit(s, p.unit_code) if p.unit_code else None
    if project is None or unit_type is None or (p.unit_code and unit is None):
        raise Rejected("中心没有所选的项目、户型或房源", hint="请同步目录后重新选择", code="choice_not_found")
    if (
        project.plan_id != plan.id
        or unit_type.project_id != project.id
        or (unit is not None and unit.unit_type_id != unit_type.id)
    ):
        raise Rejected("所选项目、户型和房源不属于同一配租计划", hint="请重新选择", code="choice_mismatch")
    if plan.kind == m.PlanKind.REALTIME and unit is None:
        raise Rejected("实时配租须选定一套具体房源", hint="请在房源列表中选择一套", code="unit_required")
    # Version 0 (none acknowledged) is for eligibility.notice_acknowledged to name.
    notices_key = ("notices", p.plan_code)
    if notices_key not in cache:
        cache[notices_key] = {n.notice_version for n in plan.notices}
    if p.notice_version >= 1 and p.notice_version not in cache[notices_key]:
        raise Rejected(
            f"「{plan.name}」没有第{p.notice_version}版告知书",
            hint="请同步目录后重新确认告知书",
            code="notice_unknown",
        )
    return _Choice(plan, household, project, unit_type, unit)


def _free_slot(s: Session, choice: _Choice, rule_ctx: eligibility.RegistrationContext) -> int:
    """The lowest free slot 1..max; two kiosks choosing the same slot at once meet at the unique index."""
    if choice.plan.max_registrations_per_household == 1:
        return (
            1  # nothing to look up: a second active registration meets the unique index as already_registered
        )
    used = set(
        s.scalars(
            select(Registration.slot).where(
                Registration.plan_id == choice.plan.id,
                Registration.household_id == choice.household.id,
                Registration.status == ACTIVE,
            )
        )
    )
    free = [n for n in range(1, choice.plan.max_registrations_per_household + 1) if n not in used]
    if not free:
        raise _already_registered(rule_ctx)
    return free[0]


def _already_registered(rule_ctx: eligibility.RegistrationContext) -> Rejected:
    full = replace(rule_ctx, active_in_plan=rule_ctx.plan.max_registrations_per_household)
    refusal = eligibility.not_registered_yet(full)
    assert refusal is not None
    return Rejected.from_refusal(refusal)


def _unit_taken(unit: m.Unit | None) -> Rejected:
    label = unit.label if unit else ""
    return Rejected(f"房源 {label} 已被选定", hint="请选择其他房源", code="unit_taken")


def _rejection(e: IntegrityError, reg_no: str, rule_ctx: eligibility.RegistrationContext) -> Rejected:
    """Which constraint said no: PostgreSQL names it; SQLite lists the columns."""
    diag = getattr(e.orig, "diag", None)
    where = str(getattr(diag, "constraint_name", None) or e.orig)
    if "active_unit" in where or "registrations.unit_id" in where:
        return _unit_taken(rule_ctx.unit)
    if "active_slot" in where or "registrations.slot" in where:
        return _already_registered(rule_ctx)
    if "reg_no" in where:
        return Rejected(
            f"登记编号 {reg_no} 已被另一条登记使用",
            hint="窗口号重复或本机序号被重置，请联系管理员",
            code="duplicate_reg_no",
        )
    raise e


def _claim_persons(s: Session, choice: _Choice, rule_ctx: eligibility.RegistrationContext) -> None:
    """Take every person of the household for this plan, or say who already holds them.

    Upsert on the partial unique index: a new person is inserted; one held by this household counts one more
    registration; one held by another household is left alone and not returned. Persons are their ID numbers'
    keyed hashes (id_index), sorted, so two transactions lock shared persons in the same order.
    """
    household = rule_ctx.household
    hashed = id_index.hashes(s, household.id_numbers())
    person = {h: n for n, h in hashed.items()}
    wanted = sorted(person)
    stmt = _claim_statement(len(wanted))
    params: dict[str, Any] = {"plan_id": choice.plan.id, "household_id": household.id}
    params.update({f"h{i}": h for i, h in enumerate(wanted)})
    taken = set(s.scalars(stmt, params))
    clashing = [h for h in wanted if h not in taken]
    if not clashing:
        return
    names = {household.applicant_id_number: household.applicant_name}
    names.update({x.id_number: x.name for x in household.members})
    holders = s.execute(
        select(RegistrationPerson.id_hash, Household.filing_no)
        .join(Household, Household.id == RegistrationPerson.household_id)
        .where(
            RegistrationPerson.plan_id == choice.plan.id,
            RegistrationPerson.id_hash.in_(clashing),
            RegistrationPerson.active,
        )
    )
    clashes = tuple(eligibility.MemberClash(names[person[h]], filing_no) for h, filing_no in holders)
    refusal = eligibility.members_free(replace(rule_ctx, member_clashes=clashes))
    raise (
        Rejected.from_refusal(refusal)
        if refusal
        else Rejected("家庭成员已在其他家庭的本计划登记中", code="member_registered_elsewhere")
    )


@functools.lru_cache(maxsize=32)
def _claim_statement(persons: int) -> TextClause:
    """The persons upsert as SQL text, one per household size.

    The same SQL runs on SQLite and PostgreSQL, and unlike the dialects' ON CONFLICT … WHERE constructs it is
    cacheable: compiled once, not once per registration (that compile was a fifth of a registration's time).
    """
    rows = ", ".join(f"(:plan_id, :household_id, :h{i}, 1, TRUE)" for i in range(persons))
    return text(
        "INSERT INTO registration_persons (plan_id, household_id, id_hash, registrations, active) "
        f"VALUES {rows} "
        "ON CONFLICT (plan_id, id_hash) WHERE active "
        "DO UPDATE SET registrations = registration_persons.registrations + 1 "
        "WHERE registration_persons.household_id = excluded.household_id "
        "RETURNING id_hash"
    )


def _take_unit(s: Session, unit: Unit, rule_ctx: eligibility.RegistrationContext) -> None:
    """Mark the unit taken with a new catalog version (the last step: the counter stays locked to commit)."""
    version = versions.allocate(s, versions.CATALOG)
    taken = s.execute(
        update(Unit)
        .where(Unit.id == unit.id, Unit.status == m.UnitStatus.FREE.value)
        .values(status=m.UnitStatus.TAKEN.value, version=version)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:
        raise _unit_taken(rule_ctx.unit)
    mark_unit(unit, m.UnitStatus.TAKEN, version)


def mark_unit(unit: Unit, status: m.UnitStatus, version: int | None = None) -> None:
    """The loaded unit as the plain-SQL update just left its row: a later message of the batch reads it so."""
    set_committed_value(unit, "status", status.value)
    if version is not None:
        set_committed_value(unit, "version", version)


def release_persons(s: Session, plan_id: int, household_id: int) -> None:
    """One registration fewer for the household's persons in the plan; at none they are free again."""
    mine = (RegistrationPerson.plan_id == plan_id) & (RegistrationPerson.household_id == household_id)
    s.execute(
        update(RegistrationPerson)
        .where(mine, RegistrationPerson.active)
        .values(registrations=RegistrationPerson.registrations - 1)
    )
    s.execute(
        update(RegistrationPerson)
        .where(mine, RegistrationPerson.active, RegistrationPerson.registrations <= 0)
        .values(active=False)
    )
