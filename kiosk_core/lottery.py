"""The public lottery (摇号): seed, order and allocation of a frozen list, exactly as docs/lottery.md says.

Pure functions over the published files (kiosk_core.draw_files), so that anyone can replay a draw:
tools/verify_draw.py re-implements the same algorithm with the standard library alone, and the tests hold
the two to the same answers.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import count
from operator import attrgetter
from pathlib import Path

from kiosk_core import draw_order
from kiosk_core.draw_allocation import allocate, gather
from kiosk_core.draw_files import (
    DIGIT_BITS,
    GROUP_NONE,
    KINDS,
    MODES,
    Entry,
    FrozenList,
    Outcome,
    Pool,
    Source,
    check_mode,
    check_pool,
    digits_source,
    frozen_list,
    list_text,
    normalise_digits,
    outcome_of,
    parse_list,
    parse_pools,
    parse_result,
    parse_sources,
    pools_text,
    public_source,
    read_list,
    sources_text,
)
from kiosk_core.draw_order import Order
from kiosk_core.errors import InvalidInput, KioskError
from kiosk_core.resources import RESOURCES

__all__ = [
    "ALGORITHM",
    "DIGIT_BITS",
    "GROUP_LABELS",
    "GROUP_NONE",
    "KINDS",
    "MIN_BITS",
    "MODES",
    "CancelledNotListed",
    "DrawMismatch",
    "DrawResult",
    "EmptyList",
    "EmptyPool",
    "Entry",
    "EntropyTooLow",
    "FrozenList",
    "LotteryError",
    "Outcome",
    "Pool",
    "QuotaExceedsUnits",
    "Source",
    "UnknownPool",
    "check_entropy",
    "check_same",
    "digits_source",
    "draw",
    "draw_list",
    "entropy_bits",
    "frozen_list",
    "list_text",
    "missing_digits",
    "normalise_digits",
    "parse_list",
    "parse_pools",
    "parse_result",
    "parse_sources",
    "pools_text",
    "public_source",
    "read_list",
    "result_text",
    "seed_of",
    "sha256_hex",
    "shuffle_order",
    "sources_text",
    "verifier_path",
    "verifier_source",
]

ALGORITHM = "kiosk-draw-1"
MIN_BITS = 128
GROUP_LABELS: dict[str, str] = {"elderly": "老年人家庭", "disabled": "残疾人家庭", "hardship": "特殊困难家庭"}


class LotteryError(KioskError):
    """A draw refused before anything is drawn; nothing changes."""

    code = "lottery"


class EntropyTooLow(LotteryError):
    code = "entropy_too_low"

    def __init__(self, bits: float, missing_digits: int) -> None:
        super().__init__(
            f"随机源不足：还差 {missing_digits} 位数字",
            hint=f"现有约 {bits:.1f} 比特，摇号至少需要 {MIN_BITS} 比特；请增加现场摇出的数字",
        )
        self.bits = bits
        self.missing_digits = missing_digits


class EmptyList(LotteryError):
    code = "empty_list"

    def __init__(self) -> None:
        super().__init__("冻结名单为空，不能摇号", hint="请确认登记已截止且已同步")


class EmptyPool(LotteryError):
    code = "empty_pool"

    def __init__(self, pool: str) -> None:
        super().__init__(f"号池 {pool} 没有登记，不能摇号", hint="请从房源表中去掉该号池，或确认名单是否完整")
        self.pool = pool


class QuotaExceedsUnits(LotteryError):
    code = "quota_exceeds_units"

    def __init__(self, pool: str, quota: int, units: int) -> None:
        super().__init__(
            f"号池 {pool} 的优先配额合计 {quota} 套，多于房源 {units} 套", hint="请减少该号池的优先配额"
        )
        self.pool = pool
        self.quota = quota
        self.units = units


class UnknownPool(LotteryError):
    code = "unknown_pool"

    def __init__(self, pool: str) -> None:
        super().__init__(f"名单中的号池 {pool} 不在房源表中", hint="名单与房源表须一起冻结")
        self.pool = pool


class CancelledNotListed(LotteryError):
    code = "cancelled_not_listed"

    def __init__(self, reg_nos: Sequence[str]) -> None:
        shown = "、".join(reg_nos[:5]) + ("等" if len(reg_nos) > 5 else "")
        super().__init__(f"已取消的登记不在冻结名单中：{shown}", hint="只有冻结名单中的登记才能标为已取消")
        self.reg_nos = tuple(reg_nos)


class DrawMismatch(LotteryError):
    """Two computations of the same draw disagree (the centre's result and ours, or a published file)."""

    code = "draw_mismatch"

    def __init__(self, rank: int, expected: str, found: str) -> None:
        super().__init__(
            f"摇号结果不一致：第 {rank} 行应为 {expected or '（无）'}，实为 {found or '（无）'}",
            hint="请勿公布，请主管核对名单、随机源与算法版本",
        )
        self.rank = rank
        self.expected = expected
        self.found = found


# --- entropy and seed -----------------------------------------------------------------------------------


def entropy_bits(sources: Iterable[Source]) -> float:
    return sum(s.bits for s in sources)


def missing_digits(bits: float) -> int:
    """How many more decimal digits bring ``bits`` up to MIN_BITS."""
    n = max(0, math.ceil((MIN_BITS - bits) / DIGIT_BITS))
    while n > 0 and bits + (n - 1) * DIGIT_BITS >= MIN_BITS:  # float rounding either way
        n -= 1
    while bits + n * DIGIT_BITS < MIN_BITS:
        n += 1
    return n


def check_entropy(sources: Iterable[Source]) -> None:
    bits = entropy_bits(sources)
    if bits < MIN_BITS:
        raise EntropyTooLow(bits, missing_digits(bits))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seed_of(list_hash: str, sources: Iterable[Source]) -> bytes:
    """SHA-256 of the list hash (64 lowercase hex characters) followed by the canonical sources text."""
    if len(list_hash) != 64 or any(c not in "0123456789abcdef" for c in list_hash):
        raise InvalidInput("名单哈希应为 64 位小写十六进制", code="draw_list_hash")
    return hashlib.sha256(list_hash.encode("ascii") + sources_text(sources).encode("utf-8")).digest()


# --- the order ------------------------------------------------------------------------------------------


def shuffle_order(n: int, seed: bytes) -> Order:
    """The drawn order: position r - 1 holds the index (in reg_no order) of the entry ranked r."""
    return draw_order.shuffle_order(n, seed)


# --- the allocation -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DrawResult:
    """A draw's seed and, in rank order, each entry's outcome.

    Kept as columns: a million ``Outcome`` objects take seconds to build, and the centre needs only the
    result file. ``outs[r - 1]`` is rank r's outcome text, or its waiting (or selection order) number.
    """

    seed: bytes
    mode: str
    listed: FrozenList = field(repr=False)
    order: Order = field(repr=False)  # rank r is list line order[r - 1] (from 0)
    pools: Sequence[str] = field(repr=False)  # by rank
    outs: Sequence[str | int] = field(repr=False)  # by rank

    @cached_property
    def reg_nos(self) -> Sequence[str]:
        """By rank."""
        return gather(self.listed.reg_nos, self.order)

    @cached_property
    def outcomes(self) -> tuple[Outcome, ...]:
        kind = _number_kind(self.mode)
        return tuple(
            Outcome(rank, reg_no, pool, kind, None, out)
            if isinstance(out, int)
            else outcome_of(rank, reg_no, pool, out)
            for rank, reg_no, pool, out in zip(count(1), self.reg_nos, self.pools, self.outs, strict=False)
        )

    @cached_property
    def text(self) -> str:
        """The result file: ``rank\\treg_no\\tpool\\toutcome\\n`` per entry in rank order.

        Made once per result: the console checks it against the centre's, lists its rows and hands it to the
        projection, which checks its hash again; a million lines take seconds.
        """
        kind = _number_kind(self.mode)
        return "".join(
            [
                f"{r}\t{g}\t{p}\t{kind}:{o}\n" if o.__class__ is int else f"{r}\t{g}\t{p}\t{o}\n"
                for r, g, p, o in zip(count(1), self.reg_nos, self.pools, self.outs, strict=False)
            ]
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DrawResult):
            return NotImplemented
        return self.seed == other.seed and result_text(self) == result_text(other)

    def __hash__(self) -> int:
        return hash(self.seed)


def _number_kind(mode: str) -> str:
    return "order" if mode == "selection" else "waiting"


def _check(mode: str, pools: Sequence[Pool], listed: FrozenList, cancelled: Collection[str]) -> None:
    check_mode(mode)
    if not len(listed):
        raise EmptyList()
    codes = [p.code for p in pools]
    if len(set(codes)) != len(codes):
        raise InvalidInput("房源表中有重复的号池", code="draw_pools_format")
    for pool in pools:
        check_pool(mode, pool)
    used = set(listed.pool_values)
    for code in sorted(used - set(codes)):
        raise UnknownPool(code)
    for code in sorted(set(codes) - used):
        raise EmptyPool(code)
    if mode == "units":
        for pool in sorted(pools, key=attrgetter("code")):
            quota = sum(k for _, k in pool.quotas)
            if quota > len(pool.units):
                raise QuotaExceedsUnits(pool.code, quota, len(pool.units))
    unknown = sorted(reg_no for reg_no in cancelled if listed.index_of(reg_no) is None)
    if unknown:
        raise CancelledNotListed(unknown)


def draw(
    entries: Iterable[Entry],
    mode: str,
    pools: Iterable[Pool],
    sources: Iterable[Source],
    cancelled: Collection[str] = frozenset(),
) -> DrawResult:
    """Order these entries and allocate each pool from that one order (``draw_list`` on their list file)."""
    return draw_list(frozen_list(entries), mode, pools, sources, cancelled)


def draw_list(
    listed: FrozenList,
    mode: str,
    pools: Iterable[Pool],
    sources: Iterable[Source],
    cancelled: Collection[str] = frozenset(),
) -> DrawResult:
    """Order a frozen list and allocate each pool from that one order.

    The sources' entropy is checked when they are committed (``check_entropy``), not here: replaying a
    published draw must not depend on declared figures the published sources file does not carry.
    """
    pool_list = tuple(pools)
    cancelled = frozenset(cancelled)
    _check(mode, pool_list, listed, cancelled)
    seed = seed_of(sha256_hex(listed.text), sources)
    order = shuffle_order(len(listed), seed)
    allocation = allocate(mode, pool_list, listed, order, cancelled)
    return DrawResult(seed, mode, listed, order, allocation.pools, allocation.outs)


def result_text(result: DrawResult) -> str:
    """The result file: ``rank\\treg_no\\tpool\\toutcome\\n`` per entry in rank order."""
    return result.text


def check_same(expected: str, found: str) -> None:
    """Raise DrawMismatch at the first line where two result files differ."""
    if expected == found:
        return
    mine, theirs = expected.split("\n"), found.split("\n")
    for line, (a, b) in enumerate(zip(mine, theirs, strict=False), 1):
        if a != b:
            raise DrawMismatch(line, a, b)
    line = min(len(mine), len(theirs))
    raise DrawMismatch(line, "\n".join(mine[line - 1 :])[:80], "\n".join(theirs[line - 1 :])[:80])


def verifier_path() -> Path:
    """The one-file verifier (tools/verify_draw.py links to it): package data, so a wheel carries it too."""
    return RESOURCES / "verify_draw.py"


def verifier_source() -> str:
    """The verifier's text, as the public page offers it for download."""
    return verifier_path().read_text("utf-8")
