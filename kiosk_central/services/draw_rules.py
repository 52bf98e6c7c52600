"""The lottery's rules at the centre: who may change a draw, which state each step needs, what sources are."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kiosk_central.services.auth import Principal
from kiosk_central.services.errors import CentralError, Forbidden, InvalidRequest
from kiosk_central.tables import Draw
from kiosk_core import lottery
from kiosk_core import model as m
from kiosk_core.errors import KioskError
from kiosk_core.wire import DrawState

MAX_SOURCES = 16


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
class SpecIn:
    kind: str
    label: str
    bits: float


def invalid(error: KioskError) -> InvalidRequest:
    return InvalidRequest(error.message, code=error.code, hint=error.hint)


def refused(error: KioskError) -> DrawRefused:
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


STATE_LABELS = {
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


def expect(draw: Draw, state: DrawState, step: str) -> None:
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
                f"第 {draw.id} 号摇号已经摇过（{STATE_LABELS[draw.state]}），一次摇号只摇一次",
                "draw_done",
            )
    raise DrawRefused(message, code=code)


def check_specs(specs: list[SpecIn]) -> list[SpecIn]:
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


def source_values(specs: list[dict[str, Any]], values: list[tuple[str, str]]) -> list[lottery.Source]:
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
        raise invalid(e) from None
    return sources
