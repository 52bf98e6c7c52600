"""What kiosks sync: catalog and review changes down, outbox events (registrations, cancellations, phones) up."""

from __future__ import annotations

import json
from typing import Annotated, Any, cast

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kiosk_central.api.body_guard import UTF8_CLEAN_STATE
from kiosk_central.api.deps import CentralDep, PrincipalDep, SessionDep
from kiosk_central.api.problems import validation_body
from kiosk_central.api.schemas import (
    BatchResults,
    CatalogPage,
    ErrorBody,
    EventAccepted,
    Rejection,
    ReviewPage,
)
from kiosk_central.services import audit_heads, catalog, records, registrations, reviews
from kiosk_central.services.event_values import BatchWork, Outcome, SetWise
from kiosk_central.services.payloads import (
    UTF8_CLEAN,
    AnyEvent,
    CancellationEvent,
    EventBatch,
    PhoneUpdateEvent,
    RegistrationEvent,
    read_item,
    utf8_clean,
)
from kiosk_central.services.registration_batch import RegistrationBatch
from kiosk_core.audit_chain import ChainHead
from kiosk_core.wire import EventKind

router = APIRouter()
# Versions are BIGINT: a since beyond them is a request error, not a query the database cannot take.
Since = Annotated[int, Query(ge=0, le=2**63 - 1, description="the version the kiosk holds (0: nothing yet)")]
Limit = Annotated[int | None, Query(description="page size, default 5000, at most 20000")]
# Required (a missing one is answered idempotency_key_missing, app._validation_error); its format is checked
# by event_keys.parse_key, so that a malformed one gets its own code too.
IdempotencyKey = Annotated[
    str, Header(alias="Idempotency-Key", description="the outbox row's idempotency key (a UUID)")
]
_EVENT_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"model": Rejection, "description": "a central rule refuses it (stored: a retry gets the same)"},
    403: {
        "model": ErrorBody,
        "description": "not_your_registration / not_your_household: another counter's, and no supervisor's token",
    },
    422: {"model": ErrorBody, "description": "malformed, or the key was used for a different payload"},
    401: {"model": ErrorBody},
    503: {"model": ErrorBody, "description": "database busy; nothing changed, retry later"},
}


@router.get("/catalog/changes", response_model=CatalogPage, tags=["sync"])
def catalog_changes(
    central: CentralDep, session: SessionDep, _device: PrincipalDep, since: Since = 0, limit: Limit = None
) -> JSONResponse:
    """Catalog rows changed after ``since``, oldest first; call again with the returned version while ``more``."""
    s = central.settings
    page = catalog.catalog_changes(
        session, since, catalog.check_paging(since, limit, s.changes_default_limit, s.changes_max_limit)
    )
    return JSONResponse(page.as_json())


@router.get("/reviews/changes", response_model=ReviewPage, tags=["sync"])
def review_changes(
    central: CentralDep, session: SessionDep, _device: PrincipalDep, since: Since = 0, limit: Limit = None
) -> JSONResponse:
    """Review results (目前进度 / 不通过原因) set after ``since``, same paging as the catalog."""
    s = central.settings
    page = reviews.review_changes(
        session, since, catalog.check_paging(since, limit, s.changes_default_limit, s.changes_max_limit)
    )
    return JSONResponse(page.as_json())


def _handle(
    central: CentralDep,
    session: Session,
    device: PrincipalDep,
    key: str | None,
    endpoint: str,
    event: AnyEvent,
    apply: Any,
    status: int,
) -> JSONResponse:
    outcome = central.events.handle(
        session,
        endpoint=endpoint,
        key=key,
        principal=device,
        event=event,
        apply=apply,
        accepted_status=status,
    )
    return JSONResponse(outcome.body, status_code=outcome.status)


@router.post(
    "/registrations",
    status_code=201,
    response_model=EventAccepted,
    responses=_EVENT_RESPONSES,
    tags=["events"],
)
def post_registration(
    event: RegistrationEvent,
    central: CentralDep,
    session: SessionDep,
    device: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """A registration from a kiosk's outbox (payload exactly as the kiosk wrote it)."""
    return _handle(
        central, session, device, idempotency_key, EventKind.REGISTRATION, event, registrations.register, 201
    )


@router.post("/cancellations", response_model=EventAccepted, responses=_EVENT_RESPONSES, tags=["events"])
def post_cancellation(
    event: CancellationEvent,
    central: CentralDep,
    session: SessionDep,
    device: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """A cancellation: frees the unit, the household's persons and its slot in the plan."""
    return _handle(
        central, session, device, idempotency_key, EventKind.CANCELLATION, event, records.cancel, 200
    )


@router.post("/phone-updates", response_model=EventAccepted, responses=_EVENT_RESPONSES, tags=["events"])
def post_phone_update(
    event: PhoneUpdateEvent,
    central: CentralDep,
    session: SessionDep,
    device: PrincipalDep,
    idempotency_key: IdempotencyKey,
) -> JSONResponse:
    """A household's new phone (bumps the household's catalog version)."""
    return _handle(
        central, session, device, idempotency_key, EventKind.PHONE_UPDATE, event, records.update_phone, 200
    )


_BATCH_USE_CASES: dict[EventKind, tuple[Any, int]] = {
    EventKind.REGISTRATION: (registrations.register, 201),
    EventKind.CANCELLATION: (records.cancel, 200),
    EventKind.PHONE_UPDATE: (records.update_phone, 200),
}


def _set_wise(session: Session, work: list[BatchWork]) -> dict[str, SetWise]:
    """Registrations are judged in memory and written together; the rarer kinds go one by one."""
    payloads = [w.event.payload for w in work if isinstance(w.event, RegistrationEvent)]
    return {EventKind.REGISTRATION: RegistrationBatch(session, payloads)} if payloads else {}


@router.post("/events/batch", response_model=BatchResults, responses=_EVENT_RESPONSES, tags=["events"])
def post_batch(
    batch: EventBatch, request: Request, central: CentralDep, session: SessionDep, device: PrincipalDep
) -> Response:
    """Up to 500 outbox messages in the kiosk's order, answered one by one as the single endpoints would.

    A message the schema refuses gets its own 422 in its place (not stored: there is no event to store) and
    the others go on; refusing the whole batch would refuse it again on every retry, and the kiosk's queue
    would never get past it.
    """
    keys: list[str] = []
    answers: list[Outcome | BatchWork] = []
    # The body guard's look at the bytes (no surrogate escape or bytes at all) spares encoding every message.
    clean = getattr(request.state, UTF8_CLEAN_STATE, False) or utf8_clean(batch.events)
    context = {UTF8_CLEAN: clean}
    for raw in cast(list[Any], batch.events):  # each checked below, on its own
        key = raw.get("idempotency_key") if isinstance(raw, dict) else None
        keys.append(key if isinstance(key, str) else "")
        try:
            kind, item_key, event = read_item(raw, context)
            use_case, status = _BATCH_USE_CASES[kind]
            answers.append(BatchWork(kind, item_key, event, use_case, status))
        except ValidationError as e:
            answers.append(Outcome(422, validation_body(e.errors())))
    work = [a for a in answers if isinstance(a, BatchWork)]
    done = iter(central.events.handle_batch(session, device, work, _set_wise))
    outcomes = [a if isinstance(a, Outcome) else next(done) for a in answers]
    if batch.audit_head is not None:
        head = ChainHead(batch.audit_head.seq, batch.audit_head.mac)
        audit_heads.take(session, device.device_id, head, central.events.now())
    return _results(keys, outcomes)


# As JSONResponse writes JSON. The answers stored under their keys are written out already: used as they are.
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _results(keys: list[str], outcomes: list[Outcome]) -> Response:
    """``{"results": [{idempotency_key, status, body}, ...]}``, each body written out once."""
    encode = _JSON.encode
    results = ",".join(
        f'{{"idempotency_key":{encode(key)},"status":{o.status},"body":{o.text or encode(o.body)}}}'
        for key, o in zip(keys, outcomes, strict=True)
    )
    return Response(f'{{"results":[{results}]}}'.encode(), media_type="application/json")
