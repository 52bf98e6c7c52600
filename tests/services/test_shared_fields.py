"""The field rules the counter and the centre share (kiosk_core.identity, kiosk_core.fields)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.bootstrap import Built
from kiosk.services.registration import verification_code
from kiosk.services.views import OperatorSession
from kiosk_core import fields
from kiosk_core.errors import InvalidInput
from kiosk_core.identity import parse_id_number, parse_phone
from kiosk_core.model import CancelReason
from tests.builders import SUPERVISOR, World, id_number
from tests.services.test_registration import draft

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@pytest.mark.parametrize("table", [ARABIC_INDIC, DEVANAGARI])
@pytest.mark.parametrize("keep", [0, 2, 10])
def test_phones_take_only_ascii_digits(table: dict[int, str], keep: int) -> None:
    phone = "13800138000"
    with pytest.raises(InvalidInput) as err:
        parse_phone(phone[:keep] + phone[keep:].translate(table))
    assert err.value.code == "phone_format"


def test_full_width_digits_are_still_read() -> None:
    assert parse_phone("１３８００１３８０００") == "13800138000"


def test_id_numbers_take_only_ascii_digits() -> None:
    number = id_number(born="19900307", seq=457)
    assert parse_id_number(number) == number
    with pytest.raises(InvalidInput) as err:
        parse_id_number(number[:6] + number[6:].translate(ARABIC_INDIC))
    assert err.value.code == "id_format"


@given(st.binary(min_size=32, max_size=32), st.text(max_size=30), st.text(max_size=20))
def test_every_verification_code_the_counter_makes_passes_the_shared_rule(
    secret: bytes, reg_no: str, id_number: str
) -> None:
    code = verification_code(secret, reg_no, id_number)
    assert fields.parse_verification_code(code) == code


@pytest.mark.parametrize("raw", ["", "ABCDEFG", "ABCDEFGHI", "abcdefgh", "ABCDEFG1", "ABCDEFG٢", "A" * 5000])
def test_verification_codes_are_eight_base32_characters(raw: str) -> None:
    with pytest.raises(InvalidInput) as err:
        fields.parse_verification_code(raw)
    assert err.value.code == "verification_code_format"


@pytest.mark.parametrize("raw", ["1", "001", "٠١", "0a", ""])
def test_counters_are_two_ascii_digits(raw: str) -> None:
    with pytest.raises(InvalidInput):
        fields.parse_counter(raw)
    assert fields.parse_counter("07") == "07"


def test_a_cancellation_comment_past_the_limit_is_refused_at_the_counter(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    reg_no = built.services.registration.register(
        draft(world, "ok", unit=world.free_units[0], plan="rt"), clerk
    ).reg_no
    records = built.services.records
    with pytest.raises(InvalidInput) as err:
        records.cancel(reg_no, CancelReason.OTHER, "说" * (fields.MAX_COMMENT + 1), clerk, *SUPERVISOR)
    assert err.value.code == "comment_too_long"
    assert records.get(reg_no).status == "active"
    fitting = "说" * fields.MAX_COMMENT
    assert records.cancel(reg_no, CancelReason.OTHER, fitting, clerk, *SUPERVISOR).status == "cancelled"
