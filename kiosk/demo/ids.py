"""Made-up but valid identifiers: resident ID numbers, filing numbers, phone numbers."""

from __future__ import annotations

import math
import random
from datetime import date
from functools import cache, lru_cache

# Region codes with the years python-stdnum accepts them for a birth year (ric.get_birth_place).
# (code, first_year, last_year); None: no bound.
_BEIJING: dict[str, tuple[tuple[str, int | None, int | None], ...]] = {
    "东城区": (("110101", None, None), ("110103", None, 2010)),  # 崇文区 merged into 东城 in 2010
    "西城区": (("110102", None, None), ("110104", None, 2010)),  # 宣武区 merged into 西城 in 2010
    "朝阳区": (("110105", None, None),),
    "丰台区": (("110106", None, None),),
    "海淀区": (("110108", None, None),),
    "昌平区": (("110114", 1999, None), ("110221", 1982, 1999), ("110201", None, 1982)),
}
_ELSEWHERE: tuple[tuple[str, int | None, int | None], ...] = (
    ("110107", None, None),  # 北京 石景山区
    ("110109", None, None),  # 北京 门头沟区
    ("120101", None, None),  # 天津 和平区
    ("130102", 1983, None),  # 河北 石家庄 长安区
    ("130104", 1983, None),  # 河北 石家庄 桥西区
    ("131002", 1988, None),  # 河北 廊坊 安次区
    ("140105", 1997, None),  # 山西 太原 小店区
    ("210102", 1983, None),  # 辽宁 沈阳 和平区
    ("230102", 1983, None),  # 黑龙江 哈尔滨 道里区
    ("370102", 1983, None),  # 山东 济南 历下区
    ("410102", 1983, None),  # 河南 郑州 中原区
    ("420102", 1983, None),  # 湖北 武汉 江岸区
)
DISTRICTS = tuple(_BEIJING)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

_MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "195",
    "198",
    "199",
]

FILING_YEARS = range(2016, 2026)
_FILING_SPACE = len(FILING_YEARS) * 999_999
_FILING_STEP = 7_368_787  # coprime with the space: i -> number is a permutation, so numbers never repeat


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(c) * w for c, w in zip(digits, weights, strict=True))


_SEQ = tuple(f"{k:03d}" for k in range(1000))
_SEQ_SUM = tuple(_weighted(x, _WEIGHTS[14:]) for x in _SEQ)


@cache
def _region_sum(region: str) -> int:
    return _weighted(region, _WEIGHTS[:6])


@cache
def _days(year: int) -> tuple[tuple[str, int], ...]:
    """Each day of the year as YYYYMMDD with its part of the check sum (31 Dec of leap years left out)."""
    first = date(year, 1, 1).toordinal()
    out = []
    for k in range(365):
        d = date.fromordinal(first + k)
        text = f"{d.year}{d.month:02d}{d.day:02d}"
        out.append((text, _weighted(text, _WEIGHTS[6:14])))
    return tuple(out)


@cache
def _regions(district: str, year: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Codes valid for someone born in ``year``: (the district's own, elsewhere)."""
    return tuple(_valid_at(_BEIJING[district], year)), tuple(_valid_at(_ELSEWHERE, year))


def _valid_at(codes: tuple[tuple[str, int | None, int | None], ...], year: int) -> list[str]:
    return [c for c, lo, hi in codes if (lo is None or year >= lo) and (hi is None or year <= hi)]


class IdNumberMaker:
    """Resident ID numbers, never the same twice in one maker.

    Used numbers are kept as bits per (region, birth year): 365 days x 1000 sequences, 46 KB each, so even
    the 2.5 million people of a benchmark set need a bounded amount of memory. Made by hand rather than by
    stdnum because a million households must be quick; tests check every demo number with stdnum.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: dict[tuple[str, int], bytearray] = {}

    def make(self, district: str, year: int, male: bool) -> str:
        """Mostly the home district's region code, sometimes born elsewhere in Beijing or another province."""
        rand = self._rng.random
        local, elsewhere = _regions(district, year)
        days = _days(year)
        for _ in range(50):
            codes = local if local and rand() < 0.78 else elsewhere
            region = codes[int(rand() * len(codes))]
            day = int(rand() * 365)
            seq = int(rand() * 500) * 2 + (1 if male else 0)  # odd: male, even: female
            index = day * 1000 + seq
            bits = self._used.get((region, year))
            if bits is None:
                bits = self._used[region, year] = bytearray(365 * 1000 // 8 + 1)
            if not bits[index >> 3] & (1 << (index & 7)):
                bits[index >> 3] |= 1 << (index & 7)
                text, day_sum = days[day]
                check = _CHECK[(_region_sum(region) + day_sum + _SEQ_SUM[seq]) % 11]
                return region + text + _SEQ[seq] + check
        raise RuntimeError(f"no free ID number for {district} {year}")  # pragma: no cover


@lru_cache(maxsize=8)
def _filing_offset(seed: int) -> int:
    return random.Random(f"filing-{seed}").randrange(_FILING_SPACE)


def filing_no(index: int, seed: int) -> str:
    """The ``index``-th filing number of a data set: unique for up to ~10 million households."""
    offset = _filing_offset(seed)
    code = (index * _FILING_STEP + offset) % _FILING_SPACE
    year = FILING_YEARS[code // 999_999]
    return f"BA{year}{code % 999_999 + 1:06d}"


def filing_year(number: str) -> int:
    return int(number[2:6])


def mobile(rng: random.Random) -> str:
    prefix = _MOBILE_PREFIXES[int(rng.random() * len(_MOBILE_PREFIXES))]
    return f"{prefix}{int(rng.random() * 100_000_000):08d}"


def landline(rng: random.Random) -> str:
    """A Beijing fixed line with its area code, as elderly households often give."""
    return f"010{'68'[rng.random() < 0.5]}{int(rng.random() * 10_000_000):07d}"


assert math.gcd(_FILING_STEP, _FILING_SPACE) == 1
