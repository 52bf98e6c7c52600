"""The lottery's published files (list, pools, sources, result) and the values they hold; docs/lottery.md.

Each file has one canonical form, because its SHA-256 is what is published: writing refuses what cannot be
written canonically, reading refuses anything but the canonical form (it would hash differently).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from operator import attrgetter, lt

import numpy as np
import numpy.typing as npt

from kiosk_core.errors import InvalidInput

MODES = ("units", "selection")
KINDS = ("digits", "public")
GROUP_NONE = "-"
DIGIT_BITS = math.log2(10)


@dataclass(frozen=True)
class Entry:
    reg_no: str
    pool: str  # "{project_code}/{unit_type_code}"
    group: str = GROUP_NONE  # priority group, "-" for none


@dataclass(frozen=True)
class Pool:
    code: str
    units: tuple[str, ...] = ()  # in published order; none in selection mode
    quotas: tuple[tuple[str, int], ...] = ()  # (group, units) in the order served


@dataclass(frozen=True)
class Source:
    kind: str  # digits | public
    label: str
    value: str  # ASCII digits
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


def bad(message: str, code: str, hint: str = "") -> InvalidInput:
    return InvalidInput(message, hint=hint, code=code)


def field_ok(value: str) -> bool:
    return bool(value) and "\t" not in value and "\n" not in value and "\r" not in value


def group_ok(group: str) -> bool:
    return group == GROUP_NONE or (
        bool(group)
        and group.isascii()
        and all(c.isalnum() or c in "_.-" for c in group)
        and group[0] not in ".-"
    )


# --- the list file --------------------------------------------------------------------------------------


def canonical(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """The entries sorted by reg_no (code-point order); a reg_no twice is refused."""
    ordered = tuple(entries)
    regs = list(map(attrgetter("reg_no"), ordered))
    if all(map(lt, regs, islice(regs, 1, None))):
        return ordered
    ordered = tuple(sorted(ordered, key=attrgetter("reg_no")))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.reg_no == b.reg_no:
            raise bad(
                f"登记编号 {a.reg_no} 在名单中出现了两次", "draw_duplicate_entry", hint="每个登记只能出现一次"
            )
    return ordered


def canonical_list_text(ordered: Sequence[Entry]) -> str:
    """The list file of entries already in reg_no order."""
    text = "".join([f"{e.reg_no}\t{e.pool}\t{e.group}\n" for e in ordered])
    # Pools and groups are few: each is checked once. A reg_no with a tab or newline changes the totals.
    for pool in set(map(attrgetter("pool"), ordered)):
        if not field_ok(pool):
            raise bad(f"名单中的号池代码无效：{pool[:24]!r}", "draw_list_format")
    for group in set(map(attrgetter("group"), ordered)):
        if not group_ok(group):
            raise bad(
                f"优先组代码无效：{group[:16]!r}", "draw_list_format", hint="用英文字母、数字或 -（无）"
            )
    n = len(ordered)
    if (
        text.count("\n") != n
        or text.count("\t") != 2 * n
        or "\r" in text
        or not all(map(attrgetter("reg_no"), ordered))
    ):
        wrong = next(e for e in ordered if not field_ok(e.reg_no))
        raise bad(f"名单中的登记编号无效：{wrong.reg_no[:24]!r}", "draw_list_format")
    return text


def list_text(entries: Iterable[Entry]) -> str:
    """The frozen list's canonical file: ``reg_no\\tpool\\tgroup\\n`` per entry, sorted by reg_no."""
    return canonical_list_text(canonical(entries))


@dataclass(frozen=True, eq=False)
class FrozenList:
    """A list file and its columns, in reg_no order.

    Columns, not ``Entry`` objects: a million of those take seconds to build, and the draw needs only the
    columns and the file's text (which it hashes). Pools and groups are a handful of values: kept as each
    row's index into the sorted values (numpy), which is what the allocation works on.
    """

    text: str
    reg_nos: Sequence[str]
    pool_values: tuple[str, ...]
    pool_codes: npt.NDArray[np.int32]
    group_values: tuple[str, ...]
    group_codes: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.reg_nos)

    @cached_property
    def pools(self) -> list[str]:
        return _strings(self.pool_values, self.pool_codes)

    @cached_property
    def groups(self) -> list[str]:
        return _strings(self.group_values, self.group_codes)

    def entries(self) -> tuple[Entry, ...]:
        return tuple(map(Entry, self.reg_nos, self.pools, self.groups))

    def index_of(self, reg_no: str) -> int | None:
        """Where ``reg_no`` is on the list."""
        k = bisect_left(self.reg_nos, reg_no)
        return k if k < len(self.reg_nos) and self.reg_nos[k] == reg_no else None


def _strings(values: tuple[str, ...], codes: npt.NDArray[np.int32]) -> list[str]:
    return np.array(values, dtype=object)[codes].tolist()  # type: ignore[no-any-return]


def _coded(column: Sequence[str]) -> tuple[tuple[str, ...], npt.NDArray[np.int32]]:
    """The column's distinct values, sorted, and each row's index into them."""
    values = tuple(sorted(set(column)))
    index = {value: k for k, value in enumerate(values)}
    return values, np.fromiter(map(index.__getitem__, column), dtype=np.int32, count=len(column))


def _columns(text: str, reg_nos: Sequence[str], pools: Sequence[str], groups: Sequence[str]) -> FrozenList:
    return FrozenList(text, reg_nos, *_coded(pools), *_coded(groups))


def frozen_list(entries: Iterable[Entry]) -> FrozenList:
    """The list file of these entries, with its columns."""
    ordered = canonical(entries)
    return _columns(
        canonical_list_text(ordered),
        list(map(attrgetter("reg_no"), ordered)),
        list(map(attrgetter("pool"), ordered)),
        list(map(attrgetter("group"), ordered)),
    )


def _well_formed(text: str) -> bool:
    """Three non-empty fields a line, two tabs and a newline, no carriage return: checked on the bytes at
    once (tabs and newlines are single bytes in UTF-8, never inside another character)."""
    if "\r" in text:
        return False
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    marks = np.flatnonzero((data == 9) | (data == 10))
    if len(marks) % 3 or not (data[marks].reshape(-1, 3) == (9, 9, 10)).all():
        return False
    # No field is empty: no mark at the very start, none right after another.
    return not (len(marks) and (marks[0] == 0 or (np.diff(marks) == 1).any()))


def read_list(text: str) -> FrozenList:
    """A list file read as columns; anything but the canonical form is refused."""
    if text and not text.endswith("\n"):
        raise bad("名单文件最后一行没有换行", "draw_list_format")
    # The whole file as columns while it is well formed (a million lines); line by line only to say where not.
    fields = text.replace("\n", "\t").split("\t")[:-1] if text else []
    listed = _columns(text, fields[0::3], fields[1::3], fields[2::3]) if _well_formed(text) else None
    del fields
    if listed is None or not all(map(group_ok, listed.group_values)):
        for number, line in enumerate(text.split("\n")[:-1], 1):
            parts = line.split("\t")
            if len(parts) != 3 or not all(field_ok(p) for p in parts) or not group_ok(parts[2]):
                raise bad(f"名单文件第 {number} 行格式不对：{line[:40]!r}", "draw_list_format")
        raise bad("名单文件格式不对", "draw_list_format")
    regs = listed.reg_nos
    if not all(map(lt, regs, islice(regs, 1, None))):
        raise bad("名单文件未按登记编号排序或有重复", "draw_list_format", hint="这不是公布的名单文件")
    return listed


def parse_list(text: str) -> tuple[Entry, ...]:
    """The entries of a list file; anything but the canonical form is refused."""
    return read_list(text).entries()


# --- the pools file -------------------------------------------------------------------------------------


def check_mode(mode: str) -> None:
    if mode not in MODES:
        raise bad(
            f"摇号模式无效：{mode}", "draw_pools_format", hint="units（分配房源）或 selection（选房顺序）"
        )


def check_pool(mode: str, pool: Pool) -> None:
    if not field_ok(pool.code):
        raise bad(f"号池代码无效：{pool.code[:24]!r}", "draw_pools_format")
    if mode == "selection" and pool.units:
        raise bad(f"现场选房模式下号池 {pool.code} 不应列出房源", "draw_pools_format")
    if len(set(pool.units)) != len(pool.units):
        raise bad(f"号池 {pool.code} 的房源有重复", "draw_pools_format")
    for unit in pool.units:
        if not field_ok(unit) or "," in unit:
            raise bad(f"房源编号无效：{unit[:24]!r}", "draw_pools_format")
    groups = [g for g, _ in pool.quotas]
    if len(set(groups)) != len(groups):
        raise bad(f"号池 {pool.code} 的优先配额有重复的组", "draw_pools_format")
    for group, quota in pool.quotas:
        if group == GROUP_NONE or not group_ok(group) or type(quota) is not int or quota < 0:
            raise bad(f"号池 {pool.code} 的优先配额无效：{group}={quota}", "draw_pools_format")


def pools_text(mode: str, pools: Iterable[Pool]) -> str:
    """The pools file published with the list: the mode, then each pool's units in order and its quotas."""
    check_mode(mode)
    ordered = sorted(pools, key=attrgetter("code"))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.code == b.code:
            raise bad(f"号池 {a.code} 出现了两次", "draw_pools_format")
    lines = [f"mode\t{mode}\n"]
    for pool in ordered:
        check_pool(mode, pool)
        quotas = ",".join(f"{g}={k}" for g, k in pool.quotas)
        lines.append(f"pool\t{pool.code}\tunits\t{','.join(pool.units)}\tquota\t{quotas}\n")
    return "".join(lines)


def parse_pools(text: str) -> tuple[str, tuple[Pool, ...]]:
    lines = text.split("\n")
    if not text.endswith("\n") or len(lines) < 2:
        raise bad("房源表文件不完整（最后一行没有换行）", "draw_pools_format")
    head = lines[0].split("\t")
    if len(head) != 2 or head[0] != "mode" or head[1] not in MODES:
        raise bad(f"房源表第 1 行应为 mode 与 units/selection：{lines[0][:40]!r}", "draw_pools_format")
    pools = []
    for number, line in enumerate(lines[1:-1], 2):
        parts = line.split("\t")
        if len(parts) != 6 or parts[0] != "pool" or parts[2] != "units" or parts[4] != "quota":
            raise bad(f"房源表第 {number} 行格式不对：{line[:40]!r}", "draw_pools_format")
        units = tuple(parts[3].split(",")) if parts[3] else ()
        quotas = []
        for item in parts[5].split(",") if parts[5] else ():
            group, sep, k = item.partition("=")
            if not sep or not k.isascii() or not k.isdigit() or (len(k) > 1 and k[0] == "0"):
                raise bad(f"房源表第 {number} 行的配额无效：{item[:20]!r}", "draw_pools_format")
            quotas.append((group, int(k)))
        pools.append(Pool(parts[1], units, tuple(quotas)))
    result = tuple(pools)
    if pools_text(head[1], result) != text:
        raise bad("房源表文件不是规范格式（号池未排序或有重复）", "draw_pools_format")
    return head[1], result


# --- the sources file -----------------------------------------------------------------------------------

_FULL_WIDTH = {ord("０") + d: ord("0") + d for d in range(10)}
_SEPARATORS = {ord(c): None for c in ",，、"}


def normalise_digits(raw: str) -> str:
    """ASCII digits from what was typed: full-width digits become ASCII, spaces and commas go; nothing else."""
    text = "".join(raw.translate(_FULL_WIDTH).translate(_SEPARATORS).split())
    for c in text:
        if not ("0" <= c <= "9"):
            raise bad(f"随机数只能是数字，不能有“{c}”", "draw_digits", hint="只输入 0–9，空格和逗号可以省略")
    return text


def check_label(label: str) -> str:
    if not label.strip() or "\t" in label or "\n" in label or "\r" in label:
        raise bad("随机源名称不能为空，也不能含制表符或换行", "draw_source_label")
    return label


def digits_source(label: str, raw: str) -> Source:
    """Digits drawn on site (balls, dice): each decimal digit counts log2(10) bits."""
    value = normalise_digits(raw)
    if not value:
        raise bad("请输入现场摇出的数字", "draw_digits")
    return Source("digits", check_label(label), value, len(value) * DIGIT_BITS)


def public_source(label: str, raw: str, bits: float) -> Source:
    """A named public result (its numbers as digits, in published order) with the entropy declared for it."""
    value = normalise_digits(raw)
    if not value:
        raise bad(f"请输入“{label}”的开奖号码", "draw_digits")
    if not bits >= 0 or math.isinf(bits):
        raise bad("声明的熵必须是不小于 0 的数", "draw_source_bits")
    return Source("public", check_label(label), value, float(bits))


def sources_text(sources: Iterable[Source]) -> str:
    """``kind\\tlabel\\tvalue\\n`` per source in committed order; its bytes go into the seed."""
    lines = []
    for s in sources:
        if s.kind not in KINDS or not s.value.isascii() or not s.value.isdigit():
            raise bad(f"随机源无效：{s.kind} {s.label[:24]}", "draw_sources_format")
        lines.append(f"{s.kind}\t{check_label(s.label)}\t{s.value}\n")
    return "".join(lines)


def parse_sources(text: str) -> tuple[Source, ...]:
    """The sources of a published sources file. A public source's declared bits are not in the file: 0 here."""
    if text and not text.endswith("\n"):
        raise bad("随机源文件最后一行没有换行", "draw_sources_format")
    sources = []
    for number, line in enumerate(text.split("\n")[:-1], 1):
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in KINDS or not parts[2].isascii() or not parts[2].isdigit():
            raise bad(f"随机源文件第 {number} 行格式不对：{line[:40]!r}", "draw_sources_format")
        kind, label, value = parts
        bits = len(value) * DIGIT_BITS if kind == "digits" else 0.0
        sources.append(Source(kind, check_label(label), value, bits))
    return tuple(sources)


# --- the result file ------------------------------------------------------------------------------------


def outcome_of(rank: int, reg_no: str, pool: str, text: str) -> Outcome:
    """The outcome a result line says (``unit:A-0301``, ``waiting:3``, ``order:5``, ``skipped``)."""
    kind, _, value = text.partition(":")
    if kind == "skipped" and not value:
        return Outcome(rank, reg_no, pool, kind, None, None)
    if kind == "unit" and value:
        return Outcome(rank, reg_no, pool, kind, value, None)
    if kind in ("waiting", "order") and value.isascii() and value.isdigit() and not value.startswith("0"):
        return Outcome(rank, reg_no, pool, kind, None, int(value))
    raise bad(f"摇号结果第 {rank} 行的结果无法识别：{text[:40]}", "draw_result_format")


def parse_result(text: str) -> tuple[Outcome, ...]:
    if text and not text.endswith("\n"):
        raise bad("结果文件最后一行没有换行", "draw_result_format")
    outcomes = []
    for rank, line in enumerate(text.split("\n")[:-1], 1):
        parts = line.split("\t")
        if len(parts) != 4 or parts[0] != str(rank) or not field_ok(parts[1]) or not field_ok(parts[2]):
            raise bad(f"结果文件第 {rank} 行格式不对：{line[:40]!r}", "draw_result_format")
        outcomes.append(outcome_of(rank, parts[1], parts[2], parts[3]))
    return tuple(outcomes)
