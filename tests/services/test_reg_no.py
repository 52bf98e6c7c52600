"""Registration numbers survive being read aloud and typed back; a slip of the finger is caught."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.errors import InvalidInput
from kiosk.domain.reg_no import make_reg_no, parse_reg_no, spoken

plan_codes = st.from_regex(r"\A[A-Z]{1,2}[0-9]{4}\Z")
counters = st.from_regex(r"\A[0-9]{2}\Z")
sequences = st.integers(1, 99_999)


@given(plan_codes, sequences, counters)
def test_round_trip_in_any_case_and_spacing(code: str, seq: int, counter: str) -> None:
    reg_no = make_reg_no(code, seq, counter)
    assert parse_reg_no(reg_no) == reg_no
    assert parse_reg_no(reg_no.lower().replace("-", " ")) == reg_no
    assert parse_reg_no(spoken(reg_no)) == reg_no


@given(plan_codes, sequences, st.data())
def test_any_single_changed_character_is_refused(code: str, seq: int, data: st.DataObject) -> None:
    reg_no = make_reg_no(code, seq)
    positions = [i for i, ch in enumerate(reg_no) if ch.isdigit()]
    pos = data.draw(st.sampled_from(positions))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != reg_no[pos]]))
    with pytest.raises(InvalidInput):
        parse_reg_no(reg_no[:pos] + new + reg_no[pos + 1 :])


@given(plan_codes, st.integers(1, 99_998))
def test_neighbouring_sequences_are_swapped_digits_safe(code: str, seq: int) -> None:
    assert make_reg_no(code, seq) != make_reg_no(code, seq + 1)


def test_counters_keep_numbers_apart() -> None:
    assert make_reg_no("Q2611", 1, "01") != make_reg_no("Q2611", 1, "02")
    with pytest.raises(ValueError):
        make_reg_no("Q2611", 1, "1")


def test_sequence_range() -> None:
    with pytest.raises(ValueError):
        make_reg_no("Q2611", 0)
    with pytest.raises(ValueError):
        make_reg_no("Q2611", 100_000)
