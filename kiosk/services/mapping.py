"""Rows of the local cache to domain values (the shared part is kiosk.domain.rows)."""

from __future__ import annotations

from kiosk.domain import model as m
from kiosk.domain import rows
from kiosk.domain.rows import household, unit, unit_type
from kiosk.storage import tables as t

__all__ = ["household", "plan", "unit", "unit_type"]


def plan(row: t.Plan, registered_count: int = 0) -> m.Plan:
    latest = row.notices[-1] if row.notices else None
    notice = m.Notice(latest.version, latest.title, latest.text) if latest else rows.NO_NOTICE
    return rows.plan(row, notice, registered_count)
