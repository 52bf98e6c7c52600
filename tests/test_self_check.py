"""``kiosk --self-check`` as an installer runs it: a separate process, headless, one line, its exit code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def self_check(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8", **env}
    return subprocess.run(
        [sys.executable, "-m", "kiosk.app", "--self-check", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def test_self_check_passes_in_a_temporary_data_folder() -> None:
    done = self_check()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kiosk self-check OK in ")
    for check in ("data", "resources", "keyring", "cache", "slip", "qt", "speech"):
        assert f"{check} " in lines[0]
    assert " migrations)" in lines[0] and "(encrypted, " in lines[0]
    assert "keyring" in lines[0] and "(available)" in lines[0]  # the suite's keyring (tests/keyrings.py)
    if shutil.which("espeak-ng") and shutil.which("aplay"):
        assert "(espeak-ng)" in lines[0]  # spoken to the null device to the end, not skipped
    assert "Traceback" not in done.stderr


def test_a_keyring_that_is_gone_is_said_and_does_not_fail_the_check() -> None:
    # An installer's session may have none; the counter's own session is what must (installer/README.md).
    done = self_check(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "keyring" in done.stdout and "UNAVAILABLE" in done.stdout and "Traceback" not in done.stderr


def test_self_check_migrates_the_given_data_folder(tmp_path: Path) -> None:
    done = self_check("--data-dir", str(tmp_path / "counter"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "counter" / "kiosk.db").stat().st_size > 0


def test_a_data_folder_that_cannot_be_written_fails_with_one_line(tmp_path: Path) -> None:
    # The tests run as root, for whom a read-only folder is writable; a folder under a file never is.
    (tmp_path / "a-file").write_text("", "utf-8")
    done = self_check("--data-dir", str(tmp_path / "a-file" / "data"))
    assert done.returncode == 1
    assert done.stdout.count("\n") == 1
    assert "自检失败（数据文件夹）" in done.stdout
    assert "FAILED data: the data folder" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_data_folder_fails(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o500)
    done = self_check("--data-dir", str(data))
    assert done.returncode == 1
    assert "不能写入" in done.stdout and "cannot be written" in done.stdout
    assert "Traceback" not in done.stderr


def test_missing_resources_fail_the_check(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    done = self_check(KIOSK_RESOURCES=str(tmp_path))
    assert done.returncode == 1
    assert "自检失败（资源文件）" in done.stdout
    assert "FAILED resources: font not found" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_broken_configuration_fails_without_a_window(tmp_path: Path) -> None:
    toml = tmp_path / "kiosk.toml"
    toml.write_text('[printer]\nslip_layout = "napkin"\n', "utf-8")
    done = self_check("--config", str(toml))
    assert done.returncode == 1
    assert "自检失败（配置文件）" in done.stdout and "FAILED config:" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_configured_speech_engine_that_is_missing_fails(tmp_path: Path) -> None:
    toml = tmp_path / "kiosk.toml"
    toml.write_text(f'data_dir = "{tmp_path / "data"}"\n[speech]\nengine = "espeak"\n', "utf-8")
    empty = tmp_path / "bin"
    empty.mkdir()
    done = self_check("--config", str(toml), PATH=str(empty))  # no espeak-ng, no aplay
    assert done.returncode == 1, done.stdout
    assert "自检失败（语音朗读）" in done.stdout and "espeak-ng" in done.stdout
    assert "FAILED speech: the configured speech engine espeak is unusable" in done.stdout
    assert "Traceback" not in done.stderr


def test_automatic_speech_without_a_voice_still_passes(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    done = self_check(PATH=str(empty))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "speech " in done.stdout and "(none: " in done.stdout
