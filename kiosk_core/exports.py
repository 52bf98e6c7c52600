"""Registration exports, the counter's and the centre's alike: one row shape, one masking rule, CSV and XLSX bytes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from kiosk_core.identity import mask_id_number, mask_name, mask_phone
from kiosk_core.model import REGISTRATION_STATUS_LABELS, RegistrationStatus

# Excel as installed in China reads a CSV without a byte order mark as GBK and garbles every Chinese character.
CSV_ENCODING = "utf-8-sig"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class ExportRow:
    reg_no: str
    plan: str
    status: str
    filing_no: str
    applicant_name: str
    id_number: str
    phone: str
    unit_type: str
    unit: str
    counter: str
    registered_at: str


HEADERS = (
    "登记编号",
    "配租计划",
    "状态",
    "备案编号",
    "主申请人",
    "身份证号码",
    "联系电话",
    "户型",
    "房源",
    "窗口",
    "登记时间",
)
# A cell starting so is a formula to Excel (and to openpyxl): a plan or a name typed so must stay text.
_FORMULA_START = ("=", "+", "-", "@")


def export_row(reg: Any, plan: Any, household: Any, unit_type: Any, unit: Any | None) -> ExportRow:
    """One registration's row from the counter's or the centre's rows (their fields have the same names)."""
    return ExportRow(
        reg_no=reg.reg_no,
        plan=f"{plan.code} {plan.name}",
        status=status_label(reg.status),
        filing_no=household.filing_no,
        applicant_name=household.applicant_name,
        id_number=household.applicant_id_number,
        phone=reg.phone or household.phone,
        unit_type=unit_type.name,
        unit=unit.code if unit is not None else "",
        counter=reg.counter,
        registered_at=time_text(reg.created_at),
    )


def status_label(status: str) -> str:
    try:
        return REGISTRATION_STATUS_LABELS[RegistrationStatus(status)]
    except ValueError:
        return status


def time_text(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M:%S}"


def masked(row: ExportRow) -> ExportRow:
    """The same masks as screens and slips: staff can match a card or a caller, not copy a person out."""
    return replace(
        row,
        applicant_name=mask_name(row.applicant_name),
        id_number=mask_id_number(row.id_number),
        phone=mask_phone(row.phone),
    )


def file_bytes(rows: list[ExportRow], fmt: ExportFormat) -> bytes:
    table = [list(HEADERS)] + [[_text(getattr(r, f.name)) for f in fields(ExportRow)] for r in rows]
    if fmt is ExportFormat.CSV:
        text = io.StringIO(newline="")
        csv.writer(text).writerows(table)
        return text.getvalue().encode(CSV_ENCODING)
    return _xlsx(table)


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _xlsx(table: list[list[str]]) -> bytes:
    from openpyxl import Workbook  # loaded only for an XLSX export: not at the counter's start

    book = Workbook(write_only=True)
    sheet = book.create_sheet("登记")
    for line in table:
        # Text cells: an 18-digit ID number as a number loses its last digits in Excel.
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
