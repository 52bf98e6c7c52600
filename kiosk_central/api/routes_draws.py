"""The public lottery: the supervisor's console steps, the counters' outcomes feed, and the record anyone reads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from kiosk_central.api import public_page
from kiosk_central.api.deps import CentralDep, PrincipalDep, SessionDep
from kiosk_central.api.schemas import ErrorBody
from kiosk_central.api.schemas_draws import (
    DrawRecord,
    FreezeRequest,
    OutcomesPage,
    PublicDraws,
    ReadyPlans,
    RetractRequest,
    SourcesRequest,
)
from kiosk_central.services import catalog, draw_views
from kiosk_central.services.draw_requests import Answer
from kiosk_central.services.draw_rules import SpecIn
from kiosk_core import lottery

router = APIRouter(tags=["draws"])
public = APIRouter(tags=["public"])

DrawId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PlanCode = Annotated[str, Path(max_length=16)]
IdempotencyKey = Annotated[
    str, Header(alias="Idempotency-Key", description="one per console action (a UUID)")
]
Since = Annotated[
    int, Query(ge=0, le=2**63 - 1, description="the version the counter holds (0: nothing yet)")
]
Limit = Annotated[int | None, Query(description="page size, default 5000, at most 20000")]
_CHANGE: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "supervisor_required; retract: second_supervisor_refused …"},
    404: {"model": ErrorBody, "description": "plan_not_found / draw_not_found"},
    409: {
        "model": ErrorBody,
        "description": "the draw's state or the plan refuses the step; nothing changed",
    },
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}}
_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
    # Spelt out: on a text route FastAPI would document the error body as text/plain.
    404: {
        "description": "no such draw, or the file is not public yet",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    },
}


def _answer(answer: Answer) -> JSONResponse:
    return JSONResponse(answer.body, status_code=answer.status)


@router.get("/draws/ready", response_model=ReadyPlans)
def ready(central: CentralDep, session: SessionDep, _device: PrincipalDep) -> JSONResponse:
    """Quick plans whose window has closed: pools, entries, quotas, the current draw; counters still sending."""
    return JSONResponse(draw_views.ready(session, central.clock(), central.draws.unsent))


@router.get("/draws/outcomes", response_model=OutcomesPage)
def outcomes(
    central: CentralDep, session: SessionDep, _device: PrincipalDep, since: Since = 0, limit: Limit = None
) -> JSONResponse:
    """Outcomes of published draws after ``since``; a retracted draw's rows come again as ``withdrawn``."""
    s = central.settings
    size = catalog.check_paging(since, limit, s.changes_default_limit, s.changes_max_limit)
    return JSONResponse(draw_views.outcomes(session, since, size))


@router.get("/draws/{draw_id}", response_model=DrawRecord, responses=_NOT_FOUND)
def get_draw(draw_id: DrawId, session: SessionDep, _device: PrincipalDep) -> JSONResponse:
    """A draw's whole record (a drawn result before it is published, for the console's check)."""
    return JSONResponse(draw_views.get_record(session, draw_id))


@router.post("/plans/{plan_code}/draw/freeze", response_model=DrawRecord, responses=_CHANGE)
def freeze(
    plan_code: PlanCode,
    body: FreezeRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """Freeze the plan's list and pools and commit to its sources (kinds, labels, entropy; no values yet)."""
    specs = [SpecIn(s.kind, s.label, s.bits) for s in body.sources]
    return _answer(central.draws.freeze(session, principal, idempotency_key, plan_code, specs, body.force))


@router.post("/draws/{draw_id}/sources", response_model=DrawRecord, responses=_CHANGE)
def sources(
    draw_id: DrawId,
    body: SourcesRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """The sources' values, one per committed source (the console compared two entries before sending)."""
    values = [(v.label, v.value) for v in body.values]
    return _answer(central.draws.commit_sources(session, principal, idempotency_key, draw_id, values))


@router.post("/draws/{draw_id}/run", response_model=DrawRecord, responses=_CHANGE)
def run(
    draw_id: DrawId,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """Draw: the seed, the order and the allocation. A draw runs once."""
    return _answer(central.draws.run(session, principal, idempotency_key, draw_id))


@router.post("/draws/{draw_id}/publish", response_model=DrawRecord, responses=_CHANGE)
def publish(
    draw_id: DrawId,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """Publish the result: counters get the outcomes and the public record shows it."""
    return _answer(central.draws.publish(session, principal, idempotency_key, draw_id))


@router.post("/draws/{draw_id}/retract", response_model=DrawRecord, responses=_CHANGE)
def retract(
    draw_id: DrawId,
    body: RetractRequest,
    central: CentralDep,
    session: SessionDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """Withdraw a draw for a reason, confirmed by a second supervisor; it stays on record, a new freeze may follow."""
    return _answer(
        central.draws.retract(
            session,
            principal,
            idempotency_key,
            draw_id,
            body.reason,
            body.second_username,
            body.second_password,
        )
    )


# --- the public record: no sign-in ---

_FILES = {"list": "list.txt", "pools": "pools.txt", "sources": "sources.txt", "result": "result.txt"}


@public.get(
    "/",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def public_index(session: SessionDep) -> HTMLResponse:
    """The public record as a page: every draw, its hashes and files, and the verifier."""
    return HTMLResponse(public_page.page(draw_views.public_list(session)))


@public.get("/draws", response_model=PublicDraws)
def public_draws(session: SessionDep) -> JSONResponse:
    """Every draw, newest first; results once published; retracted ones stay, with their reason in the record."""
    return JSONResponse({"draws": draw_views.public_list(session), "verifier": "/public/verify_draw.py"})


@public.get("/draws/{draw_id}", response_model=DrawRecord, responses=_NOT_FOUND)
def public_draw(draw_id: DrawId, session: SessionDep) -> JSONResponse:
    """A draw's public record: files, hashes, sources, seed and result (once published), algorithm."""
    return JSONResponse(draw_views.get_record(session, draw_id, public=True))


def _file_route(name: str) -> None:
    def serve(draw_id: DrawId, session: SessionDep) -> PlainTextResponse:
        return PlainTextResponse(draw_views.public_file(session, draw_id, name))

    serve.__name__ = f"public_draw_{name}"
    serve.__doc__ = f"The draw's {name} file, byte for byte as hashed (UTF-8)."
    public.get(f"/draws/{{draw_id}}/{_FILES[name]}", response_class=PlainTextResponse, responses=_TEXT)(serve)


for _name in _FILES:
    _file_route(_name)


@public.get("/verify_draw.py", response_class=PlainTextResponse, responses={200: _TEXT[200]})
def verifier() -> PlainTextResponse:
    """The one-file verifier (Python 3, standard library only): ``python3 verify_draw.py list.txt …``."""
    return PlainTextResponse(
        lottery.verifier_source(), headers={"Content-Disposition": 'attachment; filename="verify_draw.py"'}
    )
