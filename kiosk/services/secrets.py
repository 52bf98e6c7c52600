"""The device's secret and tokens live in the OS keyring (Windows Credential Manager, Secret Service), never in a file."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

from kiosk_core.errors import KioskError

SERVICE = "kiosk-counter"
DEVICE_ID = "device_id"
DEVICE_SECRET = "device_secret"
DEVICE_TOKEN = "device_token"
AUDIT_KEY = "audit_key"  # the audit chain's HMAC key, made at first use


def operator_token_name(username: str) -> str:
    return f"operator_token:{username}"


class SecretsUnavailable(KioskError):
    code = "keyring_unavailable"


class SecretStore:
    def __init__(self, service: str = SERVICE):
        self._service = service

    def get(self, name: str) -> str | None:
        try:
            return keyring.get_password(self._service, name)
        except KeyringError as exc:
            raise SecretsUnavailable(
                "本机的密钥库不可用，无法与中心同步",
                hint=f"登记仍可离线办理；请联系技术支持（{type(exc).__name__}）",
            ) from None

    def set(self, name: str, value: str) -> None:
        try:
            keyring.set_password(self._service, name, value)
        except KeyringError as exc:
            raise SecretsUnavailable(
                "本机的密钥库不可用，无法保存本机证书", hint=type(exc).__name__
            ) from None

    def enrolled(self) -> bool:
        return bool(self.get(DEVICE_ID) and self.get(DEVICE_SECRET))
