"""The PyInstaller bundle builds and passes its self-check headless, with every data file from inside it.

~50 s on the 2-core test machine (the build is most of it), so it runs in the suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_bundle_builds_and_passes_its_self_check(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DIST": str(tmp_path / "dist"),
        "WORK": str(tmp_path / "work"),
        "QT_QPA_PLATFORM": "offscreen",
        # The bundle must not find the checkout's resources through the environment.
        "KIOSK_RESOURCES": "",
    }
    done = subprocess.run(
        [str(ROOT / "installer" / "build-linux.sh")], capture_output=True, text=True, timeout=600, env=env
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    report = done.stdout.strip().splitlines()[-1]
    assert report.startswith("kiosk self-check OK in "), report
    bundle = tmp_path / "dist" / "kiosk"
    assert f"({bundle}/_internal/kiosk_resources)" in report  # the bundle's own copy, not the checkout's
    assert " migrations)" in report and "speech " in report
    assert (bundle / "_internal" / "kiosk" / "storage" / "migrations" / "versions").is_dir()

    # Installed for a user from the bundle: copied out of dist/ and self-checked where it now lives.
    home = tmp_path / "counter home"  # a space in the path: the unit and the menu entry quote it
    home.mkdir()
    env = {k: v for k, v in env.items() if not k.startswith("XDG_")} | {"HOME": str(home)}
    script = ROOT / "installer" / "linux" / "install-linux.sh"
    installed = subprocess.run(
        [str(script), "--bundle", str(bundle), "--no-enable"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    app = home / ".local" / "share" / "kiosk" / "app"
    assert f"({app}/_internal/kiosk_resources)" in installed.stdout
    unit = (home / ".config" / "systemd" / "user" / "kiosk.service").read_text("utf-8")
    assert f'ExecStart="{app}/kiosk"\n' in unit
    if shutil.which("systemd-analyze"):
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700)
        verified = subprocess.run(
            [
                "systemd-analyze",
                "verify",
                "--user",
                str(home / ".config" / "systemd" / "user" / "kiosk.service"),
            ],
            capture_output=True,
            text=True,
            env=env | {"XDG_RUNTIME_DIR": str(runtime)},
        )
        assert (verified.returncode, verified.stderr) == (0, "")
