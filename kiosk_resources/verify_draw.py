#!/usr/bin/env python3
"""Replay a Kiosk public lottery draw (algorithm kiosk-draw-1) and compare it with the published result.

    python3 verify_draw.py list.txt pools.txt sources.txt result.txt [--cancelled R1,R2] [--list-hash HEX]

The four files are the ones the centre publishes for a draw (/public/draws/{id}/list.txt, pools.txt,
sources.txt, result.txt); --cancelled is the published list of registrations cancelled after the freeze.
Prints the hashes and the seed it computed, then MATCH (exit 0) or the first difference (exit 1).
Needs Python 3.8 or later and nothing else: the whole algorithm is in this file (see docs/lottery.md).
"""

import argparse
import bisect
import hashlib
import itertools
import operator
import struct
import sys

ALGORITHM = "kiosk-draw-1"
TWO64 = 1 << 64


class BadFile(Exception):
    """A published file is not in its canonical form (altered, re-saved by an editor, or not the file)."""


def _lines(text, name):
    if text and not text.endswith("\n"):
        raise BadFile(f"{name}: the last line has no newline / 最后一行没有换行")
    if "\r" in text:
        raise BadFile(f"{name}: carriage returns (CRLF line ends) / 含回车符，文件被改过格式")
    return text.split("\n")[:-1]


def read_list(text):
    """(reg_nos, pools, groups): three columns in file order; anything but the canonical form is refused."""
    lines = _lines(text, "list")
    # The whole file at once while it is well formed; line by line only to say where it is not.
    fields = text.replace("\n", "\t").split("\t")[:-1]
    regs, pools, groups = fields[0::3], fields[1::3], fields[2::3]
    if (
        set(map(str.count, lines, itertools.repeat("\t"))) <= {2}  # every line has two tabs
        and all(regs)
        and all(pools)
        and all(groups)
        and all(map(operator.lt, regs, regs[1:]))  # sorted, none twice
    ):
        return regs, _shared(pools), _shared(groups)
    previous = None
    for number, line in enumerate(lines, 1):
        parts = line.split("\t")
        if len(parts) != 3 or not all(parts):
            raise BadFile(
                f"list line {number} is not reg_no<TAB>pool<TAB>group / 名单第 {number} 行格式不对: {line!r}"
            )
        if previous is not None and not previous < parts[0]:
            raise BadFile(
                f"list line {number}: {parts[0]} is not after {previous} (not sorted, or twice) "
                f"/ 名单第 {number} 行未按登记编号排序或重复"
            )
        previous = parts[0]
    raise BadFile("list: malformed / 名单文件格式不对")


def _shared(column):
    """The column with one string object per value: pools and groups are few, and a column of a million
    references to a few objects is put in rank order much faster than one of a million copies."""
    one = {value: value for value in set(column)}
    return list(map(one.__getitem__, column))


def read_pools(text):
    """(mode, {pool: (units, [(group, quota)])})."""
    lines = _lines(text, "pools")
    if not lines:
        raise BadFile("pools: empty file / 房源表为空")
    head = lines[0].split("\t")
    if len(head) != 2 or head[0] != "mode" or head[1] not in ("units", "selection"):
        raise BadFile(f"pools line 1 is not mode<TAB>units|selection / 房源表第 1 行格式不对: {lines[0]!r}")
    pools = {}
    previous = None
    for number, line in enumerate(lines[1:], 2):
        parts = line.split("\t")
        if (
            len(parts) != 6
            or parts[0] != "pool"
            or parts[2] != "units"
            or parts[4] != "quota"
            or not parts[1]
        ):
            raise BadFile(f"pools line {number} is malformed / 房源表第 {number} 行格式不对: {line!r}")
        if previous is not None and not previous < parts[1]:
            raise BadFile(
                f"pools line {number}: pools not sorted or twice / 房源表第 {number} 行未排序或重复"
            )
        previous = parts[1]
        units = parts[3].split(",") if parts[3] else []
        quotas = []
        for item in parts[5].split(",") if parts[5] else []:
            group, sep, k = item.partition("=")
            if not sep or not group or not k.isdigit() or not k.isascii():
                raise BadFile(f"pools line {number}: bad quota {item!r} / 配额格式不对")
            quotas.append((group, int(k)))
        pools[parts[1]] = (units, quotas)
    return head[1], pools


def read_sources(text):
    for number, line in enumerate(_lines(text, "sources"), 1):
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in ("digits", "public") or not parts[2].isdigit():
            raise BadFile(f"sources line {number} is malformed / 随机源第 {number} 行格式不对: {line!r}")
        if not parts[2].isascii():
            raise BadFile(f"sources line {number}: digits must be ASCII 0-9 / 随机源须为半角数字")
    return text


def words(seed, count):
    """The first ``count`` (or a few more) 64-bit words of the stream SHA-256(seed || k), k = 0, 1, 2 ..."""
    start = hashlib.sha256(seed)  # hashed once; each block only adds its counter
    digests = []
    for k in range((count + 3) // 4):
        h = start.copy()
        h.update(k.to_bytes(8, "big"))
        digests.append(h.digest())
    data = b"".join(digests)
    return list(struct.unpack(">" + "Q" * (len(data) // 8), data))


def shuffle(n, seed):
    """Fisher-Yates over 0..n-1: for i = n-1 down to 1, j = uniform(i + 1), swap a[i] and a[j]."""
    a = list(range(n))
    if n < 2:
        return a
    w = words(seed, n - 1)
    if max(w[: n - 1]) < TWO64 - n:
        # The usual case: no word is discarded (see below), so j = w[p] % (i + 1) for the p-th swap.
        for i, u in zip(range(n - 1, 0, -1), w):  # noqa: B905 (Python 3.8: no strict=)
            j = u % (i + 1)
            a[i], a[j] = a[j], a[i]
        return a
    p = 0
    for i in range(n - 1, 0, -1):
        m = i + 1
        u = w[p]
        p += 1
        # uniform(m): discard a word at or above 2^64 - (2^64 mod m). Such a word is at least 2^64 - n,
        # so the limit is computed only for those (about one draw in 2^64 / n ever meets one).
        if u >= TWO64 - n:
            while u >= TWO64 - TWO64 % m:
                if len(w) - p < i + 1:  # keep enough words for the draws still to come
                    w += words(seed, len(w) + 4 * (i + 1))[len(w) :]
                u = w[p]
                p += 1
        j = u % m
        a[i], a[j] = a[j], a[i]
    return a


def allocate(mode, pools, ranked_pools, group_of, skipped):
    """Each rank's outcome text (index r is rank r + 1); group_of(r) is the priority group of rank r + 1.
    ``skipped``: the ranks (from 0) of cancelled entries."""
    n = len(ranked_pools)
    out = [None] * n
    for r in skipped:
        out[r] = "skipped"
    taken = {code: [] for code in pools}  # each pool's allocated ranks, in the order allocated
    # Priority phase: in rank order, an entry whose group has quota left in its pool.
    left = {(code, group): k for code, (_, quotas) in pools.items() for group, k in quotas if k}
    for r in range(n):
        if not left:
            break
        key = (ranked_pools[r], group_of(r))
        if out[r] is None and key in left:
            left[key] -= 1
            if not left[key]:
                del left[key]
            taken[key[0]].append(r)
            out[r] = "taken"
    if mode == "selection":
        numbers = {code: len(ranks) for code, ranks in taken.items()}
        for ranks in taken.values():
            for number, r in enumerate(ranks, 1):
                out[r] = f"order:{number}"
        word = "order"
    else:
        # General phase: in rank order, everyone else while units remain.
        room = {code: len(units) - len(taken[code]) for code, (units, _) in pools.items()}
        room = {code: k for code, k in room.items() if k}
        for r in range(n):
            if not room:
                break
            code = ranked_pools[r]
            if out[r] is None and code in room:
                room[code] -= 1
                if not room[code]:
                    del room[code]
                taken[code].append(r)
                out[r] = "taken"
        for code, ranks in taken.items():
            units = pools[code][0]
            for unit, r in zip(units, ranks):  # noqa: B905 (Python 3.8: no strict=)
                out[r] = "unit:" + unit
        numbers = dict.fromkeys(pools, 0)
        word = "waiting"
    # Everyone else: the next number of their pool, in rank order.
    for r in range(n):
        if out[r] is None:
            code = ranked_pools[r]
            numbers[code] += 1
            out[r] = f"{word}:{numbers[code]}"
    return out


def replay(list_text, pools_text, sources_text, cancelled=()):
    """(list_hash, pools_hash, seed hex, result text) computed from the published files."""
    regs, entry_pools, groups = read_list(list_text)
    mode, pools = read_pools(pools_text)
    read_sources(sources_text)
    strangers = sorted(set(entry_pools) - set(pools))
    if strangers:
        raise BadFile(f"list: pool {strangers[0]} is not in the pools file / 名单中的号池不在房源表中")
    position = {}  # list index of each cancelled registration (the list is sorted)
    for reg in set(cancelled):
        k = bisect.bisect_left(regs, reg)
        if k < len(regs) and regs[k] == reg:
            position[reg] = k
    unknown = sorted(set(cancelled) - set(position))
    if unknown:
        raise BadFile(f"--cancelled names {unknown[0]}, which is not on the list / 已取消的登记不在名单中")
    list_hash = hashlib.sha256(list_text.encode("utf-8")).hexdigest()
    pools_hash = hashlib.sha256(pools_text.encode("utf-8")).hexdigest()
    seed = hashlib.sha256(list_hash.encode("ascii") + sources_text.encode("utf-8")).digest()
    order = shuffle(len(regs), seed)  # order[r] = the list index of the entry ranked r + 1
    ranked_regs = list(map(regs.__getitem__, order))
    ranked_pools = list(map(entry_pools.__getitem__, order))
    gone = set(position.values())
    skipped = [r for r, k in enumerate(order) if k in gone] if gone else []
    out = allocate(mode, pools, ranked_pools, lambda r: groups[order[r]], skipped)
    lines = [
        f"{r}\t{g}\t{p}\t{o}\n"
        for r, g, p, o in zip(range(1, len(order) + 1), ranked_regs, ranked_pools, out)  # noqa: B905
    ]
    return list_hash, pools_hash, seed.hex(), "".join(lines)


def first_difference(expected, found):
    """(rank, expected line, found line) where two result files first differ, or None."""
    mine, theirs = expected.split("\n"), found.split("\n")
    for rank in range(1, max(len(mine), len(theirs)) + 1):
        a = mine[rank - 1] if rank <= len(mine) else "(end of file)"
        b = theirs[rank - 1] if rank <= len(theirs) else "(end of file)"
        if a != b:
            return rank, a or "(end of file)", b or "(end of file)"
    return None


def _read(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadFile(f"{path}: not UTF-8 / 不是 UTF-8 文本 ({e})") from None


def main(argv=None):
    parser = argparse.ArgumentParser(description=f"Replay a Kiosk public lottery draw ({ALGORITHM}).")
    parser.add_argument("list")
    parser.add_argument("pools")
    parser.add_argument("sources")
    parser.add_argument("result")
    parser.add_argument("--cancelled", default="", help="reg_nos cancelled after the freeze, comma-separated")
    parser.add_argument(
        "--list-hash", default="", help="the published list hash, to check the list file against"
    )
    args = parser.parse_args(argv)
    cancelled = [r for r in args.cancelled.split(",") if r]
    print("algorithm    " + ALGORITHM)
    try:
        list_text, pools_text, sources_text, published = (
            _read(p) for p in (args.list, args.pools, args.sources, args.result)
        )
        list_hash = hashlib.sha256(list_text.encode("utf-8")).hexdigest()
        print("list_hash    " + list_hash)
        if args.list_hash and args.list_hash.strip().lower() != list_hash:
            print("LIST TAMPERED: the list file's hash is not the published one / 名单文件的哈希与公布的不符")
            print("published    " + args.list_hash.strip().lower())
            return 1
        list_hash, pools_hash, seed, result = replay(list_text, pools_text, sources_text, cancelled)
    except BadFile as e:
        print(f"BAD FILE: {e}")
        return 1
    print("pools_hash   " + pools_hash)
    print("seed         " + seed)
    print("result_hash  " + hashlib.sha256(result.encode("utf-8")).hexdigest() + "  (computed / 重算)")
    print("result_hash  " + hashlib.sha256(published.encode("utf-8")).hexdigest() + "  (given / 公布)")
    difference = first_difference(result, published)
    if difference is None:
        print("MATCH")
        return 0
    rank, expected, found = difference
    print(f"DIFFERENCE at rank {rank} / 第 {rank} 位不同")
    print("expected     " + expected)
    print("found        " + found)
    print(
        "If list_hash above is not the published one, the list file was altered "
        "/ 若上面的 list_hash 与公布的不同，名单文件已被改动"
    )
    listed = {line.split("\t")[0] for line in list_text.split("\n") if line}
    strangers = sorted({line.split("\t")[1] for line in published.split("\n")[:-1] if "\t" in line} - listed)
    if strangers:
        print(
            f"The result names {strangers[0]}, which is not on this list file: the list or the result was "
            "altered / 结果中的登记不在名单文件中，名单或结果被改动过"
        )
    skipped = [line.split("\t")[1] for line in published.split("\n") if line.endswith("\tskipped")]
    if skipped and not cancelled:
        print(
            f"The result skips {','.join(skipped)}: pass --cancelled as published "
            "/ 结果中有已取消的登记，请加 --cancelled"
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())
