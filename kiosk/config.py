"""The counter's TOML configuration; every key has a default that works out of the box."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kiosk_core.errors import InvalidInput
from kiosk_core.resources import find_resources

RESOURCES = find_resources()


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
class HallConfig:
    # Which of the PC's screens (QGuiApplication.screens(), 0 the first) shows the hall's public window.
    screen: int = 1


@dataclass(frozen=True)
class Config:
    data_dir: Path = field(default_factory=default_data_dir)
    counter: str = "01"
    # A counter in a public hall: fullscreen, frameless, on top, not closable; leaving needs a supervisor.
    kiosk_mode: bool = False
    # Days after a plan closes (and the centre has every registration) before the counter's copy of personal
    # data is masked, its slip PDFs deleted with it.
    retention_days: int = 30
    # Days a slip's PDF stays on disk (it holds the household's name; a reprint renders the slip again, so the file
    # is the printer's copy only). 0: deleted as soon as the printer has it, and one that did not print at the
    # next daily purge; N: deleted by the daily purge N days after it was written, printed or not.
    slip_keep_days: int = 1
    # Days a supervisor's export (CSV/XLSX under exports_dir, full personal data when their role allowed it) stays
    # on the counter: it is meant to be taken away, not kept here. 0: deleted at the next daily purge; N: by the
    # daily purge N days after it was written. Never one under an hour old (it may still be being copied).
    export_keep_days: int = 7
    printer: PrinterConfig = PrinterConfig()
    theme: ThemeConfig = ThemeConfig()
    speech: SpeechConfig = SpeechConfig()
    lock: LockConfig = LockConfig()
    central: CentralConfig = CentralConfig()
    hall: HallConfig = HallConfig()
    resources: Path = RESOURCES

    @property
    def database_path(self) -> Path:
        return self.data_dir / "kiosk.db"

    @property
    def slips_dir(self) -> Path:
        return self.data_dir / "slips"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"


_SECTIONS = {
    "printer": PrinterConfig,
    "theme": ThemeConfig,
    "speech": SpeechConfig,
    "lock": LockConfig,
    "central": CentralConfig,
    "hall": HallConfig,
}

# Every key: what its value must be, in the words staff read. A TOML value is taken as written: "300" is text,
# not the number 300, and saying so beats guessing. (pydantic would do this too, but importing it and building its
# validators costs ~150 ms here, before the first frame; these few checks cost microseconds.)


@dataclass(frozen=True)
class _Whole:
    low: int
    high: int
    unit: str = ""

    def check(self, value: Any) -> bool:
        return type(value) is int and self.low <= value <= self.high

    @property
    def allowed(self) -> str:
        return f"{self.low} 到 {self.high} 之间的整数{self.unit}（不加引号）"


@dataclass(frozen=True)
class _Text:
    allowed: str
    pattern: str = r"(?s:.*)"

    def check(self, value: Any) -> bool:
        return isinstance(value, str) and re.fullmatch(self.pattern, value) is not None


@dataclass(frozen=True)
class _OneOf:
    choices: tuple[str, ...]

    def check(self, value: Any) -> bool:
        return value in self.choices and isinstance(value, str)

    @property
    def allowed(self) -> str:
        return " 或 ".join(f'"{c}"' for c in self.choices)


@dataclass(frozen=True)
class _Switch:
    allowed: str = "true 或 false（不加引号）"

    def check(self, value: Any) -> bool:
        return isinstance(value, bool)


_RULES: dict[str, _Whole | _Text | _OneOf | _Switch] = {
    "data_dir": _Text('一个文件夹路径（加引号的文字），例如 "/var/lib/kiosk"', r"\S(?s:.*)"),
    "counter": _Text("窗口号 1 到 99"),  # also an integer: checked in _counter_number
    "kiosk_mode": _Switch(),
    "retention_days": _Whole(1, 3_650, "天"),
    "slip_keep_days": _Whole(0, 3_650, "天"),
    "export_keep_days": _Whole(0, 3_650, "天"),
    "printer.name": _Text('打印机队列名（加引号的文字）；留空 "" 用系统默认打印机'),
    "printer.slip_layout": _OneOf(("a4", "receipt80")),
    "theme.font_pt": _Whole(12, 48),
    "theme.language": _OneOf(("zh_CN", "en")),
    "speech.engine": _OneOf(("auto", "qt", "espeak", "none")),
    "speech.audio_device": _Text("声音设备名（加引号的文字）；留空用系统默认设备"),
    # Qt's timers take milliseconds in a 32-bit int: a day is far inside, and far beyond any counter's need.
    "lock.idle_seconds": _Whole(30, 86_400, "秒"),
    "lock.warning_seconds": _Whole(0, 600, "秒"),
    "central.url": _Text(
        '以 http:// 或 https:// 开头的地址；留空 "" 表示不连中心', r"(https?://[^\s/]+\S*)?"
    ),
    "central.interval_seconds": _Whole(1, 3_600, "秒"),
    "central.offline_max_hours": _Whole(1, 720, "小时"),
    "central.offline_max_unsent": _Whole(1, 100_000),
    "hall.screen": _Whole(0, 15, "（0 是第一个屏幕）"),
}


_DAYS = ("retention_days", "slip_keep_days", "export_keep_days")
_TOP_LEVEL = ("data_dir", "counter", "kiosk_mode", *_DAYS)


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or the default location, if it exists); unknown keys are errors so typos show."""
    path = path or default_config_path()
    if not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigInvalid(path, [f"格式有误：{exc}"]) from None
    except OSError as exc:
        raise ConfigInvalid(path, [f"无法读取：{exc.strerror or exc}"]) from None
    return from_dict(data, source=path)


class ConfigInvalid(InvalidInput):
    """The configuration file has mistakes; ``problems`` has one line per wrong key (key, value, what is allowed)."""

    code = "config_invalid"

    def __init__(self, source: Path | None, problems: list[str]) -> None:
        where = f"配置文件 {source}" if source else "配置"
        lines = "\n".join(f"• {p}" for p in problems)
        super().__init__(f"{where} 有 {len(problems)} 处需要改正：\n{lines}", hint="改正后重新启动程序")
        self.source = source
        self.problems = problems


def from_dict(data: dict[str, Any], source: Path | None = None) -> Config:
    """Every key checked; all the mistakes reported together, so one edit fixes the file."""
    problems: list[str] = []
    values: dict[str, dict[str, Any]] = {"": {}}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                problems.append(f"[{key}] 应是一节设置（单独一行 [{key}]，下面写它的设置项）")
                continue
            known = {f.name for f in fields(_SECTIONS[key])}
            values[key] = {}
            for name, item in value.items():
                if name not in known:
                    problems.append(f"[{key}] 中有不认识的设置项 {name}（可用：{'、'.join(sorted(known))}）")
                else:
                    values[key][name] = _checked(f"{key}.{name}", item, problems)
        elif key in _TOP_LEVEL:
            values[""][key] = _checked(key, value, problems)
        else:
            problems.append(f"不认识的设置项 {key}")
    lock = values.get("lock", {})
    idle = lock.get("idle_seconds", LockConfig.idle_seconds)
    if (
        isinstance(lock.get("warning_seconds"), int)
        and isinstance(idle, int)
        and lock["warning_seconds"] >= idle
    ):
        problems.append(f"[lock] warning_seconds = {lock['warning_seconds']} 应小于 idle_seconds（{idle}）")
    if problems:
        raise ConfigInvalid(source, problems)
    config = Config()
    top = values.pop("")
    changes: dict[str, Any] = {
        name: replace(getattr(config, name), **section) for name, section in values.items()
    }
    if "data_dir" in top:
        changes["data_dir"] = Path(top["data_dir"]).expanduser()
    if "counter" in top:
        changes["counter"] = f"{_counter_number(top['counter']):02d}"
    if "kiosk_mode" in top:
        changes["kiosk_mode"] = top["kiosk_mode"]
    for days in _DAYS:
        if days in top:
            changes[days] = top[days]
    return replace(config, **changes)


def _checked(key: str, value: Any, problems: list[str]) -> Any:
    rule = _RULES[key]
    ok = _counter_number(value) is not None if key == "counter" else rule.check(value)
    if not ok:
        section, _, name = key.rpartition(".")
        shown = f"[{section}] {name}" if section else name
        problems.append(f"{shown} = {_toml(value)} 不对：应为{rule.allowed}")
    return value


def _counter_number(value: Any) -> int | None:
    """Two digits on every registration number this counter issues: 1 to 99, as a number or as text."""
    text = value.strip() if isinstance(value, str) else value if type(value) is int else None
    if isinstance(text, str) and text.isdigit():
        text = int(text)
    return text if isinstance(text, int) and 1 <= text <= 99 else None


def _toml(value: Any) -> str:
    """The value as it is written in the file, so staff can find it."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
