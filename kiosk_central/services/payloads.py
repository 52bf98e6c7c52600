"""The kiosk's outbox messages as they arrive: field names exactly as kiosk/services (registration, records)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Payload(BaseModel):
    # Unknown fields are kept (and count for the idempotency check): a newer kiosk may send more.
    model_config = ConfigDict(extra="allow")


class RegistrationPayload(_Payload):
    reg_no: str = Field(examples=["Q2611-01-00042-7"])
    plan_code: str
    filing_no: str
    applicant_id_number: str
    project_code: str
    unit_type_code: str
    unit_code: str | None = None
    phone: str = ""
    counter: str = Field(examples=["01"])
    operator_id: int | None = None
    created_at: datetime
    notice_version: int
    notice_read_aloud: bool
    notice_ack_at: datetime
    verification_code: str


class CancellationPayload(_Payload):
    reg_no: str
    reason: str = Field(examples=["household_request"])
    comment: str = ""
    cancelled_at: datetime
    operator_id: int | None = None
    approved_by: int | None = None


class PhoneUpdatePayload(_Payload):
    filing_no: str
    phone: str
    updated_at: datetime
    operator_id: int | None = None


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_time: datetime = Field(description="The outbox row's event time at the kiosk (local time).")


class RegistrationEvent(_Event):
    payload: RegistrationPayload


class CancellationEvent(_Event):
    payload: CancellationPayload


class PhoneUpdateEvent(_Event):
    payload: PhoneUpdatePayload


AnyEvent = RegistrationEvent | CancellationEvent | PhoneUpdateEvent


class BatchItem(BaseModel):
    """One outbox message in a batch: what the single-event endpoints take, plus its kind and key."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["registration", "cancellation", "phone_update"]
    idempotency_key: str
    event_time: datetime
    payload: dict[str, Any]

    def event(self) -> AnyEvent:
        model = EVENT_MODELS[self.kind]
        return model.model_validate({"event_time": self.event_time, "payload": self.payload})


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[BatchItem] = Field(max_length=500)


EVENT_MODELS: dict[str, type[AnyEvent]] = {
    "registration": RegistrationEvent,
    "cancellation": CancellationEvent,
    "phone_update": PhoneUpdateEvent,
}
