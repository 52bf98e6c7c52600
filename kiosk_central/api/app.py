"""The FastAPI application: routes under /v1, errors as ``{code, message, hint}``, OpenAPI at /openapi.json."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from kiosk_central.api import (
    contract,
    routes_auth,
    routes_catalog,
    routes_draws,
    routes_push,
    routes_selection,
    routes_sync,
)
from kiosk_central.api.body_guard import JsonBodyGuard
from kiosk_central.api.body_limit import BodySizeLimit
from kiosk_central.api.gc_policy import settle
from kiosk_central.api.priority import UrgentFirst
from kiosk_central.api.problems import validation_body
from kiosk_central.bootstrap import Central, build
from kiosk_central.config import Settings, resolve_database_url
from kiosk_central.services import id_keys, selection_ticker
from kiosk_central.services.errors import CentralError
from kiosk_central.services.event_keys import parse_key
from kiosk_core.identity import parse_id_number

log = logging.getLogger(__name__)
DESCRIPTION = """Counters' kiosks sync with the housing centre here: catalog and review changes since a version,
registrations, cancellations and phone updates from their outbox (idempotent by `Idempotency-Key`).
See docs/central-api.md."""


_SAMPLE_ID_NUMBER = "11010519491231002X"  # valid: Beijing, Chaoyang, 1949-12-31


def create_app(central: Central, *, settle_gc: bool = False) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Handlers block on the database, so they run on anyio's thread pool; its size is set here.
        anyio.to_thread.current_default_thread_limiter().total_tokens = central.settings.threads
        # The first ID number checked loads stdnum's region table (~0.15 s of CPU): at start, not in the
        # first batch a counter sends.
        parse_id_number(_SAMPLE_ID_NUMBER)
        if settle_gc:  # a serving process only: a test process would keep its tests' objects forever
            settle()
        ticker = selection_ticker.SelectionTicker(central.db, central.clock)
        ticking = asyncio.get_running_loop().create_task(
            selection_ticker.run(ticker), name="selection-ticker"
        )
        yield
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking

    app = FastAPI(title="Kiosk central service", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.central = central
    app.include_router(routes_auth.router, prefix="/v1")
    app.include_router(routes_sync.router, prefix="/v1")
    app.include_router(routes_catalog.router, prefix="/v1")
    app.include_router(routes_push.router, prefix="/v1")
    app.include_router(routes_draws.router, prefix="/v1")
    app.include_router(routes_draws.public, prefix="/public")
    app.include_router(routes_selection.router, prefix="/v1")
    app.include_router(routes_selection.public, prefix="/v1")
    app.add_exception_handler(CentralError, _central_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, contract.http_error)
    app.add_exception_handler(OperationalError, _database_down)
    # Last resort: a bug still answers in the one error shape, with a code, and nothing of the centre's insides.
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(UrgentFirst)  # innermost: the body is checked and capped before a slot is taken
    app.add_middleware(JsonBodyGuard)
    app.add_middleware(BodySizeLimit)  # added last, so it runs first: nothing reads a body past its cap
    app.openapi = lambda: contract.document(app)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """For ``uvicorn --factory`` and for workers: the database from KIOSK_CENTRAL_DATABASE_URL."""
    central = build(Settings(database_url=resolve_database_url(None, None)))
    try:
        id_keys.check(central.db)  # a worker never serves with a key the stored ID hashes were not made with
    except BaseException:
        central.close()
        raise
    return create_app(central, settle_gc=True)


async def _central_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CentralError)
    return JSONResponse(exc.body(), status_code=exc.status)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "missing" and tuple(e.get("loc", ())) == _KEY_HEADER for e in errors):
        try:
            parse_key(None)  # the header is required by the document; its absence keeps its own code
        except CentralError as missing:
            return JSONResponse(missing.body(), status_code=missing.status)
    return JSONResponse(validation_body(errors), status_code=422)


_KEY_HEADER = ("header", "Idempotency-Key")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    incident = uuid.uuid4().hex[:12]
    log.error("unexpected error %s on %s %s", incident, request.method, request.url.path, exc_info=exc)
    return JSONResponse(
        {
            "code": "internal_error",
            "message": f"中心服务出错，本次请求未处理（编号 {incident}）",
            "hint": "稍后会自动重试；一直出现请把编号告诉管理员",
        },
        status_code=500,
    )


async def _database_down(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return JSONResponse(
        {"code": "database_unavailable", "message": "中心数据库暂时不可用", "hint": "稍后会自动重试"},
        status_code=503,
    )
