"""What a household can choose: plans, projects, unit types and units, each with the reasons it cannot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kiosk.services import mapping, queries
from kiosk.services.clock import Clock
from kiosk.services.photos import PhotoCache
from kiosk.services.views import (
    NoticeView,
    PlanOption,
    ProjectOption,
    UnitFilter,
    UnitOption,
    UnitTypeOption,
)
from kiosk.storage import tables as t
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core import eligibility
from kiosk_core import model as m
from kiosk_core.errors import NotFound, Refusal
from kiosk_core.model import PLAN_KIND_LABELS, PlanKind, UnitStatus


@dataclass(frozen=True)
class _Count:
    registered: int
    central_at: datetime | None = None
    not_included: int = 0


class CatalogService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        photos: PhotoCache | None = None,
        *,
        central: bool = False,
    ):
        """``photos``: where synced photos are cached (None: the catalog's paths as they are); ``central``: a
        centre is configured, so plan counts are the centre's, not this counter's."""
        self._uow = uow
        self._clock = clock
        self._photos = photos
        self._central = central

    def plan_options(self, household_id: int) -> list[PlanOption]:
        """Plans open now or opening later, open ones first; closed plans are of no use at the counter."""
        now = self._clock()
        with self._uow() as uow:
            household = queries.load_household(uow.session, household_id)
            rows = uow.session.scalars(
                select(t.Plan)
                .where(t.Plan.window_end > now)
                .options(selectinload(t.Plan.notices))
                .order_by(t.Plan.window_start, t.Plan.code)
            ).all()
            options = []
            for row in rows:
                count = self._count(uow.session, row)
                plan = mapping.plan(row, count.registered)
                ctx = queries.context(uow.session, household, plan, now)
                refusals = eligibility.evaluate(ctx, eligibility.HOUSEHOLD_RULES)
                options.append(_plan_option(plan, refusals, count))
        return sorted(options, key=lambda o: not o.available)

    def project_options(self, household_id: int, plan_id: int) -> list[ProjectOption]:
        now = self._clock()
        with self._uow() as uow:
            household = queries.load_household(uow.session, household_id)
            plan = queries.load_plan(uow.session, plan_id)
            free = _free_counts(uow.session, plan_id)
            projects = uow.session.scalars(
                select(t.Project).where(t.Project.plan_id == plan_id).order_by(t.Project.code)
            ).all()
            types_by_project: dict[int, list[t.UnitType]] = {}
            for ut in uow.session.scalars(
                select(t.UnitType)
                .where(t.UnitType.project_id.in_([p.id for p in projects]))
                .order_by(t.UnitType.area)
            ):
                types_by_project.setdefault(ut.project_id, []).append(ut)
            ctx = queries.context(uow.session, household, plan, now)
            return [
                ProjectOption(
                    id=p.id,
                    code=p.code,
                    name=p.name,
                    district=p.district,
                    address=p.address,
                    description=p.description,
                    photos=self._photo_paths(p.photos or ()),
                    unit_types=tuple(
                        _unit_type_option(ctx, plan, mapping.unit_type(ut), free.get(ut.id, 0))
                        for ut in types_by_project.get(p.id, [])
                    ),
                )
                for p in projects
            ]

    def unit_options(self, household_id: int, plan_id: int, unit_filter: UnitFilter) -> list[UnitOption]:
        now = self._clock()
        with self._uow() as uow:
            household = queries.load_household(uow.session, household_id)
            plan = queries.load_plan(uow.session, plan_id)
            ctx = queries.context(uow.session, household, plan, now)
            stmt = (
                select(t.Unit, t.UnitType, t.Project.name)
                .join(t.UnitType, t.UnitType.id == t.Unit.unit_type_id)
                .join(t.Project, t.Project.id == t.Unit.project_id)
                .where(t.Project.plan_id == plan_id)
                .order_by(t.Project.code, t.Unit.building, t.Unit.floor, t.Unit.number)
            )
            f = unit_filter
            if f.project_id is not None:
                stmt = stmt.where(t.Unit.project_id == f.project_id)
            if f.unit_type_id is not None:
                stmt = stmt.where(t.Unit.unit_type_id == f.unit_type_id)
            if f.floor_min is not None:
                stmt = stmt.where(t.Unit.floor >= f.floor_min)
            if f.floor_max is not None:
                stmt = stmt.where(t.Unit.floor <= f.floor_max)
            if f.orientation:
                stmt = stmt.where(t.Unit.orientation == f.orientation)
            options = []
            for unit_row, type_row, project_name in uow.session.execute(stmt):
                unit, unit_type = mapping.unit(unit_row), mapping.unit_type(type_row)
                unit_ctx = replace(ctx, unit_type=unit_type, unit=unit)
                refusals = eligibility.evaluate(
                    unit_ctx, eligibility.UNIT_TYPE_RULES + eligibility.UNIT_RULES
                )
                if f.only_available and refusals:
                    continue
                options.append(_unit_option(unit, unit_type, project_name, refusals))
            return options

    def unit_filters(self, plan_id: int) -> tuple[list[str], tuple[int, int]]:
        """Orientations on offer and the floor range, for the filter controls."""
        with self._uow() as uow:
            base = (
                select(t.Unit)
                .join(t.Project, t.Project.id == t.Unit.project_id)
                .where(t.Project.plan_id == plan_id)
            )
            sub = base.subquery()
            orientations = uow.session.scalars(
                select(sub.c.orientation).distinct().order_by(sub.c.orientation)
            ).all()
            low, high = uow.session.execute(select(func.min(sub.c.floor), func.max(sub.c.floor))).one()
            return list(orientations), (low or 1, high or 1)

    def _count(self, session: Session, row: t.Plan) -> _Count:
        """The centre's figure once one came down (with its time, and this counter's registrations it does
        not include yet); this counter's own when it works alone or has not heard from the centre."""
        at = row.central_count_at
        if not self._central or row.central_count is None or at is None:
            return _Count(queries.registered_count(session, row.id))
        return _Count(row.central_count, at, queries.not_in_central_count(session, row.id, at))

    def _photo_paths(self, entries: Iterable[str]) -> tuple[str, ...]:
        return tuple(entries) if self._photos is None else self._photos.resolve(entries)

    def notice(self, plan_id: int) -> NoticeView:
        with self._uow() as uow:
            row = uow.session.scalar(
                select(t.Notice).where(t.Notice.plan_id == plan_id).order_by(t.Notice.version.desc()).limit(1)
            )
            if row is None:
                raise NotFound("本计划没有告知书，暂不能登记", hint="请联系主管检查计划设置")
            return NoticeView(plan_id, row.version, row.title, row.text)


def _free_counts(session: Session, plan_id: int) -> dict[int, int]:
    rows = session.execute(
        select(t.Unit.unit_type_id, func.count())
        .join(t.Project, t.Project.id == t.Unit.project_id)
        .where(t.Project.plan_id == plan_id, t.Unit.status == UnitStatus.FREE)
        .group_by(t.Unit.unit_type_id)
    ).all()
    return {type_id: n for type_id, n in rows}


def _plan_option(plan: m.Plan, refusals: list[Refusal], count: _Count) -> PlanOption:
    return PlanOption(
        id=plan.id,
        code=plan.code,
        name=plan.name,
        kind=plan.kind,
        kind_label=PLAN_KIND_LABELS[plan.kind],
        announcement=plan.announcement,
        window_start=plan.window_start,
        window_end=plan.window_end,
        cancel_deadline=plan.cancel_deadline,
        registered_count=count.registered,
        count_central_at=count.central_at,
        count_not_included=count.not_included,
        notice_version=plan.notice.version,
        refusals=tuple(refusals),
    )


def _unit_type_option(
    ctx: eligibility.RegistrationContext, plan: m.Plan, unit_type: m.UnitType, free: int
) -> UnitTypeOption:
    refusals = eligibility.evaluate(replace(ctx, unit_type=unit_type), eligibility.UNIT_TYPE_RULES)
    if plan.kind is PlanKind.REALTIME and free == 0:
        refusals.append(Refusal("no_free_unit", f"「{unit_type.name}」已无可选房源", "请选择其他户型或项目"))
    return UnitTypeOption(
        id=unit_type.id,
        code=unit_type.code,
        name=unit_type.name,
        area=unit_type.area,
        rent=unit_type.rent,
        unit_count=unit_type.unit_count,
        free_count=free,
        min_family=unit_type.min_family,
        max_family=unit_type.max_family,
        refusals=tuple(refusals),
    )


def _unit_option(
    unit: m.Unit, unit_type: m.UnitType, project_name: str, refusals: list[Refusal]
) -> UnitOption:
    return UnitOption(
        id=unit.id,
        code=unit.code,
        project_id=unit.project_id,
        project_name=project_name,
        unit_type_id=unit.unit_type_id,
        unit_type_name=unit_type.name,
        building=unit.building,
        floor=unit.floor,
        number=unit.number,
        orientation=unit.orientation,
        area=unit.area,
        rent=unit.rent,
        refusals=tuple(refusals),
    )
