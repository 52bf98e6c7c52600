"""One program on a cache at a time: an OS lock on ``.kiosk.db.lock`` held while the cache is open.

Two copies of Kiosk on one data folder (the Start-menu icon clicked while the autostart copy runs, an installer's
self-check on the live folder) would each check, encrypt and recover the same files; the second is refused in
words instead. The lock is the operating system's (flock, or a locked byte on Windows): a killed program holds
nothing, so a crash never leaves the counter locked out. Within one process the cache may be opened again (the
tests build services twice on one folder); the lock is let go when the last engine on it is disposed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from kiosk.storage.private_files import open_private
from kiosk_core.errors import CacheUnusable

_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, opens in this process)
_guard = threading.Lock()


def lock_file(database: Path) -> Path:
    return database.with_name(f".{database.name}.lock")


def hold(database: Path) -> None:
    """Take the cache's lock for this process, or raise CacheUnusable when another program holds it."""
    path = lock_file(database).resolve()
    with _guard:
        if path in _held:
            fd, count = _held[path]
            _held[path] = (fd, count + 1)
            return
        fd = open_private(path, os.O_RDWR | os.O_CREAT)
        if not _try_lock(fd):
            os.close(fd)
            raise in_use(database)
        _held[path] = (fd, 1)


def release(database: Path) -> None:
    path = lock_file(database).resolve()
    with _guard:
        if path not in _held:
            return
        fd, count = _held.pop(path)
        if count > 1:
            _held[path] = (fd, count - 1)
            return
        os.close(fd)  # closing the descriptor lets the lock go


def in_use(database: Path) -> CacheUnusable:
    return CacheUnusable(
        "本机缓存正被另一个 Kiosk 程序使用",
        code="cache_in_use",
        details=(f"文件位置：{database}", "同一个数据文件夹同时只能由一个 Kiosk 使用；缓存没有改动"),
        steps=(
            "关闭另一个 Kiosk 窗口（或等它退出）后再启动本程序",
            "安装或升级时，先停止自动启动的 Kiosk（Linux：systemctl --user stop kiosk；Windows：结束计划任务）",
        ),
    )


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
