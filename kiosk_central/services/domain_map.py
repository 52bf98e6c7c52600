"""Central rows as the kiosk's domain values, so the very same eligibility rules judge them."""

from __future__ import annotations

from kiosk.domain import model as m
from kiosk.domain import rows
from kiosk.domain.rows import household, unit, unit_type
from kiosk_central.tables import Plan

__all__ = ["household", "plan", "unit", "unit_type"]


def plan(row: Plan) -> m.Plan:
    latest = row.notices[-1] if row.notices else None
    notice = m.Notice(latest.notice_version, latest.title, latest.text) if latest else rows.NO_NOTICE
    return rows.plan(row, notice)
