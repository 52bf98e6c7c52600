"""Opening the local cache: its key, its start-up check, pragmas for durability, migrations to the newest schema."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

from kiosk.storage import cache_lock, cipher, health
from kiosk.storage.cipher import CacheKeys
from kiosk.storage.private_files import open_private, private_dir, restrict, write_private
from kiosk_core.errors import CacheUnusable, KioskError

MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)


def open_cache(path: Path, keys: CacheKeys) -> Engine:
    """The checked, migrated, encrypted cache; CacheUnusable when it must not be used (a damaged file set aside;
    a file whose key is missing or another left as it is; a cache another program has open)."""
    private_dir(path.parent)
    cache_lock.hold(path)
    try:
        engine, unlocked = _open(path, keys)
    except BaseException:
        cache_lock.release(path)
        raise
    released = threading.Event()

    @event.listens_for(engine, "engine_disposed")
    def _let_go(_engine: Engine) -> None:
        if not released.is_set():
            released.set()
            cache_lock.release(path)

    return engine


def _open(path: Path, keys: CacheKeys) -> tuple[Engine, Unlocked]:
    from kiosk.storage.tables import Base

    unlocked = unlock(path, keys)
    key = unlocked.key
    engine = create_sqlite_engine(path, key)
    try:
        migrate(engine)
        engine.dispose()  # the check below reads the file on its own; nothing may hold it meanwhile
        health.check_tables(path, Base.metadata.tables, key)
    except CacheUnusable:
        raise
    except Exception as exc:
        engine.dispose()
        # A full disk or a read-only folder is the machine's trouble, not a damaged cache: reported as it is.
        if _machine_trouble(exc):
            raise
        raise health.damaged_while_opening(path, exc, key) from exc
    health.mark_created(path)
    return engine, unlocked


@dataclass(frozen=True)
class Unlocked:
    key: str
    encrypted_here: (
        bool  # an older release's plain cache was encrypted by this start (or an interrupted one finished)
    )


def unlock(path: Path, keys: CacheKeys) -> Unlocked:
    """The cache's key after its start-up check: a plain cache is checked, then encrypted in place; a first
    start makes the key. Never a second, empty cache beside one that cannot be read."""
    finished = cipher.recover(path)
    found = cipher.state(path)
    key = None
    if found == "encrypted":
        key = _read_key(keys.get, path)
        readable = key is not None and cipher.opens(path, key)
        kept = cipher.kept_fingerprint(path)
        # Release 11 writes the fingerprint before the cache's first page: without it, a file that does not
        # open is an older release's plain cache whose first page is damaged (checked as one, set aside).
        if kept is not None or readable:
            if key is None:
                raise key_missing(path)
            if readable:
                if kept != cipher.fingerprint(key):
                    cipher.write_fingerprint(path, key)  # stale: damage must stay tellable from a wrong key
                cipher.remove_plain_leftovers(path)
            elif kept != cipher.fingerprint(key):
                raise key_wrong(path)  # not set aside: under its own key it may be whole
            health.check_before_open(path, known_revisions(), key)
            if finished:
                _note_encrypted(path, key)
            return Unlocked(key, finished)
    health.check_before_open(path, known_revisions())  # a lost cache, or a plain one that is damaged
    key = key or _read_key(keys.get, path) or _read_key(keys.make, path)
    assert key is not None
    if found == "absent":
        cipher.write_fingerprint(path, key)
        return Unlocked(key, False)
    try:
        cipher.encrypt_plain(path, key)
    except (OSError, sqlcipher.Error) as exc:
        raise not_encrypted(path, exc) from exc
    _note_encrypted(path, key)
    return Unlocked(key, True)


def _encrypted_note(path: Path) -> Path:
    return path.with_name(f".{path.name}.encrypted")


def _note_encrypted(path: Path, key: str) -> None:
    """Kept beside the cache until a counter's start tells staff (whoever opened it first: the app, the
    installer's self-check, --fresh-cache)."""
    unsent = health.unsent(path, key)
    write_private(_encrypted_note(path), json.dumps({"unsent": unsent}).encode())


def take_encryption_note(path: Path) -> tuple[bool, int | None]:
    """(an older release's cache was encrypted since the last start, its unsent registrations then); the note
    is gone once taken."""
    note = _encrypted_note(path)
    try:
        unsent = json.loads(note.read_text(encoding="utf-8")).get("unsent")
    except FileNotFoundError:
        return False, None
    except (ValueError, AttributeError):
        unsent = None
    note.unlink(missing_ok=True)
    return True, unsent if isinstance(unsent, int) else None


def _read_key(read: Callable[[], str | None], path: Path) -> str | None:
    try:
        return read()
    except KioskError as exc:
        log.error("local cache %s: the keyring gave no key: %s (%s)", path, exc.message, exc.hint)
        if exc.code == "cache_key_damaged":
            raise CacheUnusable(
                exc.message,
                code=exc.code,
                details=(f"文件位置：{path}", "缓存文件没有改动，其中的登记都还在"),
                steps=("请技术支持从备份恢复该账户的密钥库，然后重新启动程序；不要删除 kiosk.db",),
            ) from None
        raise CacheUnusable(
            "系统密钥库已锁定或不可用，无法打开加密的本机缓存",
            code="cache_keyring_unavailable",
            details=(
                f"文件位置：{path}",
                "本机缓存用系统密钥库中的密钥加密；密钥库打不开，程序就读不了缓存",
                "缓存文件没有改动，其中的登记都还在",
            ),
            steps=(
                "请技术支持解锁运行本程序的用户的密钥库（Windows：以柜台账户登录；Linux：解锁“登录”密钥环）",
                "然后重新启动程序；不要删除 kiosk.db",
            ),
        ) from None


def key_missing(path: Path) -> CacheUnusable:
    log.error("local cache %s is encrypted but the keyring holds no key for it", path)
    return CacheUnusable(
        "本机缓存已加密，但系统密钥库里没有它的密钥",
        code="cache_key_missing",
        details=(
            f"文件位置：{path}",
            "可能换了登录账户、重装了系统或清空了密钥库；没有密钥就读不出其中的登记",
            "程序不会另建一个空缓存：文件原样保留",
        ),
        steps=(
            "请技术支持用原来的账户登录，或从备份恢复该账户的密钥库，然后重新启动程序",
            "确认无法找回密钥时，由主管按 docs/recovery.md 重建缓存（kiosk --fresh-cache，原文件保留）",
        ),
    )


def key_wrong(path: Path) -> CacheUnusable:
    log.error("local cache %s does not open with the keyring's key (its key fingerprint differs)", path)
    return CacheUnusable(
        "本机缓存的密钥与系统密钥库里的不一致，无法打开",
        code="cache_key_wrong",
        details=(
            f"文件位置：{path}",
            "可能是从另一台柜台电脑拷来的缓存，或密钥库被换成了别的",
            "文件原样保留，没有改动",
        ),
        steps=(
            "请技术支持找回与该缓存一起使用的密钥库，然后重新启动程序",
            "确认无法找回时，由主管按 docs/recovery.md 重建缓存（kiosk --fresh-cache，原文件保留）",
        ),
    )


def not_encrypted(path: Path, exc: BaseException) -> CacheUnusable:
    log.error("local cache %s could not be encrypted in place", path, exc_info=exc)
    return CacheUnusable(
        f"本机缓存未能加密：{getattr(exc, 'strerror', None) or exc}",
        code="cache_not_encrypted",
        details=(
            f"文件位置：{path}",
            "新版本程序要先把旧的明文缓存加密才能使用；这一步没有完成",
            "明文缓存原样保留，其中的登记一笔不少",
        ),
        steps=(
            "请技术支持检查磁盘空间（需要约与缓存同样大小的空间）和文件夹的写入权限",
            "然后重新启动程序，加密会重新进行",
        ),
    )


def _machine_trouble(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OSError) or any(
        words in text for words in ("disk is full", "readonly database", "unable to open", "disk i/o")
    )


def known_revisions() -> set[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}


def create_sqlite_engine(path: Path, key: str) -> Engine:
    private_dir(path.parent)
    if not path.exists():
        os.close(open_private(path))  # 0600 from the first byte, whatever the umask
    # Connections are made here, keyed before SQLAlchemy's dialect runs its first statement on them.
    engine = create_engine(
        f"sqlite:///{path}", module=sqlcipher, creator=lambda: cipher.connect(path, key, timeout=10)
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" below open the transaction, so it can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # an acknowledged registration survives power loss
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()
        # SQLite gives its -wal and -shm files the database's own mode: 0600 here covers all three.
        restrict(path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # Take the write lock at the start: checks and inserts of one registration cannot interleave.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to head; cheap when it already is (checked without loading Alembic's environment)."""
    cfg = alembic_config(engine)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current != head:
        command.upgrade(cfg, "head")
