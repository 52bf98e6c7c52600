"""On-site selection's states, limits and refusals (typed errors with codes and Chinese messages).

Split from kiosk_core.selection, which imports every name here again: callers keep using that module.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from kiosk_core.errors import KioskError

MAX_WISHES = 5
TURN_SECONDS = 120
SUPPLEMENTARY_MINUTES = 3
QUEUE_STEP = 1000  # queue_pos = order * QUEUE_STEP leaves room for late arrivals between two households
PAUSE_AFTER_SECONDS = 6.0  # an open turn whose counter has not been heard this long pauses

REASON_NO_UNIT = "倒计时结束时预选房源均已被选定"
REASON_ABSENT = "本场次结束时未到场"


class TurnState(StrEnum):
    WAITING = "waiting"  # in its round, not called yet (or passed over: ``late``)
    CALLED = "called"  # at a counter: identify, re-declare, wish list; formal turn not open yet
    OPEN = "open"  # formal selection: the countdown runs (or is paused)
    CONFIRMED = "confirmed"
    AUTO_PICKED = "auto_picked"
    NO_UNIT = "no_unit"  # time ran out and no wish was free
    ABSENT = "absent"  # had not come by the end of its round
    DECLINED = "declined"  # gave up on purpose: no supplementary selection


FINISHED = frozenset(
    {TurnState.CONFIRMED, TurnState.AUTO_PICKED, TurnState.NO_UNIT, TurnState.ABSENT, TurnState.DECLINED}
)
CHOSEN = frozenset({TurnState.CONFIRMED, TurnState.AUTO_PICKED})
SUPPLEMENTARY_ALLOWED = frozenset({TurnState.NO_UNIT, TurnState.ABSENT})


class RoundState(StrEnum):
    UPCOMING = "upcoming"
    RUNNING = "running"
    ENDED = "ended"


# --- errors ---------------------------------------------------------------------------------------------


class SelectionError(KioskError):
    """A selection action refused; nothing changed."""

    code = "selection"


class BadRounds(SelectionError):
    code = "bad_rounds"


class TooManyWishes(SelectionError):
    code = "too_many_wishes"

    def __init__(self) -> None:
        super().__init__(f"最多预选 {MAX_WISHES} 套房源", hint="请先删除一套，再添加其他房源")


class DuplicateWish(SelectionError):
    code = "duplicate_wish"

    def __init__(self, unit: str) -> None:
        super().__init__(f"房源 {unit} 已在预选清单中", hint="同一套房源只能预选一次")
        self.unit = unit


class UnitNotInPool(SelectionError):
    code = "unit_not_in_pool"

    def __init__(self, unit: str) -> None:
        super().__init__(f"房源 {unit} 不属于该家庭登记的项目和户型", hint="只能从本家庭号池的房源中选择")
        self.unit = unit


class UnitTaken(SelectionError):
    code = "unit_taken"

    def __init__(self, unit: str) -> None:
        super().__init__(f"该房源刚被其他家庭选定：{unit}", hint="清单已刷新，请从仍可选的房源中选择")
        self.unit = unit


class UnitNotWished(SelectionError):
    code = "unit_not_wished"

    def __init__(self, unit: str) -> None:
        super().__init__(f"房源 {unit} 不在该家庭的预选清单中", hint="请先把它加入预选清单，再确认正选")
        self.unit = unit


class NotYourTurn(SelectionError):
    code = "not_your_turn"

    def __init__(self, hint: str = "请等排在前面的家庭选完，倒计时开始后再确认") -> None:
        super().__init__("还没有轮到该家庭正式选房", hint=hint)


class TurnFinished(SelectionError):
    code = "turn_finished"

    def __init__(self, state: TurnState) -> None:
        super().__init__(
            f"该家庭的选房已结束（{STATE_LABELS[state]}）", hint="结果不可更改；如需查看请打印确认书"
        )
        self.state = state


class TurnExpired(SelectionError):
    code = "turn_expired"

    def __init__(self) -> None:
        super().__init__("正选时间已到", hint="系统将按预选顺序自动选定第一套仍可选的房源")


class NotRedeclared(SelectionError):
    code = "not_redeclared"

    def __init__(self) -> None:
        super().__init__("该家庭尚未重新声明", hint="请家庭确认情况未变（上述条款，我已阅知）并勾选后再继续")


class NotYourCounter(SelectionError):
    code = "not_your_counter"

    def __init__(self, counter: str | None) -> None:
        where = f"{counter} 号窗口" if counter else "其他窗口"
        super().__init__(f"该家庭正在 {where} 办理", hint="请到该窗口办理，或由主管转到本窗口")
        self.counter = counter


class NotCalled(SelectionError):
    code = "not_called"

    def __init__(self) -> None:
        super().__init__("该家庭尚未叫号", hint="请先叫号，家庭到窗口后再办理")


class NotLate(SelectionError):
    code = "not_late"

    def __init__(self) -> None:
        super().__init__("该家庭没有被标为迟到", hint="只有叫号未到的家庭才能按迟到补排")


class SupplementaryClosed(SelectionError):
    code = "supplementary_closed"

    def __init__(self, deadline: datetime | None) -> None:
        if deadline is None:
            super().__init__("补选申请尚未开放", hint="当天正选场次安排好后才能申请补选")
        else:
            super().__init__(
                f"补选申请已于 {deadline:%H:%M} 截止", hint="补选申请须在当天正选场次结束后3分钟内提出"
            )
        self.deadline = deadline


class DeclinedNoSupplementary(SelectionError):
    code = "declined_no_supplementary"

    def __init__(self) -> None:
        super().__init__("主动放弃选房的家庭不能申请补选", hint="补选只面向未到场或未选定住房的家庭")


class SupplementaryNotAllowed(SelectionError):
    code = "supplementary_not_allowed"

    def __init__(self, state: TurnState) -> None:
        super().__init__(
            f"该家庭当前不能申请补选（{STATE_LABELS[state]}）",
            hint="补选只面向本场次结束后未到场或未选定住房的家庭",
        )
        self.state = state


STATE_LABELS: dict[TurnState, str] = {
    TurnState.WAITING: "等待叫号",
    TurnState.CALLED: "已叫号",
    TurnState.OPEN: "正在选房",
    TurnState.CONFIRMED: "已确认正选",
    TurnState.AUTO_PICKED: "系统自动选定",
    TurnState.NO_UNIT: "未选定住房",
    TurnState.ABSENT: "未到场",
    TurnState.DECLINED: "主动放弃",
}
