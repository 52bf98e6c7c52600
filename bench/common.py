"""Shared by the benchmarks: percentiles and the one JSON line per figure that every bench prints."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the value below which q % of the samples fall."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def emit(name: str, value: float, unit: str, target: float | None = None) -> None:
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, "target": target}), flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio(measured: Sequence[float], floor: Sequence[float], q: float) -> float:
    """How many times its floor a figure is, percentile against the same percentile."""
    return percentile(measured, q) / percentile(floor, q)
