"""What both hall screens read alike from the centre's public ``SelectionState``: its times, its unit types'
names and the round it is in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _clock_time(text: str | None) -> str:
    """HH:MM as the hall's wall clock reads it (the centre's times are aware; shown in this PC's zone)."""
    moment = parse_time(text)
    if moment is None:
        return ""
    return f"{(moment.astimezone() if moment.tzinfo else moment):%H:%M}"


def pool_names(selection: Mapping[str, Any]) -> dict[str, str]:
    """Each unit type's name by its code, as the units of the selection give it."""
    names: dict[str, str] = {}
    for unit in selection.get("units", ()):
        names.setdefault(str(unit.get("unit_type_code", "")), str(unit.get("unit_type_name", "")))
    return names


def _running_round(selection: Mapping[str, Any]) -> Mapping[str, Any] | None:
    rounds = selection.get("rounds", ())
    running = [r for r in rounds if r.get("state") == "running"]
    return running[0] if running else None


def round_label(selection: Mapping[str, Any]) -> str:
    current = _running_round(selection)
    if current is None:
        upcoming = [r for r in selection.get("rounds", ()) if r.get("state") == "upcoming"]
        if not upcoming:
            return "本日选房已结束" if selection.get("rounds") else ""
        first = _clock_time(upcoming[0].get("starts_at"))
        return (
            f"第 {upcoming[0]['round_no']} 场 {first} 开始"
            if first
            else f"第 {upcoming[0]['round_no']} 场未开始"
        )
    kind = "补选" if current.get("supplementary") else "选房"
    ends = _clock_time(current.get("ends_at"))
    until = f"，{ends} 结束" if ends else ""
    return f"第 {current['round_no']} 场{kind}进行中{until}"
