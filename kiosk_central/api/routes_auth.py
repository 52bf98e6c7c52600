"""Signing in devices and operators, and the health check the kiosk's online indicator polls."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from kiosk_central.api.deps import CentralDep, PrincipalDep, SessionDep
from kiosk_central.api.schemas import (
    DeviceLogin,
    ErrorBody,
    Health,
    OperatorLogin,
    OperatorTokenOut,
    TokenOut,
)
from kiosk_central.clock import wire_time
from kiosk_central.services.auth import IssuedToken

router = APIRouter(tags=["auth"])
_401: dict[int | str, dict[str, Any]] = {
    401: {
        "model": ErrorBody,
        "description": "wrong credentials, token missing/invalid/expired, operator_disabled or device_disabled",
    }
}


def _token_body(issued: IssuedToken, central: CentralDep) -> dict[str, object]:
    seconds = int((issued.expires_at - central.clock()).total_seconds())
    return {"token": issued.token, "expires_at": wire_time(issued.expires_at), "expires_in": seconds}


@router.post("/auth/device", response_model=TokenOut, responses=_401)
def device_token(body: DeviceLogin, central: CentralDep, session: SessionDep) -> JSONResponse:
    """A device token (1 h) for an enrolled kiosk's id and secret."""
    issued = central.auth.device_token(session, body.device_id, body.secret)
    return JSONResponse(_token_body(issued, central))


@router.post("/auth/operator", response_model=OperatorTokenOut, responses=_401)
def operator_token(
    body: OperatorLogin, central: CentralDep, session: SessionDep, device: PrincipalDep
) -> JSONResponse:
    """An operator token (8 h); the device token goes in ``Authorization: Bearer``. Five wrong passwords lock."""
    issued, operator = central.auth.operator_token(session, device, body.username, body.password)
    content = _token_body(issued, central) | {
        "operator": {
            "username": operator.username,
            "display_name": operator.display_name,
            "role": operator.role,
        }
    }
    return JSONResponse(content)


@router.get("/health", response_model=Health, responses={503: {"model": ErrorBody}})
def health(central: CentralDep, session: SessionDep) -> JSONResponse:
    """No sign-in needed: answers 200 when the service and its database are up."""
    session.execute(text("SELECT 1"))
    return JSONResponse({"status": "ok", "time": wire_time(central.clock())})
