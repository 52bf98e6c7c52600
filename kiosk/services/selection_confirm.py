"""Confirming a unit at the counter (确认正选): what came of it, and what a confirm whose answer was lost came to
once the counter has read the turn again."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.services.selection_views import TurnView
from kiosk_core.selection import TurnState


class ConfirmStatus(StrEnum):
    CONFIRMED = "confirmed"  # the centre chose the unit for the household: final
    REFUSED = "refused"  # the centre said no (unit taken a moment earlier, time up, ...); nothing chosen
    FINISHED_OTHERWISE = "finished_otherwise"  # the turn ended another way meanwhile (auto-pick at time-out)
    NOT_THROUGH = "not_through"  # the network dropped, the turn is still open: nothing chosen, try again
    UNKNOWN = "unknown"  # the network dropped and the centre cannot be asked yet: tell the household nothing


@dataclass(frozen=True)
class ConfirmOutcome:
    status: ConfirmStatus
    message: str  # Chinese, for staff
    turn: TurnView | None  # as the centre has it now (None while unknown)
    key: str  # confirm again with this key: the centre answers one key once
    unit_code: str
    code: str = ""
    hint: str = ""

    @property
    def chosen(self) -> bool:
        return self.status is ConfirmStatus.CONFIRMED or (
            self.status is ConfirmStatus.FINISHED_OTHERWISE
            and self.turn is not None
            and self.turn.unit_code is not None
        )


def lost_confirm(turn: TurnView | None, unit_code: str, key: str) -> ConfirmOutcome:
    """A confirm whose answer was lost, judged by the turn read again (None: the centre cannot be asked)."""
    if turn is None:
        return ConfirmOutcome(
            ConfirmStatus.UNKNOWN,
            "网络中断，尚不知道是否已确认，请勿告知家庭结果",
            None,
            key,
            unit_code,
            hint="恢复联网后点“核对结果”；倒计时已暂停，由中心保留该家庭的选房",
        )
    if turn.state is TurnState.CONFIRMED and turn.unit_code == unit_code:
        return ConfirmOutcome(ConfirmStatus.CONFIRMED, f"已确认正选：{unit_code}", turn, key, unit_code)
    if turn.finished:
        what = f"{turn.state_label}：{turn.unit_code}" if turn.unit_code else turn.state_label
        return ConfirmOutcome(
            ConfirmStatus.FINISHED_OTHERWISE, f"该家庭的选房已结束（{what}）", turn, key, unit_code
        )
    return ConfirmOutcome(
        ConfirmStatus.NOT_THROUGH,
        "确认未送达中心，未选定房源",
        turn,
        key,
        unit_code,
        hint="倒计时未结束，可再次确认",
    )
