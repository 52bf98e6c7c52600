"""Exports: the counter's registrations to CSV / XLSX, masked unless a supervisor asks, 0600, audited."""

from __future__ import annotations

import csv
import stat
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from kiosk.bootstrap import Built
from kiosk.services.exports import ExportFormat, ExportRequest
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from kiosk_core.errors import NotAllowed, NotFound
from kiosk_core.exports import HEADERS, ExportRow, file_bytes
from tests.builders import NOW, SUPERVISOR, World
from tests.fakes import MovableClock
from tests.services.test_registration import draft


@pytest.fixture
def supervisor(built: Built, world: World) -> OperatorSession:
    return built.services.auth.login(*SUPERVISOR)


@pytest.fixture
def regs(built: Built, world: World, clerk: OperatorSession, clock: MovableClock) -> dict[str, str]:
    """ok: quick plan today; rt (household far): realtime plan today; late (household clash_a): quick plan tomorrow, at counter 02."""
    register = built.services.registration.register
    ok = register(draft(world, "ok"), clerk).reg_no
    rt = register(
        draft(world, "far", unit_type=world.rt_type, unit=world.free_units[0], plan="rt"), clerk
    ).reg_no
    clock.advance(days=1)
    late = register(draft(world, "clash_a"), clerk).reg_no
    with built.uow() as uow:  # a registration the sync brought from another counter
        uow.session.execute(update(t.Registration).where(t.Registration.reg_no == late).values(counter="02"))
        uow.commit()
    return {"ok": ok, "rt": rt, "late": late}


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def read_xlsx(path: Path) -> list[dict[str, str]]:
    sheet = load_workbook(path, read_only=True).active
    assert sheet is not None
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, line, strict=True)) for line in lines]


def audit_entries(built: Built, action: str) -> list[t.AuditEntry]:
    with built.uow() as uow:
        rows = uow.session.scalars(select(t.AuditEntry).where(t.AuditEntry.action == action)).all()
        uow.session.expunge_all()
        return list(rows)


def test_clerk_export_is_masked_and_audited(
    built: Built, world: World, clerk: OperatorSession, regs: dict[str, str]
) -> None:
    done = built.services.exports.export(ExportRequest(ExportFormat.CSV), clerk)
    rows = read_csv(done.path)
    assert list(rows[0]) == list(HEADERS)
    assert sorted(r["登记编号"] for r in rows) == sorted(regs.values()) and done.rows == 3
    ok = next(r for r in rows if r["登记编号"] == regs["ok"])
    filing_no, id_no = world.households["ok"]
    assert ok["备案编号"] == filing_no
    assert ok["身份证号码"] == id_no[:4] + "*" * 10 + id_no[-4:]
    assert ok["主申请人"] == "测**k" and ok["联系电话"] == "138****8000"
    assert ok["状态"] == "有效" and ok["户型"] == "一居室" and ok["窗口"] == "01"
    assert ok["登记时间"] == f"{NOW:%Y-%m-%d %H:%M:%S}"
    assert "Q2611" in ok["配租计划"]
    assert id_no not in done.path.read_text(encoding="utf-8-sig")
    assert done.path.parent == built.config.data_dir / "exports"

    [entry] = audit_entries(built, "export")
    assert entry.operator_id == clerk.id and entry.counter == "01"
    assert entry.detail["full"] is False and entry.detail["rows"] == 3
    assert entry.detail["format"] == "csv" and entry.detail["file"] == done.path.name


def test_clerk_asking_for_full_data_is_refused_and_that_is_audited(
    built: Built, clerk: OperatorSession, regs: dict[str, str]
) -> None:
    with pytest.raises(NotAllowed) as err:
        built.services.exports.export(ExportRequest(ExportFormat.XLSX, full=True), clerk)
    assert err.value.code == "export_full_not_supervisor" and "主管" in err.value.message
    assert not (built.config.data_dir / "exports").exists() or not any(
        (built.config.data_dir / "exports").iterdir()
    )
    [entry] = audit_entries(built, "export_refused")
    assert entry.operator_id == clerk.id and entry.detail["full"] is True
    assert audit_entries(built, "export") == []


def test_supervisor_full_xlsx_holds_the_real_data(
    built: Built, world: World, supervisor: OperatorSession, regs: dict[str, str]
) -> None:
    request = ExportRequest(ExportFormat.XLSX, plan_id=world.quick_plan, full=True)
    done = built.services.exports.export(request, supervisor)
    rows = read_xlsx(done.path)
    assert sorted(r["登记编号"] for r in rows) == sorted([regs["ok"], regs["late"]])
    ok = next(r for r in rows if r["登记编号"] == regs["ok"])
    filing_no, id_no = world.households["ok"]
    assert (ok["身份证号码"], ok["主申请人"], ok["联系电话"]) == (id_no, "测试ok", "13800138000")
    assert ok["备案编号"] == filing_no  # text, not a number Excel would round
    [entry] = audit_entries(built, "export")
    assert entry.subject == "Q2611" and entry.detail["full"] is True and entry.detail["format"] == "xlsx"
    assert id_no not in str(entry.detail)


def test_supervisor_masked_when_not_asking_for_full(
    built: Built, world: World, supervisor: OperatorSession, regs: dict[str, str]
) -> None:
    done = built.services.exports.export(ExportRequest(ExportFormat.XLSX), supervisor)
    _filing_no, id_no = world.households["ok"]
    assert all("*" in r["身份证号码"] and r["身份证号码"] != id_no for r in read_xlsx(done.path))


def test_filters_by_plan_day_and_counter(
    built: Built, world: World, supervisor: OperatorSession, regs: dict[str, str]
) -> None:
    exports = built.services.exports

    def exported(**filters: object) -> list[str]:
        done = exports.export(ExportRequest(ExportFormat.CSV, **filters), supervisor)  # type: ignore[arg-type]
        return sorted(r["登记编号"] for r in read_csv(done.path))

    assert exported(plan_id=world.realtime_plan) == [regs["rt"]]
    assert exported(day=NOW.date()) == sorted([regs["ok"], regs["rt"]])
    assert exported(day=(NOW + timedelta(days=1)).date()) == [regs["late"]]
    assert exported(counter="02") == [regs["late"]]
    assert exported(plan_id=world.quick_plan, day=NOW.date(), counter="01") == [regs["ok"]]
    assert exported(plan_id=world.upcoming_plan) == []
    assert exports.counters() == ["01", "02"]
    assert [p.code for p in exports.plans()][:2] == ["Q2611", "R2611"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_export_files_are_the_kiosk_users_only(
    built: Built, supervisor: OperatorSession, regs: dict[str, str]
) -> None:
    for fmt in ExportFormat:
        done = built.services.exports.export(ExportRequest(fmt, full=True), supervisor)
        assert stat.S_IMODE(done.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(done.path.parent.stat().st_mode) == 0o700


def test_an_unknown_plan_is_a_typed_error(built: Built, supervisor: OperatorSession) -> None:
    with pytest.raises(NotFound) as err:
        built.services.exports.export(ExportRequest(ExportFormat.CSV, plan_id=9999), supervisor)
    assert err.value.code == "export_plan_not_found"


def test_a_cell_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    row = ExportRow(*(['=HYPERLINK("http://x")'] + [""] * (len(HEADERS) - 1)))
    for fmt in ExportFormat:
        path = tmp_path / f"f.{fmt.value}"
        path.write_bytes(file_bytes([row], fmt))
        first = read_csv(path)[0] if fmt is ExportFormat.CSV else read_xlsx(path)[0]
        assert first["登记编号"] == '\'=HYPERLINK("http://x")'
