"""The centre's export of one plan's registrations, every counter's, to CSV or XLSX: masked unless asked, audited."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk_central.services.errors import CentralError, NotFound
from kiosk_central.tables import AdminAudit, Household, Plan, Registration, Unit, UnitType
from kiosk_core.exports import ExportFormat, export_row, file_bytes, masked

PRIVATE_FILE = 0o600  # households' data: the account that ran the command reads it, no one else


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int
    full: bool


def export_plan(
    session: Session, plan_code: str, fmt: ExportFormat, out: Path, *, full: bool, actor: str, now: datetime
) -> Exported:
    plan = session.scalar(select(Plan).where(Plan.code == plan_code.strip().upper()))
    if plan is None:
        raise NotFound(f"找不到配租计划 {plan_code}", code="plan_not_found")
    found = session.execute(
        select(Registration, Household, UnitType, Unit)
        .join(Household, Household.id == Registration.household_id)
        .join(UnitType, UnitType.id == Registration.unit_type_id)
        .outerjoin(Unit, Unit.id == Registration.unit_id)
        .where(Registration.plan_id == plan.id)
        .order_by(Registration.created_at, Registration.reg_no)
    )
    rows = [export_row(reg, plan, household, ut, unit) for reg, household, ut, unit in found]
    if not full:
        rows = [masked(r) for r in rows]
    try:
        _write_private(out, file_bytes(rows, fmt))
    except OSError as e:
        raise CentralError(f"无法写入 {out}：{e.strerror or e}", code="export_not_written") from e
    detail = {"format": fmt.value, "full": full, "rows": len(rows), "file": str(out)}
    session.add(
        AdminAudit(
            at=now,
            action="export_registrations",
            subject=plan.code,
            actor=actor,
            detail=json.dumps(detail, ensure_ascii=False),
        )
    )
    try:
        session.commit()
    except BaseException:
        out.unlink(missing_ok=True)  # an export the audit log does not hold must not be left behind
        raise
    return Exported(out, len(rows), full)


def _write_private(path: Path, data: bytes) -> None:
    """0600 whatever the umask, also over an older file of the same name that others could read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
    with os.fdopen(fd, "wb") as f:
        if hasattr(os, "fchmod"):
            os.fchmod(f.fileno(), PRIVATE_FILE)
        f.write(data)
