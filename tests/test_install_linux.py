"""installer/linux/install-linux.sh into a throwaway home: the menu entry, the user unit, then the self-check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "installer" / "linux" / "install-linux.sh"
VENV = Path(sys.prefix)


def install(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    if not (VENV / "bin" / "kiosk").exists():
        pytest.skip("kiosk is not installed in this environment's bin/")
    return tmp_path / "home"


def test_install_from_a_venv_writes_the_entry_and_the_unit_and_self_checks(
    home: Path, tmp_path: Path
) -> None:
    home.mkdir()
    done = install(home, "--venv", str(VENV), "--no-enable")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kiosk self-check OK in " in done.stdout
    kiosk = VENV / "bin" / "kiosk"
    unit = home / ".config" / "systemd" / "user" / "kiosk.service"
    desktop = home / ".local" / "share" / "applications" / "kiosk.desktop"
    assert f'ExecStart="{kiosk}"\n' in unit.read_text("utf-8")
    assert "Restart=on-failure" in unit.read_text("utf-8")
    assert f'Exec="{kiosk}"\n' in desktop.read_text("utf-8")
    assert "@KIOSK_BIN@" not in unit.read_text("utf-8") + desktop.read_text("utf-8")
    if shutil.which("systemd-analyze"):
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700)
        env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
        verified = subprocess.run(
            ["systemd-analyze", "verify", "--user", str(unit)], capture_output=True, text=True, env=env
        )
        assert verified.returncode == 0, verified.stderr
        assert verified.stderr == ""


def test_a_failing_self_check_fails_the_install(home: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", "utf-8")
    config = home / ".config" / "kiosk" / "kiosk.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'data_dir = "{tmp_path / "a-file" / "data"}"\n', "utf-8")
    done = install(home, "--venv", str(VENV), "--no-enable")
    assert done.returncode == 1
    assert "自检失败（数据文件夹）" in done.stdout
    assert "self-check failed; the unit is not enabled" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_folder_that_is_no_bundle_is_refused(home: Path, tmp_path: Path) -> None:
    home.mkdir()
    done = install(home, "--bundle", str(tmp_path))
    assert done.returncode == 1
    assert "is not a bundle" in done.stderr
    assert not (home / ".config" / "systemd" / "user" / "kiosk.service").exists()
