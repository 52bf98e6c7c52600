"""``kiosk-central export-registrations``: a whole plan, every counter's, masked unless --full, 0600, audited."""

from __future__ import annotations

import csv
import json
import stat
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kiosk_central.bootstrap import Central
from kiosk_central.cli import main
from kiosk_central.tables import AdminAudit
from kiosk_core.exports import HEADERS
from tests.central.api import Api
from tests.central.world import FAMILIES, registration

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # plain SELECTs: PostgreSQL would add no case
ASGI = pytest.mark.parametrize("transport", ["asgi"])  # the API only sets up the registrations


@pytest.fixture
def reg_nos(api: Api) -> list[str]:
    bodies = [registration(FAMILIES["ok"], seq=1), registration(FAMILIES["ok2"], seq=2)]
    bodies.append(registration(FAMILIES["xicheng"], plan="R2611", seq=1, unit="R-1-301"))
    for body in bodies:
        assert api.register(body).status_code == 201, body
    return [b["payload"]["reg_no"] for b in bodies[:2]]


def export(database_url: str, out: Path, *extra: str) -> int:
    return main(
        ["export-registrations", "--plan", "Q2611", "--out", str(out), *extra, "--database-url", database_url]
    )


def audits(world: Central) -> list[dict[str, object]]:
    with world.db.session() as s:
        rows = s.scalars(select(AdminAudit).where(AdminAudit.action == "export_registrations")).all()
        return [{"subject": r.subject, "actor": r.actor} | json.loads(r.detail) for r in rows]


@ASGI
def test_masked_csv_by_default(
    world: Central, database_url: str, reg_nos: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q.csv"
    assert export(database_url, out, "--format", "csv") == 0
    assert "已导出 2 条登记（个人信息已脱敏）" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(HEADERS)
    assert [r["登记编号"] for r in rows] == reg_nos  # the other plan's is not in it
    id_no = FAMILIES["ok"].applicant_id_number
    assert rows[0]["身份证号码"] == id_no[:4] + "*" * 10 + id_no[-4:]
    assert rows[0]["联系电话"] == "138****0000" and rows[0]["备案编号"] == FAMILIES["ok"].filing_no
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    [entry] = audits(world)
    assert entry["subject"] == "Q2611" and entry["full"] is False and entry["rows"] == 2
    assert entry["format"] == "csv" and entry["actor"]


@ASGI
def test_full_xlsx(world: Central, database_url: str, reg_nos: list[str], tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    assert export(database_url, out, "--format", "xlsx", "--full") == 0
    sheet = load_workbook(out, read_only=True).active
    assert sheet is not None
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert [r["登记编号"] for r in rows] == reg_nos
    assert (
        rows[0]["身份证号码"] == FAMILIES["ok"].applicant_id_number and rows[0]["联系电话"] == "13800000000"
    )
    if sys.platform != "win32":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    [entry] = audits(world)
    assert entry["full"] is True and entry["format"] == "xlsx"
    assert FAMILIES["ok"].applicant_id_number not in json.dumps(entry)


def test_unknown_plan(
    world: Central, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.csv"
    args = ["export-registrations", "--plan", "Z9999", "--format", "csv", "--out", str(out)]
    assert main([*args, "--database-url", database_url]) == 1
    assert "找不到配租计划 Z9999" in capsys.readouterr().err
    assert not out.exists() and audits(world) == []


def test_a_folder_that_is_not_there(
    world: Central, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "q.csv"
    assert export(database_url, out, "--format", "csv") == 1
    assert f"无法写入 {out}" in capsys.readouterr().err
    assert audits(world) == []
