"""The device's secret and tokens live in the OS keyring (Windows Credential Manager, Secret Service), never in a file."""

from __future__ import annotations

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

    def hex_key(self, name: str, what: str) -> str | None:
        """A 32-byte key kept as hex under ``name``; None when none was ever kept; a typed error
        (``<name>_damaged``) when what is kept there is not such a key."""
        value = self.get(name)
        if value is not None and not cipher.valid_key(value):
            raise KioskError(
                f"系统密钥库中的{what}已损坏（应为 64 位十六进制数）",
                hint="请联系技术支持",
                code=f"{name}_damaged",
            )
        return value

    def keep(self, name: str, value: str, what: str) -> str:
        """``value`` kept under ``name`` and read back: a keyring that accepts a secret and forgets it would
        leave what it locks (a cache, printed slips) unreadable."""
        self.set(name, value)
        if self.get(name) != value:
            raise SecretsUnavailable(f"系统密钥库没有保存{what}", hint="请联系技术支持")
        return value


class KeyringCacheKeys:
    """The local cache's key in the keyring (kiosk/storage/cipher.py's CacheKeys)."""

    def __init__(self, store: SecretStore):
        self._store = store

    def get(self) -> str | None:
        return self._store.hex_key(CACHE_KEY, "本机缓存密钥")

    def make(self) -> str:
        return self._store.keep(CACHE_KEY, cipher.new_key(), "本机缓存的密钥")


def slip_key(store: SecretStore, kept_in_cache: str | None) -> bytes:
    """The slips' verification key: from the keyring, moved there from the cache (``kept_in_cache``), or new.

    Kept and read back before the cache's copy is deleted (once this returns).
    """
    value = store.hex_key(SLIP_KEY, "回执核验密钥")
    if value is None:
        # The cache's copy was made by secrets.token_hex(32) (releases before 11): a key as valid as a new one.
        value = store.keep(SLIP_KEY, kept_in_cache or cipher.new_key(), "回执的核验密钥")
    return bytes.fromhex(value)
