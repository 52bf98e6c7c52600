"""Queries shared by several use cases: loading a household or plan, and what the rules need to know."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session, joinedload

from kiosk.services import mapping
from kiosk.storage import tables as t
from kiosk_core import model as m
from kiosk_core.eligibility import MemberClash, RegistrationContext
from kiosk_core.errors import NotFound
from kiosk_core.model import RegistrationStatus
from kiosk_core.wire import CHANGE_KINDS


def load_household(session: Session, household_id: int) -> m.Household:
    # Joined: one round trip for the household and its few members (a registration loads it once).
    row = session.get(t.Household, household_id, options=[joinedload(t.Household.members)])
    if row is None:
        raise NotFound("找不到该备案家庭，请重新查询")
    return mapping.household(row)


def load_plan(session: Session, plan_id: int) -> m.Plan:
    row = session.get(t.Plan, plan_id, options=[joinedload(t.Plan.notices)])
    if row is None:
        raise NotFound("找不到该配租计划，请重新选择")
    # No registered count here: only the plan list shows it, and it costs a count on every registration.
    return mapping.plan(row)


def registered_count(session: Session, plan_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(t.Registration)
            .where(t.Registration.plan_id == plan_id, t.Registration.status == RegistrationStatus.ACTIVE)
        )
        or 0
    )


def not_in_central_count(session: Session, plan_id: int, counted_at: datetime) -> int:
    """This counter's active registrations the centre had not received when it counted (both centre times)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(t.Registration)
            .where(
                t.Registration.plan_id == plan_id,
                t.Registration.status == RegistrationStatus.ACTIVE,
                or_(
                    t.Registration.central_status == "pending",
                    t.Registration.central_received_at > counted_at,
                ),
            )
        )
        or 0
    )


def context(
    session: Session,
    household: m.Household,
    plan: m.Plan,
    now: datetime,
    unit_type: m.UnitType | None = None,
    unit: m.Unit | None = None,
) -> RegistrationContext:
    # Plain columns on the session's connection: the ORM's per-statement work buys nothing here, and these
    # three run on every preview and every registration. They see what is flushed (no autoflush): every
    # caller asks before it adds anything.
    db = session.connection()
    active = (
        db.scalar(
            select(func.count())
            .select_from(t.Registration)
            .where(
                t.Registration.plan_id == plan.id,
                t.Registration.household_id == household.id,
                t.Registration.status == RegistrationStatus.ACTIVE,
            )
        )
        or 0
    )
    return RegistrationContext(
        household=household,
        plan=plan,
        now=now,
        active_in_plan=active,
        member_clashes=member_clashes(session, household, plan.id),
        plan_family_ranges=family_ranges(session, plan.id),
        unit_type=unit_type,
        unit=unit,
    )


def family_ranges(session: Session, plan_id: int) -> tuple[tuple[int, int], ...]:
    """The family sizes the plan's unit types take, each (min, max) once, smallest first."""
    db = session.connection()  # plain columns: see context()
    rows = db.execute(
        select(t.UnitType.min_family, t.UnitType.max_family)
        .join(t.Project, t.Project.id == t.UnitType.project_id)
        .where(t.Project.plan_id == plan_id)
        .distinct()
        .order_by(t.UnitType.min_family, t.UnitType.max_family)
    ).all()
    return tuple((low, high) for low, high in rows)


def member_clashes(session: Session, household: m.Household, plan_id: int) -> tuple[MemberClash, ...]:
    names = {household.applicant_id_number: household.applicant_name}
    names.update({x.id_number: x.name for x in household.members})
    db = session.connection()  # plain columns: see context()
    rows = db.execute(
        select(t.RegisteredPerson.id_number, t.Household.filing_no)
        .join(t.Registration, t.Registration.id == t.RegisteredPerson.registration_id)
        .join(t.Household, t.Household.id == t.Registration.household_id)
        .where(
            t.RegisteredPerson.plan_id == plan_id,
            t.RegisteredPerson.id_number.in_(list(names)),
            t.Registration.household_id != household.id,
            t.Registration.status == RegistrationStatus.ACTIVE,
        )
    ).all()
    return tuple(MemberClash(names[id_number], filing_no) for id_number, filing_no in rows)


_REFUSED_CHANGE = (text(t.OUTBOX_REFUSED), t.OutboxMessage.kind.in_([k.value for k in CHANGE_KINDS]))


def refused_changes(session: Session, limit: int) -> list[tuple[str, str, str]]:
    """Cancellations and phone changes the centre would not take, newest first: (kind, subject, why).

    The counter already shows them done, the centre does not hold them: staff must see each one.
    """
    rows = session.execute(
        select(t.OutboxMessage.kind, t.OutboxMessage.subject, t.OutboxMessage.last_error)
        .where(*_REFUSED_CHANGE)
        .order_by(t.OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    # last_error is "code: message" (sync._record_answers): staff read the message.
    return [(kind, subject, why.partition(": ")[2] or why) for kind, subject, why in rows]


def refused_changes_count(session: Session) -> int:
    """How many refused changes the sync strip counts (on every refresh: counted, not fetched)."""
    return session.scalar(select(func.count()).select_from(t.OutboxMessage).where(*_REFUSED_CHANGE)) or 0
