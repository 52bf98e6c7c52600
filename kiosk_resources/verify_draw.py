#!/usr/bin/env python3
"""Replay a Kiosk public lottery draw (algorithm kiosk-draw-1) and compare it with the published result.

    python3 verify_draw.py list.txt pools.txt sources.txt result.txt [--cancelled R1,R2] [--list-hash HEX]

The four files are the ones the centre publishes for a draw (/public/draws/{id}/list.txt, pools.txt,
sources.txt, result.txt); --cancelled is the published list of registrations cancelled after the freeze.
Prints the hashes and the seed it computed, then MATCH (exit 0) or the first difference (exit 1).
Needs Python 3.8 or later and nothing else: the whole algorithm is in this file (see docs/lottery.md).
"""

import argparse
import hashlib
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
    """[(reg_no, pool, group)] in file order; refuses anything but the canonical, sorted form."""
    entries = []
    previous = None
    for number, line in enumerate(_lines(text, "list"), 1):
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
        entries.append((parts[0], parts[1], parts[2]))
    return entries


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


def shuffle(n, seed):
    """Fisher-Yates over 0..n-1 driven by SHA-256(seed || k as 8 bytes big-endian), four 64-bit words a block."""
    sha = hashlib.sha256
    blocks = [0]

    def more(count):
        first, last = blocks[0], blocks[0] + (count + 3) // 4
        blocks[0] = last
        data = b"".join([sha(seed + k.to_bytes(8, "big")).digest() for k in range(first, last)])
        return list(struct.unpack(f">{len(data) // 8}Q", data))

    words = more(max(0, n - 1) + 8)
    a = list(range(n))
    p = 0
    for i in range(n - 1, 0, -1):
        m = i + 1
        u = words[p]
        p += 1
        limit = TWO64 - TWO64 % m if u >= TWO64 - n else TWO64  # the exact limit matters only near 2^64
        while u >= limit:
            if len(words) - p < i + 1:
                words += more(i + 8)
            u = words[p]
            p += 1
        j = u % m
        a[i], a[j] = a[j], a[i]
    return a


def allocate(mode, pools, entries, order, cancelled):
    """{entry index: outcome text}."""
    out = {}
    ranked = {code: [] for code in pools}
    for k in order:
        pool = entries[k][1]
        if pool not in ranked:
            raise BadFile(f"list: pool {pool} is not in the pools file / 名单中的号池不在房源表中")
        ranked[pool].append(k)
    for code, members in ranked.items():
        units, quotas = pools[code]
        left = dict(quotas)
        taken = []
        done = set()
        for k in members:
            if entries[k][0] in cancelled:
                out[k] = "skipped"
                done.add(k)
        for k in members:  # priority phase: groups with quota left, in rank order
            group = entries[k][2]
            if k not in done and left.get(group, 0) > 0:
                left[group] -= 1
                taken.append(k)
                done.add(k)
        for k in members:  # general phase: everyone else, while units remain
            if k not in done and (mode == "selection" or len(taken) < len(units)):
                taken.append(k)
                done.add(k)
        if mode == "selection":
            for n, k in enumerate(taken, 1):
                out[k] = f"order:{n}"
        else:
            for n, k in enumerate(taken):  # never more than the units
                out[k] = "unit:" + units[n]
            waiting = 0
            for k in members:
                if k not in out:
                    waiting += 1
                    out[k] = f"waiting:{waiting}"
    return out


def replay(list_text, pools_text, sources_text, cancelled=()):
    """(list_hash, pools_hash, seed hex, result text) computed from the published files."""
    entries = read_list(list_text)
    mode, pools = read_pools(pools_text)
    read_sources(sources_text)
    listed = {e[0] for e in entries}
    unknown = sorted(set(cancelled) - listed)
    if unknown:
        raise BadFile(f"--cancelled names {unknown[0]}, which is not on the list / 已取消的登记不在名单中")
    list_hash = hashlib.sha256(list_text.encode("utf-8")).hexdigest()
    pools_hash = hashlib.sha256(pools_text.encode("utf-8")).hexdigest()
    seed = hashlib.sha256(list_hash.encode("ascii") + sources_text.encode("utf-8")).digest()
    order = shuffle(len(entries), seed)
    out = allocate(mode, pools, entries, order, set(cancelled))
    result = "".join(
        [f"{rank}\t{entries[k][0]}\t{entries[k][1]}\t{out[k]}\n" for rank, k in enumerate(order, 1)]
    )
    return list_hash, pools_hash, seed.hex(), result


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
