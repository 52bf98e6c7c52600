"""Hand-made SelectionState dicts (the centre's wire shape) for the hall's screens, with whole names and IDs
kept beside them so a test can check that none reaches a screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk_core.identity import mask_name

SERVER_TIME = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)
WHOLE_NAMES = (
    "张淑兰",
    "王强",
    "欧阳建国",
    "李明华",
    "赵云飞",
    "孙丽",
    "周建军",
    "吴晓燕",
    "郑国平",
    "冯小刚",
)
WHOLE_IDS = ("110101199003074578", "11010119850612002X")


def iso(moment: datetime) -> str:
    return moment.isoformat()


def turn(
    n: int,
    *,
    state: str = "waiting",
    counter: str | None = None,
    left: float | None = None,
    paused: bool = False,
    called_ago: float = 5,
    type_code: str = "1B",
    late: bool = False,
) -> dict[str, Any]:
    called = SERVER_TIME - timedelta(seconds=called_ago) if state in ("called", "open") else None
    deadline = SERVER_TIME + timedelta(seconds=left) if state == "open" and left is not None else None
    return {
        "reg_no": f"Q2612-01-{n:05d}",
        "filing_no": f"BA{n:08d}",
        "masked_name": mask_name(WHOLE_NAMES[(n - 1) % len(WHOLE_NAMES)]),
        "pool": f"P01/{type_code}",
        "rank": n,
        "order": n,
        "round_no": 1,
        "queue_pos": n * 1000,
        "state": state,
        "late": late,
        "counter": counter,
        "called_at": iso(called) if called else None,
        "opened_at": iso(called) if state == "open" and called else None,
        "deadline": iso(deadline) if deadline and not paused else None,
        "paused": paused,
        "remaining_seconds": left if state == "open" else None,
        "redeclared_at": None,
        "redeclared_by": None,
        "wishes": [],
        "unit_code": None,
        "finished_at": None,
        "reason": None,
        "supplementary": False,
    }


def units(
    buildings: tuple[str, ...] = ("1", "2", "3"), floors: int = 12, per_floor: int = 4, taken: int = 0
) -> list[dict[str, Any]]:
    out = []
    for b in buildings:
        for floor in range(1, floors + 1):
            for number in range(1, per_floor + 1):
                type_code = "1B" if number <= 2 else "2B"
                out.append(
                    {
                        "unit_code": f"P01-{b}-{floor:02d}{number:02d}",
                        "project_code": "P01",
                        "unit_type_code": type_code,
                        "unit_type_name": "一居室" if type_code == "1B" else "两居室",
                        "building": b,
                        "floor": floor,
                        "number": f"{number:02d}",
                        "orientation": "南" if number % 2 else "北",
                        "area": 45.5 if type_code == "1B" else 62.0,
                        "rent": 1200.0 if type_code == "1B" else 1650.0,
                        "taken": False,
                        "taken_by_order": None,
                    }
                )
    for k, unit in enumerate(out[:taken]):
        unit["taken"], unit["taken_by_order"] = True, k + 1
    return out


def counts_of(unit_rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for unit in unit_rows:
        c = counts.setdefault(unit["unit_type_code"], {"free": 0, "taken": 0})
        c["taken" if unit["taken"] else "free"] += 1
    return counts


def selection_state(
    turns: list[dict[str, Any]], unit_rows: list[dict[str, Any]] | None = None, *, version: int = 1
) -> dict[str, Any]:
    unit_rows = units() if unit_rows is None else unit_rows
    start = SERVER_TIME - timedelta(minutes=10)
    return {
        "plan": {
            "plan_code": "Q2612",
            "plan_name": "2026年第12期快速配租选房",
            "draw_id": 1,
            "turn_seconds": 120,
            "round_size": 20,
            "supplementary_deadline": None,
        },
        "server_time": iso(SERVER_TIME),
        "version": version,
        "rounds": [
            {
                "round_no": 1,
                "starts_at": iso(start),
                "ends_at": iso(start + timedelta(minutes=60)),
                "supplementary": False,
                "state": "running",
            },
            {
                "round_no": 2,
                "starts_at": iso(start + timedelta(minutes=60)),
                "ends_at": iso(start + timedelta(minutes=120)),
                "supplementary": False,
                "state": "upcoming",
            },
        ],
        "turns": turns,
        "units": unit_rows,
        "counts": counts_of(unit_rows),
    }
