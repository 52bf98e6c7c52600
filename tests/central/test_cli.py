"""The admin commands: enrol, operators, CSV/JSON import (all or nothing, line numbers), demo data, migrate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk_central.bootstrap import build
from kiosk_central.cli import main
from kiosk_central.config import Settings
from kiosk_central.db import head_revision
from kiosk_central.tables import (
    AdminAudit,
    Device,
    Household,
    Member,
    Operator,
    Plan,
    Project,
    Unit,
    UnitType,
)
from tests.central.conftest import PgCluster
from tests.central.world import PHOTO_DIR, id_number

GOOD = id_number("19800101", 11)
BAD_CHECK = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")


def _count(url: str, model: object) -> int:
    central = build(Settings(database_url=url))
    try:
        with central.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]
    finally:
        central.close()


def _run(url: str, *args: str) -> int:
    return main([*args, "--database-url", url])


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def _import_catalog(url: str, tmp_path: Path) -> None:
    for name, demo in (("a.png", "P-HD-01-1.png"), ("b.png", "P-HD-01-2.png")):
        shutil.copyfile(PHOTO_DIR / demo, tmp_path / name)
    plans = _write(
        tmp_path / "plans.csv",
        "code,name,kind,announcement,window_start,window_end,cancel_deadline,allowed_districts,"
        "max_registrations_per_household,notice_version,notice_title,notice_text\n"
        'Q2701,2027年第一批快速配租,quick,"公告第一行\n公告第二行",2027-01-10 09:00,2027-01-20 17:00,'
        "2027-01-18 17:00,朝阳区、海淀区,1,1,告知书,请仔细阅读\n",
    )
    projects = _write(
        tmp_path / "projects.csv",
        "code,plan_code,name,district,address,description,photos\n"
        "P-T-01,Q2701,测试家园,朝阳区,朝阳路1号,近地铁,a.png;b.png\n",
    )
    types = _write(
        tmp_path / "types.csv",
        "code,project_code,name,area,rent,unit_count,min_family,max_family\nP-T-01-1R,P-T-01,一居室,40.5,1600,2,1,2\n",
    )
    units = _write(
        tmp_path / "units.csv",
        "code,unit_type_code,building,floor,number,orientation,area,rent,status\n"
        "P-T-01-1-101,P-T-01-1R,1,1,101,南,40.5,1600,free\nP-T-01-1-102,P-T-01-1R,1,1,102,北,40.5,1600,\n",
    )
    for path, kind in ((plans, "plans"), (projects, "projects"), (types, "unit-types"), (units, "units")):
        assert _run(url, "import", str(path), "--kind", kind) == 0


def test_import_csv_good(database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _import_catalog(database_url, tmp_path)
    households = _write(
        tmp_path / "households.csv",
        "filing_no,applicant_name,applicant_id_number,district,status,valid_until,phone,members\n"
        f"BA2027000001,张三,{GOOD},朝阳区,有效,2027-12-31,13800000000,配偶:李四:{id_number('19810101', 12)}\n"
        f"ba 2027 000002,王五,{id_number('19820101', 13)},海淀区,valid,2027-12-31,,\n",
    )
    assert _run(database_url, "import", str(households), "--kind", "households") == 0
    out = capsys.readouterr().out
    assert "households：共2条，新增2" in out
    assert [_count(database_url, m) for m in (Plan, Project, UnitType, Unit, Household, Member)] == [
        1,
        1,
        1,
        2,
        2,
        1,
    ]
    # The same file again changes nothing.
    assert _run(database_url, "import", str(households), "--kind", "households") == 0
    assert "未变2" in capsys.readouterr().out


def test_import_csv_bad_rows_import_nothing_and_name_the_lines(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    households = _write(
        tmp_path / "households.csv",
        "filing_no,applicant_name,applicant_id_number,district,status,valid_until,phone,members\n"
        f"BA2027000001,张三,{GOOD},朝阳区,valid,2027-12-31,13800000000,\n"
        f"BA2027000002,李四,{BAD_CHECK},朝阳区,valid,2027-12-31,,\n"
        f"BA2027000003,王五,{id_number('19820101', 13)},朝阳区,valid,2027-12-31,12345,\n"
        f"BA2027000001,赵六,{id_number('19830101', 14)},朝阳区,valid,2027-12-31,,\n"
        f"BA2027000005,钱七,{id_number('19840101', 15)},朝阳区,valid,2027-13-01,,子女:钱八\n",
    )
    assert _run(database_url, "import", str(households), "--kind", "households") == 1
    err = capsys.readouterr().err
    assert "没有导入任何数据" in err
    assert "第3行 applicant_id_number：身份证号码校验位不对" in err
    assert "第4行 phone：" in err
    assert "第5行 filing_no：BA2027000001 与第2行重复" in err
    assert "第6行 valid_until：应为日期" in err
    assert _count(database_url, Household) == 0


def test_import_line_numbers_count_multi_line_cells(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import_catalog(database_url, tmp_path)
    projects = _write(
        tmp_path / "projects.csv",
        "code,plan_code,name,district,address,description,photos\n"
        'P-T-02,Q2701,二号家园,朝阳区,朝阳路2号,"第一行\n第二行\n第三行",\n'
        "P-T-03,Q9999,三号家园,朝阳区,朝阳路3号,,\n",
    )
    assert _run(database_url, "import", str(projects), "--kind", "projects") == 1
    assert "第5行 plan_code：找不到配租计划 Q9999" in capsys.readouterr().err


def test_import_header_problems(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "units.csv", "code,unit_type,building\nX,Y,1\n")
    assert _run(database_url, "import", str(path), "--kind", "units") == 1
    err = capsys.readouterr().err
    assert "第1行（表头）" in err and "缺少列" in err and "未知的列 unit_type" in err


def test_import_gbk_csv_and_json(database_url: str, tmp_path: Path) -> None:
    _import_catalog(database_url, tmp_path)
    gbk = _write(
        tmp_path / "households.csv",
        f"filing_no,applicant_name,applicant_id_number,district,status,valid_until\nBA2027000009,张三,{GOOD},朝阳区,有效,2027-12-31\n",
        encoding="gb18030",
    )
    assert _run(database_url, "import", str(gbk), "--kind", "households") == 0
    units = tmp_path / "units.json"
    units.write_text(
        json.dumps({"units": [{"code": "P-T-01-2-201", "unit_type_code": "P-T-01-1R", "building": "2", "floor": 2,
                               "number": "201", "area": 40.5, "rent": 1600}]}, ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip
    assert _run(database_url, "import", str(units), "--kind", "units") == 0
    assert _count(database_url, Unit) == 3 and _count(database_url, Household) == 1


def test_enroll_device_prints_the_secret_once(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(database_url, "enroll-device", "--counter", "03", "--name", "3号窗口") == 0
    out = capsys.readouterr().out
    secret = out.split("secret:")[1].split()[0]
    assert _count(database_url, Device) == 1
    central = build(Settings(database_url=database_url))
    try:
        with central.db.session() as s:
            device = s.scalars(select(Device)).one()
            device_id, secret_hash = device.id, device.secret_hash
            s.rollback()
            assert secret not in secret_hash
            assert central.auth.device_token(s, device_id, secret).token
    finally:
        central.close()
    assert _run(database_url, "enroll-device", "--counter", "03", "--name", "另一台") == 1
    assert "已有启用的设备" in capsys.readouterr().err
    assert _run(database_url, "enroll-device", "--counter", "3", "--name", "x") == 1


def test_create_operator(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("create-operator", "zhang", "--display-name", "张丽", "--role", "clerk")
    assert _run(database_url, *args, "--password", "s3cret-pass") == 0
    assert _run(database_url, *args, "--password", "s3cret-pass") == 1
    assert "已存在" in capsys.readouterr().err
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "another-pass")
    assert _run(database_url, "create-operator", "li", "--display-name", "李", "--role", "supervisor") == 0
    assert _count(database_url, Operator) == 2


def _audit(url: str) -> list[tuple[str, str, str, str]]:
    central = build(Settings(database_url=url))
    try:
        with central.db.session() as s:
            rows = s.scalars(select(AdminAudit).order_by(AdminAudit.id)).all()
            return [(r.action, r.subject, r.actor, r.detail) for r in rows]
    finally:
        central.close()


def _sign_in(url: str, device_id: str, secret: str, username: str, password: str) -> str:
    """The code the centre answers a counter's sign-in with ("ok" when it lets the operator in)."""
    from kiosk_central.services.errors import Unauthorized

    central = build(Settings(database_url=url))
    try:
        with central.db.session() as s:
            token = central.auth.device_token(s, device_id, secret).token
        with central.db.session() as s:
            device = central.auth.authenticate(s, token)
        with central.db.session() as s:
            central.auth.operator_token(s, device, username, password)
        return "ok"
    except Unauthorized as e:
        return e.code
    finally:
        central.close()


def test_disable_and_enable_operator_are_audited(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUDO_USER", "admin-zhao")
    assert _run(database_url, "enroll-device", "--counter", "03", "--name", "3号窗口") == 0
    out = capsys.readouterr().out
    device_id, secret = out.split("device_id:")[1].split()[0], out.split("secret:")[1].split()[0]
    args = (
        "create-operator",
        "zhang",
        "--display-name",
        "张丽",
        "--role",
        "clerk",
        "--password",
        "s3cret-pass",
    )
    assert _run(database_url, *args) == 0
    assert _sign_in(database_url, device_id, secret, "zhang", "s3cret-pass") == "ok"

    assert _run(database_url, "disable-operator", "zhang", "--reason", "离职") == 0
    assert "已停用工作人员 zhang" in capsys.readouterr().out
    assert _sign_in(database_url, device_id, secret, "zhang", "s3cret-pass") == "operator_disabled"
    assert _run(database_url, "disable-operator", "zhang") == 1
    assert "已是停用状态" in capsys.readouterr().err
    assert _run(database_url, "disable-operator", "nobody") == 1
    assert "找不到用户名 nobody" in capsys.readouterr().err

    assert _run(database_url, "enable-operator", "zhang") == 0
    assert _sign_in(database_url, device_id, secret, "zhang", "s3cret-pass") == "ok"
    assert _audit(database_url) == [
        ("disable_operator", "zhang", "admin-zhao", "离职"),
        ("enable_operator", "zhang", "admin-zhao", ""),
    ]


def test_disable_and_enable_device_are_audited(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUDO_USER", "admin-zhao")
    assert _run(database_url, "enroll-device", "--counter", "03", "--name", "3号窗口") == 0
    out = capsys.readouterr().out
    device_id, secret = out.split("device_id:")[1].split()[0], out.split("secret:")[1].split()[0]
    assert _run(database_url, "load-demo") == 0
    capsys.readouterr()

    assert _run(database_url, "disable-device", "--counter", "03", "--reason", "主机送修") == 0
    assert f"已停用设备“3号窗口”（窗口 03，{device_id}）" in capsys.readouterr().out
    assert _sign_in(database_url, device_id, secret, "clerk1", "kiosk-demo-1") == "device_disabled"
    assert _run(database_url, "disable-device", device_id) == 1
    assert "已是停用状态" in capsys.readouterr().err
    assert _run(database_url, "disable-device", "--counter", "03") == 1
    assert "窗口 03 没有启用的设备" in capsys.readouterr().err

    # Another device took the counter meanwhile: enabling the old one would duplicate registration numbers.
    assert _run(database_url, "enroll-device", "--counter", "03", "--name", "新主机") == 0
    new_id = capsys.readouterr().out.split("device_id:")[1].split()[0]
    assert _run(database_url, "enable-device", device_id) == 1
    assert "已有启用的设备“新主机”" in capsys.readouterr().err
    assert _run(database_url, "disable-device", new_id) == 0
    assert _run(database_url, "enable-device", device_id) == 0
    assert _sign_in(database_url, device_id, secret, "clerk1", "kiosk-demo-1") == "ok"
    assert _audit(database_url) == [
        ("disable_device", device_id, "admin-zhao", "窗口 03；主机送修"),
        ("disable_device", new_id, "admin-zhao", "窗口 03"),
        ("enable_device", device_id, "admin-zhao", "窗口 03"),
    ]


def test_disable_device_needs_an_id_or_a_counter(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["disable-device"])
    assert exited.value.code == 2
    assert "one of the arguments device_id --counter is required" in capsys.readouterr().err


def test_load_demo(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk_core.reg_no import make_reg_no

    assert _run(database_url, "load-demo") == 0
    out = capsys.readouterr().out
    assert "clerk1" in out and "super1" in out
    assert _count(database_url, Household) >= 1000
    central = build(Settings(database_url=database_url))
    try:
        with central.db.session() as s:
            e = central.auth.enroll_device(s, "01", "演示")
        with central.db.session() as s:
            device = central.auth.authenticate(s, central.auth.device_token(s, e.device_id, e.secret).token)
        with central.db.session() as s:
            _, op = central.auth.operator_token(s, device, "super1", "kiosk-demo-2")
        assert (op.display_name, op.role) == ("李建国", "supervisor")
        with central.db.session() as s:
            names = {o.username: o.display_name for o in s.scalars(select(Operator))}
        assert names["clerk1"] == "王晓梅"
        assert make_reg_no("Q2611", 1)  # demo plan codes fit the registration number format
    finally:
        central.close()
    assert _run(database_url, "load-demo") == 0  # again: an update, nothing duplicated
    assert "新增0" in capsys.readouterr().out


def test_migrate_a_fresh_sqlite_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    central = build(Settings(database_url=f"sqlite:///{tmp_path / 'central.db'}"))
    try:
        head = head_revision(central.db.engine)
    finally:
        central.close()
    assert f"数据库结构已更新：空 → {head}" in capsys.readouterr().out
    assert (tmp_path / "central.db").exists()
    assert main(["enroll-device", "--counter", "01", "--name", "一号", "--data-dir", str(tmp_path)]) == 0


def test_postgresql_schema_moves_only_by_migrate(
    pg_cluster: PgCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_cluster.create("not_migrated")
    try:
        assert _run(url, "enroll-device", "--counter", "01", "--name", "x") == 1
        assert "请先运行 kiosk-central migrate" in capsys.readouterr().err
        assert _run(url, "migrate") == 0
        assert _run(url, "enroll-device", "--counter", "01", "--name", "x") == 0
    finally:
        pg_cluster.drop("not_migrated")


def test_create_operator_refuses_a_common_password_and_says_why(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("create-operator", "zhaoliu", "--display-name", "赵六", "--role", "clerk")
    assert _run(database_url, *args, "--password", "12345678") == 1
    assert "常见密码" in capsys.readouterr().err
    assert _run(database_url, *args, "--password", "zhaoliu2024") == 1
    assert "用户名或姓名" in capsys.readouterr().err
    assert _count(database_url, Operator) == 0
