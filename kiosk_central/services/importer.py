"""Importing catalog files (CSV with a header row, or JSON): all rows checked first, then all or nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk_central.db import begin_write
from kiosk_central.services import catalog_writer as w
from kiosk_central.services import import_rows as rows
from kiosk_central.services import photos
from kiosk_central.services.errors import InvalidRequest
from kiosk_central.tables import Plan, Project, Registration, Unit, UnitType

KINDS = tuple(rows.PARSERS)
MAX_REPORTED = 50
Labeled = tuple[str, Mapping[str, Any]]  # ("第3行", raw row)


class ImportFailed(InvalidRequest):
    code = "import_failed"

    def __init__(self, errors: Sequence[str]) -> None:
        shown = list(errors[:MAX_REPORTED])
        if len(errors) > MAX_REPORTED:
            shown.append(f"……另有{len(errors) - MAX_REPORTED}处错误")
        super().__init__(f"导入失败，没有导入任何数据。共{len(errors)}处错误：\n" + "\n".join(shown))
        self.errors = list(errors)


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    rows: int
    inserted: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.kind}：共{self.rows}条，新增{self.inserted}，更新{self.updated}，未变{self.unchanged}"


def read_file(path: Path, kind: str) -> list[Labeled]:
    if kind not in KINDS:
        raise InvalidRequest(f"--kind 只能是 {'、'.join(KINDS)}，现在是“{kind}”", code="kind_unknown")
    if not path.is_file():
        raise InvalidRequest(f"找不到文件 {path}", code="file_missing")
    data = path.read_bytes()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("gb18030", errors="strict")  # Excel on a Chinese Windows saves CSV as GBK
    if path.suffix.lower() == ".csv":
        return _read_csv(content, kind)
    if path.suffix.lower() == ".json":
        return _read_json(content, kind)
    raise InvalidRequest(f"只能导入 .csv 或 .json 文件：{path.name}", code="file_type")


def _read_csv(content: str, kind: str) -> list[Labeled]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in rows.REQUIRED[kind] if c not in header]
    unknown = [c for c in header if c not in rows.COLUMNS[kind]]
    if missing or unknown:
        problems = ([f"缺少列 {'、'.join(missing)}"] if missing else []) + (
            [f"未知的列 {'、'.join(unknown)}"] if unknown else []
        )
        raise ImportFailed(
            [f"第1行（表头）：{'；'.join(problems)}；可用的列：{', '.join(rows.COLUMNS[kind])}"]
        )
    out: list[Labeled] = []
    line = 1
    for raw in reader:
        start, line = line + 1, reader.line_num
        if None in raw:
            out.append(
                (f"第{start}行", {"__error__": f"比表头多了{len(raw[None] or [])}列（内容里的逗号须加引号）"})
            )
        elif any((v or "").strip() for v in raw.values()):
            out.append((f"第{start}行", raw))
    return out


def _read_json(content: str, kind: str) -> list[Labeled]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as e:
        raise ImportFailed([f"第{e.lineno}行：JSON 格式不对（{e.msg}）"]) from None
    if isinstance(data, dict):
        data = data.get(kind, data.get(kind.replace("-", "_")))
    if not isinstance(data, list):
        raise ImportFailed([f'JSON 应为对象数组，或 {{"{kind}": [...]}}'])
    return [
        (f"第{n}条", item if isinstance(item, dict) else {"__error__": "应为对象"})
        for n, item in enumerate(data, 1)
    ]


def import_file(
    session: Session, path: Path, kind: str, *, photo_dir: Path | None = None, now: datetime | None = None
) -> ImportSummary:
    """``photo_dir``: where the projects' photo files are (default: the import file's folder)."""
    labeled = read_file(path, kind)
    begin_write(session)
    summary = import_kind(session, kind, labeled, photo_dir=photo_dir or path.parent, now=now)
    session.commit()
    return summary


def import_kind(
    session: Session,
    kind: str,
    labeled: Sequence[Labeled],
    *,
    photo_dir: Path | None = None,
    now: datetime | None = None,
) -> ImportSummary:
    """Check every row, then write; the caller's transaction commits (so several kinds can be one import).

    Projects name their photos by file (read from ``photo_dir``) or by a hash the centre holds; the centre
    stores the bytes and the catalog names them by hash.
    """
    errors: list[str] = []
    records: list[rows.Record] = []
    labels: list[str] = []
    seen: dict[str, str] = {}
    key = rows.KEYS[kind]
    for label, raw in labeled:
        if "__error__" in raw:
            errors.append(f"{label}：{raw['__error__']}")
            continue
        try:
            record = rows.PARSERS[kind](raw)
        except rows.RowError as e:
            errors.append(f"{label} {e}")
            continue
        if record[key] in seen:
            errors.append(f"{label} {key}：{record[key]} 与{seen[record[key]]}重复")
            continue
        seen[record[key]] = label
        records.append(record)
        labels.append(label)
    if not errors:
        errors = _REFERENCE_CHECKS[kind](session, records, labels)
    resolved = None
    if not errors and kind == "projects":
        resolved = photos.resolve_names(session, [r["photos"] for r in records], labels, photo_dir)
        errors = resolved.problems
    if errors:
        raise ImportFailed(errors)
    if resolved is not None:
        photos.store_all(session, resolved.new, now or datetime.now())
        for record, hashes in zip(records, resolved.hashes, strict=True):
            record["photos"] = hashes
    counts = _WRITERS[kind](session, records)
    return ImportSummary(kind, len(records), counts.inserted, counts.updated, counts.unchanged)


def _missing(
    session: Session, model: Any, records: Sequence[rows.Record], labels: Sequence[str], col: str, what: str
) -> list[str]:
    known = w.code_ids(session, model, [r[col] for r in records])
    return [
        f"{label} {col}：找不到{what} {r[col]}"
        for r, label in zip(records, labels, strict=True)
        if r[col] not in known
    ]


def _check_units(session: Session, records: Sequence[rows.Record], labels: Sequence[str]) -> list[str]:
    errors = _missing(session, UnitType, records, labels, "unit_type_code", "户型")
    if errors:
        return errors
    type_projects = dict(
        session.execute(
            select(UnitType.code, Project.code)
            .join(Project, Project.id == UnitType.project_id)
            .where(UnitType.code.in_({r["unit_type_code"] for r in records}))
        ).all()
    )
    held = set(
        session.scalars(
            select(Unit.code)
            .join(Registration, Registration.unit_id == Unit.id)
            .where(Registration.status == "active", Unit.code.in_([r["code"] for r in records]))
        )
    )
    for r, label in zip(records, labels, strict=True):
        expected = type_projects[r["unit_type_code"]]
        if r["project_code"] and r["project_code"] != expected:
            errors.append(
                f"{label} project_code：户型 {r['unit_type_code']} 属于项目 {expected}，不是 {r['project_code']}"
            )
        if r["code"] in held and r["status"] != "taken":
            errors.append(f"{label} status：房源 {r['code']} 已有有效登记，不能改为 free")
    return errors


def _no_references(session: Session, records: Sequence[rows.Record], labels: Sequence[str]) -> list[str]:
    return []


_REFERENCE_CHECKS: dict[str, Callable[[Session, Sequence[rows.Record], Sequence[str]], list[str]]] = {
    "plans": _no_references,
    "projects": lambda s, r, lb: _missing(s, Plan, r, lb, "plan_code", "配租计划"),
    "unit-types": lambda s, r, lb: _missing(s, Project, r, lb, "project_code", "项目"),
    "units": _check_units,
    "households": _no_references,
}
_WRITERS: dict[str, Callable[[Session, Sequence[rows.Record]], w.WriteCounts]] = {
    "plans": w.upsert_plans,
    "projects": w.upsert_projects,
    "unit-types": w.upsert_unit_types,
    "units": w.upsert_units,
    "households": w.upsert_households,
}
