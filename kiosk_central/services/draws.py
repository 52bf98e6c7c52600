"""The public lottery at the centre: freeze, commit the sources, run, publish, retract (docs/lottery.md).

Each is a supervisor's operation, answered once per ``Idempotency-Key`` (a retry gets the stored answer, a
refusal included), audited in ``draw_audit``, and all or nothing: a refusal changes nothing. The algorithm is
``kiosk_core.lottery``'s; this module only reads the database into its files and keeps what it returns.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from kiosk_central import versions
from kiosk_central.clock import Clock, wire_time
from kiosk_central.db import begin_write
from kiosk_central.services import draw_list, draw_views
from kiosk_central.services.auth import LOCK_DURATION, Principal
from kiosk_central.services.bulk import PlainInsert
from kiosk_central.services.errors import Busy, CentralError, Forbidden, InvalidRequest, NotFound
from kiosk_central.services.events import parse_key
from kiosk_central.services.unsent import UnsentReports
from kiosk_central.tables import Draw, DrawAudit, DrawOutcome, IdempotencyRecord, Operator, Plan, Registration
from kiosk_core import lottery
from kiosk_core import model as m
from kiosk_core.errors import KioskError
from kiosk_core.passwords import MAX_FAILED_ATTEMPTS, PasswordVerifier
from kiosk_core.wire import DrawRecord, DrawState

FEED = "draws"  # the counter the outcomes feed's versions come from
MAX_SOURCES = 16
_RETRYABLE = {"40P01", "40001", "55P03", "57014"}
_ENSURE_FEED = text("INSERT INTO counters (name, value) VALUES ('draws', 0) ON CONFLICT (name) DO NOTHING")
# The driver's executemany: the ORM's per-row bookkeeping cost more than the insert (bulk.py).
_INSERT_OUTCOMES = PlainInsert(DrawOutcome.__table__)  # type: ignore[arg-type]


class DrawRefused(CentralError):
    """The draw's state or the plan refuses the step (a second draw, run before sources, …): nothing changed."""

    status = 409
    code = "draw_refused"

    def __init__(self, message: str, *, code: str | None = None, hint: str = "", **extra: Any) -> None:
        super().__init__(message, code=code, hint=hint)
        self.extra = extra  # what a console lists beside the message (the counters still sending)

    def body(self) -> dict[str, Any]:
        return super().body() | self.extra


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class SpecIn:
    kind: str
    label: str
    bits: float


def _invalid(error: KioskError) -> InvalidRequest:
    return InvalidRequest(error.message, code=error.code, hint=error.hint)


def _refused(error: KioskError) -> DrawRefused:
    return DrawRefused(error.message, code=error.code, hint=error.hint)


def require_supervisor(principal: Principal) -> str:
    """The supervisor's username; a clerk's or a bare device's token is refused."""
    operator = principal.operator
    if operator is None or operator.role != m.Role.SUPERVISOR.value:
        raise Forbidden(
            "摇号须由主管操作",
            hint="请主管在本窗口登录后再试（办事员账号不能冻结名单、录入随机源、摇号、公布或撤销）",
            code="supervisor_required",
        )
    return operator.username


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
            checked = _check_specs(specs)
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
                    f"「{plan.name}」已有第 {current[0].id} 号摇号（{_STATE_LABELS[current[0].state]}），"
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
                raise _refused(lottery.EmptyList())
            for pool in pools if plan.draw_mode == "units" else ():
                quota = sum(k for _, k in pool.quotas)
                if quota > len(pool.units):
                    raise _refused(lottery.QuotaExceedsUnits(pool.code, quota, len(pool.units)))
            try:
                list_text = lottery.list_text(entries)
                pools_text = lottery.pools_text(plan.draw_mode, pools)
            except KioskError as e:
                raise _invalid(e) from None
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
            _expect(draw, DrawState.FROZEN, "sources")
            sources = _sources(draw.source_specs, values)
            text_ = lottery.sources_text(sources)
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
            _expect(draw, DrawState.COMMITTED, "run")
            entries = lottery.parse_list(draw.list_text)
            mode, pools = lottery.parse_pools(draw.pools_text)
            assert draw.sources_text is not None
            sources = lottery.parse_sources(draw.sources_text)
            # On the list and no longer active: the plan's few inactive ones, not an IN of every reg_no.
            inactive = session.scalars(
                select(Registration.reg_no).where(
                    Registration.plan_id == plan.id, Registration.status != m.RegistrationStatus.ACTIVE.value
                )
            )
            cancelled = sorted(set(inactive).intersection(e.reg_no for e in entries))
            try:
                result = lottery.draw(entries, mode, pools, sources, frozenset(cancelled))
            except lottery.LotteryError as e:
                raise _refused(e) from None
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
            _expect(draw, DrawState.DRAWN, "publish")
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
        """Apply once under the key (scoped by device, as outbox messages are); a retry replays the answer."""
        require_supervisor(principal)
        key = parse_key(key)
        digest = hashlib.sha256(
            json.dumps(
                {"endpoint": endpoint, "request": request}, sort_keys=True, ensure_ascii=False
            ).encode()
        ).hexdigest()
        try:
            begin_write(session)
            stored = session.get(IdempotencyRecord, (key, principal.device_id))
            if stored is not None:
                return _replay(session, stored, endpoint, digest)
            record = IdempotencyRecord(
                key=key,
                device_id=principal.device_id,
                endpoint=endpoint,
                request_hash=digest,
                status_code=0,
                response="",
                created_at=self._clock(),
            )
            session.add(record)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                stored = session.get(IdempotencyRecord, (key, principal.device_id))
                assert stored is not None
                return _replay(session, stored, endpoint, digest)
            try:
                with session.begin_nested():
                    answer = Answer(200, dict(apply()))
            except (DrawRefused, InvalidRequest, NotFound, Forbidden) as refused:
                answer = Answer(refused.status, refused.body())
            record.status_code = answer.status
            record.response = json.dumps(_stored_form(answer.body), ensure_ascii=False)
            session.commit()
            return answer
        except DBAPIError as e:
            session.rollback()
            if getattr(e.orig, "sqlstate", None) in _RETRYABLE or "database is locked" in str(e.orig):
                raise Busy("中心数据库繁忙，本次操作未处理", hint="请稍后再试", code="busy") from e
            raise


_STATE_LABELS = {
    DrawState.FROZEN.value: "名单已冻结",
    DrawState.COMMITTED.value: "随机源已录入",
    DrawState.DRAWN.value: "已摇号未公布",
    DrawState.PUBLISHED.value: "已公布",
    DrawState.RETRACTED.value: "已撤销",
}
# Which state each step needs, and what to say when the draw is elsewhere.
_NEEDS: dict[str, dict[str, tuple[str, str]]] = {
    "sources": {
        DrawState.COMMITTED.value: ("随机源已经录入，不能更改", "sources_committed"),
    },
    "run": {
        DrawState.FROZEN.value: ("须先录入随机源再摇号", "sources_missing"),
    },
    "publish": {
        DrawState.FROZEN.value: ("须先录入随机源并摇号，才能公布", "draw_not_run"),
        DrawState.COMMITTED.value: ("须先摇号再公布", "draw_not_run"),
    },
}


def _expect(draw: Draw, state: DrawState, step: str) -> None:
    if draw.state == state.value:
        return
    message, code = _NEEDS[step].get(draw.state, ("", ""))
    if not message:
        if draw.state == DrawState.RETRACTED.value:
            message, code = f"第 {draw.id} 号摇号已撤销", "draw_retracted"
        elif step == "publish" and draw.state == DrawState.PUBLISHED.value:
            message, code = f"第 {draw.id} 号摇号已经公布", "draw_published"
        else:
            message, code = (
                f"第 {draw.id} 号摇号已经摇过（{_STATE_LABELS[draw.state]}），一次摇号只摇一次",
                "draw_done",
            )
    raise DrawRefused(message, code=code)


def _check_specs(specs: list[SpecIn]) -> list[SpecIn]:
    """The sources committed to: known kinds, distinct labels, digits as whole digits, 128 bits in all."""
    if not specs:
        raise InvalidRequest("请先确定随机源（例如现场摇出的数字）", code="sources_missing")
    if len(specs) > MAX_SOURCES:
        raise InvalidRequest(f"随机源最多 {MAX_SOURCES} 个", code="sources_too_many")
    checked = []
    for spec in specs:
        label = spec.label.strip()
        if spec.kind not in lottery.KINDS:
            raise InvalidRequest(
                f"随机源类型只能是 digits 或 public，现在是“{spec.kind[:16]}”", code="source_kind"
            )
        if not label or any(c in label for c in "\t\r\n"):
            raise InvalidRequest("随机源名称不能为空，也不能含制表符或换行", code="draw_source_label")
        if not (math.isfinite(spec.bits) and spec.bits >= 0):
            raise InvalidRequest(f"“{label}”声明的熵须是不小于 0 的数", code="draw_source_bits")
        bits = spec.bits
        if spec.kind == "digits":
            digits = round(bits / lottery.DIGIT_BITS)
            if digits < 1 or abs(digits * lottery.DIGIT_BITS - bits) > 1e-6:
                raise InvalidRequest(
                    f"“{label}”是现场数字，熵应为位数 × log2(10)（例如 40 位数字 ≈ 132.88 比特）",
                    code="draw_source_bits",
                )
            bits = digits * lottery.DIGIT_BITS
        checked.append(SpecIn(spec.kind, label, bits))
    labels = [s.label for s in checked]
    if len(set(labels)) != len(labels):
        raise InvalidRequest("随机源名称不能重复", code="source_label_twice")
    total = sum(s.bits for s in checked)
    if total < lottery.MIN_BITS:
        error = lottery.EntropyTooLow(total, lottery.missing_digits(total))
        raise InvalidRequest(error.message, code=error.code, hint=error.hint)
    return checked


def _sources(specs: list[dict[str, Any]], values: list[tuple[str, str]]) -> list[lottery.Source]:
    """The values entered, one per committed spec and in its order; anything else is refused."""
    given: dict[str, str] = {}
    for label, value in values:
        label = label.strip()
        if label in given:
            raise InvalidRequest(f"随机源“{label[:40]}”填了两次", code="source_value_twice")
        given[label] = value
    labels = [s["label"] for s in specs]
    unknown = [label for label in given if label not in labels]
    if unknown:
        raise InvalidRequest(
            f"冻结时没有确定这个随机源：“{unknown[0][:40]}”",
            hint="名称须与冻结时确定的一致",
            code="source_label_unknown",
        )
    missing = [label for label in labels if label not in given]
    if missing:
        raise InvalidRequest(f"还没有填写随机源：{'、'.join(missing)}", code="source_value_missing")
    sources = []
    for spec in specs:
        raw = given[spec["label"]]
        try:
            if spec["kind"] == "digits":
                source = lottery.digits_source(spec["label"], raw)
                expected = round(float(spec["bits"]) / lottery.DIGIT_BITS)
                if len(source.value) != expected:
                    raise InvalidRequest(
                        f"“{spec['label']}”应为 {expected} 位数字，现在是 {len(source.value)} 位",
                        code="source_digits_count",
                    )
            else:
                source = lottery.public_source(spec["label"], raw, float(spec["bits"]))
        except KioskError as e:
            raise InvalidRequest(f"{spec['label']}：{e.message}", code=e.code, hint=e.hint) from None
        sources.append(source)
    try:
        lottery.check_entropy(sources)
    except lottery.EntropyTooLow as e:
        raise _invalid(e) from None
    return sources


def _feed_versions(session: Session, n: int) -> int:
    """A block of ``n`` feed versions (the counter row made on first use: older databases have none)."""
    session.execute(_ENSURE_FEED)
    return versions.allocate(session, FEED, n)


def _replay(session: Session, stored: IdempotencyRecord, endpoint: str, digest: str) -> Answer:
    if stored.endpoint != endpoint or stored.request_hash != digest:
        raise InvalidRequest(
            "同一幂等键已用于内容不同的请求，本次请求未处理",
            hint="每次操作须有自己的幂等键",
            code="idempotency_key_reused",
        )
    return Answer(stored.status_code, _answer_form(session, json.loads(stored.response)))


# A draw's files never change once written, and may be megabytes: the stored answer names them, a replay
# reads them back from the draw into their places (the same bytes, the same key order).
_FILES = ("list_text", "pools_text", "sources_text", "result_text")
_FILES_KEY = "_files_of_draw"


def _stored_form(body: dict[str, Any]) -> dict[str, Any]:
    present = [k for k in _FILES if body.get(k) is not None]
    if "draw_id" not in body or not present:
        return body
    return {**body, **dict.fromkeys(present), _FILES_KEY: present}


def _answer_form(session: Session, stored: dict[str, Any]) -> dict[str, Any]:
    present = stored.pop(_FILES_KEY, None)
    if present:
        draw = session.get(Draw, stored["draw_id"])
        assert draw is not None
        stored.update({k: getattr(draw, k) for k in present})
    return stored
