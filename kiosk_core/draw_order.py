"""The drawn order (docs/lottery.md, "Order"): a SHA-256 counter stream and a Fisher–Yates shuffle.

The shuffle is the textbook one: for i = n − 1 down to 1, j = uniform(i + 1), swap positions i and j. It is
computed here in rounds with numpy rather than one swap at a time (a million swaps in the interpreter take
most of a second), and gives exactly the same order: tools/verify_draw.py does it one swap at a time with the
standard library, and the tests hold the two equal.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np
import numpy.typing as npt

TWO64 = 1 << 64

Order = npt.NDArray[np.int64]  # position r holds the list index (from 0) of the entry ranked r + 1


class Stream:
    """The 64-bit words of SHA-256(seed ‖ k as 8 bytes big-endian), k = 0, 1, 2 …, four a block."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self.blocks = 0
        self.data = bytearray()
        self.words: list[int] = []  # filled only when a word is discarded (see fisher_yates)

    def extend(self, count: int) -> None:
        """At least ``count`` more words at the end of ``data``."""
        blocks = -(-count // 4)
        copy = hashlib.sha256(self.seed).copy  # the seed hashed once; each block adds only its counter
        for k in range(self.blocks, self.blocks + blocks):
            h = copy()
            h.update(k.to_bytes(8, "big"))
            self.data += h.digest()
        self.blocks += blocks

    def array(self) -> npt.NDArray[np.uint64]:
        return np.frombuffer(bytes(self.data), dtype=">u8").astype(np.uint64)

    def word_list(self) -> list[int]:
        return list(struct.unpack(f">{len(self.data) // 8}Q", self.data))


def fisher_yates(n: int, stream: Stream) -> Order:
    if n < 2:
        return np.arange(n, dtype=np.int64)
    stream.extend(n - 1 + 8)
    words = stream.array()[: n - 1]
    # A word below 2^64 - n is below every limit 2^64 - (2^64 mod m) for m <= n, so when no word reaches
    # that far (all but about n / 2^64 of draws) none is discarded and the p-th swap's j is words[p] mod m.
    if int(words.max()) < TWO64 - n:
        m = np.arange(n, 1, -1, dtype=np.uint64)
        return swap_in_rounds(n, (words % m).astype(np.int64))
    return np.array(_one_at_a_time(n, stream), dtype=np.int64)


def _one_at_a_time(n: int, stream: Stream) -> list[int]:
    """Discarding words at or above 2^64 - (2^64 mod m): the spec's loop, as the verifier has it."""
    a = list(range(n))
    words = stream.word_list()
    p = 0
    for i in range(n - 1, 0, -1):
        m = i + 1
        limit = TWO64 - TWO64 % m
        u = words[p]
        p += 1
        while u >= limit:
            if len(words) - p < i + 1:
                stream.extend(i + 8)
                words = stream.word_list()
            u = words[p]
            p += 1
        j = u % m
        a[i], a[j] = a[j], a[i]
    return a


def swap_in_rounds(n: int, js: npt.NDArray[np.int64]) -> Order:
    """Positions 0..n-1 after the swaps (n - 1 - p, js[p]) for p = 0, 1, …, in that order.

    A swap can be done once every earlier swap that touches either of its two positions is done. Each
    round, every swap still to do reserves its two positions for the earliest swap (the largest i) among
    those still to do that touch them; the swaps that hold both of their reservations are done together (no
    two of them share a position), and the rest wait for the next round. About 45 rounds for a million
    (the chains of swaps that depend on each other are short: Shun et al., SODA 2015).
    """
    a = np.arange(n, dtype=np.int64)
    i = np.arange(n - 1, 0, -1, dtype=np.int64)
    j = js
    held = np.full(n, -1, dtype=np.int64)
    while i.size:
        np.maximum.at(held, i, i)
        np.maximum.at(held, j, i)
        done = (held[i] == i) & (held[j] == i)
        di, dj = i[done], j[done]
        a[di], a[dj] = a[dj], a[di]
        left = ~done
        i, j = i[left], j[left]
        held[di] = -1
        held[dj] = -1
        held[i] = -1
        held[j] = -1
    return a


def shuffle_order(n: int, seed: bytes) -> Order:
    """The drawn order: position r - 1 holds the index (in reg_no order) of the entry ranked r."""
    return fisher_yates(n, Stream(seed))
