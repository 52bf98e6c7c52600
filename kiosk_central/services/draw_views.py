"""What is read about draws: a draw's record (full, or as the public sees it), the ready list, the outcomes feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk_central.clock import wire_time
from kiosk_central.services import draw_list
from kiosk_central.services.errors import NotFound
from kiosk_central.services.unsent import UnsentReports
from kiosk_central.tables import Draw, DrawOutcome, Household, Plan, Registration
from kiosk_core import model as m
from kiosk_core.wire import DrawOutcomeRow, DrawRecord, DrawSourceSpec, DrawState

WITHDRAWN = "withdrawn"  # an outcome's kind in the feed once its draw is retracted


def _time(value: datetime | None) -> str | None:
    return wire_time(value) if value is not None else None


def record(draw: Draw, plan: Plan, *, public: bool = False) -> DrawRecord:
    """The draw as ``DrawRecord``; for the public the result only once it was published (a draw retracted
    after that keeps it on record)."""
    shown = not public or draw.published_at is not None
    specs: list[DrawSourceSpec] = [
        {"kind": s["kind"], "label": s["label"], "bits": float(s["bits"])} for s in draw.source_specs
    ]
    return {
        "draw_id": draw.id,
        "plan_code": plan.code,
        "plan_name": plan.name,
        "state": draw.state,
        "algorithm": draw.algorithm,
        "mode": draw.mode,
        "list_text": draw.list_text,
        "list_hash": draw.list_hash,
        "pools_text": draw.pools_text,
        "pools_hash": draw.pools_hash,
        "source_specs": specs,
        "sources_text": draw.sources_text,
        "seed": draw.seed if shown else None,
        "cancelled": list(draw.cancelled) if shown else [],
        "result_text": draw.result_text if shown else None,
        "result_hash": draw.result_hash if shown else None,
        "frozen_at": wire_time(draw.frozen_at),
        "drawn_at": _time(draw.drawn_at) if shown else None,
        "published_at": _time(draw.published_at),
        "retracted_at": _time(draw.retracted_at),
        "retract_reason": draw.retract_reason,
        "replaces": draw.replaces,
    }


def load(session: Session, draw_id: int, *, lock: bool = False) -> tuple[Draw, Plan]:
    query = select(Draw, Plan).join(Plan, Plan.id == Draw.plan_id).where(Draw.id == draw_id)
    row = session.execute(query.with_for_update(of=Draw) if lock else query).first()
    if row is None:
        raise NotFound(f"没有第 {draw_id} 号摇号", code="draw_not_found")
    return row[0], row[1]


def get_record(session: Session, draw_id: int, *, public: bool = False) -> DrawRecord:
    try:
        draw, plan = load(session, draw_id)
        return record(draw, plan, public=public)
    finally:
        session.rollback()


def public_list(session: Session) -> list[dict[str, Any]]:
    """Every draw, newest first: the frozen ones too (their list hash is published before the event)."""
    try:
        rows = session.execute(
            select(Draw, Plan).join(Plan, Plan.id == Draw.plan_id).order_by(Draw.id.desc())
        ).all()
        return [_summary(draw, plan) for draw, plan in rows]
    finally:
        session.rollback()


def _summary(draw: Draw, plan: Plan) -> dict[str, Any]:
    published = draw.published_at is not None
    return {
        "draw_id": draw.id,
        "plan_code": plan.code,
        "plan_name": plan.name,
        "state": draw.state,
        "entries": draw.entries,
        "list_hash": draw.list_hash,
        "result_hash": draw.result_hash if published else None,
        "frozen_at": wire_time(draw.frozen_at),
        "published_at": _time(draw.published_at),
        "retracted_at": _time(draw.retracted_at),
        "replaces": draw.replaces,
    }


def public_file(session: Session, draw_id: int, name: str) -> str:
    """One of a draw's published files (list, pools, sources, result) as its exact text."""
    record_ = get_record(session, draw_id, public=True)
    text = {
        "list": record_["list_text"],
        "pools": record_["pools_text"],
        "sources": record_["sources_text"],
        "result": record_["result_text"],
    }[name]
    if text is None:
        raise NotFound(f"第 {draw_id} 号摇号的{_FILE_NAMES[name]}尚未公布", code="draw_file_not_published")
    return text


_FILE_NAMES = {"list": "名单", "pools": "房源表", "sources": "随机源", "result": "结果"}


# --- the ready list ---


def ready(session: Session, now: datetime, unsent: UnsentReports) -> dict[str, Any]:
    """Quick plans whose window has closed, with their pools and current draw, and counters still holding sends."""
    try:
        plans = session.scalars(
            select(Plan)
            .where(Plan.kind == m.PlanKind.QUICK.value, Plan.window_end <= now)
            .order_by(Plan.window_end.desc(), Plan.code)
        ).all()
        latest: dict[int, Draw] = {}
        for draw in session.scalars(
            select(Draw).where(Draw.plan_id.in_([p.id for p in plans])).order_by(Draw.id)
        ):
            latest[draw.plan_id] = draw
        pending = [
            {
                "counter": c.counter,
                "device_name": c.device_name,
                "unsent": c.unsent,
                "reported_at": wire_time(c.reported_at),
            }
            for c in unsent.pending(session)
        ]
        return {
            "at": wire_time(now),
            "plans": [_ready_plan(session, plan, latest.get(plan.id)) for plan in plans],
            "unsent": pending,
        }
    finally:
        session.rollback()


def _ready_plan(session: Session, plan: Plan, draw: Draw | None) -> dict[str, Any]:
    pools = draw_list.facts(session, plan)
    return {
        "plan_code": plan.code,
        "plan_name": plan.name,
        "window_end": wire_time(plan.window_end),
        "mode": plan.draw_mode,
        "entries": sum(p.entries for p in pools),
        "pools": [
            {
                "pool": p.pool,
                "project_code": p.project_code,
                "unit_type_code": p.unit_type_code,
                "unit_type_name": p.unit_type_name,
                "entries": p.entries,
                "units": p.units,
                "quotas": [{"group": g, "count": n} for g, n in p.quotas],
                "groups": [{"group": g, "count": n} for g, n in p.groups],
            }
            for p in pools
        ],
        "draw": None if draw is None else {"draw_id": draw.id, "state": draw.state},
    }


# --- the outcomes feed ---


@dataclass(frozen=True)
class _Block:
    """A run of feed versions: a published draw's rows, or the same rows withdrawn at its retraction."""

    first: int
    draw_id: int
    plan_code: str
    size: int
    withdrawn: bool


def outcomes(session: Session, since: int, limit: int) -> dict[str, Any]:
    """Outcome rows with a feed version above ``since``, oldest first (a page: ``version``, ``more``, ``changes``).

    Row r of a published draw has version ``feed_first + r - 1``; its withdrawal ``retract_version + r - 1``.
    The blocks are taken under the counter's lock, so they commit in version order (as the catalog's).
    """
    try:
        blocks = _blocks(session, since)
        changes: list[DrawOutcomeRow] = []
        version = since
        more = False
        for block in blocks:
            room = limit - len(changes)
            if room <= 0:
                more = True
                break
            start = max(1, since - block.first + 2)  # the first rank not yet seen
            rows = session.execute(
                select(DrawOutcome.rank, DrawOutcome.reg_no, DrawOutcome.pool, DrawOutcome.kind)
                .add_columns(DrawOutcome.unit_code, DrawOutcome.number, Household.filing_no)
                .outerjoin(Registration, Registration.reg_no == DrawOutcome.reg_no)
                .outerjoin(Household, Household.id == Registration.household_id)
                .where(DrawOutcome.draw_id == block.draw_id, DrawOutcome.rank >= start)
                .order_by(DrawOutcome.rank)
                .limit(room + 1)
            ).all()
            if len(rows) > room:
                more = True
                rows = rows[:room]
            for rank, reg_no, pool, kind, unit_code, number, filing_no in rows:
                changes.append(
                    {
                        "draw_id": block.draw_id,
                        "plan_code": block.plan_code,
                        "reg_no": reg_no,
                        "rank": rank,
                        "pool": pool,
                        "kind": WITHDRAWN if block.withdrawn else kind,
                        "unit_code": None if block.withdrawn else unit_code,
                        "number": None if block.withdrawn else number,
                        "filing_no": filing_no,
                    }
                )
                version = block.first + rank - 1
            if more:
                break
        return {"version": version, "more": more, "changes": changes}
    finally:
        session.rollback()


def _blocks(session: Session, since: int) -> list[_Block]:
    rows = session.execute(
        select(Draw.id, Plan.code, Draw.entries, Draw.state, Draw.feed_first, Draw.retract_version)
        .join(Plan, Plan.id == Draw.plan_id)
        .where(
            or_(
                (Draw.state == DrawState.PUBLISHED.value) & (Draw.feed_first + Draw.entries - 1 > since),
                Draw.retract_version + Draw.entries - 1 > since,
            )
        )
    ).all()
    blocks = []
    for draw_id, plan_code, size, state, feed_first, retract_version in rows:
        if state == DrawState.PUBLISHED.value and feed_first is not None and feed_first + size - 1 > since:
            blocks.append(_Block(feed_first, draw_id, plan_code, size, False))
        if retract_version is not None and retract_version + size - 1 > since:
            blocks.append(_Block(retract_version, draw_id, plan_code, size, True))
    return sorted(blocks, key=lambda b: b.first)
