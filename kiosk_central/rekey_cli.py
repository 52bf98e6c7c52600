"""``kiosk-central rekey-ids``: every ID hash made again with a new key (services/id_keys.py).

The old key comes from a file or the environment, never the command line (which ``ps`` and the shell's
history show); the new one is KIOSK_CENTRAL_ID_KEY, the key the service will run with.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from kiosk_central.bootstrap import Central
from kiosk_central.config import DEVELOPMENT_ID_KEY, ID_KEY_ENV, OLD_ID_KEY_ENV
from kiosk_central.services import id_keys
from kiosk_central.services.errors import CentralError


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "rekey-ids",
        parents=[common],
        allow_abbrev=False,  # "--old-key KEY" must not pass for --old-key-file: a key is never an argument
        help=f"recompute every ID hash with the new key ${ID_KEY_ENV} (stop every instance first; audited)",
    )
    old = p.add_mutually_exclusive_group()
    old.add_argument(
        "--old-key-file", type=Path, help=f"a file holding the old key (default: ${OLD_ID_KEY_ENV})"
    )
    old.add_argument(
        "--from-development-key",
        action="store_true",
        help="the old key is the SQLite development key (a demo or test centre going to production)",
    )


def _old_key(args: argparse.Namespace) -> bytes:
    if args.from_development_key:
        return DEVELOPMENT_ID_KEY.encode()
    if args.old_key_file is not None:
        try:
            key: str = args.old_key_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as e:
            raise CentralError(
                f"无法读取旧密钥文件 {args.old_key_file}：{e.strerror or e}", code="invalid_arguments"
            ) from e
    else:
        key = os.environ.get(OLD_ID_KEY_ENV, "")
    if not key:
        raise CentralError(
            "未给出旧密钥",
            hint=f"用 --old-key-file 文件 或环境变量 {OLD_ID_KEY_ENV} 给出（不要写在命令行上）",
            code="invalid_arguments",
        )
    return key.encode()


def run(central: Central, args: argparse.Namespace, actor: str) -> None:
    old_key = _old_key(args)
    if not os.environ.get(ID_KEY_ENV):  # else SQLite would quietly take the development key as the new one
        raise CentralError(
            f"未设置新密钥 {ID_KEY_ENV}", hint="在环境中给出新的密钥", code="invalid_arguments"
        )
    done = id_keys.rekey(central.db, old_key, actor=actor, now=central.clock())
    print(
        f"已用新密钥重算 {done.rows} 行身份证号哈希（密钥指纹 {done.old} → {done.new}）；"
        f"各实例请用新的 {ID_KEY_ENV} 启动"
    )
