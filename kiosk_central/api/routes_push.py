"""The push channel: Server-Sent Events telling counters that the catalog, reviews or plan counts moved."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from kiosk_central.api.deps import CentralDep, PrincipalDep
from kiosk_central.services.push import HEARTBEAT_SECONDS, LIFETIME_SECONDS, Position, PushHub, stream

router = APIRouter()
LastEventId = Annotated[
    str | None,
    Header(
        alias="Last-Event-ID",
        max_length=64,
        description="the id of the last event received; missing or unknown: a reset event comes first",
    ),
]


# Not in the OpenAPI document: a stream never ends, so the document's fuzzer (which calls every operation and
# reads each answer to its end) cannot take it. docs/central-api.md, "Push", describes it.
@router.get("/events/stream", response_class=StreamingResponse, include_in_schema=False)
async def events_stream(
    request: Request, central: CentralDep, _caller: PrincipalDep, last_event_id: LastEventId = None
) -> StreamingResponse:
    """What moved at the centre, one small event per kind (no personal data), resumable by Last-Event-ID."""
    hub = await _hub(request, central)
    # Tests shorten these on their app.
    heartbeat = float(getattr(request.app.state, "push_heartbeat", HEARTBEAT_SECONDS))
    lifetime = float(getattr(request.app.state, "push_lifetime", LIFETIME_SECONDS))
    return StreamingResponse(
        stream(hub, Position.parse(last_event_id), heartbeat=heartbeat, lifetime=lifetime),
        media_type="text/event-stream",
        # No proxy may hold events back to fill a buffer.
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _hub(request: Request, central: CentralDep) -> PushHub:
    # Made by the first stream, not at start-up: the app may be served without its lifespan (tests, workers).
    # No await between the look and the store, so two first streams on the loop cannot make two hubs.
    hub: PushHub | None = getattr(request.app.state, "push_hub", None)
    if hub is None:
        hub = PushHub(central.db.session)
        request.app.state.push_hub = hub
    return hub
