"""``kiosk-central``: serve the API and run the admin commands (migrate, devices, operators, import, review, export,
rekey)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk_central import audit_cli, rekey_cli
from kiosk_central.bootstrap import Central, build
from kiosk_central.config import (
    DATABASE_URL_ENV,
    DEFAULT_DATA_DIR,
    DEVELOPMENT_ID_KEY,
    ID_KEY_ENV,
    IdKeyMismatch,
    IdKeyMissing,
    Settings,
    resolve_database_url,
)
from kiosk_central.db import current_revision, head_revision
from kiosk_central.services import id_keys, importer, reviews
from kiosk_central.services.demo import load_demo
from kiosk_central.services.errors import CentralError
from kiosk_central.services.exports import export_plan
from kiosk_core.exports import ExportFormat


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"folder of the default SQLite database (default {DEFAULT_DATA_DIR})",
    )
    common.add_argument(
        "--database-url",
        default=None,
        help=f"SQLAlchemy URL, e.g. postgresql://user@host/db (default: ${DATABASE_URL_ENV}, else SQLite in the data dir)",
    )
    parser = argparse.ArgumentParser(
        prog="kiosk-central", description="Kiosk central service and admin commands"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", parents=[common], help="serve the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL; SQLite: keep 1)")
    serve.add_argument(
        "--no-migrate", action="store_true", help="do not bring the schema to head before serving"
    )
    serve.add_argument("--log-level", default="info")

    sub.add_parser("migrate", parents=[common], help="bring the database schema to the newest version")

    enroll = sub.add_parser(
        "enroll-device", parents=[common], help="enrol a kiosk; prints its id and secret once"
    )
    enroll.add_argument("--counter", required=True, help="two-digit counter number, e.g. 01")
    enroll.add_argument("--name", required=True, help="a name staff recognise, e.g. 3号窗口")
    enroll.add_argument("--replace", action="store_true", help="disable the counter's current device")

    op = sub.add_parser("create-operator", parents=[common], help="create a counter operator account")
    op.add_argument("username")
    op.add_argument("--display-name", required=True)
    op.add_argument("--role", choices=("clerk", "supervisor"), required=True)
    op.add_argument("--password", help="asked for when left out (better: not in the shell history)")

    for command, what in (("disable-operator", "disable"), ("enable-operator", "enable")):
        p = sub.add_parser(command, parents=[common], help=f"{what} an operator account (audited)")
        p.add_argument("username")
        p.add_argument("--reason", default="", help="recorded in the centre's audit log")
    for command, what in (("disable-device", "disable"), ("enable-device", "enable")):
        p = sub.add_parser(command, parents=[common], help=f"{what} an enrolled kiosk device (audited)")
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("device_id", nargs="?", help="the id enroll-device printed")
        if what == "disable":
            which.add_argument("--counter", help="the counter whose enabled device to disable, e.g. 03")
        p.add_argument("--reason", default="", help="recorded in the centre's audit log")

    imp = sub.add_parser(
        "import", parents=[common], help="import a CSV (header row) or JSON file; all or nothing"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--kind", required=True, choices=importer.KINDS)
    imp.add_argument(
        "--photos",
        type=Path,
        default=None,
        help="projects: the folder of the photo files (default: the file's)",
    )

    demo = sub.add_parser("load-demo", parents=[common], help="load the kiosk's demo data, dates from today")
    demo.add_argument(
        "--resources", type=Path, default=None, help="the folder holding demo/ (default: the repo's)"
    )

    export = sub.add_parser(
        "export-registrations",
        parents=[common],
        help="export a plan's registrations, every counter's, to CSV or XLSX (masked unless --full; audited)",
    )
    export.add_argument("--plan", required=True, help="the plan's code, e.g. Q2611")
    export.add_argument("--format", required=True, choices=[f.value for f in ExportFormat])
    export.add_argument("--full", action="store_true", help="names, ID numbers and phones unmasked")
    export.add_argument("--out", type=Path, required=True, help="the file to write (0600)")

    audit_cli.add_parser(sub, common)
    rekey_cli.add_parser(sub, common)

    review = sub.add_parser("review", parents=[common], help="set a registration's review result")
    review.add_argument("reg_no")
    review.add_argument("--status", required=True, choices=reviews.STATUSES)
    review.add_argument("--reason", default="", help="不通过原因 (required for 审核不通过)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = resolve_database_url(args.database_url, args.data_dir)
    try:
        if args.command == "serve":
            return _serve(args, url)
        central = build(Settings(database_url=url))
    except IdKeyMissing as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    try:
        _ready(central, migrate=args.command == "migrate" or central.db.is_sqlite)
        if args.command != "rekey-ids":  # it checks the old key instead
            id_keys.check(central.db)
        if args.command != "migrate":
            _COMMANDS[args.command](central, args)
        return 0
    except (CentralError, IdKeyMismatch) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    finally:
        central.close()


def _ready(central: Central, *, migrate: bool) -> None:
    """SQLite (embedded) is migrated on the fly; a PostgreSQL schema moves only by ``migrate``."""
    if migrate:
        before = current_revision(central.db.engine)
        after = central.db.migrate()
        if before != after:
            print(f"数据库结构已更新：{before or '空'} → {after}")
        return
    if current_revision(central.db.engine) != head_revision(central.db.engine):
        raise CentralError(
            "数据库结构不是最新版本", hint="请先运行 kiosk-central migrate", code="not_migrated"
        )


def _serve(args: argparse.Namespace, url: str) -> int:
    from kiosk_central.server import serve

    central = build(Settings(database_url=url))
    if central.db.id_key == DEVELOPMENT_ID_KEY.encode():
        print(f"注意：未设置 {ID_KEY_ENV}，使用开发用的身份证号索引密钥（仅限 SQLite 演示）", file=sys.stderr)
    try:
        _ready(central, migrate=not args.no_migrate)
        id_keys.check(central.db)  # before any worker starts; each worker checks again (app_from_env)
    except (CentralError, IdKeyMismatch) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    finally:
        central.close()
    # Workers are processes that each build their own app: they find the database in the environment.
    os.environ[DATABASE_URL_ENV] = url
    serve(args.host, args.port, args.workers, args.log_level)
    return 0


def _enroll(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        e = central.auth.enroll_device(s, args.counter, args.name, replace=args.replace)
    print(f"已登记设备“{e.name}”（窗口 {e.counter}）。以下密钥只显示这一次，请录入该窗口的 Kiosk：")
    print(f"device_id: {e.device_id}")
    print(f"secret:    {e.secret}")


def _create_operator(central: Central, args: argparse.Namespace) -> None:
    password = args.password
    if password is None:
        password = getpass.getpass("密码：")
        if getpass.getpass("再输一次：") != password:
            raise CentralError("两次输入的密码不一致", code="password_mismatch")
    with central.db.session() as s:
        info = central.auth.create_operator(s, args.username, args.display_name, args.role, password)
    print(f"已创建工作人员 {info.username}（{info.display_name}，{info.role}）")


def _actor() -> str:
    """Who ran an admin command, for the audit log: the system account (sudo keeps the real one)."""
    return os.environ.get("SUDO_USER") or getpass.getuser()


def _disable_operator(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        central.auth.disable_operator(s, args.username, actor=_actor(), reason=args.reason)
    print(f"已停用工作人员 {args.username}：中心立即拒绝其登录和令牌，各窗口同步后离线也不能登录")


def _enable_operator(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        central.auth.enable_operator(s, args.username, actor=_actor(), reason=args.reason)
    print(f"已启用工作人员 {args.username}")


def _disable_device(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        device_id = args.device_id or central.auth.active_device(s, args.counter)
        s.rollback()
        d = central.auth.disable_device(s, device_id, actor=_actor(), reason=args.reason)
    print(f"已停用设备“{d.name}”（窗口 {d.counter}，{d.device_id}）：其令牌立即失效，未送达的登记暂存该窗口")


def _enable_device(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        d = central.auth.enable_device(s, args.device_id, actor=_actor(), reason=args.reason)
    print(f"已启用设备“{d.name}”（窗口 {d.counter}，{d.device_id}）")


def _import(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        summary = importer.import_file(s, args.file, args.kind, photo_dir=args.photos, now=central.clock())
    print(f"导入完成：{summary}")


def _load_demo(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        result = load_demo(s, central.auth, now=central.clock(), resources=args.resources)
    for summary in result.summaries:
        print(f"演示数据 {summary}")
    if result.operators_created:
        print(f"已创建演示账号：{'、'.join(result.operators_created)}")


def _review(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        r = reviews.set_review(s, central.clock, args.reg_no, args.status, args.reason)
    reason = f"，原因：{r.reject_reason}" if r.reject_reason else ""
    print(f"登记 {r.reg_no}：{r.review_status}{reason}")


def _export(central: Central, args: argparse.Namespace) -> None:
    with central.db.session() as s:
        done = export_plan(
            s,
            args.plan,
            ExportFormat(args.format),
            args.out,
            full=args.full,
            actor=_actor(),
            now=central.clock(),
        )
    kind = "完整个人信息" if done.full else "个人信息已脱敏"
    print(f"已导出 {done.rows} 条登记（{kind}）到 {done.path}")


def _rekey(central: Central, args: argparse.Namespace) -> None:
    rekey_cli.run(central, args, _actor())


_COMMANDS = {
    "enroll-device": _enroll,
    "create-operator": _create_operator,
    "disable-operator": _disable_operator,
    "enable-operator": _enable_operator,
    "disable-device": _disable_device,
    "enable-device": _enable_device,
    "import": _import,
    "load-demo": _load_demo,
    "review": _review,
    "export-registrations": _export,
    "audit-verify": audit_cli.run,
    "rekey-ids": _rekey,
}

if __name__ == "__main__":
    sys.exit(main())
