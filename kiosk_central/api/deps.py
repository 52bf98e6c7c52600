"""What every request needs: the services, one database session, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from kiosk_central.bootstrap import Central
from kiosk_central.services.auth import Principal
from kiosk_central.services.unsent import HEADER as UNSENT_HEADER

_bearer = HTTPBearer(auto_error=False, description="device or operator token from /v1/auth/*")


async def get_central(request: Request) -> Central:
    # async: no I/O here, so no hop to the thread pool
    central: Central = request.app.state.central
    return central


def get_session(central: Annotated[Central, Depends(get_central)]) -> Iterator[Session]:
    """One session per request, rolled back and closed after it (services commit what they mean to keep)."""
    with central.db.session() as session:
        yield session


def get_principal(
    request: Request,
    central: Annotated[Central, Depends(get_central)],
    session: Annotated[Session, Depends(get_session, scope="function")],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    principal = central.auth.authenticate(session, credentials.credentials if credentials else None)
    # Read from the request, not declared: every sync request may carry it, and no answer depends on it.
    central.draws.unsent.record(session, principal.device_id, request.headers.get(UNSENT_HEADER))
    return principal


CentralDep = Annotated[Central, Depends(get_central)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
