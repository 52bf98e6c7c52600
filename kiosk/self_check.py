"""``kiosk --self-check``: what an installer runs after installing, headless, to know the counter can work.

Each check uses the same code the counter uses (resources found by kiosk_core.resources, the cache opened and
migrated by kiosk.storage.db, the slip rendered by kiosk.services.slips, the speech engine the configuration
picks), so a bundle that misses a data file or a module fails here rather than at the first household.
One line out either way: the checks and their times, or the first failure in Chinese and English.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_core.errors import KioskError

if TYPE_CHECKING:
    from kiosk.config import Config

SPEECH_TIMEOUT_MS = 20_000
SPEECH_TEXT = "自检：普通话朗读正常。"
NULL_AUDIO_DEVICE = "null"  # ALSA's sink that discards the sound: the hall hears nothing


@dataclass(frozen=True)
class CheckFailed(Exception):
    """One check's failure: Chinese for staff, English for the installer's log."""

    chinese: str
    english: str


def run_self_check(config: Config, *, own_data_dir: bool) -> int:
    """Run every check; print one line; 0 when all passed, 1 otherwise (never a traceback)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kiosk-self-check-") as scratch:
        if not own_data_dir:
            config = replace(config, data_dir=Path(scratch) / "data")
        checks: list[tuple[str, str, Callable[[], str]]] = [
            ("data", "数据文件夹", lambda: _data_dir(config)),
            ("resources", "资源文件", lambda: _resources(config)),
            ("keyring", "系统密钥库", _keyring),
            ("cache", "本机缓存", lambda: _cache(config, own_data_dir=own_data_dir)),
            ("slip", "回执", lambda: _slip(config)),
            ("qt", "界面字体与翻译", lambda: _qt(config)),
            ("speech", "语音朗读", lambda: _speech(config)),
        ]
        done: list[str] = []
        for name, chinese_name, check in checks:
            began = time.perf_counter()
            try:
                detail = check()
            except CheckFailed as exc:
                print(
                    f"kiosk self-check: 自检失败（{chinese_name}）：{exc.chinese} | FAILED {name}: {exc.english}"
                )
                return 1
            except KioskError as exc:
                print(
                    f"kiosk self-check: 自检失败（{chinese_name}）：{exc.message} | FAILED {name}: {exc.code}"
                )
                return 1
            except Exception as exc:  # a check's own fault still ends in one line, never a traceback
                print(
                    f"kiosk self-check: 自检失败（{chinese_name}）：{exc} | FAILED {name}: {type(exc).__name__}: {exc}"
                )
                return 1
            took = (time.perf_counter() - began) * 1000
            done.append(f"{name} {took:.0f} ms" + (f" ({detail})" if detail else ""))
    total = (time.perf_counter() - started) * 1000
    print(f"kiosk self-check OK in {total:.0f} ms: " + "; ".join(done))
    return 0


def _data_dir(config: Config) -> str:
    from kiosk.start_checks import data_dir_problem

    problem = data_dir_problem(config.data_dir)
    if problem is not None:
        raise CheckFailed(problem.message, f"the data folder {config.data_dir} cannot be written")
    return str(config.data_dir)


def _resources(config: Config) -> str:
    from kiosk.storage.db import MIGRATIONS

    wanted = {
        "font": config.resources / "fonts" / "wqy-microhei.ttc",
        "translation": config.resources / "translations" / "kiosk_zh_CN.qm",
        "theme": config.resources / "theme" / "kiosk.qss",
        "notices": config.resources / "demo" / "catalog.json",
        "migrations": MIGRATIONS / "versions",
    }
    for what, path in wanted.items():
        if not path.exists():
            raise CheckFailed(f"缺少文件 {path}", f"{what} not found at {path}")
    catalog = json.loads(wanted["notices"].read_text("utf-8"))
    notices = [plan.get("notices") for plan in catalog.get("plans", []) if plan.get("notices")]
    if not notices:
        raise CheckFailed(f"{wanted['notices']} 中没有告知书", f"no notices in {wanted['notices']}")
    return str(config.resources)


def _keyring() -> str:
    """Said, not failed: an installer runs the check in its own session, whose keyring may not be the counter's
    (an autologin session's login keyring stays locked unless set up, installer/README.md)."""
    from kiosk.services.secrets import CACHE_KEY, SecretStore

    try:
        SecretStore().get(CACHE_KEY)  # read only: nothing is made or changed
    except Exception as exc:  # a locked keyring, none at all, a backend that does not load
        return f"UNAVAILABLE ({type(exc).__name__}): Kiosk will not open its encrypted cache in this session"
    return "available"


def _cache(config: Config, *, own_data_dir: bool) -> str:
    from kiosk.services.secrets import KeyringCacheKeys, SecretStore
    from kiosk.storage.cipher import FixedKey, new_key
    from kiosk.storage.db import known_revisions, open_cache

    revisions = known_revisions()
    if not revisions:
        raise CheckFailed("找不到数据库迁移脚本", "no migrations found")
    # The counter's own cache under its keyring's key; a scratch cache under a throwaway key (an installer
    # runs the check as an administrator, whose keyring is not the counter's).
    keys = KeyringCacheKeys(SecretStore()) if own_data_dir else FixedKey(new_key())
    try:
        engine = open_cache(config.database_path, keys)
    except KioskError as exc:
        raise CheckFailed(exc.message, f"{exc.code}: {config.database_path}") from None
    engine.dispose()
    return f"encrypted, {len(revisions)} migrations"


def _slip(config: Config) -> str:
    from kiosk.services.slips import SlipLayout, SlipRenderer
    from kiosk.services.views import RegistrationView
    from kiosk_core.model import PlanKind

    view = RegistrationView(
        reg_no="Q2611-000001",
        status="active",
        status_label="有效",
        plan_code="Q2611",
        plan_name="自检用计划",
        plan_kind=PlanKind.QUICK,
        plan_kind_label="快速配租",
        filing_no="BA2025-0000001",
        applicant_name="自检",
        applicant_id_masked="110105********123X",
        family_size=1,
        district="朝阳区",
        phone_masked="138****5678",
        project_name="自检项目",
        project_address="自检地址",
        unit_type_name="一居室",
        area=40.0,
        rent=1000,
        unit_label="",
        created_at=datetime(2026, 1, 1, 9, 0),
        counter="自检",
        operator_name="自检",
        notice_version=1,
        notice_read_aloud=False,
        verification_code="V00000",
        slip_printed=False,
        slip_path="",
        cancel_deadline=datetime(2026, 1, 31, 17, 0),
    )
    pdf = SlipRenderer(config.resources / "fonts" / "wqy-microhei.ttc").render(view, SlipLayout.A4)
    if not pdf.startswith(b"%PDF"):
        raise CheckFailed("回执不是 PDF", "the slip renderer did not make a PDF")
    return f"{len(pdf) // 1024} KB"


def _qt(config: Config) -> str:
    from PySide6.QtCore import QTranslator
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui import theme

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    family = theme.load_font(config.resources)
    if family is None:
        raise CheckFailed("界面字体无法加载", "Qt could not load the shipped font")
    translator = QTranslator(app)
    if not translator.load("kiosk_zh_CN", str(config.resources / "translations")):
        raise CheckFailed("中文翻译无法加载", "Qt could not load the Chinese translation")
    return f"{family}, {app.platformName()}"


def _speech(config: Config) -> str:
    from PySide6.QtCore import QEventLoop, QTimer

    from kiosk.platform.speech import create_speech_engine

    engine = create_speech_engine(config.speech.engine, NULL_AUDIO_DEVICE)
    if not engine.available:
        if config.speech.engine in ("qt", "espeak"):  # chosen on purpose: the counter is not as configured
            raise CheckFailed(
                engine.unavailable_reason, f"the configured speech engine {config.speech.engine} is unusable"
            )
        # "auto" finding no voice still makes a working counter: the screen says why and staff read the notice.
        return f"none: {engine.unavailable_reason}"
    outcome: list[str] = []
    loop = QEventLoop()
    engine.finished.connect(lambda: (outcome.append(""), loop.quit()))
    engine.failed.connect(lambda message: (outcome.append(message or "failed"), loop.quit()))
    QTimer.singleShot(SPEECH_TIMEOUT_MS, loop.quit)
    engine.speak(SPEECH_TEXT)
    loop.exec()
    engine.stop()
    if not outcome:
        raise CheckFailed(
            f"{SPEECH_TIMEOUT_MS // 1000} 秒内未读完",
            f"{engine.name} did not finish in {SPEECH_TIMEOUT_MS} ms",
        )
    if outcome[0]:
        raise CheckFailed(outcome[0], f"{engine.name} failed")
    return engine.name
