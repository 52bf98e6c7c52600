"""Reading what households hand over: resident ID numbers, filing numbers, phone numbers; and masking them."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date

from stdnum import numdb
from stdnum.cn import ric

from kiosk_core.errors import InvalidInput

_SPACES = re.compile(r"[\s\u3000\-_－—·.]+")
FILING_NO = re.compile(r"^[A-Z]{2}\d{10}$", re.ASCII)
_FILING_IN_SCAN = re.compile(r"[A-Z]{2}\d{10}", re.ASCII)
# ASCII: NFKC leaves other scripts' digits (Arabic-Indic ٣, Devanagari ३) as they are, and \d takes them.
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$", re.ASCII)


def normalize(raw: str) -> str:
    """Full-width to half-width, drop spaces and separators, upper-case (lower-case x is common)."""
    if raw.isascii() and raw.isalnum():  # what a synced or typed-clean value is: nothing to map or drop
        return raw.upper()
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw)).upper()


def parse_id_number(raw: str, *, today: date | None = None) -> str:
    """Return the canonical 18-character resident ID number or raise InvalidInput saying what is wrong."""
    number = normalize(raw)
    if not number:
        raise InvalidInput("请输入身份证号码", hint="18位，最后一位可能是X", code="id_empty")
    if len(number) != 18:
        raise InvalidInput(
            f"身份证号码应为18位，现在是{len(number)}位", hint="请对照证件逐位核对", code="id_length"
        )
    # Date and region first: a typo there also breaks the check digit, and "birth date 19491331" helps more.
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidInput(
            "身份证号码前17位只能是数字，最后一位是数字或X", hint="请对照证件核对", code="id_format"
        )
    try:
        # stdnum's get_birth_date, less its clean-up of a number already normalised (most of its cost).
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidInput(
            f"身份证号码中的出生日期 {number[6:14]} 不是有效日期",
            hint="第7到14位是出生年月日",
            code="id_birth_date",
        ) from None
    if born > (today or date.today()) or born.year < 1880:
        raise InvalidInput(
            f"身份证号码中的出生日期 {born:%Y-%m-%d} 不可能",
            hint="第7到14位是出生年月日",
            code="id_birth_date",
        )
    if not _region_known(number[:6]):
        raise InvalidInput(
            f"身份证号码的地区码 {number[:6]} 不存在", hint="前6位是发证地区，请核对", code="id_region"
        )
    expected = ric.calc_check_digit(number)
    if number[-1] != expected:
        raise InvalidInput(
            f"身份证号码校验位不对：最后一位应为 {expected}，输入的是 {number[-1]}",
            hint="多半是某一位输错了，请对照证件逐位核对",
            code="id_checksum",
        )
    return number


@functools.lru_cache(maxsize=8192)  # a few thousand county codes; stdnum's lookup is a tree walk each time
def _region_known(code: str) -> bool:
    """Any county code stdnum knows, in any era.

    stdnum's own ``validate`` also wants the county to have existed in the birth year, but the code is where the
    card was first issued, not where the person was born: someone born in 1982 can rightly hold 440305 (Nanshan,
    founded 1990). Refusing them at the counter would be wrong, so only the code itself is checked.
    """
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return "county" in info


def parse_filing_no(raw: str) -> str:
    """Return the filing number; a scanner may wrap it in a URL or label, so find it inside the scan."""
    text = normalize(raw)
    if not text:
        raise InvalidInput("请扫描或输入备案编号", hint="备案通知单右上角的条码", code="filing_empty")
    if FILING_NO.match(text):
        return text
    found = _FILING_IN_SCAN.findall(text)
    if len(found) == 1:
        return str(found[0])
    raise InvalidInput(
        f"备案编号格式不对：{text[:20]}",
        hint="应为2个字母加10位数字，例如 BA2024001234",
        code="filing_format",
    )


def parse_phone(raw: str) -> str:
    """Return an 11-digit mobile or a landline with area code."""
    number = normalize(raw).replace("(", "").replace(")", "")
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("86") and len(number) == 13:
        number = number[2:]
    if not number:
        raise InvalidInput("请输入联系电话", code="phone_empty")
    if not (number.isascii() and number.isdigit()):
        raise InvalidInput(
            f"联系电话只能是数字：{number}", hint="手机号11位，座机请带区号", code="phone_format"
        )
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return number
    if number.startswith("1"):
        raise InvalidInput(
            f"手机号码应为11位且以13–19开头，现在是{len(number)}位", hint="请核对号码", code="phone_format"
        )
    raise InvalidInput("座机号码请带区号，例如 01012345678", hint="手机号11位", code="phone_format")


def mask_id_number(number: str) -> str:
    """Keep the region's first four and the last four characters, enough for staff to match a card."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


# Free text (log lines, exception messages) holds numbers as people write them: glued to a label
# ("ID110101199003074578"), grouped with spaces or dashes ("138-0013-8000", "+86 138 0013 8000",
# "(010) 6500-1234"). A digit next to the match means it is part of a longer number, not one of these.
_SEP = r"[ \-\u3000]?"
# ``\d`` also matches full-width digits, which a scanner or an IME may produce; the X and 3-9 classes say so too.
_ID_IN_TEXT = re.compile(rf"(?<!\d)\d{{6}}{_SEP}\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{3}}[\dXxＸｘ](?!\d)")
_MOBILE_IN_TEXT = re.compile(
    rf"(?<!\d)(?:(?:[+＋]|00)?86{_SEP})?1[3-9３-９]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)"
)
_LANDLINE_IN_TEXT = re.compile(rf"(?<!\d)(?:0\d{{2,3}}|\(0\d{{2,3}}\)){_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)")
_NOT_DIGIT = re.compile(r"[^\dXxＸｘ]")


def mask_personal(text: str) -> str:
    """Every resident ID number and phone number in ``text``, masked as on screens and slips.

    The one masking function for free text: the log formatter uses it, and it masks each number with the same
    ``mask_id_number`` / ``mask_phone`` that the services use for the fields they show and print.
    """
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(_NOT_DIGIT.sub("", m.group())), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(_national(m.group())), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(_NOT_DIGIT.sub("", m.group())), text)


def _national(mobile: str) -> str:
    """The 11 digits of a mobile number written with a country code (+86, 0086, 86) or separators."""
    return _NOT_DIGIT.sub("", mobile)[-11:]


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
