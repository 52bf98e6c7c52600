"""What counters read besides the changes: project photos by hash, and how many registered in each plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse, Response

from kiosk_central.api.deps import CentralDep, PrincipalDep, SessionDep
from kiosk_central.api.schemas import ErrorBody, PlanCounts
from kiosk_central.clock import wire_time
from kiosk_central.services import catalog, photos

router = APIRouter()
Sha256 = Annotated[
    str, Path(description="the photo's SHA-256, 64 lowercase hex digits, as the catalog names it")
]


@router.get(
    "/photos/{sha256}",
    tags=["sync"],
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}, "image/jpeg": {}}, "description": "the photo's bytes"},
        404: {"model": ErrorBody, "description": "photo_not_found"},
        422: {"model": ErrorBody, "description": "photo_hash_invalid"},
    },
)
def get_photo(sha256: Sha256, session: SessionDep, _device: PrincipalDep) -> Response:
    """A project photo named in the catalog; its bytes never change, so it may be cached for good."""
    photo = photos.get(session, sha256)
    data, kind = bytes(photo.data), photo.content_type
    session.rollback()
    return Response(
        data,
        media_type=kind,
        headers={"ETag": f'"{sha256}"', "Cache-Control": "private, max-age=31536000, immutable"},
    )


@router.get("/plans/counts", response_model=PlanCounts, tags=["sync"])
def plan_counts(central: CentralDep, session: SessionDep, _device: PrincipalDep) -> JSONResponse:
    """Active registrations in each plan from every counter, and the centre's time of the count."""
    at = central.clock()
    counts = catalog.plan_counts(session)
    return JSONResponse({"at": wire_time(at), "plans": counts})
