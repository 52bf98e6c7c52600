"""What every draw must satisfy, whatever the list (hypothesis), and a fair order (chi-squared)."""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_core import lottery as L
from kiosk_core.errors import InvalidInput

GROUPS = ("-", "elderly", "disabled", "hardship")


@st.composite
def draws(draw: st.DrawFn) -> tuple[list[L.Entry], str, list[L.Pool], list[L.Source], set[str]]:
    mode = draw(st.sampled_from(L.MODES))
    n_pools = draw(st.integers(1, 3))
    pools = []
    for p in range(n_pools):
        units = () if mode == "selection" else tuple(f"U{p}-{u}" for u in range(draw(st.integers(0, 8))))
        room = len(units) if mode == "units" else 10
        quotas: list[tuple[str, int]] = []
        for group in draw(st.lists(st.sampled_from(GROUPS[1:]), unique=True, max_size=3)):
            quotas.append((group, draw(st.integers(0, room - sum(k for _, k in quotas)))))
        pools.append(L.Pool(f"P{p}/T1", units, tuple(quotas)))
    n = draw(st.integers(n_pools, 30))
    entries = [L.Entry(f"R{i:03d}", pools[i % n_pools].code, draw(st.sampled_from(GROUPS))) for i in range(n)]
    cancelled = {e.reg_no for e in entries if draw(st.booleans()) and draw(st.booleans())}
    digits = draw(st.text("0123456789", min_size=1, max_size=50))
    return entries, mode, pools, [L.digits_source("现场", digits)], cancelled


def _check_units(pool: L.Pool, members: list[L.Outcome], groups: dict[str, str], cancelled: set[str]) -> None:
    live = [o for o in members if o.reg_no not in cancelled]
    got = [o for o in live if o.kind == "unit"]
    waiting = [o for o in live if o.kind == "waiting"]
    assert len(got) + len(waiting) == len(live)  # one outcome each
    assert len(got) == min(len(pool.units), len(live))
    assert sorted(o.unit or "" for o in got) == sorted(pool.units[: len(got)])  # no unit twice, none foreign
    # Groups first: within its quota each group's best-ranked households have a unit.
    served = []
    for group, k in pool.quotas:
        first = [o for o in live if groups[o.reg_no] == group][:k]
        assert all(o.kind == "unit" for o in first), (group, k)
        served += first
    # The priority households take the first units in rank order, then everyone else in rank order.
    served.sort(key=lambda o: o.rank)
    rest = [o for o in got if o not in served]
    assert [o.unit for o in served + rest] == list(pool.units[: len(got)])
    # Ranks preserved: nobody waits ranked above a household that got a unit in the general phase.
    if rest and waiting:
        assert max(o.rank for o in rest) < min(o.rank for o in waiting)
    assert [o.number for o in waiting] == list(range(1, len(waiting) + 1))  # 1..k in rank order


def _check_selection(
    pool: L.Pool, members: list[L.Outcome], groups: dict[str, str], cancelled: set[str]
) -> None:
    live = [o for o in members if o.reg_no not in cancelled]
    assert all(o.kind == "order" for o in live)
    served = sorted(
        (o for group, k in pool.quotas for o in [o for o in live if groups[o.reg_no] == group][:k]),
        key=lambda o: o.rank,
    )
    rest = [o for o in live if o not in served]
    assert [o.number for o in served + rest] == list(range(1, len(live) + 1))


@settings(max_examples=300, deadline=None)
@given(draws())
def test_every_registration_gets_one_outcome_from_the_one_order(
    case: tuple[list[L.Entry], str, list[L.Pool], list[L.Source], set[str]],
) -> None:
    entries, mode, pools, sources, cancelled = case
    result = L.draw(entries, mode, pools, sources, cancelled)
    outcomes = result.outcomes
    assert [o.rank for o in outcomes] == list(range(1, len(entries) + 1))
    assert sorted(o.reg_no for o in outcomes) == sorted(e.reg_no for e in entries)
    assert {o.reg_no for o in outcomes if o.kind == "skipped"} == cancelled
    # The order depends on the list and the sources only: not on the pools, the mode or the cancelled.
    plain = L.draw(entries, "selection", [L.Pool(p.code) for p in pools], sources)
    assert [o.reg_no for o in plain.outcomes] == [o.reg_no for o in outcomes]
    units = [o.unit for o in outcomes if o.kind == "unit"]
    assert len(units) == len(set(units))
    groups = {e.reg_no: e.group for e in entries}
    for pool in pools:
        members = [o for o in outcomes if o.pool == pool.code]
        check = _check_units if mode == "units" else _check_selection
        check(pool, members, groups, cancelled)
    assert L.parse_result(L.result_text(result)) == outcomes


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 300), st.binary(min_size=32, max_size=32))
def test_the_order_is_a_permutation(n: int, seed: bytes) -> None:
    assert sorted(L.shuffle_order(n, seed)) == list(range(n))


@given(st.text(st.sampled_from("0123456789０１２３４５６７８９ ,，、"), max_size=40))
def test_typed_digits_keep_only_their_digits_in_order(raw: str) -> None:
    expected = "".join(str("0123456789０１２３４５６７８９".index(c) % 10) for c in raw if c not in " ,，、")
    assert L.normalise_digits(raw) == expected


@given(
    st.text(min_size=1, max_size=10).filter(
        lambda t: any(not (c.isspace() or c in ",，、0123456789０１２３４５６７８９") for c in t)
    )
)
def test_anything_else_than_digits_is_refused(raw: str) -> None:
    try:
        L.normalise_digits(raw)
    except InvalidInput as e:
        assert e.code == "draw_digits"
    else:
        raise AssertionError(f"accepted {raw!r}")


# --- fairness -------------------------------------------------------------------------------------------


def _p_value_even_df(statistic: float, df: int) -> float:
    """P(chi-squared with an even ``df`` >= statistic), exactly: e^(-x/2) * sum over i < df/2 of (x/2)^i / i!."""
    half = statistic / 2
    term, total = 1.0, 1.0
    for i in range(1, df // 2):
        term *= half / i
        total += term
    return math.exp(-half) * total


def _chi_squared(counts: list[int], expected: float) -> float:
    return sum((c - expected) ** 2 / expected for c in counts)


def test_the_p_value_is_the_chi_squared_tail() -> None:
    # Table values: 0.001's critical value is 39.252 for 16 degrees of freedom; 0.05's is 83.675 for 64.
    assert abs(_p_value_even_df(39.252, 16) - 0.001) < 1e-5
    assert abs(_p_value_even_df(83.675, 64) - 0.05) < 1e-4
    assert _p_value_even_df(0.0, 16) == 1.0


def test_each_entry_is_equally_likely_at_each_rank() -> None:
    """Over many sources, the entry at each rank of a 9-entry list: chi-squared, 64 degrees of freedom."""
    entries = [L.Entry(f"R{i}", "P/T", "-") for i in range(9)]
    pools = [L.Pool("P/T", ("U1",))]
    draws = 9 * 9 * 60
    at = Counter[tuple[int, str]]()
    for i in range(draws):
        result = L.draw(entries, "units", pools, [L.digits_source("现场", f"{i:040d}")])
        at.update((o.rank, o.reg_no) for o in result.outcomes)
    statistic = _chi_squared([at[rank, e.reg_no] for rank in range(1, 10) for e in entries], draws / 9)
    assert _p_value_even_df(statistic, (9 - 1) * (9 - 1)) > 0.001, statistic


def test_every_order_of_a_small_list_is_equally_likely() -> None:
    """All 120 orders of 5 entries from the seeds alone (plus the 5 x 5 rank table): no order favoured."""
    seen = Counter[tuple[int, ...]]()
    at: dict[int, Counter[int]] = defaultdict(Counter)
    runs = 120 * 100
    for i in range(runs):
        order = tuple(L.shuffle_order(5, hashlib.sha256(i.to_bytes(4, "big")).digest()))
        seen[order] += 1
        for rank, k in enumerate(order):
            at[rank][k] += 1
    assert set(seen) == set(permutations(range(5)))
    # 119 degrees of freedom (odd): 118's tail is below 119's, so passing with 118 passes with 119.
    statistic = _chi_squared([seen[p] for p in permutations(range(5))], runs / 120)
    assert _p_value_even_df(statistic, 118) > 0.001, statistic
    table = _chi_squared([at[r][k] for r in range(5) for k in range(5)], runs / 5)
    assert _p_value_even_df(table, 16) > 0.001, table
