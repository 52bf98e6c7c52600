"""One row of an import file to a clean record, or a Chinese message saying which column is wrong and why."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from kiosk_core.errors import InvalidInput
from kiosk_core.identity import FILING_NO, normalize, parse_id_number, parse_phone

Record = dict[str, Any]
_PLAN_CODE = re.compile(r"^[A-Z]+\d{4}$")  # the reg_no format needs letters then four digits
_LIST_SEP = re.compile(r"[、,，;；|]")
_ITEM_SEP = re.compile(r"[;；\n]")
_FIELD_SEP = re.compile(r"[:：]")


class RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}：{message}" if column else message)
        self.column = column
        self.message = message


def _raw(row: Mapping[str, Any], col: str) -> Any:
    value = row.get(col)
    return value.strip() if isinstance(value, str) else value


def text(row: Mapping[str, Any], col: str, *, required: bool = True, max_len: int | None = None) -> str:
    value = _raw(row, col)
    value = "" if value is None else str(value)
    if required and not value:
        raise RowError(col, "不能为空")
    if max_len is not None and len(value) > max_len:
        raise RowError(col, f"最多{max_len}个字符，现在是{len(value)}个")
    return value


def integer(
    row: Mapping[str, Any], col: str, *, minimum: int | None = None, default: int | None = None
) -> int:
    value = _raw(row, col)
    if value in (None, "") and default is not None:
        return default
    if isinstance(value, bool) or value in (None, ""):
        raise RowError(col, "应为整数，不能为空")
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except ValueError:
        number = None
    if number is None:
        raise RowError(col, f"应为整数，现在是“{value}”")
    if minimum is not None and number < minimum:
        raise RowError(col, f"不能小于{minimum}，现在是{number}")
    return number


def decimal(row: Mapping[str, Any], col: str, *, positive: bool = True) -> float:
    value = _raw(row, col)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowError(col, f"应为数字，现在是“{value or ''}”") from None
    if positive and not number > 0:
        raise RowError(col, f"应大于0，现在是{number}")
    return number


def moment(row: Mapping[str, Any], col: str) -> datetime:
    value = _raw(row, col)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return datetime.fromisoformat(str(value).replace("/", "-")).replace(tzinfo=None)
    except ValueError:
        raise RowError(col, f"应为日期时间，例如 2026-11-21 09:00，现在是“{value or ''}”") from None


def day(row: Mapping[str, Any], col: str) -> date:
    value = _raw(row, col)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).replace("/", "-"))
    except ValueError:
        raise RowError(col, f"应为日期，例如 2027-06-30，现在是“{value or ''}”") from None


def choice(row: Mapping[str, Any], col: str, options: Mapping[str, str], default: str | None = None) -> str:
    """``options`` maps every accepted spelling (code or Chinese label) to the stored code."""
    value = _raw(row, col)
    if value in (None, "") and default is not None:
        return default
    if value not in options:
        allowed = "、".join(dict.fromkeys(options))
        raise RowError(col, f"只能是 {allowed}，现在是“{value or ''}”")
    return options[str(value)]


def listing(row: Mapping[str, Any], col: str) -> list[str]:
    value = _raw(row, col)
    if value in (None, ""):
        return []
    items = value if isinstance(value, list) else _LIST_SEP.split(str(value))
    return [str(x).strip() for x in items if str(x).strip()]


def id_number(value: str, col: str) -> str:
    try:
        return parse_id_number(value)
    except InvalidInput as e:
        raise RowError(col, str(e)) from None


PLAN_KINDS = {"quick": "quick", "realtime": "realtime", "快速配租": "quick", "实时配租": "realtime"}
UNIT_STATUSES = {"free": "free", "taken": "taken", "可选": "free", "已选定": "taken"}
FILING_STATUSES = {
    "valid": "valid",
    "expired": "expired",
    "revoked": "revoked",
    "有效": "valid",
    "已过期": "expired",
    "已撤销": "revoked",
}


def plan(row: Mapping[str, Any]) -> Record:
    code = normalize(text(row, "code"))
    if not _PLAN_CODE.match(code):
        raise RowError("code", f"计划代码应为字母加4位数字，例如 Q2611，现在是“{code}”")
    record: Record = {
        "code": code,
        "name": text(row, "name", max_len=128),
        "kind": choice(row, "kind", PLAN_KINDS),
        "announcement": text(row, "announcement", required=False),
        "window_start": moment(row, "window_start"),
        "window_end": moment(row, "window_end"),
        "cancel_deadline": moment(row, "cancel_deadline"),
        "allowed_districts": listing(row, "allowed_districts"),
        "max_registrations_per_household": integer(
            row, "max_registrations_per_household", minimum=1, default=1
        ),
        "notices": _notices(row),
    }
    if record["window_end"] <= record["window_start"]:
        raise RowError("window_end", "登记截止时间须晚于开始时间")
    return record


def _notices(row: Mapping[str, Any]) -> list[Record]:
    if isinstance(row.get("notices"), list):
        items = row["notices"]
    elif any(row.get(k) not in (None, "") for k in ("notice_version", "notice_title", "notice_text")):
        items = [
            {
                "version": row.get("notice_version"),
                "title": row.get("notice_title"),
                "text": row.get("notice_text"),
            }
        ]
    else:
        return []
    notices = []
    for item in items:
        notice = {
            "notice_version": integer(item, "version", minimum=1),
            "title": text(item, "title", max_len=128),
            "text": text(item, "text"),
        }
        notices.append(notice)
    if len({n["notice_version"] for n in notices}) != len(notices):
        raise RowError("notices", "告知书版本号重复")
    return notices


def project(row: Mapping[str, Any]) -> Record:
    return {
        "code": text(row, "code", max_len=32),
        "plan_code": normalize(text(row, "plan_code")),
        "name": text(row, "name", max_len=128),
        "district": text(row, "district", max_len=32),
        "address": text(row, "address", required=False, max_len=255),
        "description": text(row, "description", required=False),
        "photos": listing(row, "photos"),
    }


def unit_type(row: Mapping[str, Any]) -> Record:
    record: Record = {
        "code": text(row, "code", max_len=32),
        "project_code": text(row, "project_code"),
        "name": text(row, "name", max_len=64),
        "area": decimal(row, "area"),
        "rent": integer(row, "rent", minimum=0),
        "unit_count": integer(row, "unit_count", minimum=0),
        "min_family": integer(row, "min_family", minimum=1),
        "max_family": integer(row, "max_family", minimum=1),
    }
    if record["min_family"] > record["max_family"]:
        raise RowError("max_family", f"不能小于 min_family（{record['min_family']}）")
    return record


def unit(row: Mapping[str, Any]) -> Record:
    return {
        "code": text(row, "code", max_len=32),
        "unit_type_code": text(row, "unit_type_code"),
        "project_code": text(row, "project_code", required=False),
        "building": text(row, "building", max_len=16),
        "floor": integer(row, "floor"),
        "number": text(row, "number", max_len=16),
        "orientation": text(row, "orientation", required=False, max_len=8),
        "area": decimal(row, "area"),
        "rent": integer(row, "rent", minimum=0),
        "status": choice(row, "status", UNIT_STATUSES, default="free"),
    }


def household(row: Mapping[str, Any]) -> Record:
    filing_no = normalize(text(row, "filing_no"))
    if not FILING_NO.match(filing_no):
        raise RowError("filing_no", f"备案编号应为2个字母加10位数字，例如 BA2024001234，现在是“{filing_no}”")
    phone = text(row, "phone", required=False)
    if phone:
        try:
            phone = parse_phone(phone)
        except InvalidInput as e:
            raise RowError("phone", str(e)) from None
    record: Record = {
        "filing_no": filing_no,
        "applicant_name": text(row, "applicant_name", max_len=64),
        "applicant_id_number": id_number(text(row, "applicant_id_number"), "applicant_id_number"),
        "district": text(row, "district", max_len=32),
        "status": choice(row, "status", FILING_STATUSES),
        "valid_until": day(row, "valid_until"),
        "phone": phone,
        "members": _members(row),
    }
    numbers = [record["applicant_id_number"], *(x["id_number"] for x in record["members"])]
    duplicated = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicated:
        raise RowError("members", f"同一身份证号码在本家庭出现了两次：{'、'.join(duplicated)}")
    return record


def _members(row: Mapping[str, Any]) -> list[Record]:
    value = row.get("members")
    if value in (None, ""):
        return []
    if isinstance(value, list):
        items = [(x.get("relation"), x.get("name"), x.get("id_number")) for x in value]
    else:
        items = []
        for part in (p.strip() for p in _ITEM_SEP.split(str(value))):
            if part:
                fields = _FIELD_SEP.split(part)
                if len(fields) != 3:
                    raise RowError(
                        "members", f"成员应写成“关系:姓名:身份证号”，多个成员用分号隔开，现在是“{part}”"
                    )
                items.append((fields[0], fields[1], fields[2]))
    members = []
    for n, (relation, name, number) in enumerate(items, 1):
        if not relation or not name or not number:
            raise RowError("members", f"第{n}个成员的关系、姓名、身份证号都不能为空")
        members.append(
            {
                "relation": str(relation).strip(),
                "name": str(name).strip(),
                "id_number": id_number(str(number), f"members 第{n}个成员的身份证号"),
            }
        )
    return members


PARSERS: dict[str, Callable[[Mapping[str, Any]], Record]] = {
    "plans": plan,
    "projects": project,
    "unit-types": unit_type,
    "units": unit,
    "households": household,
}
KEYS = {"plans": "code", "projects": "code", "unit-types": "code", "units": "code", "households": "filing_no"}
COLUMNS = {
    "plans": (
        "code", "name", "kind", "announcement", "window_start", "window_end", "cancel_deadline",
        "allowed_districts", "max_registrations_per_household", "notice_version", "notice_title", "notice_text",
    ),
    "projects": ("code", "plan_code", "name", "district", "address", "description", "photos"),
    "unit-types": ("code", "project_code", "name", "area", "rent", "unit_count", "min_family", "max_family"),
    "units": (
        "code", "unit_type_code", "project_code", "building", "floor", "number", "orientation", "area", "rent",
        "status",
    ),
    "households": (
        "filing_no", "applicant_name", "applicant_id_number", "district", "status", "valid_until", "phone",
        "members",
    ),
}  # fmt: skip
REQUIRED = {
    "plans": ("code", "name", "kind", "window_start", "window_end", "cancel_deadline"),
    "projects": ("code", "plan_code", "name", "district"),
    "unit-types": ("code", "project_code", "name", "area", "rent", "unit_count", "min_family", "max_family"),
    "units": ("code", "unit_type_code", "building", "floor", "number", "area", "rent"),
    "households": ("filing_no", "applicant_name", "applicant_id_number", "district", "status", "valid_until"),
}
