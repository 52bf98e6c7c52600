"""Backoff after failures grows to a cap, with jitter so counters do not return in step."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from kiosk.services.sync_worker import backoff_delay


@given(st.integers(1, 50), st.integers(0, 2**32))
def test_delay_is_within_half_and_full_of_the_capped_ceiling(failures: int, seed: int) -> None:
    delay = backoff_delay(failures, 1.0, 60.0, random.Random(seed))
    ceiling = min(60.0, 2.0 ** (failures - 1))
    assert ceiling / 2 <= delay <= ceiling


def test_delays_spread_out() -> None:
    rng = random.Random(7)
    delays = {round(backoff_delay(6, 1.0, 60.0, rng), 3) for _ in range(20)}
    assert len(delays) > 15
