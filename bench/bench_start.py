"""Cold start to the first painted frame, offscreen: Kiosk beside a bare PySide6 window, in the same run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import emit, median, percentile

RUNS = 11
ROOT = Path(__file__).resolve().parent.parent
_FRAME = re.compile(r"first frame [\d.]+ ms after main\(\), ([\d.]+) ms after the process started")

# The bare window reports its first paint the same way Kiosk does: milliseconds since the process began.
BARE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from kiosk.app import _process_age_ms
app = QApplication(sys.argv)
label = QLabel("hello")
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            app.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print(f"first-frame {_process_age_ms():.1f}", flush=True), app.quit()))
        return False
watch = Watch()
app.installEventFilter(watch)
label.show()
app.exec()
"""


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def kiosk_start(data_dir: Path, program: tuple[str, ...] = (sys.executable, "-m", "kiosk.app")) -> float:
    """Milliseconds from the process's start to Kiosk's first painted frame (``program``: a bundle's too)."""
    subprocess.run(
        [*program, "--data-dir", str(data_dir), "--quit-after-ms", "0"],
        env=_env(),
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = (data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    return float(_FRAME.findall(log)[-1])


def bare_start() -> float:
    out = subprocess.run(
        [sys.executable, "-c", BARE], env=_env(), check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return float(out.split()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        # First start creates and migrates the cache and loads the demo: what every later start finds.
        subprocess.run(
            [sys.executable, "-m", "kiosk.app", "--data-dir", str(data), "--demo", "--quit-after-ms", "3000"],
            env=_env(),
            check=True,
            capture_output=True,
            timeout=120,
        )
        kiosk, bare = [], []
        for _ in range(RUNS):  # interleaved, so both see the same machine load
            kiosk.append(kiosk_start(data))
            bare.append(bare_start())
    emit("cold_start_first_frame_median", median(kiosk), "ms", 1000)
    emit("cold_start_first_frame_p90", percentile(kiosk, 90), "ms", 1000)
    emit("bare_pyside6_window_first_frame_median", median(bare), "ms")


if __name__ == "__main__":
    main()
