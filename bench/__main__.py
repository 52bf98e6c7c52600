"""``python -m bench``: every benchmark, one JSON line per figure (name, value, unit, target)."""

from __future__ import annotations

import subprocess
import sys

BENCHES = (
    "bench.bench_start",
    "bench.bench_commit",
    "bench.bench_lookup",
    "bench.bench_slip",
    "bench.bench_central",
    "bench.bench_sync",
    "bench.bench_push",
    "bench.bench_draw",
    "bench.bench_projection",
    "bench.bench_selection",
    "bench.bench_bundle",
    "bench.bench_audit",
)


def main(names: list[str]) -> int:
    failed = 0
    for module in BENCHES:
        if names and module.rsplit(".", 1)[-1].removeprefix("bench_") not in names:
            continue
        result = subprocess.run([sys.executable, "-m", module], check=False)
        if result.returncode:
            print(f"{module} failed with exit code {result.returncode}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
