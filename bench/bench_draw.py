"""The public lottery on a million registrations: the service's draw, its result file, and the verifier's replay.

``draw_1m`` is the draw of a frozen list of 1 000 000 entries in four pools with quotas and cancellations as
the centre runs it (and a counter checks it): the list file read (``read_list``), its hash, the seed, the
order and the allocation (``draw_list``). ``draw_1m_from_entries`` is ``lottery.draw`` on the same entries as
objects, which writes the list file first (what the freeze does); ``draw_1m_result_text`` writes the result
file. The verifier (tools/verify_draw.py, loaded as a module) replays the same from the published files; its
ratio is against the service doing the same work (draw from the list file + result file). Median of ``--runs``; wall-clock figures, and the
process's CPU time beside them, because the machine is shared. One JSON line a figure.

python -m bench.bench_draw [--entries 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from types import ModuleType
from typing import Any

from bench.common import emit
from kiosk_core import lottery as L
from kiosk_core.reg_no import CHECK_ALPHABET

DRAW_TARGET_S = 2.0
VERIFY_RATIO_TARGET = 2.0
SEED = 20261202


def verifier() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_draw", L.verifier_path())
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plan(entries: int) -> tuple[list[L.Entry], list[L.Pool], list[L.Source], set[str]]:
    """Four pools of 300 units each, a quota for two groups, one registration in 5 000 cancelled."""
    rng = random.Random(SEED)
    pools = [
        L.Pool(
            f"P0{p}/T0{t}",
            tuple(
                f"{p}{t}-{b}-{f:02d}{u:02d}" for b in range(1, 4) for f in range(1, 11) for u in range(1, 11)
            ),
            (("elderly", 30), ("disabled", 20)),
        )
        for p in (1, 2)
        for t in (1, 2)
    ]
    codes = [p.code for p in pools]
    rng.shuffle(codes)
    groups = ("-",) * 7 + ("elderly", "disabled", "hardship")
    # Numbers shaped like real ones (Q2611-01-00042-7); the check character is not computed, a million would
    # take longer than the draw.
    listed = [
        L.Entry(f"Q2611-{i // 99_999 + 1:02d}-{i % 99_999 + 1:05d}-{CHECK_ALPHABET[i % 28]}", codes[i % 4], g)
        for i, g in enumerate(rng.choices(groups, k=entries))
    ]
    cancelled = {e.reg_no for e in rng.sample(listed, entries // 5000)}
    sources = [
        L.digits_source("公证员现场摇号", "".join(rng.choice("0123456789") for _ in range(40))),
        L.public_source("中国福利彩票双色球 2026-12-05 第2026140期", "03 07 12 19 25 31 09", 30),
    ]
    return listed, pools, sources, cancelled


def timed(runs: int, work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Median wall-clock and CPU seconds over ``runs``, and the last result."""
    walls, cpus = [], []
    result = None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    name = "draw_1m" if args.entries == 1_000_000 else f"draw_{args.entries}"
    entries, pools, sources, cancelled = plan(args.entries)

    listed = L.list_text(entries)
    draw_s, draw_cpu, result = timed(
        args.runs, lambda: L.draw_list(L.read_list(listed), "units", pools, sources, cancelled)
    )
    read_s, read_cpu, _ = timed(args.runs, lambda: L.read_list(listed))
    objects_s, objects_cpu, _ = timed(args.runs, lambda: L.draw(entries, "units", pools, sources, cancelled))
    # A fresh copy each run: a result keeps its file once made.
    text_s, text_cpu, text = timed(args.runs, lambda: L.result_text(replace(result)))
    emit(name, draw_s, "s", DRAW_TARGET_S)
    emit(f"{name}_cpu", draw_cpu, "s")
    emit(f"{name}_read_list", read_s, "s")
    emit(f"{name}_read_list_cpu", read_cpu, "s")
    emit(f"{name}_from_entries", objects_s, "s")
    emit(f"{name}_from_entries_cpu", objects_cpu, "s")
    emit(f"{name}_result_text", text_s, "s")
    emit(f"{name}_result_text_cpu", text_cpu, "s")

    files = (listed, L.pools_text("units", pools), L.sources_text(sources), sorted(cancelled))
    vd = verifier()
    replay_s, replay_cpu, replayed = timed(args.runs, lambda: vd.replay(*files))
    if replayed[3] != text:
        print("the verifier's result differs from the service's", file=sys.stderr)
        return 1
    emit(f"{name}_verify", replay_s, "s")
    emit(f"{name}_verify_cpu", replay_cpu, "s")
    emit(f"{name}_verify_ratio", replay_s / (draw_s + text_s), "x", VERIFY_RATIO_TARGET)
    emit(f"{name}_verify_ratio_cpu", replay_cpu / (draw_cpu + text_cpu), "x", VERIFY_RATIO_TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
