"""The selection result sheet (选房确认书) on paper, and the sheets this counter keeps for reprints and look-ups.

The household signs it at the counter; name and ID masked, the QR for checking the result at the centre. The
PDF is a file readable by the kiosk's user only; the centre's data for it is kept in ``selection_sheets``, so
Records reprints it and a household that comes back later gets the same sheet, with no centre needed.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.services.central_client import local_time
from kiosk.services.selection_views import SheetView
from kiosk.services.slip_layouts import (
    A4_SPEC,
    GREY,
    Block,
    Columns,
    Framed,
    Gap,
    Line,
    Para,
    QrRow,
    Section,
    draw_blocks,
    measure,
    style,
)
from kiosk.services.slips import qr_modules, register_font
from kiosk.storage import tables as t
from kiosk.storage.private_files import private_dir, remove_partials, write_private
from kiosk_core.selection_wire import SheetData

SHEET_TITLE = "选房确认书"
DECLARATION = (
    "本家庭已于选房前重新声明家庭情况未发生变化，并确认上述房源为本家庭本次选定的住房。"
    "正选结果确认后不可更改。请于规定时间内办理签约手续。"
)


def _when(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M:%S}"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _counter(counter: str | None) -> str:
    if not counter:
        return "—（中心自动选定）"
    return f"{int(counter)} 号窗口" if counter.isdigit() else counter


def unit_label(view: SheetView) -> str:
    """How a household says its unit: 3栋 12层 1203 (the code when the centre gave no building)."""
    if not view.building:
        return view.unit_code
    return f"{view.building}栋 {view.floor}层 {view.number}"


class SelectionSheets:
    def __init__(self, font_path: Path, folder: Path) -> None:
        self.font_name = register_font(font_path)
        self._folder = folder

    def sheet_pdf(self, view: SheetView, now: datetime) -> Path:
        """The sheet made and kept as ``{folder}/{plan}/sheet-{reg_no}.pdf`` (a reprint replaces it)."""
        data = self.render(view, now)
        private_dir(self._folder)
        folder = private_dir(self._folder / view.plan_code)
        stem = f"sheet-{view.reg_no}"
        remove_partials(folder, f"{stem}*")  # left by a crash mid-write
        path = folder / f"{stem}.pdf"
        write_private(path, data)
        return path

    def render(self, view: SheetView, now: datetime) -> bytes:
        spec = A4_SPEC
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=(spec.page_width, spec.page_height))
        c.setTitle(f"{SHEET_TITLE} {view.reg_no}")
        c.setAuthor("Kiosk")
        draw_blocks(c, measure(self._blocks(view, now), spec), spec)
        c.showPage()
        c.save()
        return buffer.getvalue()

    def _blocks(self, view: SheetView, now: datetime) -> list[Block]:
        f, spec = self.font_name, A4_SPEC
        body, small = spec.body_size, spec.small_size
        household = [
            ("登记编号", view.reg_no),
            ("备案编号", view.filing_no or "—"),
            ("主申请人", view.masked_name or "—"),
            ("身份证号", view.masked_id or "—"),
        ]
        unit = [
            ("项目", view.project_name or "—"),
            ("户型", view.unit_type_name or "—"),
            ("房号", unit_label(view)),
            ("朝向", view.orientation or "—"),
            ("面积", f"{_number(view.area)} 平方米"),
            ("月租金", f"{_number(view.rent)} 元"),
        ]
        record = [
            ("选定时间", _when(view.chosen_at)),
            ("选定方式", view.how_label),
            ("选房窗口", _counter(view.counter)),
            ("经办人", view.operator or "—"),
            ("打印时间", _when(now)),
        ]
        verify = view.verify_url or view.reg_no
        return [
            Line(SHEET_TITLE, f, spec.title_size),
            Para(escape(f"{view.plan_name}（{view.plan_code}）"), style(f, body, align=TA_CENTER)),
            Gap(spec.gap),
            Framed(
                [
                    Para("选定房源", style(f, small, color=GREY)),
                    Line(unit_label(view), f, spec.reg_no_size),
                    Para(
                        escape(f"{view.project_name}　{view.unit_type_name}　房源编号 {view.unit_code}"),
                        style(f, body, align=TA_CENTER),
                    ),
                ],
                spec.gap,
            ),
            Gap(spec.gap),
            Columns(
                Section("选房家庭", _escaped(household), f, spec),
                Section("选房记录", _escaped(record), f, spec),
                spec.gap,
            ),
            Gap(spec.gap / 2),
            Section("房源信息", _escaped(unit), f, spec),
            Gap(spec.gap),
            Para(escape(DECLARATION), style(f, body)),
            Gap(spec.gap * 2),
            Para(escape("选房家庭签字：＿＿＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿＿＿"), style(f, body)),
            Gap(spec.gap * 1.5),
            Para(escape("经办人签字：＿＿＿＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿＿＿"), style(f, body)),
            Gap(spec.gap * 2),
            QrRow(
                qr_modules(verify),
                [
                    Para("扫码核对选房结果", style(f, small, color=GREY)),
                    Para(escape(verify), style(f, small)),
                    Para(
                        escape(
                            "姓名、身份证号已隐去部分字符。本确认书一式两份，选房家庭与住房保障部门各执一份。"
                        ),
                        style(f, small, color=GREY),
                    ),
                ],
                spec.qr_size,
            ),
        ]


def _escaped(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(escape(a), escape(b)) for a, b in rows]


# --- what this counter keeps ---


def keep_sheet(s: Session, data: SheetData, now: datetime) -> None:
    """The centre's sheet data, kept (or refreshed) under its plan and registration."""
    row = s.scalar(
        select(t.SelectionSheet).where(
            t.SelectionSheet.plan_code == data["plan_code"], t.SelectionSheet.reg_no == data["reg_no"]
        )
    )
    if row is None:
        row = t.SelectionSheet(plan_code=data["plan_code"], reg_no=data["reg_no"])
        s.add(row)
    row.filing_no = data["filing_no"]
    row.unit_code = data["unit_code"]
    row.how = data["how"]
    row.chosen_at = local_time(str(data["chosen_at"]))
    row.counter = data.get("counter") or ""
    row.data = dict(data)
    row.fetched_at = now


def kept_sheets(
    s: Session, reg_nos: Collection[str], filings: Collection[str], plan_code: str | None = None
) -> list[SheetData]:
    query = select(t.SelectionSheet).where(
        or_(t.SelectionSheet.reg_no.in_(list(reg_nos)), t.SelectionSheet.filing_no.in_(list(filings)))
    )
    if plan_code is not None:
        query = query.where(t.SelectionSheet.plan_code == plan_code)
    rows = s.scalars(query.order_by(t.SelectionSheet.chosen_at.desc())).all()
    return [_data(r.data) for r in rows]


def _data(raw: dict[str, Any]) -> SheetData:
    return raw  # type: ignore[return-value]  # stored as the centre sent it
