"""What stops a counter's registrations: the offline guardrails (how long without the centre, how many unsent),
and the centre's disabling of the counter's device."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kiosk_core.errors import KioskError


@dataclass(frozen=True)
class SyncLimits:
    """Offline guardrails: past these, new registrations wait for the centre."""

    max_catalog_age: timedelta = timedelta(hours=24)
    max_unsent: int = 200


class OfflineTooLong(KioskError):
    code = "offline_guard"


DEVICE_DISABLED = "device_disabled"


class DeviceDisabled(KioskError):
    """The centre refuses this counter's device: nothing is sent until an administrator enables it again."""

    code = DEVICE_DISABLED

    def __init__(self) -> None:
        super().__init__(
            "本窗口设备已被中心停用，登记暂存本机",
            hint="请联系管理员启用本设备（kiosk-central enable-device）；启用后自动补发",
        )
