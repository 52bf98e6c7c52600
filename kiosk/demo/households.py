"""Filed households with members: a streamed generator for any size, and the deliberate demo cases."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Container, Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from kiosk.demo import ids, names

SPOUSE, CHILD, PARENT = "配偶", "子女", "父母"
_RELATION_ORDER = {SPOUSE: 0, CHILD: 1, PARENT: 2}
_DISTRICT_CUM = tuple(accumulate((10, 10, 25, 20, 20, 15)))  # 东城 西城 朝阳 丰台 海淀 昌平
_BANDS = ((1940, 1954), (1955, 1964), (1965, 1979), (1980, 2000))
_BAND_CUM = tuple(accumulate((28, 22, 25, 25)))  # many elderly applicants
_SIZE_CUM = {
    "elderly": tuple(accumulate((42, 40, 10, 5, 2, 1))),
    "adult": tuple(accumulate((18, 27, 26, 16, 9, 4))),
}
_LATEST_BIRTH_YEAR = 2024


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    year: int
    male: bool
    surname: str


class HouseholdFactory:
    """Makes households one at a time from one seeded stream; the same seed gives the same households."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.ids = ids.IdNumberMaker(self.rng)
        self.index = 0

    def person(
        self, district: str, year: int, male: bool, surname: str | None = None, avoid: Container[str] = ()
    ) -> Person:
        """Someone born in ``year``; ``avoid``: names already in the family (siblings are not namesakes)."""
        rng = self.rng
        surname = surname or names.surname(rng)
        name = surname + names.given_name(rng, year, male)
        for _ in range(5):
            if name not in avoid:
                break
            name = surname + names.given_name(rng, year, male)
        return Person(name, self.ids.make(district, year, male), year, male, surname)

    def ordinary(self) -> dict[str, Any]:
        """A household as they come: mostly valid filings, a few expired or revoked, sizes 1 to 6."""
        rng = self.rng
        district = ids.DISTRICTS[_pick(rng, _DISTRICT_CUM)]
        year = _between(rng, *_BANDS[_pick(rng, _BAND_CUM)])
        size = 1 + _pick(rng, _SIZE_CUM["elderly" if year < 1955 else "adult"])
        roll = rng.random()
        if roll < 0.015:
            status, days = "revoked", _between(rng, -200, 700)
        elif roll < 0.030:
            status, days = "expired", _between(rng, -400, -1)
        elif roll < 0.040:
            status, days = "valid", _between(rng, -60, -1)  # lapsed, not yet marked expired in the cache
        else:
            status, days = "valid", _between(rng, 30, 1000)
        male = rng.random() < (0.42 if year < 1955 else 0.55)
        return self.build(district, year, male, size=size, status=status, valid_until_days=days)

    def build(
        self,
        district: str,
        year: int,
        male: bool,
        *,
        size: int = 1,
        status: str = "valid",
        valid_until_days: int = 365,
        applicant: Person | None = None,
        members: list[tuple[str, Person]] | None = None,
        landline: bool | None = None,
    ) -> dict[str, Any]:
        """One household; ``members`` given means exactly those, otherwise made up to reach ``size``."""
        rng = self.rng
        filing_no = ids.filing_no(self.index, self.seed)
        self.index += 1
        if applicant is None:
            year = min(year, ids.filing_year(filing_no) - 20)
            applicant = self.person(district, year, male)
        if members is None:
            members = self._family(district, applicant, size)
        if landline is None:
            landline = applicant.year < 1955 and rng.random() < 0.3
        return {
            "filing_no": filing_no,
            "applicant_name": applicant.name,
            "applicant_id_number": applicant.id_number,
            "district": district,
            "status": status,
            "valid_until_days": valid_until_days,
            "phone": ids.landline(rng) if landline else ids.mobile(rng),
            "members": [{"relation": r, "name": p.name, "id_number": p.id_number} for r, p in members],
        }

    def _family(self, district: str, applicant: Person, size: int) -> list[tuple[str, Person]]:
        rng, year = self.rng, applicant.year
        out: list[tuple[str, Person]] = []
        father_surname = applicant.surname
        if size >= 2 and (size >= 3 or rng.random() < 0.85):
            spouse_year = year + (_between(rng, -3, 6) if applicant.male else _between(rng, -6, 3))
            spouse = self.person(district, min(spouse_year, 2003), not applicant.male)
            out.append((SPOUSE, spouse))
            if not applicant.male:
                father_surname = spouse.surname
        max_children = 3 if year < 1965 else 2
        children = parents = 0
        father = False
        while len(out) < size - 1:
            child_year = year + _between(rng, 23, 36)
            can_child = children < max_children and child_year <= _LATEST_BIRTH_YEAR
            parent_year = year - _between(rng, 22, 34)
            can_parent = parents < 2 and parent_year >= 1925
            if can_child and (not can_parent or rng.random() < 0.7):
                male = rng.random() < 0.5
                child = self.person(district, child_year, male, father_surname, [p.name for _, p in out])
                out.append((CHILD, child))
                children += 1
            elif can_parent:
                # One father at most; he gives the applicant's surname.
                male = not father and (parents == 1 or rng.random() < 0.6)
                surname = applicant.surname if male else None
                out.append((PARENT, self.person(district, parent_year, male, surname)))
                parents += 1
                father = father or male
            elif children < 4 and child_year <= _LATEST_BIRTH_YEAR:
                male = rng.random() < 0.5
                child = self.person(district, child_year, male, father_surname, [p.name for _, p in out])
                out.append((CHILD, child))
                children += 1
            else:
                break  # no one else plausible: a smaller family
        out.sort(key=lambda rp: (_RELATION_ORDER[rp[0]], rp[1].year))  # as a filing lists them
        return out


def _pick(rng: random.Random, cum: tuple[int, ...]) -> int:
    """Index drawn by cumulative weights; random.choices does the same, slower."""
    return bisect(cum, rng.random() * cum[-1])


def _between(rng: random.Random, lo: int, hi: int) -> int:
    return lo + int(rng.random() * (hi - lo + 1))


def generate_households(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """``n`` ordinary households, streamed: a million take seconds and bounded memory."""
    factory = HouseholdFactory(seed)
    for _ in range(n):
        yield factory.ordinary()


def demo_households(total: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """``total`` households: the first ones of ``generate_households`` plus deliberate cases, and a showcase."""
    f = HouseholdFactory(seed)
    made: list[dict[str, Any]] = []
    showcase: dict[str, dict[str, Any]] = {}

    def add(purpose: str | None, h: dict[str, Any], plan: str, expect: list[str], text: str) -> None:
        made.append(h)
        if purpose:
            showcase[purpose] = {
                "filing_no": h["filing_no"],
                "applicant_id_number": h["applicant_id_number"],
                "applicant_name": h["applicant_name"],
                "district": h["district"],
                "family_size": 1 + len(h["members"]),
                "plan": plan,
                "expect": expect,
                "description": text,
            }

    # The ordinary households come first, so they are exactly generate_households(total - deliberate).
    ordinary = [f.ordinary() for _ in range(total - _DELIBERATE)]
    add("quick_normal", f.build("朝阳区", 1983, False, size=2), "Q2611", [], "正常：快速配租，一居室或两居室")
    add(
        "quick_family_of_four",
        f.build("海淀区", 1982, True, size=4),
        "Q2611",
        [],
        "正常：4口之家，快速配租两居室或三居室",
    )
    add("realtime_normal", f.build("丰台区", 1990, True, size=2), "R2611", [], "正常：实时配租，选具体房源")
    add(
        "elderly_single",
        f.build("朝阳区", 1941, False, size=1, landline=True),
        "Q2611",
        [],
        "正常：独居老人（1941年生），座机号码，演示告知书由工作人员宣读",
    )
    expired = f.build("海淀区", 1962, True, size=2, status="expired", valid_until_days=-40)
    add("expired", expired, "Q2611", ["filing_expired"], "备案已过期（状态为已过期）")
    lapsed = f.build("朝阳区", 1975, False, size=3, valid_until_days=-3)
    add("lapsed", lapsed, "Q2611", ["filing_expired"], "备案有效期已过（状态仍为有效，3天前到期）")
    revoked = f.build("丰台区", 1968, True, size=3, status="revoked", valid_until_days=200)
    add("revoked", revoked, "Q2611", ["filing_revoked"], "备案已撤销")
    add(
        "wrong_district",
        f.build("西城区", 1971, False, size=2),
        "Q2611",
        ["district_not_allowed"],
        "西城区家庭：快速配租Q2611不面向本区（实时配租R2611可以登记）",
    )
    too_large = _six(f)
    add(
        "too_large",
        too_large,
        "Q2611",
        ["family_size_plan"],
        "6口之家：在计划一级就被拒绝，没有适合的户型（户型只适合1–5人）",
    )
    for k, (first, second) in enumerate(_clash_pairs(f)):
        purpose = "member_clash_first" if k == 0 else None
        add(purpose, first, "Q2611", [], "同一成员的第一户：先登记，可以成功")
        purpose = "member_clash_second" if k == 0 else None
        text = "同一成员的第二户：第一户登记后再登记，提示成员已在其他家庭登记"
        add(purpose, second, "Q2611", ["member_registered_elsewhere"], text)
    assert len(made) == _DELIBERATE, len(made)
    return ordinary + made, showcase


_DELIBERATE = 15


def _six(f: HouseholdFactory) -> dict[str, Any]:
    me = f.person("朝阳区", 1978, True)
    family = [
        (SPOUSE, f.person("朝阳区", 1980, False)),
        (CHILD, f.person("朝阳区", 2004, True, me.surname)),
        (CHILD, f.person("朝阳区", 2009, False, me.surname)),
        (PARENT, f.person("朝阳区", 1950, True, me.surname)),
        (PARENT, f.person("朝阳区", 1952, False)),
    ]
    return f.build("朝阳区", me.year, True, applicant=me, members=family)


def _clash_pairs(f: HouseholdFactory) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Three ways one person ends up in two filings; each pair shares exactly one ID number."""
    pairs = []
    # 1. An adult son still listed in his parents' filing, and filed again with his own wife.
    dad = f.person("朝阳区", 1957, True)
    son = f.person("朝阳区", 1986, True, dad.surname)
    parents = f.build(
        "朝阳区",
        dad.year,
        True,
        applicant=dad,
        members=[(SPOUSE, f.person("朝阳区", 1959, False)), (CHILD, son)],
    )
    own = f.build(
        "海淀区", son.year, True, applicant=son, members=[(SPOUSE, f.person("海淀区", 1988, False))]
    )
    pairs.append((parents, own))
    # 2. A widowed mother listed by both of her children.
    mum = f.person("丰台区", 1950, False)
    elder = f.person("丰台区", 1976, True)
    younger = f.person("朝阳区", 1979, False, elder.surname)
    first = f.build(
        "丰台区",
        elder.year,
        True,
        applicant=elder,
        members=[(SPOUSE, f.person("丰台区", 1977, False)), (PARENT, mum)],
    )
    second = f.build("朝阳区", younger.year, False, applicant=younger, members=[(PARENT, mum)])
    pairs.append((first, second))
    # 3. A newly married daughter: in her parents' filing and in her husband's as his spouse.
    father = f.person("丰台区", 1968, True)
    bride = f.person("丰台区", 1996, False, father.surname)
    home = f.build(
        "丰台区",
        father.year,
        True,
        applicant=father,
        members=[(SPOUSE, f.person("丰台区", 1970, False)), (CHILD, bride)],
    )
    groom = f.person("朝阳区", 1994, True)
    married = f.build("朝阳区", groom.year, True, applicant=groom, members=[(SPOUSE, bride)])
    pairs.append((home, married))
    return pairs
