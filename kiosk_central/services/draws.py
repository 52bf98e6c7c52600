"""The public lottery at the centre: freeze, commit the sources, run, publish, retract (docs/lottery.md).

Each is a supervisor's operation, answered once per ``Idempotency-Key`` (a retry gets the stored answer, a
refusal included), audited in ``draw_audit``, and all or nothing: a refusal changes nothing. The algorithm is
``kiosk_core.lottery``'s; this module only reads the database into its files and keeps what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.clock import Clock, wire_time
from kiosk_central.db import begin_write
from kiosk_central.services import draw_list, draw_views
from kiosk_central.services.auth import LOCK_DURATION, Principal
from kiosk_central.services.bulk import PlainInsert
from kiosk_central.services.draw_requests import Answer, once
from kiosk_central.services.draw_rules import (
    STATE_LABELS,
    DrawRefused,
    SpecIn,
    check_specs,
    expect,
    invalid,
    refused,
    require_supervisor,
    source_values,
)
from kiosk_central.services.errors import Forbidden, InvalidRequest, NotFound
from kiosk_central.services.unsent import UnsentReports
from kiosk_central.tables import Draw, DrawAudit, DrawOutcome, Operator, Plan, Registration
from kiosk_core import lottery
from kiosk_core import model as m
from kiosk_core.errors import KioskError
from kiosk_core.passwords import MAX_FAILED_ATTEMPTS, PasswordVerifier
from kiosk_core.wire import DrawRecord, DrawState

FEED = "draws"  # the counter the outcomes feed's versions come from
_ENSURE_FEED = text("INSERT INTO counters (name, value) VALUES ('draws', 0) ON CONFLICT (name) DO NOTHING")
# The driver's executemany: the ORM's per-row bookkeeping cost more than the insert (bulk.py).
_INSERT_OUTCOMES = PlainInsert(DrawOutcome.__table__)  # type: ignore[arg-type]


class DrawService:
    def __init__(self, clock: Clock, hasher: PasswordHasher, unsent: UnsentReports) -> None:
        self._clock = clock
        self._verifier = PasswordVerifier(hasher)
        self.unsent = unsent

    # --- the operations ---

    def freeze(
        self,
        session: Session,
        principal: Principal,
        key: str | None,
        plan_code: str,
        specs: list[SpecIn],
        force: bool,
    ) -> Answer:
        request = {"plan": plan_code, "sources": [s.__dict__ for s in specs], "force": force}

        def apply() -> DrawRecord:
            now = self._clock()
            plan = session.scalar(select(Plan).where(Plan.code == plan_code))
            if plan is None:
                raise NotFound(f"没有配租计划 {plan_code}", code="plan_not_found")
            checked = check_specs(specs)
            if plan.kind != m.PlanKind.QUICK.value:
                raise DrawRefused(f"「{plan.name}」不是快速配租计划，不摇号", code="plan_not_quick")
            if now < plan.window_end:
                raise DrawRefused(
                    f"「{plan.name}」的登记 {plan.window_end:%Y-%m-%d %H:%M} 才截止，截止前不能冻结名单",
                    code="window_open",
                )
            draws = session.scalars(select(Draw).where(Draw.plan_id == plan.id).order_by(Draw.id)).all()
            current = [d for d in draws if d.state != DrawState.RETRACTED.value]
            if current:
                raise DrawRefused(
                    f"「{plan.name}」已有第 {current[0].id} 号摇号（{STATE_LABELS[current[0].state]}），"
                    "一个计划只摇一次",
                    hint="确需重摇，须由两位主管先撤销该次摇号",
                    code="draw_exists",
                )
            pending = self.unsent.pending(session)
            if pending and not force:
                shown = "、".join(
                    f"{c.counter}号窗口 {c.unsent} 条（{c.reported_at:%H:%M}）" for c in pending
                )
                raise DrawRefused(
                    f"以下窗口还有未上传的登记：{shown}",
                    hint="请等这些窗口同步完成；确认无误后可强制冻结",
                    code="unsent_registrations",
                    unsent=[
                        {"counter": c.counter, "unsent": c.unsent, "reported_at": wire_time(c.reported_at)}
                        for c in pending
                    ],
                )
            entries = draw_list.entries(session, plan)
            pools = draw_list.pools(session, plan, {e.pool for e in entries})
            # The refusals the run would meet, met now instead (every pool here has entries).
            if not entries:
                raise refused(lottery.EmptyList())
            for pool in pools if plan.draw_mode == "units" else ():
                quota = sum(k for _, k in pool.quotas)
                if quota > len(pool.units):
                    raise refused(lottery.QuotaExceedsUnits(pool.code, quota, len(pool.units)))
            try:
                list_text = lottery.list_text(entries)
                pools_text = lottery.pools_text(plan.draw_mode, pools)
            except KioskError as e:
                raise invalid(e) from None
            draw = Draw(
                plan_id=plan.id,
                state=DrawState.FROZEN.value,
                algorithm=lottery.ALGORITHM,
                mode=plan.draw_mode,
                entries=len(entries),
                list_text=list_text,
                list_hash=lottery.sha256_hex(list_text),
                pools_text=pools_text,
                pools_hash=lottery.sha256_hex(pools_text),
                source_specs=[s.__dict__ for s in checked],
                cancelled=[],
                frozen_at=now,
                replaces=draws[-1].id if draws else None,
            )
            session.add(draw)
            try:
                session.flush()
            except IntegrityError:
                raise DrawRefused(f"「{plan.name}」刚由另一位主管冻结", code="draw_exists") from None
            detail = f"{len(entries)} 条登记，名单 {draw.list_hash}" + ("；强制冻结" if pending else "")
            self._audit(session, principal, draw, plan, "freeze", detail)
            return draw_views.record(draw, plan)

        return self._once(session, principal, key, "draw_freeze", request, apply)

    def commit_sources(
        self,
        session: Session,
        principal: Principal,
        key: str | None,
        draw_id: int,
        values: list[tuple[str, str]],
    ) -> Answer:
        request = {"draw": draw_id, "values": values}

        def apply() -> DrawRecord:
            draw, plan = draw_views.load(session, draw_id, lock=True)
            expect(draw, DrawState.FROZEN, "sources")
            text_ = lottery.sources_text(source_values(draw.source_specs, values))
            reused = session.scalar(
                select(Draw.id).where(
                    Draw.plan_id == plan.id,
                    Draw.state == DrawState.RETRACTED.value,
                    Draw.sources_text == text_,
                )
            )
            if reused is not None:
                raise InvalidRequest(
                    f"这些随机源与已撤销的第 {reused} 号摇号相同",
                    hint="重摇须使用新的随机源",
                    code="sources_reused",
                )
            draw.sources_text = text_
            draw.state = DrawState.COMMITTED.value
            draw.committed_at = self._clock()
            self._audit(session, principal, draw, plan, "sources", text_.strip().replace("\n", "；"))
            return draw_views.record(draw, plan)

        return self._once(session, principal, key, "draw_sources", request, apply)

    def run(self, session: Session, principal: Principal, key: str | None, draw_id: int) -> Answer:
        def apply() -> DrawRecord:
            draw, plan = draw_views.load(session, draw_id, lock=True)
            expect(draw, DrawState.COMMITTED, "run")
            listed = lottery.read_list(draw.list_text)
            mode, pools = lottery.parse_pools(draw.pools_text)
            assert draw.sources_text is not None
            sources = lottery.parse_sources(draw.sources_text)
            # On the list and no longer active: the plan's few inactive ones, not an IN of every reg_no.
            inactive = session.scalars(
                select(Registration.reg_no).where(
                    Registration.plan_id == plan.id, Registration.status != m.RegistrationStatus.ACTIVE.value
                )
            )
            cancelled = sorted(r for r in set(inactive) if listed.index_of(r) is not None)
            try:
                result = lottery.draw_list(listed, mode, pools, sources, frozenset(cancelled))
            except lottery.LotteryError as e:
                raise refused(e) from None
            result_text = lottery.result_text(result)
            rows = [
                {
                    "draw_id": draw.id,
                    "rank": o.rank,
                    "reg_no": o.reg_no,
                    "pool": o.pool,
                    "kind": o.kind,
                    "unit_code": o.unit,
                    "number": o.number,
                }
                for o in result.outcomes
            ]
            _INSERT_OUTCOMES.execute(session.connection(), rows)
            draw.cancelled = cancelled
            draw.seed = result.seed.hex()
            draw.result_text = result_text
            draw.result_hash = lottery.sha256_hex(result_text)
            draw.state = DrawState.DRAWN.value
            draw.drawn_at = self._clock()
            detail = f"种子 {draw.seed}，结果 {draw.result_hash}，跳过已取消 {len(cancelled)} 条"
            self._audit(session, principal, draw, plan, "run", detail)
            return draw_views.record(draw, plan)

        return self._once(session, principal, key, "draw_run", {"draw": draw_id}, apply)

    def publish(self, session: Session, principal: Principal, key: str | None, draw_id: int) -> Answer:
        def apply() -> DrawRecord:
            draw, plan = draw_views.load(session, draw_id, lock=True)
            expect(draw, DrawState.DRAWN, "publish")
            draw.state = DrawState.PUBLISHED.value
            draw.published_at = self._clock()
            self._audit(session, principal, draw, plan, "publish", f"结果 {draw.result_hash}")
            draw.feed_first = _feed_versions(
                session, draw.entries
            )  # last: the counter's lock is held to commit
            return draw_views.record(draw, plan)

        return self._once(session, principal, key, "draw_publish", {"draw": draw_id}, apply)

    def retract(
        self,
        session: Session,
        principal: Principal,
        key: str | None,
        draw_id: int,
        reason: str,
        second_username: str,
        second_password: str,
    ) -> Answer:
        """Withdraw a draw for a recorded reason, confirmed by a second supervisor's password checked here."""
        first = require_supervisor(principal)
        reason, second_username = reason.strip(), second_username.strip()
        if not reason:
            raise InvalidRequest("撤销摇号须写明原因", code="retract_reason_missing")
        if not second_username or not second_password:
            raise InvalidRequest(
                "撤销摇号须由第二位主管输入用户名和密码确认", code="second_supervisor_missing"
            )
        if second_username == first:
            raise InvalidRequest(
                "第二位主管不能是本人",
                hint="请另一位主管输入自己的用户名和密码",
                code="second_supervisor_same",
            )
        self._check_second(session, second_username, second_password)
        request = {"draw": draw_id, "reason": reason, "second": second_username}

        def apply() -> DrawRecord:
            draw, plan = draw_views.load(session, draw_id, lock=True)
            if draw.state == DrawState.RETRACTED.value:
                raise DrawRefused(f"第 {draw.id} 号摇号已经撤销", code="draw_retracted")
            was_published = draw.state == DrawState.PUBLISHED.value
            draw.state = DrawState.RETRACTED.value
            draw.retracted_at = self._clock()
            draw.retract_reason = reason
            self._audit(session, principal, draw, plan, "retract", reason, second=second_username)
            if was_published:  # counters hold its outcomes: they come down again, withdrawn
                draw.retract_version = _feed_versions(session, draw.entries)
            return draw_views.record(draw, plan)

        return self._once(session, principal, key, "draw_retract", request, apply)

    # --- helpers ---

    def _check_second(self, session: Session, username: str, password: str) -> None:
        """The second supervisor's password, as a sign-in checks it (a wrong one counts toward the lock)."""
        now = self._clock()
        row = session.execute(
            select(
                Operator.id, Operator.password_hash, Operator.role, Operator.active, Operator.locked_until
            ).where(Operator.username == username)
        ).first()
        session.rollback()
        refused = Forbidden(
            "第二位主管的用户名或密码不正确", hint="请第二位主管重新输入", code="second_supervisor_refused"
        )
        locked = row is not None and row.locked_until is not None and row.locked_until > now
        if not self._verifier.matches(row.password_hash if row else None, password):
            if row is not None and row.active and not locked:
                self._count_failure(session, row.id, now)
            raise refused
        assert row is not None
        if not row.active or locked:
            raise refused
        if row.role != m.Role.SUPERVISOR.value:
            raise Forbidden(
                f"{username} 不是主管，不能确认撤销", hint="须由另一位主管确认", code="second_not_supervisor"
            )

    @staticmethod
    def _count_failure(session: Session, operator_id: int, now: datetime) -> None:
        begin_write(session)
        op = session.get(Operator, operator_id)
        assert op is not None
        op.failed_attempts += 1
        if op.failed_attempts >= MAX_FAILED_ATTEMPTS:
            op.locked_until = now + LOCK_DURATION
            op.failed_attempts = 0
        session.commit()

    def _audit(
        self,
        session: Session,
        principal: Principal,
        draw: Draw,
        plan: Plan,
        action: str,
        detail: str,
        *,
        second: str | None = None,
    ) -> None:
        assert principal.operator is not None
        session.add(
            DrawAudit(
                at=self._clock(),
                draw_id=draw.id,
                plan_code=plan.code,
                action=action,
                operator=principal.operator.username,
                second_operator=second,
                device_id=principal.device_id,
                counter=principal.counter,
                detail=detail,
            )
        )

    def _once(
        self,
        session: Session,
        principal: Principal,
        key: str | None,
        endpoint: str,
        request: dict[str, Any],
        apply: Callable[[], DrawRecord],
    ) -> Answer:
        require_supervisor(principal)
        return once(session, principal, key, endpoint, request, apply, self._clock)


def _feed_versions(session: Session, n: int) -> int:
    """A block of ``n`` feed versions (the counter row made on first use: older databases have none)."""
    session.execute(_ENSURE_FEED)
    return versions.allocate(session, FEED, n)
