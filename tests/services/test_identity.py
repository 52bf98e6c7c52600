"""Reading IDs, filing numbers and phones the way households hand them over."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from kiosk_core.errors import InvalidInput
from kiosk_core.identity import (
    mask_id_number,
    mask_name,
    mask_phone,
    parse_filing_no,
    parse_id_number,
    parse_phone,
)
from tests.builders import id_number

REGIONS = ["110101", "110102", "110105", "110106", "110108", "440305", "440703"]
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)))
    return id_number(draw(st.sampled_from(REGIONS)), f"{born:%Y%m%d}", draw(st.integers(0, 999)))


@given(valid_ids(), st.sampled_from(["plain", "lower", "full", "spaced"]))
def test_every_valid_id_is_accepted_however_typed(number: str, style: str) -> None:
    typed = {
        "plain": number,
        "lower": number.lower(),
        "full": number.translate(FULL_WIDTH),
        "spaced": f" {number[:6]} {number[6:14]}\u3000{number[14:]} ",
    }[style]
    assert parse_id_number(typed) == number


@given(valid_ids(), st.integers(0, 16), st.integers(1, 9))
def test_one_wrong_digit_is_caught(number: str, pos: int, delta: int) -> None:
    digit = str((int(number[pos]) + delta) % 10)
    wrong = number[:pos] + digit + number[pos + 1 :]
    with pytest.raises(InvalidInput):
        parse_id_number(wrong)


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("", "id_empty", "请输入"),
        ("1101051950", "id_length", "现在是10位"),
        ("11010519500101A23X", "id_format", "只能是数字"),
        ("110105195013011230", "id_birth_date", "19501301"),
        ("999999195001011230", "id_region", "999999"),
        ("110105209901011230", "id_birth_date", "不可能"),
    ],
)
def test_bad_ids_say_what_is_wrong(raw: str, code: str, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_id_number(raw, today=date(2026, 11, 24))
    assert err.value.code == code
    assert words in err.value.message


def test_wrong_check_digit_names_the_right_one() -> None:
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as err:
        parse_id_number(bad)
    assert err.value.code == "id_checksum"
    assert f"应为 {ric.calc_check_digit(good)}" in err.value.message


@pytest.mark.parametrize(
    "raw",
    [
        "BA2024000001",
        "ba2024000001",
        " BA 2024 000001 ",
        "ＢＡ２０２４０００００１",
        "https://bphc/f?no=BA2024000001",
    ],
)
def test_filing_numbers_from_keyboard_or_scanner(raw: str) -> None:
    assert parse_filing_no(raw) == "BA2024000001"


@pytest.mark.parametrize("raw", ["", "BA20240001", "12345"])
def test_bad_filing_numbers(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_filing_no(raw)


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
def test_mobile_numbers_in_any_spacing(second: str, rest: str) -> None:
    number = f"1{second}{rest}"
    assert parse_phone(f"+86 {number[:3]} {number[3:7]}-{number[7:]}") == number
    assert parse_phone(number.translate(FULL_WIDTH)) == number


@pytest.mark.parametrize("raw", ["", "1380013800", "12800138000", "abc", "12345"])
def test_bad_phones(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_phone(raw)


def test_landline_with_area_code() -> None:
    assert parse_phone("010-8753 8915") == "01087538915"


@given(valid_ids())
def test_masked_id_hides_birth_date_and_sequence(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == 18 and masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert number[6:14] not in masked


def test_masks() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
