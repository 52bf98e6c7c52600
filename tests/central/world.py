"""A small, fully known catalog for the central service tests, and the kiosk payloads that register in it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session
from stdnum.cn import ric

from kiosk.config import RESOURCES
from kiosk_central.db import begin_write
from kiosk_central.services.importer import import_kind
from kiosk_core.reg_no import make_reg_no

NOW = datetime(2026, 11, 24, 10, 0, 0)
# Every project shows one of the demo's drawings: real PNG bytes for the centre to store and serve.
PHOTO_DIR = RESOURCES / "demo" / "photos"
PHOTO_FILE = "P-CY-01-1.png"


def id_number(born: str, seq: int, region: str = "110105") -> str:
    body = f"{region}{born}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass(frozen=True)
class Family:
    filing_no: str
    applicant_id_number: str
    district: str = "朝阳区"


SHARED = id_number("19900505", 555)  # listed in both clash households
FAMILIES = {
    "ok": Family("BA2024000001", id_number("19500101", 123)),
    "ok2": Family("BA2024000002", id_number("19510101", 124), "海淀区"),
    "expired": Family("BA2024000003", id_number("19520202", 125)),
    "revoked": Family("BA2024000004", id_number("19530303", 126)),
    "lapsed": Family("BA2024000005", id_number("19540404", 127)),
    "xicheng": Family("BA2024000006", id_number("19550505", 128), "西城区"),
    "six": Family("BA2024000007", id_number("19560606", 129)),
    "clash_a": Family("BA2024000008", id_number("19570707", 130)),
    "clash_b": Family("BA2024000009", id_number("19580808", 131)),
}
# Households for the concurrency tests: one each, all eligible for the real-time plan's units.
CROWD = [Family(f"BA2025{n:06d}", id_number("19800101", n)) for n in range(1, 21)]


def _household(f: Family, status: str = "valid", valid_days: int = 365, members: Any = ()) -> dict[str, Any]:
    return {
        "filing_no": f.filing_no,
        "applicant_name": "张" + f.filing_no[-3:],
        "applicant_id_number": f.applicant_id_number,
        "district": f.district,
        "status": status,
        "valid_until": (NOW + timedelta(days=valid_days)).date(),
        "phone": "13800000000",
        "members": list(members),
    }


def _plan(code: str, kind: str, start_days: int, districts: list[str], max_regs: int = 1) -> dict[str, Any]:
    start = NOW + timedelta(days=start_days)
    return {
        "code": code,
        "name": f"{code}测试计划",
        "kind": kind,
        "announcement": "公告",
        "window_start": start,
        "window_end": start + timedelta(days=17),
        "cancel_deadline": start + timedelta(days=13),
        "allowed_districts": districts,
        "max_registrations_per_household": max_regs,
        "notices": [{"version": 2, "title": "告知书", "text": "请仔细阅读"}],
    }


def catalog_batches() -> list[tuple[str, list[dict[str, Any]]]]:
    spouse = {"relation": "配偶", "name": "李四", "id_number": id_number("19520101", 201)}
    shared = {"relation": "母亲", "name": "王芳", "id_number": SHARED}
    kids = [
        {"relation": "子女", "name": f"张{n}", "id_number": id_number("20100101", 300 + n)} for n in range(5)
    ]
    households = [
        _household(FAMILIES["ok"], members=[spouse]),
        _household(FAMILIES["ok2"]),
        _household(FAMILIES["expired"], status="expired"),
        _household(FAMILIES["revoked"], status="revoked"),
        _household(FAMILIES["lapsed"], valid_days=-3),
        _household(FAMILIES["xicheng"]),
        _household(FAMILIES["six"], members=kids),
        _household(FAMILIES["clash_a"], members=[shared]),
        _household(FAMILIES["clash_b"], members=[shared]),
        *(_household(f) for f in CROWD),
    ]
    return [
        (
            "plans",
            [
                _plan("Q2611", "quick", -3, ["朝阳区", "海淀区"]),
                _plan("R2611", "realtime", -3, []),
                _plan("Q2612", "quick", 20, []),
                _plan("M2611", "quick", -3, [], max_regs=2),
            ],
        ),
        (
            "projects",
            [
                {
                    "code": f"P-{c}-01",
                    "plan_code": plan,
                    "name": f"{c}家园",
                    "district": "朝阳区",
                    "photos": [PHOTO_FILE],
                }
                for c, plan in (("Q", "Q2611"), ("R", "R2611"), ("U", "Q2612"), ("M", "M2611"))
            ],
        ),
        (
            "unit-types",
            [
                _unit_type("UT-Q-1", "P-Q-01", "一居室", 1, 2),
                _unit_type("UT-Q-2", "P-Q-01", "两居室", 2, 4),
                _unit_type("UT-R-2", "P-R-01", "两居室", 1, 4),
                _unit_type("UT-U-1", "P-U-01", "一居室", 1, 2),
                _unit_type("UT-M-1", "P-M-01", "一居室", 1, 4),
            ],
        ),
        (
            "units",
            [
                *(_unit(f"R-1-{floor}01", "UT-R-2", floor, "free") for floor in (3, 5, 7)),
                _unit("R-2-902", "UT-R-2", 9, "taken"),
            ],
        ),
        ("households", households),
    ]


def _unit_type(code: str, project: str, name: str, lo: int, hi: int) -> dict[str, Any]:
    return {
        "code": code,
        "project_code": project,
        "name": name,
        "area": 40.0 + hi,
        "rent": 1500,
        "unit_count": 10,
        "min_family": lo,
        "max_family": hi,
    }


def _unit(code: str, type_code: str, floor: int, status: str) -> dict[str, Any]:
    return {
        "code": code,
        "unit_type_code": type_code,
        "building": code.split("-")[1],
        "floor": floor,
        "number": code.split("-")[2],
        "orientation": "南",
        "area": 56.0,
        "rent": 2200,
        "status": status,
    }


def build_world(session: Session) -> None:
    begin_write(session)
    for kind, items in catalog_batches():
        labeled = [(f"第{n}条", item) for n, item in enumerate(items, 1)]
        import_kind(session, kind, labeled, photo_dir=PHOTO_DIR, now=NOW)
    session.commit()


CHOICES = {  # plan → (project, unit type, notice version)
    "Q2611": ("P-Q-01", "UT-Q-1", 2),
    "R2611": ("P-R-01", "UT-R-2", 2),
    "Q2612": ("P-U-01", "UT-U-1", 2),
    "M2611": ("P-M-01", "UT-M-1", 2),
}


def registration(
    family: Family,
    plan: str = "Q2611",
    seq: int = 1,
    *,
    unit: str | None = None,
    unit_type: str | None = None,
    counter: str = "01",
    at: datetime = NOW,
) -> dict[str, Any]:
    """The event body a kiosk posts: ``{"event_time", "payload"}`` with the payload of kiosk ``_payload``."""
    project, default_type, notice = CHOICES[plan]
    payload = {
        "reg_no": make_reg_no(plan, seq, counter),
        "plan_code": plan,
        "filing_no": family.filing_no,
        "applicant_id_number": family.applicant_id_number,
        "project_code": project,
        "unit_type_code": unit_type or default_type,
        "unit_code": unit,
        "phone": "13800000000",
        "counter": counter,
        "operator_id": 1,
        "created_at": at.isoformat(),
        "notice_version": notice,
        "notice_read_aloud": False,
        "notice_ack_at": at.isoformat(),
        "verification_code": "ABCDEFGH",
    }
    return {"event_time": at.isoformat(), "payload": payload}


def cancellation(reg_no: str, at: datetime = NOW) -> dict[str, Any]:
    payload = {
        "reg_no": reg_no,
        "reason": "household_request",
        "comment": "",
        "cancelled_at": at.isoformat(),
        "operator_id": 1,
        "approved_by": 2,
    }
    return {"event_time": at.isoformat(), "payload": payload}


def phone_update(filing_no: str, phone: str, at: datetime = NOW) -> dict[str, Any]:
    payload = {"filing_no": filing_no, "phone": phone, "updated_at": at.isoformat(), "operator_id": 1}
    return {"event_time": at.isoformat(), "payload": payload}


def new_key() -> str:
    return str(uuid.uuid4())
