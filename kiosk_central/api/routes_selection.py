"""On-site selection (选房): a supervisor arranges rounds, counters call and serve households, the hall reads.

The counter is the device's (from its token), never the body's; times are the centre's. Every POST and PUT
takes an ``Idempotency-Key``: a retry gets the stored answer, a refusal included.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import JSONResponse, Response

from kiosk_central.api.deps import CentralDep, PrincipalDep, SessionDep
from kiosk_central.api.schemas import ErrorBody
from kiosk_central.api.schemas_selection import (
    ConfirmRequest,
    DeclineRequest,
    PublicResult,
    RedeclareRequest,
    SelectionRequest,
    SelectionState,
    SheetData,
    SupplementaryRoundRequest,
    TurnRow,
    WishesRequest,
)
from kiosk_central.clock import to_local_naive
from kiosk_central.services.draw_requests import Answer
from kiosk_central.services.errors import InvalidRequest

router = APIRouter(tags=["selection"])
public = APIRouter(tags=["public"])

PlanCode = Annotated[str, Path(max_length=16)]
RegNo = Annotated[str, Path(max_length=32)]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", description="one per staff action (a UUID)")]
_ARRANGE: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "supervisor_required"},
    404: {"model": ErrorBody, "description": "plan_not_found / selection_not_found"},
    409: {"model": ErrorBody, "description": "no_selection_draw, selection_exists, no_applicants …"},
}
_TURN: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "supervisor_required (moving a turn)"},
    404: {"model": ErrorBody, "description": "plan_not_found / selection_not_found / turn_not_found"},
    409: {
        "model": ErrorBody,
        "description": "the turn's state refuses the step (not_your_turn, not_your_counter, turn_finished, "
        "unit_taken with the refreshed `turn` …); nothing changed",
    },
}
_READ: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}}


def _answer(answer: Answer) -> JSONResponse:
    return JSONResponse(answer.body, status_code=answer.status)


def _start(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2999:
        raise InvalidRequest(f"开始时间不合理：{value.year} 年", code="bad_first_start")
    return to_local_naive(value)


@router.post("/plans/{plan_code}/selection", response_model=SelectionState, responses=_ARRANGE)
def arrange(
    plan_code: PlanCode,
    body: SelectionRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """Cut the plan's published selection draw into rounds (supervisor): one turn per household in order."""
    values = body.model_dump() | {"first_start": _start(body.first_start)}
    return _answer(central.selection.create(session, principal, idempotency_key, plan_code, values))


@router.post("/plans/{plan_code}/selection/supplementary", response_model=SelectionState, responses=_ARRANGE)
def supplementary_round(
    plan_code: PlanCode,
    body: SupplementaryRoundRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """A supplementary round of the households that applied, in rank order, with the units that remain."""
    values = {"first_start": _start(body.first_start), "round_minutes": body.round_minutes}
    return _answer(
        central.selection.supplementary_round(session, principal, idempotency_key, plan_code, values)
    )


@router.get("/selection/{plan_code}", response_model=SelectionState, responses=_READ)
def state(plan_code: PlanCode, central: CentralDep, session: SessionDep, principal: PrincipalDep) -> Response:
    """Rounds, turns, units and counts at ``server_time``; the counter's read is its heartbeat (every 2 s)."""
    return _state_answer(central.selection.read_state(session, plan_code, principal))


@router.get("/selection/{plan_code}/turns/{reg_no}", response_model=TurnRow, responses=_READ)
def turn(
    plan_code: PlanCode, reg_no: RegNo, central: CentralDep, session: SessionDep, _device: PrincipalDep
) -> JSONResponse:
    """One household's turn (after a dropped confirmation: did it go through?)."""
    return JSONResponse(central.selection.read_turn(session, plan_code, reg_no))


@router.post("/selection/{plan_code}/call", response_model=TurnRow, responses=_TURN)
def call(
    plan_code: PlanCode,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """The next household for this counter (late arrivals first, then rank order); ``no_one_waiting`` 409."""
    return _answer(central.selection.call(session, principal, idempotency_key, plan_code))


def _plain_step(name: str, doc: str, method: str = "") -> None:
    """A step with no body at ``…/turns/{reg_no}/{name}``: the selection service's ``method`` (else ``name``)."""

    def step(
        plan_code: PlanCode,
        reg_no: RegNo,
        central: CentralDep,
        session: SessionDep,
        principal: PrincipalDep,
        idempotency_key: IdempotencyKey,
    ) -> JSONResponse:
        operation = getattr(central.selection, method or name)
        return _answer(operation(session, principal, idempotency_key, plan_code, reg_no))

    step.__name__ = f"turn_{name}"
    step.__doc__ = doc
    router.post(f"/selection/{{plan_code}}/turns/{{reg_no}}/{name}", response_model=TurnRow, responses=_TURN)(
        step
    )


_plain_step("not_here", "Called and not there: passed over; the pool goes on without it.")
_plain_step("arrived", "A passed-over household came: queued right after the one being served in its pool.")
_plain_step(
    "supplementary",
    "The household applies for supplementary selection (absent or no unit, in time).",
    "apply_supplementary",
)
_plain_step("move", "Take a household's turn over to this counter (supervisor).")


@router.post("/selection/{plan_code}/turns/{reg_no}/redeclare", response_model=TurnRow, responses=_TURN)
def redeclare(
    plan_code: PlanCode,
    reg_no: RegNo,
    body: RedeclareRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """The household re-declared its circumstances unchanged (the tick, with time and operator)."""
    service = central.selection
    return _answer(service.redeclare(session, principal, idempotency_key, plan_code, reg_no, body.operator))


@router.put("/selection/{plan_code}/turns/{reg_no}/wishes", response_model=TurnRow, responses=_TURN)
def wishes(
    plan_code: PlanCode,
    reg_no: RegNo,
    body: WishesRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """The ordered wish list (at most 5 units of the household's pool; a taken unit may stay, never be added)."""
    service = central.selection
    return _answer(service.set_wishes(session, principal, idempotency_key, plan_code, reg_no, body.units))


@router.post("/selection/{plan_code}/turns/{reg_no}/confirm", response_model=TurnRow, responses=_TURN)
def confirm(
    plan_code: PlanCode,
    reg_no: RegNo,
    body: ConfirmRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """Confirm one unit of the list in the open turn: final. The database decides a race for a unit."""
    service = central.selection
    return _answer(service.confirm(session, principal, idempotency_key, plan_code, reg_no, body.unit_code))


@router.post("/selection/{plan_code}/turns/{reg_no}/decline", response_model=TurnRow, responses=_TURN)
def decline(
    plan_code: PlanCode,
    reg_no: RegNo,
    body: DeclineRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """The household gives up on purpose (no supplementary selection afterwards)."""
    service = central.selection
    return _answer(service.decline(session, principal, idempotency_key, plan_code, reg_no, body.reason))


@router.get("/selection/{plan_code}/turns/{reg_no}/sheet", response_model=SheetData, responses=_READ)
def sheet(
    plan_code: PlanCode,
    reg_no: RegNo,
    request: Request,
    central: CentralDep,
    session: SessionDep,
    _device: PrincipalDep,
) -> JSONResponse:
    """The selection result sheet's data (选房确认书), for printing and reprinting."""
    verify = str(request.url_for("public_selection_result", plan_code=plan_code, reg_no=reg_no))
    return JSONResponse(central.selection.sheet(session, plan_code, reg_no, verify))


# --- the hall's screens and the sheet's check: no sign-in, masked ---


@public.get("/public/selection/{plan_code}", response_model=SelectionState, responses=_READ)
def public_state(plan_code: PlanCode, central: CentralDep, session: SessionDep) -> Response:
    """The state as the board and the calling screen show it: masked names, no filing numbers or wish lists."""
    return _state_answer(central.selection.read_state(session, plan_code))


def _state_answer(state: Mapping[str, Any]) -> Response:
    # Read by every counter and hall screen after each choice: orjson writes it in a tenth of json's time.
    return Response(orjson.dumps(state), media_type="application/json")


@public.get("/public/selection/{plan_code}/results/{reg_no}", response_model=PublicResult, responses=_READ)
def public_selection_result(
    plan_code: PlanCode, reg_no: RegNo, central: CentralDep, session: SessionDep
) -> JSONResponse:
    """What a result sheet's QR code opens: the household (masked), its unit and when it was chosen."""
    data = central.selection.sheet(session, plan_code, reg_no, "")
    keep = ("plan_code", "reg_no", "masked_name", "unit_code", "chosen_at", "how")
    return JSONResponse({k: data[k] for k in keep})  # type: ignore[literal-required]
