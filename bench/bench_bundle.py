"""The counter bundle (installer/kiosk.spec): its size, its cold start to the first painted frame offscreen, and
its self-check's time. Builds the bundle into dist/ first when there is none (installer/build-linux.sh, ~1 min)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.bench_start import kiosk_start
from bench.common import emit, median, percentile

RUNS = 7
ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "kiosk"
START_TARGET_MS = 1500.0


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def self_check(program: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(program), "--self-check"], env=_env(), check=True, capture_output=True, timeout=120)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    program = BUNDLE / "kiosk"
    if not program.exists():
        subprocess.run(["bash", str(ROOT / "installer" / "build-linux.sh")], cwd=ROOT, check=True)
    emit("bundle_size", _size_mb(BUNDLE), "MB")
    frames, checks = [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            frames.append(
                kiosk_start(Path(tmp), (str(program),))
            )  # a new data folder each time: a cold start
        checks.append(self_check(program))
    emit("bundle_first_frame_p50", median(frames), "ms")
    emit("bundle_first_frame_p99", percentile(frames, 99), "ms", START_TARGET_MS)
    emit("bundle_self_check_p50", median(checks), "ms")


if __name__ == "__main__":
    main()
