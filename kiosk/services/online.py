"""Calls that need the centre's answer before staff tell the household anything, beside the offline outbox.

Every call answers in a few seconds with one of three typed answers and never raises for the network:
accepted, refused (the centre's code and Chinese message) or offline (network down, timeout, 5xx, no or
expired token, no centre configured). Offline is not an error: the caller goes on as it would without a
network, and the outbox tells the centre later.

Its client is its own (built by the composition root) and holds no token: the device token is read from
the keyring for each call, where the sync round keeps it renewed, so no token is shared across threads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.services.central_client import (
    CentralAuthExpired,
    CentralClient,
    CentralUnavailable,
    EventAnswer,
)
from kiosk.services.secrets import DEVICE_TOKEN, SecretStore, SecretsUnavailable
from kiosk_core.wire import EventResult, RegistrationPayload

log = logging.getLogger(__name__)


class Answer(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    OFFLINE = "offline"
    STANDALONE = "standalone"  # no centre configured: this counter's word is final, nothing to confirm


@dataclass(frozen=True)
class OnlineAnswer:
    answer: Answer
    code: str = ""  # the centre's code when refused (unit_taken, already_registered, …)
    message: str = ""  # refused: the centre's Chinese message; offline: why, for the log
    hint: str = ""
    received_at: datetime | None = None  # accepted: the centre's time
    result: EventResult | None = None  # refused: rejected (a rule) or invalid (never takeable as sent)

    @property
    def accepted(self) -> bool:
        return self.answer is Answer.ACCEPTED

    @property
    def refused(self) -> bool:
        return self.answer is Answer.REFUSED

    @property
    def offline(self) -> bool:
        return self.answer is Answer.OFFLINE

    @property
    def standalone(self) -> bool:
        return self.answer is Answer.STANDALONE

    def event_answer(self) -> EventAnswer:
        """The centre's word (accepted or refused) as the answer to the outbox message it was claimed under."""
        if not (self.accepted or self.refused):
            raise ValueError(f"the centre gave no answer ({self.answer})")
        result = EventResult.ACCEPTED if self.accepted else self.result or EventResult.REJECTED
        return EventAnswer(result, self.code, self.message, self.received_at, self.hint)


def offline(why: str) -> OnlineAnswer:
    return OnlineAnswer(Answer.OFFLINE, message=why)


# The central_status of a registration made by a counter with no centre (until one is configured and takes it).
STANDALONE = "standalone"
STANDALONE_ANSWER = OnlineAnswer(Answer.STANDALONE, message="no centre configured")


class OnlineCalls:
    """``client`` None: this counter has no centre configured, and every answer is offline."""

    def __init__(self, client: CentralClient | None, secrets: SecretStore):
        self._client = client
        self._secrets = secrets

    @property
    def configured(self) -> bool:
        return self._client is not None

    def claim_registration(
        self, key: str, event_time: datetime, payload: RegistrationPayload
    ) -> OnlineAnswer:
        """Send one registration now under its outbox message's key (slow: on the network lane)."""
        if self._client is None:
            return STANDALONE_ANSWER
        try:
            token = self._secrets.get(DEVICE_TOKEN)
        except SecretsUnavailable as exc:
            return offline(exc.message)
        if not token:
            return offline("no device token yet")  # the sync round signs the device in
        try:
            answer = self._client.post_registration(key, event_time, payload, token=token)
        except (CentralUnavailable, CentralAuthExpired) as exc:
            log.info("claim %s offline: %s (%s)", payload["reg_no"], exc.message, exc.hint or exc.code)
            return offline(exc.message)
        if answer.accepted:
            return OnlineAnswer(Answer.ACCEPTED, received_at=answer.received_at)
        return OnlineAnswer(Answer.REFUSED, answer.code, answer.message, answer.hint, result=answer.result)
