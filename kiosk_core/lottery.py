"""The public lottery (摇号): the frozen list, the sources, the seed, the order and the allocation (docs/lottery.md).

Pure functions over plain text files, so that anyone can replay a draw: tools/verify_draw.py re-implements
the same algorithm with the standard library alone, and the tests hold the two to the same answers.
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from operator import lt
from pathlib import Path

from kiosk_core.errors import InvalidInput, KioskError
from kiosk_core.resources import RESOURCES

ALGORITHM = "kiosk-draw-1"
MIN_BITS = 128
DIGIT_BITS = math.log2(10)
MODES = ("units", "selection")
KINDS = ("digits", "public")
GROUP_NONE = "-"
GROUP_LABELS: dict[str, str] = {"elderly": "老年人家庭", "disabled": "残疾人家庭", "hardship": "特殊困难家庭"}

# --- errors ---------------------------------------------------------------------------------------------


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


class EmptyPool(LotteryError):
    code = "empty_pool"

    def __init__(self, pool: str) -> None:
        super().__init__(f"号池 {pool} 没有登记，不能摇号", hint="请从房源表中去掉该号池，或确认名单是否完整")
        self.pool = pool


class EmptyList(LotteryError):
    code = "empty_list"

    def __init__(self) -> None:
        super().__init__("冻结名单为空，不能摇号", hint="请确认登记已截止且已同步")


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


class DuplicateEntry(LotteryError):
    code = "duplicate_entry"

    def __init__(self, reg_no: str) -> None:
        super().__init__(f"登记编号 {reg_no} 在名单中出现了两次", hint="每个登记在名单中只能出现一次")
        self.reg_no = reg_no


class DrawMismatch(LotteryError):
    """Two computations of the same draw disagree (the centre's result and ours, or a published file)."""

    code = "draw_mismatch"

    def __init__(self, rank: int, expected: str, found: str) -> None:
        super().__init__(
            f"摇号结果不一致：第 {rank} 位应为 {expected or '（无）'}，实为 {found or '（无）'}",
            hint="请勿公布，请主管核对名单、随机源与算法版本",
        )
        self.rank = rank
        self.expected = expected
        self.found = found


def _bad(message: str, code: str, hint: str = "") -> InvalidInput:
    return InvalidInput(message, hint=hint, code=code)


# --- values ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    reg_no: str
    pool: str
    group: str = GROUP_NONE


@dataclass(frozen=True)
class Pool:
    code: str
    units: tuple[str, ...] = ()
    quotas: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Source:
    kind: str  # digits | public
    label: str
    value: str
    bits: float


@dataclass(frozen=True)
class Outcome:
    rank: int
    reg_no: str
    pool: str
    kind: str  # unit | waiting | order | skipped
    unit: str | None
    number: int | None

    def text(self) -> str:
        if self.kind == "unit":
            return f"unit:{self.unit}"
        if self.kind == "skipped":
            return "skipped"
        return f"{self.kind}:{self.number}"


def outcome_of(rank: int, reg_no: str, pool: str, text: str) -> Outcome:
    """The outcome a result line says (``unit:A-0301``, ``waiting:3``, ``order:5``, ``skipped``)."""
    kind, _, value = text.partition(":")
    if kind == "skipped" and not value:
        return Outcome(rank, reg_no, pool, kind, None, None)
    if kind == "unit" and value:
        return Outcome(rank, reg_no, pool, kind, value, None)
    if kind in ("waiting", "order") and value.isascii() and value.isdigit() and not value.startswith("0"):
        return Outcome(rank, reg_no, pool, kind, None, int(value))
    raise _bad(f"摇号结果第 {rank} 行的结果无法识别：{text[:40]}", "draw_result_format")


@dataclass(frozen=True, eq=False)
class DrawResult:
    """A draw's seed and, in rank order, each entry's outcome.

    Kept as columns (the list in reg_no order, the permutation, each entry's outcome text): a million
    ``Outcome`` objects take seconds to build, and the centre only needs the result file.
    """

    seed: bytes
    entries: tuple[Entry, ...] = field(repr=False)
    order: tuple[int, ...] = field(repr=False)  # rank r is entries[order[r - 1]]
    texts: tuple[str, ...] = field(repr=False)  # by entry index

    @cached_property
    def outcomes(self) -> tuple[Outcome, ...]:
        entries, texts = self.entries, self.texts
        return tuple(
            outcome_of(rank, entries[k].reg_no, entries[k].pool, texts[k])
            for rank, k in enumerate(self.order, 1)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DrawResult):
            return NotImplemented
        return self.seed == other.seed and result_text(self) == result_text(other)

    def __hash__(self) -> int:
        return hash(self.seed)


# --- the list file --------------------------------------------------------------------------------------


def _field_ok(value: str) -> bool:
    return bool(value) and "\t" not in value and "\n" not in value and "\r" not in value


def _group_ok(group: str) -> bool:
    return group == GROUP_NONE or (
        bool(group)
        and group.isascii()
        and all(c.isalnum() or c in "_.-" for c in group)
        and group[0] not in ".-"
    )


def _canonical(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """The entries sorted by reg_no (code-point order); a reg_no twice is refused."""
    ordered = tuple(entries)
    regs = [e.reg_no for e in ordered]
    if all(map(lt, regs, islice(regs, 1, None))):
        return ordered
    ordered = tuple(sorted(ordered, key=lambda e: e.reg_no))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.reg_no == b.reg_no:
            raise DuplicateEntry(a.reg_no)
    return ordered


def _list_text(ordered: Sequence[Entry]) -> str:
    text = "".join([f"{e.reg_no}\t{e.pool}\t{e.group}\n" for e in ordered])
    # One count instead of a check per field: a tab or newline inside any field changes these totals.
    if text.count("\n") != len(ordered) or text.count("\t") != 2 * len(ordered) or "\r" in text:
        bad = next(
            e for e in ordered if not (_field_ok(e.reg_no) and _field_ok(e.pool) and _field_ok(e.group))
        )
        raise _bad(f"名单中的登记含有制表符或换行：{bad.reg_no[:24]!r}", "draw_list_format")
    if any(not e.reg_no or not e.pool for e in ordered):
        raise _bad("名单中有空的登记编号或号池", "draw_list_format")
    for group in {e.group for e in ordered}:
        if not _group_ok(group):
            raise _bad(
                f"优先组代码无效：{group[:16]!r}", "draw_list_format", hint="用英文字母、数字或 -（无）"
            )
    return text


def list_text(entries: Iterable[Entry]) -> str:
    """The frozen list's canonical file: ``reg_no\\tpool\\tgroup\\n`` per entry, sorted by reg_no."""
    return _list_text(_canonical(entries))


def parse_list(text: str) -> tuple[Entry, ...]:
    """The entries of a list file; anything but the canonical form is refused (it would hash differently)."""
    if text and not text.endswith("\n"):
        raise _bad("名单文件最后一行没有换行", "draw_list_format")
    entries = []
    for number, line in enumerate(text.split("\n")[:-1], 1):
        parts = line.split("\t")
        if len(parts) != 3 or not all(_field_ok(p) for p in parts) or not _group_ok(parts[2]):
            raise _bad(f"名单文件第 {number} 行格式不对：{line[:40]!r}", "draw_list_format")
        entries.append(Entry(parts[0], parts[1], parts[2]))
    regs = [e.reg_no for e in entries]
    if not all(map(lt, regs, islice(regs, 1, None))):
        raise _bad("名单文件未按登记编号排序或有重复", "draw_list_format", hint="这不是公布的名单文件")
    return tuple(entries)


# --- the pools file -------------------------------------------------------------------------------------


def _check_pool(mode: str, pool: Pool) -> None:
    if not _field_ok(pool.code):
        raise _bad(f"号池代码无效：{pool.code[:24]!r}", "draw_pools_format")
    if mode == "selection" and pool.units:
        raise _bad(f"现场选房模式下号池 {pool.code} 不应列出房源", "draw_pools_format")
    if len(set(pool.units)) != len(pool.units):
        raise _bad(f"号池 {pool.code} 的房源有重复", "draw_pools_format")
    for unit in pool.units:
        if not _field_ok(unit) or "," in unit:
            raise _bad(f"房源编号无效：{unit[:24]!r}", "draw_pools_format")
    groups = [g for g, _ in pool.quotas]
    if len(set(groups)) != len(groups):
        raise _bad(f"号池 {pool.code} 的优先配额有重复的组", "draw_pools_format")
    for group, quota in pool.quotas:
        if group == GROUP_NONE or not _group_ok(group) or type(quota) is not int or quota < 0:
            raise _bad(f"号池 {pool.code} 的优先配额无效：{group}={quota}", "draw_pools_format")


def pools_text(mode: str, pools: Iterable[Pool]) -> str:
    """The pools file published with the list: the mode, then each pool's units in order and its quotas."""
    if mode not in MODES:
        raise _bad(f"摇号模式无效：{mode}", "draw_pools_format", hint="units 或 selection")
    ordered = sorted(pools, key=lambda p: p.code)
    lines = [f"mode\t{mode}\n"]
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.code == b.code:
            raise _bad(f"号池 {a.code} 出现了两次", "draw_pools_format")
    for pool in ordered:
        _check_pool(mode, pool)
        quotas = ",".join(f"{g}={k}" for g, k in pool.quotas)
        lines.append(f"pool\t{pool.code}\tunits\t{','.join(pool.units)}\tquota\t{quotas}\n")
    return "".join(lines)


def parse_pools(text: str) -> tuple[str, tuple[Pool, ...]]:
    lines = text.split("\n")
    if not text.endswith("\n") or len(lines) < 2:
        raise _bad("房源表文件不完整（最后一行没有换行）", "draw_pools_format")
    head = lines[0].split("\t")
    if len(head) != 2 or head[0] != "mode" or head[1] not in MODES:
        raise _bad(f"房源表第 1 行应为 mode 与 units/selection：{lines[0][:40]!r}", "draw_pools_format")
    pools = []
    for number, line in enumerate(lines[1:-1], 2):
        parts = line.split("\t")
        if len(parts) != 6 or parts[0] != "pool" or parts[2] != "units" or parts[4] != "quota":
            raise _bad(f"房源表第 {number} 行格式不对：{line[:40]!r}", "draw_pools_format")
        units = tuple(parts[3].split(",")) if parts[3] else ()
        quotas = []
        for item in parts[5].split(",") if parts[5] else ():
            group, sep, k = item.partition("=")
            if not sep or not k.isascii() or not k.isdigit() or (len(k) > 1 and k[0] == "0"):
                raise _bad(f"房源表第 {number} 行的配额无效：{item[:20]!r}", "draw_pools_format")
            quotas.append((group, int(k)))
        pools.append(Pool(parts[1], units, tuple(quotas)))
    result = tuple(pools)
    if pools_text(head[1], result) != text:
        raise _bad("房源表文件不是规范格式（号池未排序或有重复）", "draw_pools_format")
    return head[1], result


# --- sources, entropy, seed -----------------------------------------------------------------------------

_FULL_WIDTH = {ord("０") + d: ord("0") + d for d in range(10)}
_SEPARATORS = {ord(c): None for c in ",，、"}


def normalise_digits(raw: str) -> str:
    """ASCII digits from what was typed: full-width digits become ASCII, spaces and commas go; nothing else."""
    text = "".join(raw.translate(_FULL_WIDTH).translate(_SEPARATORS).split())
    for c in text:
        if not ("0" <= c <= "9"):
            raise _bad(f"随机数只能是数字，不能有“{c}”", "draw_digits", hint="只输入 0–9，空格和逗号可以省略")
    return text


def _check_label(label: str) -> str:
    if not label.strip() or "\t" in label or "\n" in label or "\r" in label:
        raise _bad("随机源名称不能为空，也不能含制表符或换行", "draw_source_label")
    return label


def digits_source(label: str, raw: str) -> Source:
    """Digits drawn on site (balls, dice): each decimal digit counts log2(10) bits."""
    value = normalise_digits(raw)
    if not value:
        raise _bad("请输入现场摇出的数字", "draw_digits")
    return Source("digits", _check_label(label), value, len(value) * DIGIT_BITS)


def public_source(label: str, raw: str, bits: float) -> Source:
    """A named public result (its numbers as digits, in published order) with the entropy declared for it."""
    value = normalise_digits(raw)
    if not value:
        raise _bad(f"请输入“{label}”的开奖号码", "draw_digits")
    if not bits >= 0 or math.isinf(bits):
        raise _bad("声明的熵必须是不小于 0 的数", "draw_source_bits")
    return Source("public", _check_label(label), value, float(bits))


def sources_text(sources: Iterable[Source]) -> str:
    """``kind\\tlabel\\tvalue\\n`` per source in committed order; its bytes go into the seed."""
    lines = []
    for s in sources:
        if s.kind not in KINDS or not s.value.isascii() or not s.value.isdigit():
            raise _bad(f"随机源无效：{s.kind} {s.label[:24]}", "draw_sources_format")
        lines.append(f"{s.kind}\t{_check_label(s.label)}\t{s.value}\n")
    return "".join(lines)


def parse_sources(text: str) -> tuple[Source, ...]:
    """The sources of a published sources file. A public source's declared bits are not in the file: 0 here."""
    if text and not text.endswith("\n"):
        raise _bad("随机源文件最后一行没有换行", "draw_sources_format")
    sources = []
    for number, line in enumerate(text.split("\n")[:-1], 1):
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in KINDS or not parts[2].isascii() or not parts[2].isdigit():
            raise _bad(f"随机源文件第 {number} 行格式不对：{line[:40]!r}", "draw_sources_format")
        kind, label, value = parts
        bits = len(value) * DIGIT_BITS if kind == "digits" else 0.0
        sources.append(Source(kind, _check_label(label), value, bits))
    return tuple(sources)


def entropy_bits(sources: Iterable[Source]) -> float:
    return sum(s.bits for s in sources)


def missing_digits(bits: float) -> int:
    """How many more decimal digits bring ``bits`` to MIN_BITS."""
    n = max(0, math.ceil((MIN_BITS - bits) / DIGIT_BITS))
    while n > 0 and bits + (n - 1) * DIGIT_BITS >= MIN_BITS:
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
        raise _bad("名单哈希应为 64 位小写十六进制", "draw_list_hash")
    return hashlib.sha256(list_hash.encode("ascii") + sources_text(sources).encode("utf-8")).digest()


# --- the order ------------------------------------------------------------------------------------------

_TWO64 = 1 << 64


class _Stream:
    """The 64-bit words of SHA-256(seed ‖ k as 8 bytes big-endian), k = 0, 1, 2 …, four a block."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self.blocks = 0
        self.words: list[int] = []

    def extend(self, count: int) -> None:
        """At least ``count`` more words at the end of ``words``."""
        blocks = -(-count // 4)
        seed, sha = self.seed, hashlib.sha256
        first = self.blocks
        data = b"".join([sha(seed + k.to_bytes(8, "big")).digest() for k in range(first, first + blocks)])
        self.words.extend(struct.unpack(f">{4 * blocks}Q", data))
        self.blocks += blocks


def _shuffle(n: int, stream: _Stream) -> list[int]:
    a = list(range(n))
    words = stream.words
    stream.extend(max(0, n - 1) + 8)
    # u below 2^64 - n is below every limit 2^64 - (2^64 mod m) for m <= n: the exact limit only near the top.
    safe = _TWO64 - n
    p = 0
    for i in range(n - 1, 0, -1):
        u = words[p]
        p += 1
        if u >= safe:
            m = i + 1
            limit = _TWO64 - _TWO64 % m
            while u >= limit:
                if p + i + 8 > len(words):
                    stream.extend(i + 8)
                u = words[p]
                p += 1
        j = u % (i + 1)
        a[i], a[j] = a[j], a[i]
    return a


def shuffle_order(n: int, seed: bytes) -> list[int]:
    """The drawn order: position r - 1 holds the index (in list order) of the entry ranked r."""
    return _shuffle(n, _Stream(seed))


# --- the allocation -------------------------------------------------------------------------------------


def _check_pools(
    mode: str, pools: Sequence[Pool], entries: Sequence[Entry], cancelled: Collection[str]
) -> dict[str, Pool]:
    if mode not in MODES:
        raise _bad(f"摇号模式无效：{mode}", "draw_pools_format", hint="units 或 selection")
    if not entries:
        raise EmptyList()
    by_code = {p.code: p for p in pools}
    if len(by_code) != len(pools):
        raise _bad("房源表中有重复的号池", "draw_pools_format")
    for pool in pools:
        _check_pool(mode, pool)
    used = {e.pool for e in entries}
    for code in sorted(used - by_code.keys()):
        raise UnknownPool(code)
    for code in sorted(by_code.keys() - used):
        raise EmptyPool(code)
    if mode == "units":
        for pool in sorted(pools, key=lambda p: p.code):
            quota = sum(k for _, k in pool.quotas)
            if quota > len(pool.units):
                raise QuotaExceedsUnits(pool.code, quota, len(pool.units))
    if cancelled:
        listed = {e.reg_no for e in entries}
        unknown = sorted(set(cancelled) - listed)
        if unknown:
            raise CancelledNotListed(unknown)
    return by_code


def _allocate(
    mode: str,
    by_code: dict[str, Pool],
    entries: Sequence[Entry],
    order: Sequence[int],
    cancelled: Collection[str],
) -> list[str]:
    """Each entry's outcome text, by entry index."""
    texts = [""] * len(entries)
    ranked: dict[str, list[int]] = {code: [] for code in by_code}
    appenders = {code: ranked[code].append for code in by_code}
    pool_of = [e.pool for e in entries]
    for k in order:
        appenders[pool_of[k]](k)
    skipped = {i for i, e in enumerate(entries) if e.reg_no in cancelled} if cancelled else set()
    for i in skipped:
        texts[i] = "skipped"
    selection = mode == "selection"
    for code, members in ranked.items():
        pool = by_code[code]
        left = dict(pool.quotas)
        allocated: list[int] = []
        if left:
            for k in members:
                if k in skipped:
                    continue
                group = entries[k].group
                if left.get(group):
                    left[group] -= 1
                    allocated.append(k)
                    texts[k] = "*"  # taken in the priority phase
        room = len(members) if selection else len(pool.units)
        if len(allocated) < room:
            for k in members:
                if not texts[k]:
                    allocated.append(k)
                    texts[k] = "*"
                    if len(allocated) == room:
                        break
        if selection:
            for n, k in enumerate(allocated, 1):
                texts[k] = f"order:{n}"
        else:
            for unit, k in zip(pool.units, allocated, strict=False):
                texts[k] = f"unit:{unit}"
            waiting = 0
            for k in members:
                if not texts[k]:
                    waiting += 1
                    texts[k] = f"waiting:{waiting}"
    return texts


def draw(
    entries: Iterable[Entry],
    mode: str,
    pools: Iterable[Pool],
    sources: Iterable[Source],
    cancelled: Collection[str] = frozenset(),
) -> DrawResult:
    """Order the frozen list and allocate each pool from that one order.

    The sources' entropy is checked when they are committed (``check_entropy``), not here: replaying a
    published draw must not depend on declared figures the published sources file does not carry.
    """
    ordered = _canonical(entries)
    pool_list = tuple(pools)
    cancelled = frozenset(cancelled)
    by_code = _check_pools(mode, pool_list, ordered, cancelled)
    seed = seed_of(sha256_hex(_list_text(ordered)), sources)
    order = shuffle_order(len(ordered), seed)
    texts = _allocate(mode, by_code, ordered, order, cancelled)
    return DrawResult(seed, ordered, tuple(order), tuple(texts))


# --- the result file ------------------------------------------------------------------------------------


def result_text(result: DrawResult) -> str:
    """``rank\\treg_no\\tpool\\toutcome\\n`` per entry in rank order."""
    entries, texts = result.entries, result.texts
    return "".join(
        [
            f"{rank}\t{entries[k].reg_no}\t{entries[k].pool}\t{texts[k]}\n"
            for rank, k in enumerate(result.order, 1)
        ]
    )


def parse_result(text: str) -> tuple[Outcome, ...]:
    if text and not text.endswith("\n"):
        raise _bad("结果文件最后一行没有换行", "draw_result_format")
    outcomes = []
    for rank, line in enumerate(text.split("\n")[:-1], 1):
        parts = line.split("\t")
        if len(parts) != 4 or parts[0] != str(rank) or not _field_ok(parts[1]) or not _field_ok(parts[2]):
            raise _bad(f"结果文件第 {rank} 行格式不对：{line[:40]!r}", "draw_result_format")
        outcomes.append(outcome_of(rank, parts[1], parts[2], parts[3]))
    return tuple(outcomes)


def check_same(expected: str, found: str) -> None:
    """Raise DrawMismatch at the first line where two result files differ."""
    if expected == found:
        return
    mine, theirs = expected.split("\n"), found.split("\n")
    for rank, (a, b) in enumerate(zip(mine, theirs, strict=False), 1):
        if a != b:
            raise DrawMismatch(rank, a, b)
    shorter = min(len(mine), len(theirs))
    raise DrawMismatch(shorter, "\n".join(mine[shorter - 1 :])[:80], "\n".join(theirs[shorter - 1 :])[:80])


def verifier_path() -> Path:
    """The one-file verifier (tools/verify_draw.py links to it): package data, so a wheel carries it too."""
    return RESOURCES / "verify_draw.py"


def verifier_source() -> str:
    """The verifier's text, as the public page offers it for download."""
    return verifier_path().read_text("utf-8")
