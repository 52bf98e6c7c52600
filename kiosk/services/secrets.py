"""The device's secret and tokens live in the OS keyring (Windows Credential Manager, Secret Service), never in a file."""

from __future__ import annotations

import secrets

import keyring
from keyring.errors import KeyringError

from kiosk.storage import cipher
from kiosk_core.errors import KioskError

SERVICE = "kiosk-counter"
DEVICE_ID = "device_id"
DEVICE_SECRET = "device_secret"
DEVICE_TOKEN = "device_token"
AUDIT_KEY = "audit_key"  # the audit chain's HMAC key, made at first use
CACHE_KEY = "cache_key"  # the local cache's SQLCipher key, made when the cache is first created
SLIP_KEY = "slip_key"  # the slips' verification codes' HMAC key (kept in the cache by releases before 11)


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


class KeyringCacheKeys:
    """The local cache's key in the keyring (kiosk/storage/cipher.py's CacheKeys)."""

    def __init__(self, store: SecretStore):
        self._store = store

    def get(self) -> str | None:
        key = self._store.get(CACHE_KEY)
        if key is not None and not cipher.valid_key(key):
            raise KioskError(
                "系统密钥库中的本机缓存密钥已损坏（应为 64 位十六进制数）",
                hint="请联系技术支持",
                code="cache_key_damaged",
            )
        return key

    def make(self) -> str:
        key = cipher.new_key()
        self._store.set(CACHE_KEY, key)
        if self._store.get(CACHE_KEY) != key:
            # A keyring that accepts a secret and forgets it would leave a cache nobody can open.
            raise SecretsUnavailable("系统密钥库没有保存本机缓存的密钥", hint="请联系技术支持")
        return key


def slip_key(store: SecretStore, kept_in_cache: str | None) -> bytes:
    """The slips' verification key: from the keyring, moved there from the cache (``kept_in_cache``), or new.

    Read back after it is kept: the cache's copy is deleted once this returns, and a keyring that forgot it
    would leave every slip printed so far unverifiable.
    """
    value = store.get(SLIP_KEY)
    if value is None:
        value = kept_in_cache or secrets.token_hex(32)
        store.set(SLIP_KEY, value)
        if store.get(SLIP_KEY) != value:
            raise SecretsUnavailable("系统密钥库没有保存回执的核验密钥", hint="请联系技术支持")
    if not cipher.valid_key(value):
        raise KioskError(
            "系统密钥库中的回执核验密钥已损坏（应为 64 位十六进制数）",
            hint="请联系技术支持",
            code="slip_key_damaged",
        )
    return bytes.fromhex(value)
