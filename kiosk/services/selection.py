"""On-site unit selection at the counter (选房): call, identify, re-declare, wish list, confirm, sheet.

Every step is the centre's to decide (its clock, its constraints), so each is one call on the network lane
(``SelectionCalls``, a short timeout). The counter checks what it can first, with the core's rules on the
last state it read, so staff hear about a sixth wish or a unit of another pool at once; the centre checks
again. A refusal comes back as ``SelectionRefused`` (the centre's code and words), a centre away as
``SelectionOffline``: nothing was done there. Confirming is the exception: a network drop mid-confirm is
not "offline" but "not known yet", and the counter re-reads the turn before it says anything (``confirm``;
what it came to: kiosk.services.selection_confirm).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from kiosk.services import audit
from kiosk.services.central_client import CentralClient
from kiosk.services.changes import Change, ChangeNotice
from kiosk.services.clock import Clock
from kiosk.services.database_lane import DatabaseWriter, write_here
from kiosk.services.printing_port import SlipPrinter
from kiosk.services.secrets import SecretStore
from kiosk.services.selection_calls import Reply, SelectionCalls, new_key
from kiosk.services.selection_confirm import ConfirmOutcome, ConfirmStatus, lost_confirm
from kiosk.services.selection_identify import households_of, normalise_scan, turn_at_counter
from kiosk.services.selection_results import SelectionResults, SheetPrinted
from kiosk.services.selection_sheet import SelectionSheets
from kiosk.services.selection_views import (
    SelectionOffline,
    SelectionRefused,
    SelectionView,
    SheetView,
    TurnView,
    selection_view,
    sheet_view,
    turn_view,
)
from kiosk.services.selection_watch import SelectionWatch
from kiosk.services.views import OperatorSession
from kiosk.storage.uow import UnitOfWorkFactory
from kiosk_core import selection as core
from kiosk_core.errors import InvalidInput, NotFound
from kiosk_core.selection import TurnState

__all__ = [
    "SelectionOffline",
    "SelectionReading",
    "SelectionRefused",
    "SelectionService",
    "SheetPrinted",
    "normalise_scan",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SelectionReading:
    """``state``: the centre's state now, or when it cannot be reached the last one read (``online`` False)."""

    view: SelectionView | None
    online: bool
    message: str = ""


class SelectionService:
    """``client`` None: no centre configured, and every step answers SelectionOffline."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        client: CentralClient | None,
        secrets: SecretStore,
        sheets: SelectionSheets,
        counter: str,
        *,
        writer: DatabaseWriter = write_here,
        changes: ChangeNotice | None = None,
        printer: SlipPrinter | None = None,
    ):
        self._uow = uow
        self._clock = clock
        self._calls = SelectionCalls(client, secrets)
        self.results = SelectionResults(uow, clock, sheets, writer=writer, printer=printer)
        self.counter = counter
        self._write = writer
        self._changes = changes or ChangeNotice()
        self._last: dict[str, SelectionView] = {}
        self.watch = SelectionWatch()  # what the screens show: which pushed moves call for a read

    @property
    def configured(self) -> bool:
        return self._calls.configured

    # --- reading ---

    def state(self, plan_code: str) -> SelectionReading:
        """The centre's state (also this counter's heartbeat for its open turn); offline, the last one read."""
        reply = self._calls.state(plan_code)
        if reply.accepted:
            view = selection_view(reply.body, self._clock())
            self._last[plan_code] = view
            return SelectionReading(view, True)
        if reply.refused:
            raise _refused(reply)
        return SelectionReading(self._last.get(plan_code), False, f"连接不上中心：{reply.message}")

    def last(self, plan_code: str) -> SelectionView | None:
        return self._last.get(plan_code)

    def current(self, plan_code: str) -> SelectionView:
        """The state now, or SelectionOffline: for the steps that must see the centre's."""
        reading = self.state(plan_code)
        if not reading.online or reading.view is None:
            raise SelectionOffline(
                reading.message or "连接不上中心", hint="选房的每一步都需联网；请检查网络后重试"
            )
        return reading.view

    @staticmethod
    def call_text(turn: TurnView) -> str:
        """What the calling screen shows and speaks: 请 0005 号 张*明 家庭到 3 号窗口选房."""
        return core.call_text(turn.rank, turn.masked_name, turn.counter or "")

    # --- calling ---

    def call_next(self, plan_code: str) -> TurnView:
        """The next household for this counter (late arrivals first, then the running round in draw order)."""
        return self._turn_change(self._calls.call_next(plan_code, new_key()), plan_code)

    def not_here(self, plan_code: str, reg_no: str) -> TurnView:
        """Called and not there: passed over; the pool goes on, it is queued again when it arrives."""
        return self._turn_change(self._calls.not_here(plan_code, reg_no, new_key()), plan_code)

    def arrived(self, plan_code: str, reg_no: str) -> TurnView:
        """A passed-over household came: queued right after the one being served in its pool."""
        return self._turn_change(self._calls.arrived(plan_code, reg_no, new_key()), plan_code)

    # --- at the counter ---

    def identify(self, plan_code: str, scanned: str) -> TurnView:
        """The household in front of staff by its filing notice or ID (applicant or member): its turn must be
        this counter's now, and its filing still valid (the registration path's rule)."""
        kind, value = normalise_scan(scanned)
        view = self.current(plan_code)
        found = self._write(lambda: households_of(self._uow, kind, value, [x.reg_no for x in view.turns]))
        return turn_at_counter(view, kind, value, found, self._clock().date(), self.counter)

    def redeclare(self, plan_code: str, reg_no: str, operator: OperatorSession) -> TurnView:
        """The household confirms its circumstances have not changed (上述条款，我已阅知): time and operator."""
        reply = self._calls.redeclare(plan_code, reg_no, operator.username, new_key())
        return self._turn_change(reply, plan_code)

    def set_wishes(self, plan_code: str, reg_no: str, units: list[str]) -> TurnView:
        """The ordered wish list, checked here against the last state (the centre checks again); a unit taken
        a moment earlier comes back as SelectionRefused ``unit_taken`` with the state read again."""
        view = self._last.get(plan_code) or self.current(plan_code)
        turn = _turn_of(view, reg_no)
        core.check_wishes(units, view.pool_units(turn.pool), view.taken(), kept=turn.wish_codes)
        return self._turn_change(self._calls.set_wishes(plan_code, reg_no, list(units), new_key()), plan_code)

    def add_wish(self, plan_code: str, reg_no: str, unit_code: str) -> TurnView:
        return self.set_wishes(
            plan_code, reg_no, list(core.add_wish(self._wishes(plan_code, reg_no), unit_code))
        )

    def remove_wish(self, plan_code: str, reg_no: str, unit_code: str) -> TurnView:
        return self.set_wishes(
            plan_code, reg_no, list(core.remove_wish(self._wishes(plan_code, reg_no), unit_code))
        )

    def move_wish(self, plan_code: str, reg_no: str, unit_code: str, where: str) -> TurnView:
        """``where``: up, down or top."""
        wishes = core.move_wish(self._wishes(plan_code, reg_no), unit_code, where)
        return self.set_wishes(plan_code, reg_no, list(wishes))

    def confirm(
        self, plan_code: str, reg_no: str, unit_code: str, operator: OperatorSession, key: str | None = None
    ) -> ConfirmOutcome:
        """Confirm one unit of the list (确认正选): final. Never raises for the network: when the answer is lost
        the counter reads the turn again first and says what the centre has (chosen, still open, or not
        known yet); confirming again with ``outcome.key`` is safe, the centre answers one key once."""
        key = key or new_key()
        reply = self._calls.confirm(plan_code, reg_no, unit_code, key)
        if reply.accepted:
            turn = turn_view(reply.body)
            self._after_confirm(turn, operator)
            return ConfirmOutcome(
                ConfirmStatus.CONFIRMED, f"已确认正选：{turn.unit_code}", turn, key, unit_code
            )
        if reply.refused:
            fresh = self._reread(plan_code)  # the list refreshed before staff read why
            return ConfirmOutcome(
                ConfirmStatus.REFUSED,
                reply.message,
                fresh.turn(reg_no) if fresh else None,
                key,
                unit_code,
                code=reply.code,
                hint=reply.hint,
            )
        return self._settle_lost_confirm(plan_code, reg_no, unit_code, key, operator, reply.message)

    def decline(self, plan_code: str, reg_no: str, reason: str) -> TurnView:
        """The household gives up on purpose (recorded with its reason): no supplementary selection then."""
        if not reason.strip():
            raise InvalidInput("请填写放弃选房的原因", hint="例如：家庭决定不选房", code="reason_empty")
        return self._turn_change(self._calls.decline(plan_code, reg_no, reason.strip(), new_key()), plan_code)

    def apply_supplementary(self, plan_code: str, reg_no: str) -> TurnView:
        """A household that was absent or chose nothing applies for supplementary selection (补选), in time."""
        view = self.current(plan_code)
        turn = _turn_of(view, reg_no)
        core.supplementary_allowed(turn.core_turn(), view.server_time, view.supplementary_deadline)
        return self._turn_change(self._calls.apply_supplementary(plan_code, reg_no, new_key()), plan_code)

    # --- the supervisor's steps ---

    def start(
        self,
        operator: OperatorSession,
        plan_code: str,
        *,
        round_size: int,
        first_start: datetime,
        round_minutes: int,
        turn_seconds: int = core.TURN_SECONDS,
        supplementary_minutes: int = core.SUPPLEMENTARY_MINUTES,
    ) -> SelectionView:
        """Cut the plan's selection draw into rounds and start it (supervisor; the centre's rules decide)."""
        body = {
            "round_size": round_size,
            "first_start": first_start.astimezone().isoformat(),
            "round_minutes": round_minutes,
            "turn_seconds": turn_seconds,
            "supplementary_minutes": supplementary_minutes,
        }
        return self._state_change(self._calls.start(operator, plan_code, body, new_key()), plan_code)

    def supplementary_round(
        self, operator: OperatorSession, plan_code: str, *, first_start: datetime, round_minutes: int
    ) -> SelectionView:
        body = {"first_start": first_start.astimezone().isoformat(), "round_minutes": round_minutes}
        reply = self._calls.supplementary_round(operator, plan_code, body, new_key())
        return self._state_change(reply, plan_code)

    # --- the result sheet ---

    def sheet(self, plan_code: str, reg_no: str, operator: OperatorSession | None = None) -> SheetView:
        """The household's selection result sheet as the centre has it, kept here for reprints and look-ups.

        ``operator``: who serves the household here now. A choice confirmed at this counter for which the
        centre names no operator is signed for by them (the centre knows the counter, not the person).
        """
        reply = self._calls.sheet(plan_code, reg_no)
        if not reply.accepted:
            raise _refused(reply) if reply.refused else _offline(reply)
        data = reply.body
        if (
            operator is not None
            and not data.get("operator")
            and data.get("how") == TurnState.CONFIRMED
            and data.get("counter") == self.counter
        ):
            data = {**data, "operator": operator.display_name}
        view = sheet_view(data)
        self.results.keep(view)
        return view

    def print_sheet(self, plan_code: str, reg_no: str, operator: OperatorSession) -> SheetPrinted:
        """The 选房确认书 fetched, kept (PDF and data), and sent to the counter's printer (network lane)."""
        return self.results.print(self.sheet(plan_code, reg_no, operator), operator, "selection_sheet_print")

    def reprint_sheet(self, plan_code: str, reg_no: str, operator: OperatorSession) -> SheetPrinted:
        """The sheet kept here printed again (Records), with no centre needed."""
        return self.results.reprint(plan_code, reg_no, operator)

    def find_sheets(self, text: str) -> list[SheetView]:
        """The sheets kept here for a household, by filing no., ID number (applicant or member) or reg no."""
        return self.results.find(text)

    # --- internals ---

    def _wishes(self, plan_code: str, reg_no: str) -> tuple[str, ...]:
        view = self._last.get(plan_code) or self.current(plan_code)
        return _turn_of(view, reg_no).wish_codes

    def _turn_change(self, reply: Reply, plan_code: str) -> TurnView:
        if reply.accepted:
            self._changes.publish(Change.SELECTION)
            turn = turn_view(reply.body)
            self._reread(plan_code)  # the rest of the state moved with it (taken units, queue)
            return turn
        if reply.refused:
            if reply.code == "unit_taken":
                self._reread(plan_code)  # the list the staff see is refreshed before they read the message
            raise _refused(reply)
        raise _offline(reply)

    def _state_change(self, reply: Reply, plan_code: str) -> SelectionView:
        if not reply.accepted:
            raise _refused(reply) if reply.refused else _offline(reply)
        view = selection_view(reply.body, self._clock())
        self._last[plan_code] = view
        self._changes.publish(Change.SELECTION)
        return view

    def _reread(self, plan_code: str) -> SelectionView | None:
        reply = self._calls.state(plan_code)
        if not reply.accepted:
            return None
        view = selection_view(reply.body, self._clock())
        self._last[plan_code] = view
        return view

    def _settle_lost_confirm(
        self, plan_code: str, reg_no: str, unit_code: str, key: str, operator: OperatorSession, why: str
    ) -> ConfirmOutcome:
        view = self._reread(plan_code)
        outcome = lost_confirm(view.turn(reg_no) if view else None, unit_code, key)
        if outcome.status is ConfirmStatus.UNKNOWN:
            log.warning("confirm %s of %s: answer lost, centre unreachable (%s)", unit_code, reg_no, why)
        elif outcome.status is ConfirmStatus.CONFIRMED and outcome.turn is not None:
            self._after_confirm(outcome.turn, operator)
        elif outcome.status is ConfirmStatus.FINISHED_OTHERWISE:
            self._changes.publish(Change.SELECTION)
        return outcome

    def _after_confirm(self, turn: TurnView, operator: OperatorSession) -> None:
        self._changes.publish(Change.SELECTION)
        now = self._clock()

        def record() -> None:
            with self._uow() as uow:
                audit.record(
                    uow.session,
                    action="selection_confirm",
                    at=now,
                    counter=operator.counter,
                    operator_id=operator.id,
                    subject=turn.reg_no,
                    unit_code=turn.unit_code,
                )
                uow.commit()

        self._write(record)


def _turn_of(view: SelectionView, reg_no: str) -> TurnView:
    turn = view.turn(reg_no)
    if turn is None:
        raise NotFound(f"本次选房名单中没有登记 {reg_no}", code="not_in_selection")
    return turn


def _refused(reply: Reply) -> SelectionRefused:
    return SelectionRefused(reply.message, hint=reply.hint, code=reply.code or SelectionRefused.code)


def _offline(reply: Reply) -> SelectionOffline:
    return SelectionOffline(
        f"连接不上中心，未办理：{reply.message}", hint="选房的每一步都需联网；请检查网络后重试"
    )
