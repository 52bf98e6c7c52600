"""The local cache's start-up check: a damaged, emptied or vanished cache is set aside and reported, never rebuilt.

Every acknowledged registration is at the centre, but those not yet sent live only in this file: starting over
on an empty cache would lose them without a word. So a failed check blocks the counter with the facts, keeps the
damaged file under a new name, and leaves the choice (restore a backup, or a fresh cache from the centre) to the
supervisor: docs/recovery.md.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlite3

from kiosk.storage import cipher
from kiosk_core.errors import CacheUnusable

log = logging.getLogger(__name__)

SQLITE_HEADER = cipher.SQLITE_HEADER
SIDE_FILES = cipher.SIDE_FILES
FRESH_CACHE_COMMAND = "kiosk --fresh-cache"


def marker(database: Path) -> Path:
    """Written once a cache has been created here: from then on, a missing or empty cache is a loss, not a start."""
    return database.with_name(f".{database.name}.created")


def kept_aside(database: Path) -> list[Path]:
    """Damaged caches set aside earlier, newest first."""
    return sorted(database.parent.glob(f"{database.name}.damaged-*[0-9]"), reverse=True)


def check_before_open(
    database: Path, known_revisions: Iterable[str], key: str | None = None, *, now: datetime | None = None
) -> None:
    """Raise CacheUnusable (after setting the damaged file aside) unless ``database`` is fit to open or to create.

    ``key``: the encrypted cache's (kiosk/storage/cipher.py); None for a plain one, made by an older release.
    """
    size = database.stat().st_size if database.exists() else None
    wal = _side(database, "-wal")
    if size is None or (size == 0 and not (wal.exists() and wal.stat().st_size > 0)):
        if _existed_before(database):
            what = "本机缓存 kiosk.db 不见了" if size is None else "本机缓存 kiosk.db 变成了空文件（0 字节）"
            kept = [] if size is None else _set_aside(database, now)
            raise _unusable(database, what, "cache_missing" if size is None else "cache_empty", kept, None)
        return  # a first start here: the cache is created
    with database.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if key is None and header != SQLITE_HEADER:
        kept = _set_aside(database, now)
        raise _unusable(
            database, "本机缓存 kiosk.db 已损坏：不是数据库文件", "cache_not_database", kept, None
        )
    problem, revision, unsent = _inspect(database, key)
    if problem:
        log.error("local cache %s failed its check: %s", database, problem)
        kept = _set_aside(database, now)
        raise _unusable(database, "本机缓存 kiosk.db 已损坏（数据页校验失败）", "cache_damaged", kept, unsent)
    if revision is not None and revision not in set(known_revisions):
        # Not damaged: a newer release made it. Nothing is moved; the right release reads it as it is.
        raise CacheUnusable(
            f"本机缓存 kiosk.db 由更新版本的程序建立（结构版本 {revision}），本版本不能使用",
            code="cache_schema_unknown",
            details=(f"文件位置：{database}", *_at_stake(unsent)),
            steps=("安装与该缓存相同或更新版本的程序后再启动", "不要删除该文件"),
        )


def check_tables(
    database: Path, expected: Iterable[str], key: str | None = None, *, now: datetime | None = None
) -> None:
    """After migration every table the program uses exists; a cache missing one is damaged."""
    with _connect(database, key) as db:
        present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        unsent = _count_unsent(db)
    db.close()
    missing = sorted(set(expected) - present)
    if missing:
        log.error("local cache %s lacks tables: %s", database, ", ".join(missing))
        kept = _set_aside(database, now)
        what = f"本机缓存 kiosk.db 已损坏：缺少数据表 {', '.join(missing)}"
        raise _unusable(database, what, "cache_tables_missing", kept, unsent)


def damaged_while_opening(
    database: Path, exc: Exception, key: str | None = None, *, now: datetime | None = None
) -> CacheUnusable:
    """A cache that passed the check but failed to open or migrate (a damaged schema): set aside, reported."""
    log.error("local cache %s could not be opened or migrated", database, exc_info=exc)
    unsent_then = unsent(database, key)
    kept = _set_aside(database, now)
    return _unusable(database, "本机缓存 kiosk.db 已损坏，无法打开", "cache_damaged", kept, unsent_then)


def unsent(database: Path, key: str | None) -> int | None:
    """Registrations in the cache the centre has not had yet; None when they cannot be counted."""
    try:
        with _connect(database, key) as db:
            count = _count_unsent(db)
        db.close()
    except sqlite3.Error:
        return None
    return count


def mark_created(database: Path) -> None:
    path = marker(database)
    if not path.exists():
        path.write_text(f"{datetime.now().isoformat(timespec='seconds')}\n", encoding="utf-8")
        path.chmod(0o600)
    _fresh(database).unlink(missing_ok=True)


def forget(database: Path) -> None:
    """The supervisor chose a fresh cache: until one is made, an absent cache is a first start again (the
    caches kept aside notwithstanding)."""
    marker(database).unlink(missing_ok=True)
    _fresh(database).write_text(f"{datetime.now().isoformat(timespec='seconds')}\n", encoding="utf-8")
    _fresh(database).chmod(0o600)


def _fresh(database: Path) -> Path:
    return database.with_name(f".{database.name}.fresh")


def set_aside_now(database: Path) -> list[Path]:
    return _set_aside(database, None)


# --- the checks -------------------------------------------------------------------------------------------


def _connect(database: Path, key: str | None) -> sqlite3.Connection:
    # Read-only: nothing is written into a file that may be damaged (closing a writer would checkpoint into it).
    if key is not None:
        return cipher.connect(database, key, readonly=True)
    return sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=10)


def _inspect(database: Path, key: str | None) -> tuple[str, str | None, int | None]:
    """(what is wrong or "", the schema revision, unsent registrations when they can be counted)."""
    try:
        db = _connect(database, key)
    except sqlite3.Error as exc:
        return f"cannot open: {exc}", None, None
    try:
        unsent = _count_unsent(db)
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return f"quick_check: {exc}", None, unsent
        if rows != [("ok",)]:
            return "quick_check: " + "; ".join(str(r[0]) for r in rows[:5]), None, unsent
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            # A cache with tables but no version was not made by Kiosk; one with neither is only a header.
            return ("no schema version" if tables else ""), None, unsent
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        return ("" if row else "empty schema version"), (row[0] if row else None), unsent
    except sqlite3.DatabaseError as exc:
        return str(exc), None, None
    finally:
        db.close()


def _count_unsent(db: sqlite3.Connection) -> int | None:
    try:
        row = db.execute(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND kind = 'registration'"
        ).fetchone()
    except sqlite3.Error:
        return None
    return int(row[0])


def _existed_before(database: Path) -> bool:
    """The marker says so; or, for a cache made by a release before the marker, slips printed from it."""
    if marker(database).exists():
        return True
    if _fresh(database).exists():
        return False  # the supervisor ran kiosk --fresh-cache: the next start makes a new one
    if kept_aside(database):
        return True
    slips = database.parent / "slips"
    return slips.is_dir() and any(slips.rglob("*.pdf"))


# --- setting aside and reporting -----------------------------------------------------------------------------


def _side(database: Path, suffix: str) -> Path:
    return database.with_name(database.name + suffix)


def _set_aside(database: Path, now: datetime | None) -> list[Path]:
    """Rename the cache and its journal files with the time; never delete them (they may be salvaged)."""
    stamp = f"{(now or datetime.now()):%Y%m%d-%H%M%S}"
    target = database.with_name(f"{database.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = database.with_name(f"{database.name}.damaged-{stamp}-{n}")
    kept = []
    for suffix in ("", *SIDE_FILES):
        source = _side(database, suffix)
        if source.exists():
            moved = target.with_name(target.name + suffix) if suffix else target
            source.rename(moved)
            kept.append(moved)
    if kept:
        log.error("damaged local cache kept as %s", ", ".join(str(p) for p in kept))
    return kept


def _at_stake(unsent: int | None) -> tuple[str, ...]:
    if unsent is None:
        return ("无法读出其中有几笔登记尚未送达中心",)
    if unsent == 0:
        return ("其中没有尚未送达中心的登记：已送达的登记都在中心",)
    return (f"其中有 {unsent} 笔登记尚未送达中心，只存在于这个文件里",)


def _unusable(database: Path, what: str, code: str, kept: list[Path], unsent: int | None) -> CacheUnusable:
    earlier = [p for p in kept_aside(database) if p not in kept]
    where = kept[0] if kept else (earlier[0] if earlier else None)
    details = ["为保护数据，程序没有重新建立空缓存，本窗口暂停登记"]
    if where is not None:
        details.append(f"损坏的文件已原样保留为：{where}（请勿删除）")
        if cipher.state(where) == "plain":
            # An older release's cache, set aside before it could be encrypted: said, so it is not forgotten.
            details.append("该文件由旧版本建立，未加密，含住户个人信息：取回登记后请技术支持安全删除")
    details.extend(_at_stake(unsent) if kept or unsent is not None else ())
    steps = (
        f"如有备份：关闭本程序，把备份复制为 {database}，再启动",
        f"没有备份：在本机运行 {FRESH_CACHE_COMMAND}，从中心重新同步（中心保存着所有已送达的登记）",
        "尚未送达的登记请把保留的文件交技术支持取回",
    )
    return CacheUnusable(what, code=code, details=tuple(details), steps=steps)
