"""One HTTP client to the centre and the device token it carries, for one thread's calls.

The client's token is mutable (a renewal replaces it), so no session is shared between threads: the composition
root gives the sync worker one and the operators' sign-in another. They meet only in the keyring, where a
renewed device token is kept for the next session that starts without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kiosk.services.central_client import CentralAuthExpired, CentralClient
from kiosk.services.secrets import DEVICE_ID, DEVICE_SECRET, DEVICE_TOKEN, SecretStore
from kiosk_core.errors import KioskError

_T = TypeVar("_T")


class CentralSession:
    def __init__(self, client: CentralClient, secrets: SecretStore):
        self.client = client
        self._secrets = secrets

    def ensure_token(self) -> None:
        if not self.client.token:
            self.client.token = self._secrets.get(DEVICE_TOKEN) or ""
        if not self.client.token:
            self.authenticate()

    def authenticate(self) -> None:
        device_id, secret = self._secrets.get(DEVICE_ID), self._secrets.get(DEVICE_SECRET)
        if not device_id or not secret:
            raise KioskError("本机尚未在中心登记", hint="请管理员运行 kiosk enroll")
        self._secrets.set(DEVICE_TOKEN, self.client.device_token(device_id, secret))

    def call(self, call: Callable[[], _T]) -> _T:
        """``call`` with the device token, signed in again once if the centre says it expired."""
        try:
            return call()
        except CentralAuthExpired:
            self.authenticate()
            return call()
