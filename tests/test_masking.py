"""One masking function for free text: an ID or phone number never survives in a log line, whatever is around it."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from kiosk.app import MaskingFormatter
from kiosk_core.identity import mask_id_number, mask_personal, mask_phone
from tests.services.test_identity import valid_ids

# What a log line puts around a number: labels glued to it, CJK, punctuation, spaces; never a digit right
# next to it (then it would be part of a longer number, not an ID or a phone).
_AROUND = st.text(
    alphabet=st.sampled_from("ABCDIXabcdix:=：（）()[]{}/,.;'\" _#@号码身份证电话手机\t\n"), max_size=12
)
_MOBILES = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
_LANDLINES = st.tuples(
    st.builds(lambda digits: f"0{digits}", st.text(alphabet="0123456789", min_size=2, max_size=3)),
    st.text(alphabet="0123456789", min_size=7, max_size=8),
)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _glued(before: str, after: str, number: str) -> str:
    # An "X" right after an ID ending in a digit would read as its check character: not what a log line says.
    if after[:1] in ("X", "x"):
        after = " " + after
    return before + number + after


def _grouped(number: str, groups: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in groups:
        parts.append(number[at : at + size])
        at += size
    return sep.join(parts)


@given(valid_ids(), _AROUND, _AROUND, st.sampled_from(["", " ", "-"]), st.booleans())
def test_an_id_number_is_masked_whatever_surrounds_it(
    number: str, before: str, after: str, sep: str, full_width: bool
) -> None:
    if full_width:
        number = number.translate(FULL_WIDTH)
    written = _grouped(number, (6, 8, 4), sep)
    masked = mask_personal(_glued(before, after, written))
    assert written not in masked and number not in masked
    assert number[6:14] not in masked  # the birth date
    assert mask_id_number(number) in masked


@given(_MOBILES, _AROUND, _AROUND, st.sampled_from(["", " ", "-"]), st.sampled_from(["", "+86 ", "86"]))
def test_a_mobile_number_is_masked_with_any_separators(
    number: str, before: str, after: str, sep: str, country: str
) -> None:
    written = country + _grouped(number, (3, 4, 4), sep)
    masked = mask_personal(before + written + after)
    assert masked == before + mask_phone(number) + after


@given(_LANDLINES, _AROUND, _AROUND, st.sampled_from(["", " ", "-"]), st.booleans())
def test_a_landline_number_is_masked_with_its_area_code(
    landline: tuple[str, str], before: str, after: str, sep: str, brackets: bool
) -> None:
    area, local = landline
    written = (f"({area})" if brackets else area) + sep + local
    masked = mask_personal(before + written + after)
    assert masked == before + mask_phone(area + local) + after


def test_the_cases_that_slipped_through() -> None:
    assert mask_personal("ID110101199003074578") == "ID1101**********4578"
    assert mask_personal("电话138-0013-8000。") == "电话138****8000。"
    assert mask_personal("tel (010) 6500-1234") == "tel 010****1234"


def test_what_is_not_personal_stays_readable() -> None:
    line = "Q2611-01-00042-7 BA2024000001 at 2026-11-24 10:15:03,123 since=9223372036854775808"
    assert mask_personal(line) == line


def test_the_log_formatter_masks_messages_and_tracebacks() -> None:
    try:
        raise ValueError("bad phone 138 0013 8000")
    except ValueError:
        record = logging.LogRecord(
            "kiosk", logging.ERROR, __file__, 1, "identify %s", ("ID11010519410109305X",), exc_info=True
        )
        import sys

        record.exc_info = sys.exc_info()
    text = MaskingFormatter("%(message)s").format(record)
    assert "11010519410109305X" not in text and "0013" not in text
    assert "1101**********305X" in text and "138****8000" in text
