"""A damaged cache, a wrong configuration or a read-only data folder: a window that says so, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import _build, block, warm_up
from kiosk.bootstrap import build_services
from kiosk.config import Config
from kiosk.platform import qt_printer  # noqa: F401 - Qt modules load on the main thread, not the build worker
from kiosk.services.clock import system_clock
from kiosk.services.deferred import Deferred
from kiosk.services.secrets import CACHE_KEY, SERVICE
from kiosk.ui.main_window import MainWindow
from kiosk.ui.recovery_screen import RecoveryScreen
from kiosk_core.errors import CacheUnusable
from tests.disks import tmpfs
from tests.fakes import CHEAP_HASHER, FakePrinter
from tests.keyrings import MemoryKeyring
from tests.ui.conftest import FakeWizard, Hold

ROOT = Path(__file__).resolve().parents[2]


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "kiosk.app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_damaged_cache_covers_the_window_with_the_facts(
    qtbot: QtBot, hold: Hold, tmp_path: Path, screenshot
) -> None:
    config = Config(data_dir=tmp_path)
    build_services(config, FakePrinter(), hasher=CHEAP_HASHER).engine.dispose()
    config.database_path.write_bytes(b"")  # emptied, as a failing disk leaves it
    root = Deferred(lambda: _build(config, system_clock, demo=False), final=(CacheUnusable,))
    window = hold(MainWindow(root.map(lambda built: built.services), None, config, wizard_factory=FakeWizard))
    window.show()
    warm_up(root, window, on_ready=lambda _built: None, on_unusable=lambda exc: block(window, exc))
    qtbot.waitUntil(lambda: isinstance(window.centralWidget(), RecoveryScreen), timeout=10_000)
    screen = window.centralWidget()
    assert isinstance(screen, RecoveryScreen)
    text = screen.text()
    assert "空文件" in text and "damaged-" in text and "kiosk --fresh-cache" in text and "备份" in text
    assert not config.database_path.exists()
    screenshot(window, "cache-damaged")
    # Any service call after that gets the same answer and builds nothing.
    with pytest.raises(CacheUnusable):
        root.get()
    assert not config.database_path.exists()


def test_a_wrong_configuration_shows_every_mistake_in_a_window(tmp_path: Path) -> None:
    toml = tmp_path / "kiosk.toml"
    toml.write_text('[lock]\nidle_seconds = "300"\n[theme]\nfont_pt = "big"\n', "utf-8")
    shot = tmp_path / "shot.png"
    done = kiosk("--config", str(toml), "--data-dir", str(tmp_path / "data"), "--screenshot", str(shot))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "idle_seconds" in done.stderr and "font_pt" in done.stderr and str(toml) in done.stderr
    assert shot.stat().st_size > 5_000  # the window that says so was drawn


def test_a_read_only_data_folder_is_said_in_words(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "data", "ro,size=1m") as data:
        done = kiosk("--data-dir", str(data), "--screenshot", str(tmp_path / "shot.png"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "不能写入" in done.stderr and str(data) in done.stderr


def test_every_file_the_counter_makes_is_its_users_only(tmp_path: Path) -> None:
    done = kiosk("--data-dir", str(tmp_path / "data"), "--demo", "--quit-after-ms", "3000")
    assert done.returncode == 0, done.stderr
    for path in (tmp_path / "data").rglob("*"):
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_cache_whose_key_is_missing_covers_the_window_and_is_left_as_it_is(
    qtbot: QtBot, hold: Hold, tmp_path: Path, screenshot, memory_keyring: MemoryKeyring
) -> None:
    config = Config(data_dir=tmp_path)
    build_services(config, FakePrinter(), hasher=CHEAP_HASHER).engine.dispose()
    before = config.database_path.read_bytes()
    memory_keyring.delete_password(SERVICE, CACHE_KEY)  # another account, a reinstalled system
    root = Deferred(lambda: _build(config, system_clock, demo=False), final=(CacheUnusable,))
    window = hold(MainWindow(root.map(lambda built: built.services), None, config, wizard_factory=FakeWizard))
    window.resize(1366, 768)
    window.show()
    warm_up(root, window, on_ready=lambda _built: None, on_unusable=lambda exc: block(window, exc))
    qtbot.waitUntil(lambda: isinstance(window.centralWidget(), RecoveryScreen), timeout=10_000)
    screen = window.centralWidget()
    assert isinstance(screen, RecoveryScreen)
    text = screen.text()
    assert "没有它的密钥" in text and "不会另建" in text and "Traceback" not in text
    screenshot(window, "cache-key-missing")
    assert config.database_path.read_bytes() == before
