"""The audit log of operator actions, written inside the action's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kiosk.storage import tables as t


def record(
    session: Session,
    *,
    action: str,
    at: datetime,
    counter: str,
    operator_id: int | None,
    subject: str = "",
    **detail: Any,
) -> None:
    """``detail`` must hold masked personal data only: the log is read by people who need not see it."""
    session.add(
        t.AuditEntry(
            at=at, operator_id=operator_id, counter=counter, action=action, subject=subject, detail=detail
        )
    )
