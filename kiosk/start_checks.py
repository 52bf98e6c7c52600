"""What the counter checks before it starts: that its data folder takes files, and the supervisor's fresh cache."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_core.errors import CacheUnusable

if TYPE_CHECKING:
    from kiosk.config import Config


def data_dir_problem(data_dir: Path) -> CacheUnusable | None:
    """The data folder must take files; a full disk is let through (sign-in and reading still work)."""
    from kiosk.storage.private_files import open_private, private_dir
    from kiosk_core.errors import disk_full

    try:
        private_dir(data_dir)
        probe = data_dir / ".kiosk-write-test"
        os.close(open_private(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC))
        probe.unlink()
    except OSError as exc:
        if disk_full(exc):
            return None
        return CacheUnusable(
            f"数据文件夹 {data_dir} 不能写入：{exc.strerror or exc}",
            code="data_dir_unwritable",
            details=("本机缓存、回执和日志都存放在这个文件夹里，不能写入就不能登记",),
            steps=(
                "请技术支持把该文件夹改为运行本程序的用户可写，或在配置文件中用 data_dir 换一个文件夹",
                "改好后重新启动程序",
            ),
        )
    return None


# Nothing to rebuild from: the cache is whole but another release's, or its key cannot be read (yet).
_NOT_REBUILT = (
    "cache_schema_unknown",
    "cache_keyring_unavailable",
    "cache_key_damaged",
    "cache_not_encrypted",
)


def fresh_cache(config: Config) -> int:
    """``kiosk --fresh-cache``: the supervisor's choice after a failed check (docs/recovery.md)."""
    from kiosk.services.secrets import KeyringCacheKeys, SecretStore
    from kiosk.storage import cache_lock, health
    from kiosk.storage.db import unlock

    database = config.database_path
    try:
        cache_lock.hold(database)  # not while a Kiosk runs on it
    except CacheUnusable as exc:
        print(f"kiosk: {exc.message}；不重建。", file=sys.stderr)
        return 2
    try:
        unlocked = unlock(database, KeyringCacheKeys(SecretStore()))
    except CacheUnusable as exc:
        if exc.code in _NOT_REBUILT:
            print(f"kiosk: {exc.message}；不重建。", file=sys.stderr)
            return 2
        if exc.code in ("cache_key_missing", "cache_key_wrong"):
            # Whole, perhaps, but unreadable here: kept under a new name for whoever finds its key.
            health.set_aside_now(database)
        kept = health.kept_aside(database)
    else:
        if database.exists() and database.stat().st_size > 0:
            done = "（已按新版本加密）" if unlocked.encrypted_here else "；未做任何改动"
            print(f"kiosk: 本机缓存 {database} 检查完好，无需重建{done}。", file=sys.stderr)
            return 2
        kept = health.kept_aside(database)
    finally:
        cache_lock.release(database)
    health.forget(database)
    print(f"已准备重建本机缓存 {database}。")
    if kept:
        print(f"原来的文件仍保留在：{kept[0]}（请勿删除，尚未送达的登记只在其中）")
    print("请正常启动 kiosk：它会建立空缓存并从中心同步计划、家庭和账号（首次同步完成前不能登录）。")
    return 0
