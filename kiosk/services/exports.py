"""A supervisor's export of the counter's registrations (by plan, day, counter) to CSV or XLSX, audited.

Personal data is masked unless a supervisor asks for it whole; the file is the kiosk user's only (0600), and the
daily purge deletes it ``keep`` (``export_keep_days``) after it was written: it is for taking away, not for keeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kiosk.services import audit
from kiosk.services.clock import Clock
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk.storage.private_files import private_dir, write_private
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core.errors import NotAllowed, NotFound
from kiosk_core.exports import ExportFormat, export_row, file_bytes, masked
from kiosk_core.model import Role

__all__ = [
    "EXPORT_KEEP",
    "ExportFormat",
    "ExportRequest",
    "ExportService",
    "Exported",
    "PlanChoice",
    "export_files",
]

EXPORT_KEEP = timedelta(days=7)  # kiosk.config's default for export_keep_days


@dataclass(frozen=True)
class ExportRequest:
    fmt: ExportFormat
    plan_id: int | None = None  # None: every plan
    day: date | None = None  # the registration's day at the counter; None: every day
    counter: str | None = None  # None: every counter's registrations in this cache
    full: bool = False  # names, ID numbers and phones unmasked: supervisors only


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int
    full: bool
    keep_days: int = EXPORT_KEEP.days  # the daily purge deletes the file this many days after it was written


@dataclass(frozen=True)
class PlanChoice:
    id: int
    code: str
    name: str


class ExportService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, folder: Path, *, keep: timedelta = EXPORT_KEEP):
        self._uow = uow
        self._clock = clock
        self._folder = folder
        self._keep = keep

    def plans(self) -> list[PlanChoice]:
        with self._uow() as uow:
            rows = uow.session.scalars(select(t.Plan).order_by(t.Plan.window_start, t.Plan.code)).all()
            return [PlanChoice(p.id, p.code, p.name) for p in rows]

    def counters(self) -> list[str]:
        with self._uow() as uow:
            return list(
                uow.session.scalars(
                    select(t.Registration.counter).distinct().order_by(t.Registration.counter)
                )
            )

    def export(self, request: ExportRequest, operator: OperatorSession) -> Exported:
        now = self._clock()
        scope = {
            "format": request.fmt.value,
            "full": request.full,
            "day": request.day.isoformat() if request.day else "",
            "counter_filter": request.counter or "",
        }
        with self._uow() as uow:
            s = uow.session
            plan_code = _plan_code(s, request.plan_id)
            if request.full and operator.role != Role.SUPERVISOR:
                audit.record(
                    s,
                    action="export_refused",
                    at=now,
                    counter=operator.counter,
                    operator_id=operator.id,
                    subject=plan_code,
                    reason="full_data_not_supervisor",
                    **scope,
                )
                uow.commit()
                raise NotAllowed(
                    "只有主管可以导出完整的个人信息（姓名、身份证号码、电话）",
                    hint="请导出脱敏版本，或请主管登录后导出",
                    code="export_full_not_supervisor",
                )
            rows = [export_row(r, p, h, ut, u) for r, p, h, ut, u in s.execute(_query(request))]
            if not request.full:
                rows = [masked(r) for r in rows]
            path = private_dir(self._folder) / _file_name(request, plan_code, now)
            write_private(path, file_bytes(rows, request.fmt))
            try:
                audit.record(
                    s,
                    action="export",
                    at=now,
                    counter=operator.counter,
                    operator_id=operator.id,
                    subject=plan_code,
                    rows=len(rows),
                    file=path.name,
                    **scope,
                )
                uow.commit()
            except BaseException:
                path.unlink(missing_ok=True)  # an export the log does not hold must not be left behind
                raise
        return Exported(path, len(rows), request.full, self._keep.days)


def export_files(folder: Path) -> list[Path]:
    """Every export written into ``folder`` (CSV and XLSX; not a partial ``.tmp`` one still being written)."""
    if not folder.is_dir():
        return []
    suffixes = {f".{fmt.value}" for fmt in ExportFormat}
    return sorted(p for p in folder.iterdir() if p.suffix in suffixes and p.is_file())


def _plan_code(session: Session, plan_id: int | None) -> str:
    if plan_id is None:
        return ""
    plan = session.get(t.Plan, plan_id)
    if plan is None:
        raise NotFound("找不到所选的配租计划", hint="请关闭导出窗口后重新打开", code="export_plan_not_found")
    return plan.code


def _query(request: ExportRequest) -> Select[t.Registration, t.Plan, t.Household, t.UnitType, t.Unit]:
    stmt = (
        select(t.Registration, t.Plan, t.Household, t.UnitType, t.Unit)
        .join(t.Plan, t.Plan.id == t.Registration.plan_id)
        .join(t.Household, t.Household.id == t.Registration.household_id)
        .join(t.UnitType, t.UnitType.id == t.Registration.unit_type_id)
        .outerjoin(t.Unit, t.Unit.id == t.Registration.unit_id)
        .order_by(t.Registration.created_at, t.Registration.reg_no)
    )
    if request.plan_id is not None:
        stmt = stmt.where(t.Registration.plan_id == request.plan_id)
    if request.day is not None:
        start = datetime.combine(request.day, time.min)
        stmt = stmt.where(
            t.Registration.created_at >= start, t.Registration.created_at < start + timedelta(days=1)
        )
    if request.counter:
        stmt = stmt.where(t.Registration.counter == request.counter)
    return stmt


def _file_name(request: ExportRequest, plan_code: str, now: datetime) -> str:
    parts = ["登记", plan_code or "全部计划"]
    if request.day:
        parts.append(f"{request.day:%Y%m%d}")
    if request.counter:
        parts.append(f"窗口{request.counter}")
    parts.append("完整" if request.full else "脱敏")
    parts.append(f"{now:%Y%m%d-%H%M%S}")
    return "-".join(parts) + f".{request.fmt.value}"
