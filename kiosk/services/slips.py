"""The registration slip as a PDF (A4 or 80 mm roll), also used as the on-screen preview before confirming."""

from __future__ import annotations

import functools
import hashlib
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.enums import TA_CENTER
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from kiosk.services.slip_layouts import (
    A4_SPEC,
    AMBER,
    GREY,
    LIGHT,
    PALE_RED,
    RECEIPT_SPEC,
    RED,
    Block,
    Columns,
    Framed,
    Gap,
    LayoutSpec,
    Line,
    Para,
    QrRow,
    Section,
    draw_blocks,
    draw_watermark,
    measure,
    style,
)
from kiosk.services.views import RegistrationView
from kiosk_core.model import RegistrationStatus
from kiosk_core.reg_no import spoken

TITLE = "公共租赁住房配租登记回执"
PENDING = "确认后生成"
DRAFT_MARK = "预览 · 未登记"
CANCELLED_MARK = "已取消"
REJECTED_MARK = "中心未受理"
REPRINT_MARK = "补打"
PROVISIONAL_MARK = "待中心确认"
PROVISIONAL_HOURS = 24  # the offline guard's default: a counter cut off longer stops registering


@dataclass(frozen=True)
class Reprint:
    """A slip printed again after a paper was already handed out: the paper says so, with which time and when."""

    number: int  # 1 for the first reprint
    at: datetime


_fonts: dict[Path, str] = {}
_fonts_lock = threading.Lock()


class SlipLayout(StrEnum):
    A4 = "a4"
    RECEIPT_80MM = "receipt80"


_SPECS = {SlipLayout.A4: A4_SPEC, SlipLayout.RECEIPT_80MM: RECEIPT_SPEC}


def register_font(font_path: Path) -> str:
    """Register the TrueType CJK font with reportlab once per process; later calls cost a dict lookup."""
    path = font_path.resolve()
    with _fonts_lock:
        name = _fonts.get(path)
        if name is None:
            name = "KioskCJK-" + hashlib.sha1(str(path).encode()).hexdigest()[:8]
            # subfontIndex 0 of the .ttc is the proportional face; reportlab embeds only the glyphs used.
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            _fonts[path] = name
        return name


@functools.lru_cache(maxsize=64)
def qr_modules(payload: str) -> tuple[tuple[bool, ...], ...]:
    """QR modules (no border); the qrcode library is ~5x faster here than reportlab's own QR widget."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


def _when(moment: datetime | None, missing: str = "—") -> str:
    if moment is None:
        return missing
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class SlipRenderer:
    def __init__(self, font_path: Path) -> None:
        self.font_name = register_font(font_path)

    def render(self, view: RegistrationView, layout: SlipLayout, reprint: Reprint | None = None) -> bytes:
        spec = _SPECS[layout]
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=(spec.page_width, spec.page_height or spec.page_width))
        c.setTitle(f"{TITLE} {view.reg_no or DRAFT_MARK}")
        c.setAuthor("Kiosk")
        measured = measure(self._blocks(view, spec, reprint), spec)
        c.setPageSize((spec.page_width, measured.page_height))
        if view.is_draft:
            draw_watermark(c, DRAFT_MARK, self.font_name, LIGHT, spec.page_width, measured.page_height)
        elif view.status == RegistrationStatus.CANCELLED:
            draw_watermark(c, CANCELLED_MARK, self.font_name, PALE_RED, spec.page_width, measured.page_height)
        elif view.status == RegistrationStatus.REJECTED:
            draw_watermark(c, REJECTED_MARK, self.font_name, PALE_RED, spec.page_width, measured.page_height)
        draw_blocks(c, measured, spec)
        c.showPage()
        c.save()
        return buffer.getvalue()

    def _blocks(self, view: RegistrationView, spec: LayoutSpec, reprint: Reprint | None) -> list[Block]:
        f, body, small = self.font_name, spec.body_size, spec.small_size
        centred = style(f, body, align=TA_CENTER)
        blocks: list[Block] = [
            Line(TITLE, f, spec.title_size),
            Para(escape(f"【{view.plan_kind_label}】{view.plan_name}（{view.plan_code}）"), centred),
            Gap(spec.gap / 2),
        ]
        if reprint is not None:
            marked: list[Block] = [
                Line(f"{REPRINT_MARK}（第{reprint.number}次）", f, body + 5),
                Para(escape(f"补打时间：{_when(reprint.at)}"), style(f, small, align=TA_CENTER)),
            ]
            blocks += [Framed(marked, spec.gap / 2, line_width=1.2), Gap(spec.gap / 2)]
        if view.is_draft:
            blocks += [Framed([Line(DRAFT_MARK, f, body + 3, GREY)], spec.gap / 2, GREY), Gap(spec.gap / 2)]
        elif view.status == RegistrationStatus.CANCELLED:
            blocks += [Framed([Line(CANCELLED_MARK, f, body + 5, RED)], spec.gap / 2, RED), Gap(spec.gap / 2)]
        elif view.status == RegistrationStatus.REJECTED:
            blocks += [self._rejection(view, spec), Gap(spec.gap / 2)]
        elif view.provisional:
            blocks += [self._provisional(spec), Gap(spec.gap / 2)]
        blocks += [self._reg_no_box(view, spec), Gap(spec.gap)]
        home, unit, record = (Section(title, _escaped(rows), f, spec) for title, rows in _sections(view))
        if spec.two_columns:
            blocks += [Columns(home, record, 2 * spec.gap), unit]
        else:
            blocks += [home, unit, record]
        if view.status == RegistrationStatus.ACTIVE or view.is_draft:
            deadline = escape(f"取消截止：{_when(view.cancel_deadline)}")
            how = "如需取消登记，请在截止时间前到登记窗口办理。"
            notice = [Para(deadline, style(f, body)), Para(how, style(f, small))]
            blocks += [Gap(spec.gap / 2), Framed(notice, spec.gap, line_width=0.8)]
        blocks += [
            Gap(spec.gap),
            self._qr_row(view, spec),
            Gap(spec.gap),
            Para(escape("请妥善保管本回执"), style(f, body, align=TA_CENTER)),
        ]
        return blocks

    def _rejection(self, view: RegistrationView, spec: LayoutSpec) -> Block:
        """The household's notice when another counter got there first: what happened and what to do now."""
        f = self.font_name
        reason = view.central_message or "中心核对时发现冲突"
        inner: list[Block] = [
            Line("本次登记未被中心受理", f, spec.body_size + 5, RED),
            Para(escape(f"原因：{reason}"), style(f, spec.body_size)),
            Para(
                escape("本回执作废。如有疑问，请向窗口工作人员咨询；如仍在登记期内，可重新选择后登记。"),
                style(f, spec.small_size),
            ),
        ]
        return Framed(inner, spec.gap / 2, RED)

    def _provisional(self, spec: LayoutSpec) -> Block:
        """A real-time registration made while the centre did not answer: the unit may still be someone
        else's. The household learns it on paper, with what to do, before it leaves the counter."""
        f = self.font_name
        inner: list[Block] = [
            Line(PROVISIONAL_MARK, f, spec.body_size + 5, AMBER),
            Para(
                escape("登记时未能连通住房保障中心，所选房源尚待中心确认。"),
                style(f, spec.body_size),
            ),
            Para(
                escape(
                    f"请保管好本回执。中心一般在{PROVISIONAL_HOURS}小时内确认，确认后无需再来；"
                    "如所选房源已被其他家庭先选定，窗口将按登记电话通知您，"
                    "届时请携带本回执到登记窗口重新选择房源。"
                ),
                style(f, spec.small_size),
            ),
        ]
        return Framed(inner, spec.gap / 2, AMBER, line_width=1.6)

    def _reg_no_box(self, view: RegistrationView, spec: LayoutSpec) -> Block:
        f = self.font_name
        inner: list[Block] = [Para("登记编号", style(f, spec.small_size, color=GREY))]
        if view.is_draft:
            inner.append(Line(PENDING, f, spec.reg_no_size * 0.8, GREY))
        else:
            inner += [
                Line(view.reg_no, f, spec.reg_no_size),
                Para(escape(f"逐位：{spoken(view.reg_no)}"), style(f, spec.small_size, align=TA_CENTER)),
            ]
        return Framed(inner, spec.gap)

    def _qr_row(self, view: RegistrationView, spec: LayoutSpec) -> Block:
        f = self.font_name
        draft = view.is_draft
        beside: list[Block] = [
            Para("核验码", style(f, spec.small_size, color=GREY)),
            Para(escape(PENDING if draft else view.verification_code), style(f, spec.body_size + 4)),
            Para("工作人员扫码或输入核验码可查验本次登记", style(f, spec.small_size, color=GREY)),
        ]
        return QrRow(None if draft else qr_modules(view.qr_payload), beside, spec.qr_size)


def _sections(view: RegistrationView) -> list[tuple[str, list[tuple[str, str]]]]:
    home = [
        ("备案编号", view.filing_no),
        ("主申请人", view.applicant_name),
        ("身份证号", view.applicant_id_masked),
        ("家庭人数", f"{view.family_size} 人"),
        ("户籍区", view.district),
        ("联系电话", view.phone_masked),
    ]
    unit = [
        ("配租项目", view.project_name),
        ("项目地址", view.project_address),
        ("户型", view.unit_type_name),
        ("面积", f"{_number(view.area)} m²"),
        ("月租金", f"{view.rent:,} 元/月"),
    ]
    if view.unit_label:
        unit.append(("房源", view.unit_label))
    reading = "已宣读" if view.notice_read_aloud else "本人阅读"
    record = [
        ("登记时间", _when(view.created_at, "确认时记录")),
        ("登记窗口", view.counter),
        ("经办人", view.operator_name),
        ("告知书", f"第 {view.notice_version} 版 · {reading}"),
    ]
    if view.status == RegistrationStatus.CANCELLED:
        record.append(("取消时间", _when(view.cancelled_at)))
        if view.cancel_reason_label:
            record.append(("取消原因", view.cancel_reason_label))
    return [("申请家庭", home), ("登记房源", unit), ("登记信息", record)]


def _escaped(rows: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(escape(label), escape(value)) for label, value in rows]
