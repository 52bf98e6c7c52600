"""Request and response bodies as the OpenAPI document shows them (event payloads: services/payloads.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from kiosk_central.services.payloads import rule_error
from kiosk_core.errors import InvalidInput
from kiosk_core.passwords import MAX_LENGTH as MAX_PASSWORD


class ErrorBody(BaseModel):
    """Every refusal, whatever its status (a 409 rejection adds ``result``)."""

    code: str = Field(examples=["token_expired"])
    message: str = Field(description="Chinese, for staff to read")
    hint: str | None = None
    errors: list[dict[str, object]] | None = Field(None, description="422: each field the schema refused")


class Rejection(BaseModel):
    result: str = Field("rejected", examples=["rejected"])
    code: str = Field(examples=["already_registered"])
    message: str
    hint: str | None = None


class EventAccepted(BaseModel):
    result: str = Field("accepted", examples=["accepted"])
    reg_no: str | None = None
    filing_no: str | None = None
    received_at: datetime
    applied: bool | None = Field(
        None, description="phone updates: false when a newer phone was already applied"
    )


def _at_most(limit: int) -> AfterValidator:
    """A sign-in field no real one exceeds: refused with a code before any lookup or password hash."""

    def check(value: str) -> str:
        if len(value) > limit:
            error = InvalidInput(f"最多{limit}个字符，现在是{len(value)}个", code="text_too_long")
            raise rule_error(error)
        return value

    return AfterValidator(check)


class DeviceLogin(BaseModel):
    device_id: Annotated[str, _at_most(64)] = Field(description="the UUID enroll-device printed")
    secret: Annotated[str, _at_most(128)]


class OperatorLogin(BaseModel):
    username: Annotated[str, _at_most(64)]
    password: Annotated[str, _at_most(MAX_PASSWORD)]


class TokenOut(BaseModel):
    token: str
    expires_at: datetime = Field(description="local time of the centre")
    expires_in: int = Field(description="seconds from now")


class OperatorOut(BaseModel):
    username: str
    display_name: str
    role: str


class OperatorTokenOut(TokenOut):
    operator: OperatorOut


class CatalogChange(BaseModel):
    entity: str = Field(examples=["household"])
    key: str = Field(
        description="natural key: plan code, plan_code:notice version, project/unit type/unit code, …"
    )
    version: int
    data: dict[str, object]


class CatalogPage(BaseModel):
    version: int = Field(description="highest version in this page, or `since` when empty: the next `since`")
    more: bool
    changes: list[CatalogChange]


class ReviewChange(BaseModel):
    reg_no: str
    review_status: str = Field(examples=["审核不通过"])
    reject_reason: str
    version: int
    status: str = Field(examples=["cancelled"], description="active | cancelled")
    cancelled_at: datetime | None = Field(
        None, description="when it was cancelled at the counter that did it"
    )
    cancel_reason: str | None = Field(None, examples=["household_request"])
    cancel_comment: str | None = None
    cancelled_by_counter: str | None = Field(
        None, description="the counter whose message cancelled it (a supervisor's, when not the owner)"
    )


class ReviewPage(BaseModel):
    version: int
    more: bool
    changes: list[ReviewChange]


class Health(BaseModel):
    status: str = "ok"
    time: datetime


class BatchResult(BaseModel):
    idempotency_key: str
    status: int = Field(description="what the single-message endpoint would have answered: 200/201, 409, 422")
    body: dict[str, object]


class BatchResults(BaseModel):
    results: list[BatchResult] = Field(description="one per message, in the order sent")


class PlanCounts(BaseModel):
    at: datetime = Field(description="the centre's local time of the count")
    plans: dict[str, int] = Field(description="plan code to its active registrations, every counter's")
