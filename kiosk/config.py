"""The counter's TOML configuration; every key has a default that works out of the box."""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kiosk.domain.errors import InvalidInput

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def default_data_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "Kiosk"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "kiosk"


def default_config_path() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "Kiosk" / "kiosk.toml"
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "kiosk" / "kiosk.toml"


@dataclass(frozen=True)
class PrinterConfig:
    name: str = ""  # empty: the system's default printer
    slip_layout: str = "a4"  # a4 | receipt80


@dataclass(frozen=True)
class ThemeConfig:
    font_pt: int = 20
    language: str = "zh_CN"  # zh_CN | en


@dataclass(frozen=True)
class SpeechConfig:
    engine: str = "auto"  # auto | qt | espeak | none
    audio_device: str = ""


@dataclass(frozen=True)
class CentralConfig:
    url: str = ""  # empty: this counter works on its own, nothing is synced
    interval_seconds: int = 15
    offline_max_hours: int = 24  # past this without a catalog sync, new registrations wait
    offline_max_unsent: int = 200  # or past this many registrations not yet at the centre


@dataclass(frozen=True)
class LockConfig:
    idle_seconds: int = 300
    warning_seconds: int = 60


@dataclass(frozen=True)
class Config:
    data_dir: Path = field(default_factory=default_data_dir)
    counter: str = "01"
    printer: PrinterConfig = PrinterConfig()
    theme: ThemeConfig = ThemeConfig()
    speech: SpeechConfig = SpeechConfig()
    lock: LockConfig = LockConfig()
    central: CentralConfig = CentralConfig()
    resources: Path = RESOURCES

    @property
    def database_path(self) -> Path:
        return self.data_dir / "kiosk.db"

    @property
    def slips_dir(self) -> Path:
        return self.data_dir / "slips"


_SECTIONS = {
    "printer": PrinterConfig,
    "theme": ThemeConfig,
    "speech": SpeechConfig,
    "lock": LockConfig,
    "central": CentralConfig,
}


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or the default location, if it exists); unknown keys are errors so typos show."""
    path = path or default_config_path()
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"配置文件 {path} 格式有误：{exc}") from None
    return from_dict(data, source=path)


def from_dict(data: dict[str, Any], source: Path | None = None) -> Config:
    config = Config()
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            section = _SECTIONS[key]
            _check_keys(value, section, f"[{key}]", source)
            changes[key] = replace(getattr(config, key), **value)
        elif key == "data_dir":
            changes[key] = Path(value).expanduser()
        elif key == "counter":
            changes[key] = _counter(value)
        else:
            raise InvalidInput(f"配置文件 {source or ''} 中有不认识的设置项：{key}")
    result = replace(config, **changes)
    if result.printer.slip_layout not in ("a4", "receipt80"):
        raise InvalidInput(f"slip_layout 只能是 a4 或 receipt80，现在是 {result.printer.slip_layout}")
    if not 12 <= result.theme.font_pt <= 48:
        raise InvalidInput(f"font_pt 应在 12 到 48 之间，现在是 {result.theme.font_pt}")
    return result


def _counter(value: Any) -> str:
    """Two digits: it is part of every registration number this counter issues."""
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise InvalidInput(f"窗口号 counter 应为 1 到 99 的数字，现在是 {value!r}")
    return f"{int(text):02d}"


def _check_keys(value: Any, section: type, name: str, source: Path | None) -> None:
    if not isinstance(value, dict):
        raise InvalidInput(f"配置文件 {source or ''} 中 {name} 应是一节设置")
    known = {f.name for f in fields(section)}
    unknown = set(value) - known
    if unknown:
        raise InvalidInput(
            f"配置文件 {source or ''} 的 {name} 中有不认识的设置项：{', '.join(sorted(unknown))}"
        )
