"""The kiosk's outbox messages as they arrive: field names exactly as kiosk/services (registration, records).

Every field is checked with the counter's own rules (kiosk_core: identity, reg_no, fields), so the centre
stores nothing a counter could not have sent; a rule's code (``phone_format``) is the answer's code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SkipValidation,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kiosk_central.services import wire
from kiosk_core import fields
from kiosk_core.errors import InvalidInput, KioskError
from kiosk_core.identity import parse_filing_no, parse_id_number, parse_phone
from kiosk_core.model import CancelReason
from kiosk_core.reg_no import parse_reg_no
from kiosk_core.wire import EventKind

INT32_MAX = 2**31 - 1  # operator ids and notice versions are INTEGER columns
EARLIEST_YEAR, LATEST_YEAR = 2000, 2199


def rule_error(error: KioskError) -> PydanticCustomError:
    """A domain rule's refusal as a validation error; the app answers with its code (api/problems.py)."""
    return PydanticCustomError(
        error.code, "{message}", {"message": error.message, "hint": error.hint, "rule": True}
    )


def _rule(check: Callable[[str], object]) -> AfterValidator:
    # A value that passed once passes again (the rules are pure); a batch repeats its plan, project, unit
    # type, counter and phone in every message. Refusals raise, so they are never kept. The cache is the
    # validator itself: a value seen before costs no Python call at all.
    @functools.lru_cache(maxsize=2048)
    def validate(value: str) -> str:
        try:
            check(value)
        except InvalidInput as e:
            raise rule_error(e) from None
        return value  # checked, not rewritten: the idempotency hash is of what the kiosk sent

    return AfterValidator(validate)


# The registration stores the canonical phone and number its payload's checks already computed: each is
# parsed once a message (the rules are pure; refusals raise and are never kept).
canonical_phone = functools.lru_cache(maxsize=2048)(parse_phone)
canonical_reg_no = functools.lru_cache(maxsize=2048)(parse_reg_no)


def _canonical_filing_no(raw: str) -> None:
    # parse_filing_no finds a number inside a scanned label; on the wire only the number itself will do.
    if parse_filing_no(raw) != raw:
        raise InvalidInput(
            f"备案编号格式不对：{raw[:20]}", hint="应为2个字母加10位数字", code="filing_format"
        )


def _phone_or_empty(raw: str) -> None:
    if raw:
        canonical_phone(raw)


def _cancel_reason(raw: str) -> None:
    if raw not in {reason.value for reason in CancelReason}:
        raise InvalidInput(f"取消原因代码不对：{raw[:32]}", code="cancel_reason_unknown")


def _in_calendar(value: datetime) -> datetime:
    # Converting 9999-12-31T23:59-05:00 to local time overflows; no counter's clock is anywhere near.
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise PydanticCustomError(
            "time_out_of_range",
            "{message}",
            {
                "message": f"时间超出范围：应在{EARLIEST_YEAR}年到{LATEST_YEAR}年之间",
                "hint": "请校准本机时钟",
                "rule": True,
            },
        )
    return value


Moment = Annotated[datetime, AfterValidator(_in_calendar)]
OperatorId = Annotated[int, Field(ge=1, le=INT32_MAX)]
RegNo = Annotated[str, _rule(canonical_reg_no)]
FilingNo = Annotated[str, _rule(_canonical_filing_no)]


class _Payload(BaseModel):
    # Unknown fields are kept (and count for the idempotency check): a newer kiosk may send more.
    model_config = ConfigDict(extra="allow")


class RegistrationPayload(_Payload):
    reg_no: RegNo = Field(examples=["Q2611-01-00042-7"])
    plan_code: Annotated[str, _rule(fields.parse_plan_code)]
    filing_no: FilingNo
    applicant_id_number: Annotated[str, _rule(parse_id_number)]
    project_code: Annotated[str, _rule(lambda v: fields.parse_code(v, "项目"))]
    unit_type_code: Annotated[str, _rule(lambda v: fields.parse_code(v, "户型"))]
    unit_code: Annotated[str, _rule(lambda v: fields.parse_code(v, "房源"))] | None = None
    phone: Annotated[str, _rule(_phone_or_empty)] = ""
    counter: Annotated[str, _rule(fields.parse_counter)] = Field(examples=["01"])
    operator_id: OperatorId | None = None
    created_at: Moment
    notice_version: int = Field(ge=0, le=INT32_MAX, description="0: no notice acknowledged")
    notice_read_aloud: bool
    notice_ack_at: Moment
    verification_code: Annotated[str, _rule(fields.parse_verification_code)] = Field(examples=["K7XQ2M4A"])


class CancellationPayload(_Payload):
    reg_no: RegNo
    reason: Annotated[str, _rule(_cancel_reason)] = Field(examples=["household_request"])
    comment: Annotated[str, _rule(fields.check_comment)] = ""
    cancelled_at: Moment
    operator_id: OperatorId | None = None
    approved_by: OperatorId | None = None


class PhoneUpdatePayload(_Payload):
    filing_no: FilingNo
    phone: Annotated[str, _rule(parse_phone)]
    updated_at: Moment
    operator_id: OperatorId | None = None


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event_time: Moment = Field(description="The outbox row's event time at the kiosk (local time).")


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
    kind: EventKind
    idempotency_key: str = Field(max_length=64)
    event_time: Moment
    payload: dict[str, Any]

    @model_validator(mode="before")
    @classmethod
    def _no_lone_surrogates(cls, data: Any, info: ValidationInfo) -> Any:
        # The body guard leaves the batch to its messages, so that one bad message does not refuse the rest.
        # The route encodes the whole batch once; only when that fails is each message looked at.
        if info.context and info.context.get(UTF8_CLEAN):
            return data
        where = wire.surrogate_path(data) if _maybe_surrogate(data) else None
        if where is not None:
            raise PydanticCustomError(
                "text_invalid_unicode",
                "{message}",
                {"message": f"{where}：文字含无效字符", "hint": wire.SURROGATE_HINT, "rule": True},
            )
        return data

    def event(self) -> AnyEvent:
        model = EVENT_MODELS[self.kind]
        return model.model_validate({"event_time": self.event_time, "payload": self.payload})


UTF8_CLEAN = (
    "utf8_clean"  # validation context: the whole batch encodes as UTF-8, so no message holds a surrogate
)


class _TypedItem(BaseModel):
    """A batch message validated in one pass, its payload by its kind's model (``read_item``)."""

    model_config = ConfigDict(extra="forbid")
    kind: EventKind
    idempotency_key: str = Field(max_length=64)
    event_time: Moment


class _RegistrationItem(_TypedItem):
    payload: RegistrationPayload


class _CancellationItem(_TypedItem):
    payload: CancellationPayload


class _PhoneUpdateItem(_TypedItem):
    payload: PhoneUpdatePayload


def read_item(raw: Any, context: dict[str, Any]) -> tuple[EventKind, str, AnyEvent]:
    """A batch message's kind, key and event, each field validated once; raises ValidationError as BatchItem.

    A message that passes is read in one pass by its kind's model. One that does not (or a batch that may
    hold a surrogate) goes through ``BatchItem`` and then its event, as it always has, so that the answer's
    errors are today's: a bad kind or key is reported without the payload's errors behind it.
    """
    kind = raw.get("kind") if isinstance(raw, dict) and context.get(UTF8_CLEAN) else None
    model = _ITEM_MODELS.get(kind) if isinstance(kind, str) else None
    if model is not None:
        try:
            typed = model.model_validate(raw)
        except ValidationError:
            pass  # said again below, with the errors the two steps give
        else:
            # Validated already: the event's own validator takes the typed payload as it is (pydantic does not
            # validate a model instance again) and checks only the time's range once more; at half the cost of
            # model_construct, which works field by field in Python.
            event = _EVENT_VALIDATORS[typed.kind](
                {"event_time": typed.event_time, "payload": typed.payload}  # type: ignore[attr-defined]
            )
            return typed.kind, typed.idempotency_key, event
    item = BatchItem.model_validate(raw, context=context)
    return item.kind, item.idempotency_key, item.event()


def utf8_clean(data: Any) -> bool:
    return not _maybe_surrogate(data)


def _maybe_surrogate(data: Any) -> bool:
    """False when the value surely holds no lone surrogate: encoding it as UTF-8 in C is the quick proof.

    Only a failure (a surrogate, or something that is not plain JSON) pays for the walk that says where.
    """
    try:
        json.dumps(data, ensure_ascii=False).encode()
    except (UnicodeEncodeError, TypeError, ValueError):
        return True
    return False


class AuditHead(BaseModel):
    """kiosk_core.wire.AuditHeadData: the newest entry of the counter's audit chain."""

    model_config = ConfigDict(extra="forbid")
    seq: int = Field(ge=1)
    mac: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Each message is validated on its own in the route, so a bad one is answered in its place.
    events: list[SkipValidation[BatchItem]] = Field(max_length=500)
    audit_head: AuditHead | None = None


EVENT_MODELS: dict[EventKind, type[AnyEvent]] = {
    EventKind.REGISTRATION: RegistrationEvent,
    EventKind.CANCELLATION: CancellationEvent,
    EventKind.PHONE_UPDATE: PhoneUpdateEvent,
}
# The payload model of each kind; tests/test_wire.py keeps their fields equal to kiosk_core.wire's.
PAYLOAD_MODELS: dict[EventKind, type[BaseModel]] = {
    EventKind.REGISTRATION: RegistrationPayload,
    EventKind.CANCELLATION: CancellationPayload,
    EventKind.PHONE_UPDATE: PhoneUpdatePayload,
}
_EVENT_VALIDATORS: dict[EventKind, Callable[[dict[str, Any]], AnyEvent]] = {
    kind: model.__pydantic_validator__.validate_python for kind, model in EVENT_MODELS.items()
}
_ITEM_MODELS: dict[str, type[_TypedItem]] = {
    EventKind.REGISTRATION.value: _RegistrationItem,
    EventKind.CANCELLATION.value: _CancellationItem,
    EventKind.PHONE_UPDATE.value: _PhoneUpdateItem,
}
