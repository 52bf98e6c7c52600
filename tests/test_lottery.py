"""The draw: files, sources, seed, order, allocation and refusals (kiosk_core.lottery; docs/lottery.md)."""

from __future__ import annotations

import hashlib
import math
import random
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from kiosk_core import draw_order
from kiosk_core import lottery as L
from kiosk_core.errors import InvalidInput, KioskError

UNITS = ("A-0101", "A-0102", "A-0201")
DIGITS = "31415926535897932384626433832795028841971"  # 41 digits: 136 bits


def _entries(
    n: int, pools: tuple[str, ...] = ("P01/T01",), groups: tuple[str, ...] = ("-",)
) -> list[L.Entry]:
    return [L.Entry(f"R{i:04d}", pools[i % len(pools)], groups[i % len(groups)]) for i in range(n)]


def _sources() -> list[L.Source]:
    return [L.digits_source("公证员现场摇号", DIGITS)]


def test_the_seed_is_the_hash_of_the_list_hash_and_the_sources_text() -> None:
    entries = _entries(5)
    text = L.list_text(entries)
    list_hash = hashlib.sha256(text.encode()).hexdigest()
    assert L.sha256_hex(text) == list_hash
    sources = _sources()
    expected = hashlib.sha256(list_hash.encode() + f"digits\t公证员现场摇号\t{DIGITS}\n".encode()).digest()
    assert L.seed_of(list_hash, sources) == expected
    assert L.draw(entries, "units", [L.Pool("P01/T01", UNITS)], sources).seed == expected


def test_the_stream_is_sha256_of_the_seed_and_a_big_endian_counter() -> None:
    seed = bytes(range(32))
    stream = draw_order.Stream(seed)
    stream.extend(8)
    block1 = hashlib.sha256(seed + (1).to_bytes(8, "big")).digest()
    assert stream.word_list()[4] == int.from_bytes(block1[:8], "big")
    assert int(stream.array()[7]) == int.from_bytes(block1[24:], "big")


def test_a_word_above_the_limit_is_discarded() -> None:
    class Fixed(draw_order.Stream):
        """Words chosen so that the first one drawn for n = 3 falls in the biased tail."""

        def extend(self, count: int) -> None:
            top = (1 << 64) - 1  # 2^64 - 1 >= limit for m = 3 (2^64 mod 3 = 1): must be discarded
            words = [top, 4, 2] + [0] * count
            self.data += struct.pack(f">{len(words)}Q", *words)

    # i = 2 (m = 3): top discarded, 4 % 3 = 1 -> swap a[2], a[1]; i = 1 (m = 2): 2 % 2 = 0 -> swap a[1], a[0].
    assert draw_order.fisher_yates(3, Fixed(b"")).tolist() == [2, 0, 1]


def test_the_swaps_done_in_rounds_are_the_swaps_done_one_at_a_time() -> None:
    rng = random.Random(7)
    for n in [2, 3, 5, 17, 100, 1000, 20_000]:
        js = [rng.randrange(i + 1) for i in range(n - 1, 0, -1)]
        a = list(range(n))
        for i, j in zip(range(n - 1, 0, -1), js, strict=True):
            a[i], a[j] = a[j], a[i]
        assert draw_order.swap_in_rounds(n, np.array(js, dtype=np.int64)).tolist() == a


def test_the_list_file_is_sorted_by_reg_no_and_round_trips() -> None:
    entries = [L.Entry("R2", "P/T", "-"), L.Entry("R10", "P/T", "elderly"), L.Entry("R1", "P/T", "-")]
    text = L.list_text(entries)
    assert text == "R1\tP/T\t-\nR10\tP/T\telderly\nR2\tP/T\t-\n"
    assert L.parse_list(text) == tuple(sorted(entries, key=lambda e: e.reg_no))


@pytest.mark.parametrize(
    "text",
    [
        "R2\tP\t-\nR1\tP\t-\n",
        "R1\tP\t-\nR1\tP\t-\n",
        "R1\tP\t-",
        "R1\tP\n",
        "R1\tP\t-\r\n",
        "R1\tP\tbad group\n",
        "R1\tP\t-\tx\nR2\tP\n",  # as many fields as two lines need, in the wrong lines
        "R1\t\t-\n",
        "\tP\t-\n",
        "R1\tP\t\n",
        "R1\tP\t-\nR2\tP\n\tQ\t-\n",
        "R1\tP\t-\n\n",
    ],
)
def test_a_list_file_not_in_canonical_form_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        L.parse_list(text)


def test_the_pools_file_round_trips() -> None:
    pools = (L.Pool("P01/T02", ("B-1",), ()), L.Pool("P01/T01", UNITS, (("elderly", 1), ("disabled", 1))))
    text = L.pools_text("units", pools)
    assert text == (
        "mode\tunits\n"
        "pool\tP01/T01\tunits\tA-0101,A-0102,A-0201\tquota\telderly=1,disabled=1\n"
        "pool\tP01/T02\tunits\tB-1\tquota\t\n"
    )
    assert L.parse_pools(text) == ("units", (pools[1], pools[0]))


def test_sources_round_trip_and_count_their_entropy() -> None:
    sources = (
        L.digits_source("现场", "１２３ ４５,６"),
        L.public_source("中国福利彩票双色球 2026-12-05 第2026140期", "03 07 12 19 25 31 09", 30.0),
    )
    assert sources[0].value == "123456"
    assert sources[1].value == "03071219253109"
    text = L.sources_text(sources)
    assert text == "digits\t现场\t123456\npublic\t中国福利彩票双色球 2026-12-05 第2026140期\t03071219253109\n"
    parsed = L.parse_sources(text)
    assert [s.value for s in parsed] == [s.value for s in sources]
    assert parsed[1].bits == 0.0  # declared bits are not in the published file
    assert L.entropy_bits(sources) == pytest.approx(6 * math.log2(10) + 30)


@pytest.mark.parametrize("raw", ["12a4", "１２Ａ", "1.5", "١٢٣"])
def test_letters_and_other_characters_are_refused_as_digits(raw: str) -> None:
    with pytest.raises(InvalidInput) as e:
        L.digits_source("现场", raw)
    assert e.value.code == "draw_digits"


def test_full_width_digits_spaces_and_commas_are_normalised() -> None:
    assert L.normalise_digits(" ０１，２3、4\u3000 5 ") == "012345"


@pytest.mark.parametrize(("digits", "missing"), [(0, 39), (1, 38), (38, 1), (39, 0), (50, 0)])
def test_too_little_entropy_says_how_many_digits_are_missing(digits: int, missing: int) -> None:
    sources = [L.digits_source("现场", "7" * digits)] if digits else []
    if missing == 0:
        L.check_entropy(sources)
        return
    with pytest.raises(L.EntropyTooLow) as e:
        L.check_entropy(sources)
    assert e.value.missing_digits == missing
    assert f"还差 {missing} 位数字" in e.value.message
    assert isinstance(e.value, KioskError) and e.value.code == "entropy_too_low" and e.value.hint


def test_a_declared_public_source_counts_towards_the_entropy() -> None:
    sources = [L.digits_source("现场", "1" * 20), L.public_source("双色球", "0102030405060708", 62.0)]
    L.check_entropy(sources)  # 66.4 + 62 bits
    with pytest.raises(L.EntropyTooLow) as e:
        L.check_entropy([sources[0], L.public_source("双色球", "01", 10.0)])
    assert e.value.missing_digits == math.ceil((128 - 20 * math.log2(10) - 10) / math.log2(10))


def test_a_pool_with_no_entries_is_refused() -> None:
    pools = [L.Pool("P01/T01", UNITS), L.Pool("P01/T02", ("B-1",))]
    with pytest.raises(L.EmptyPool) as e:
        L.draw(_entries(4), "units", pools, _sources())
    assert e.value.pool == "P01/T02" and e.value.code == "empty_pool"


def test_an_empty_list_is_refused() -> None:
    with pytest.raises(L.EmptyList):
        L.draw([], "units", [], _sources())


def test_quotas_beyond_the_units_are_refused() -> None:
    pools = [L.Pool("P01/T01", UNITS[:2], (("elderly", 2), ("disabled", 1)))]
    with pytest.raises(L.QuotaExceedsUnits) as e:
        L.draw(_entries(4), "units", pools, _sources())
    assert (e.value.pool, e.value.quota, e.value.units) == ("P01/T01", 3, 2)
    assert "多于房源 2 套" in e.value.message


def test_a_cancelled_reg_no_not_on_the_list_is_refused() -> None:
    with pytest.raises(L.CancelledNotListed) as e:
        L.draw(_entries(4), "units", [L.Pool("P01/T01", UNITS)], _sources(), {"R9999"})
    assert e.value.reg_nos == ("R9999",)


def test_an_entry_in_a_pool_not_in_the_pools_file_is_refused() -> None:
    with pytest.raises(L.UnknownPool):
        L.draw(_entries(4, ("P01/T01", "P09/T09")), "units", [L.Pool("P01/T01", UNITS)], _sources())


def test_a_reg_no_twice_is_refused() -> None:
    entries = [L.Entry("R2", "P", "-"), L.Entry("R1", "P", "-"), L.Entry("R2", "P", "elderly")]
    with pytest.raises(InvalidInput) as e:
        L.draw(entries, "units", [L.Pool("P", UNITS)], _sources())
    assert e.value.code == "draw_duplicate_entry"


def test_the_draw_does_not_depend_on_the_order_entries_are_given_in() -> None:
    entries = _entries(30, ("P01/T01", "P01/T02"), ("-", "elderly"))
    pools = [L.Pool("P01/T01", UNITS, (("elderly", 1),)), L.Pool("P01/T02", ("B-1",))]
    assert L.draw(entries, "units", pools, _sources()) == L.draw(entries[::-1], "units", pools, _sources())


def test_a_cancelled_entry_is_skipped_and_takes_nothing() -> None:
    entries = _entries(6)
    result = L.draw(entries, "units", [L.Pool("P01/T01", UNITS)], _sources())
    first = result.outcomes[0].reg_no
    again = L.draw(entries, "units", [L.Pool("P01/T01", UNITS)], _sources(), {first})
    assert again.seed == result.seed  # the list did not change: the same order
    assert [o.reg_no for o in again.outcomes] == [o.reg_no for o in result.outcomes]
    assert again.outcomes[0].text() == "skipped"
    assert [o.text() for o in again.outcomes[1:]] == ["unit:A-0101", "unit:A-0102", "unit:A-0201"] + [
        f"waiting:{n}" for n in range(1, 3)
    ]


def test_the_result_file_round_trips() -> None:
    entries = _entries(12, ("P01/T01", "P01/T02"), ("-", "elderly", "disabled"))
    pools = [L.Pool("P01/T01", UNITS, (("disabled", 1),)), L.Pool("P01/T02", ("B-1",))]
    result = L.draw(entries, "units", pools, _sources(), {"R0003"})
    text = L.result_text(result)
    assert L.parse_result(text) == result.outcomes
    assert text.splitlines()[0] == "\t".join(
        [
            "1",
            result.outcomes[0].reg_no,
            result.outcomes[0].pool,
            result.outcomes[0].text(),
        ]
    )


def test_a_different_result_file_raises_a_mismatch_at_its_first_difference() -> None:
    L.check_same("1\tA\tP\tunit:X\n2\tB\tP\twaiting:1\n", "1\tA\tP\tunit:X\n2\tB\tP\twaiting:1\n")
    with pytest.raises(L.DrawMismatch) as e:
        L.check_same("1\tA\tP\tunit:X\n2\tB\tP\twaiting:1\n", "1\tA\tP\tunit:X\n2\tC\tP\twaiting:1\n")
    assert (e.value.rank, e.value.expected, e.value.found) == (2, "2\tB\tP\twaiting:1", "2\tC\tP\twaiting:1")


def test_the_verifier_is_package_data() -> None:
    source = L.verifier_source()
    assert "def replay(" in source and L.ALGORITHM in source
    assert L.verifier_path().parent.name == "kiosk_resources"


# --- the known-answer vectors of docs/lottery.md --------------------------------------------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "lottery.md"


def doc_vectors() -> dict[str, dict[str, str]]:
    """Each vector's blocks (```kat NAME FILE): list.txt, pools.txt, sources.txt, cancelled, hashes, result.txt."""
    vectors: dict[str, dict[str, str]] = {}
    for name, file, text in re.findall(
        r"^```kat (\w+) (\S+)\n(.*?)^```$", DOC.read_text("utf-8"), re.M | re.S
    ):
        vectors.setdefault(name, {})[file] = text
    return vectors


def test_the_doc_has_the_vectors_the_issue_asks_for() -> None:
    vectors = doc_vectors()
    assert len(vectors) >= 4
    files = {"list.txt", "pools.txt", "sources.txt", "cancelled", "hashes", "result.txt"}
    assert all(set(v) == files for v in vectors.values()), vectors
    assert any("quota\telderly=" in v["pools.txt"] for v in vectors.values())
    assert any("\tskipped\n" in v["result.txt"] for v in vectors.values())
    assert any(v["pools.txt"].startswith("mode\tselection\n") for v in vectors.values())


@pytest.mark.parametrize("name", sorted(doc_vectors()))
def test_the_service_gives_each_known_answer(name: str) -> None:
    v = doc_vectors()[name]
    hashes = dict(line.split(" ") for line in v["hashes"].splitlines())
    entries = L.parse_list(v["list.txt"])
    mode, pools = L.parse_pools(v["pools.txt"])
    sources = L.parse_sources(v["sources.txt"])
    assert L.list_text(entries) == v["list.txt"]
    assert L.sha256_hex(v["list.txt"]) == hashes["list_hash"]
    assert L.seed_of(hashes["list_hash"], sources).hex() == hashes["seed"]
    result = L.draw(entries, mode, pools, sources, set(v["cancelled"].split()))
    assert result.seed.hex() == hashes["seed"]
    assert L.result_text(result) == v["result.txt"]
    assert L.parse_result(v["result.txt"]) == result.outcomes
