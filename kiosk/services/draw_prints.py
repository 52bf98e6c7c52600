"""The lottery on paper: a household's result notice (摇号结果通知书) and the public results list (PDF for the
notice board, CSV), names and ID numbers masked, kept as files readable by the kiosk's user only."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kiosk.services.draw_views import DrawOutcomeView, DrawView, PublicListRow
from kiosk.services.slip_layouts import (
    A4_SPEC,
    GREY,
    PALE_RED,
    RED,
    Block,
    Framed,
    Gap,
    Line,
    Para,
    QrRow,
    Section,
    draw_blocks,
    draw_watermark,
    measure,
    style,
)
from kiosk.services.slips import qr_modules, register_font
from kiosk.storage.private_files import private_dir, remove_partials, write_private

NOTICE_TITLE = "摇号结果通知书"
LIST_TITLE = "摇号结果公示"
RETRACTED_MARK = "已撤销"
CSV_HEADER = ("摇号序号", "登记编号", "申请人", "身份证号", "号池", "优先组", "结果")
_ROW_SHADE = Color(0.95, 0.95, 0.95)
_ROWS_A_TABLE = 50


def grouped(hex_text: str, size: int = 8) -> str:
    """A hash in groups of eight, so people can read it aloud and compare it; the groups joined are the hash."""
    return " ".join(hex_text[i : i + size] for i in range(0, len(hex_text), size))


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


class DrawPrints:
    def __init__(self, font_path: Path, folder: Path) -> None:
        self.font_name = register_font(font_path)
        self._folder = folder

    def result_notice(self, view: DrawOutcomeView, now: datetime) -> Path:
        pdf = self.render_notice(view, now)
        return self._keep(view.draw_id, f"notice-{view.reg_no}", ".pdf", pdf)

    def public_list_pdf(self, draw: DrawView, rows: Sequence[PublicListRow], now: datetime) -> Path:
        return self._keep(draw.draw_id, "public-list", ".pdf", self.render_list(draw, rows, now))

    def public_list_csv(self, draw: DrawView, rows: Sequence[PublicListRow]) -> Path:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_HEADER)
        for r in rows:
            writer.writerow(
                (
                    r.rank,
                    r.reg_no,
                    r.applicant_masked,
                    r.id_masked,
                    r.pool_label,
                    r.group_label,
                    r.outcome_label,
                )
            )
        # With a byte-order mark: the spreadsheet the notice board's clerk opens it in reads UTF-8 by it.
        return self._keep(draw.draw_id, "public-list", ".csv", out.getvalue().encode("utf-8-sig"))

    # --- the notice ---

    def render_notice(self, view: DrawOutcomeView, now: datetime) -> bytes:
        spec = A4_SPEC
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=(spec.page_width, spec.page_height))
        c.setTitle(f"{NOTICE_TITLE} {view.reg_no}")
        c.setAuthor("Kiosk")
        measured = measure(self._notice_blocks(view, now), spec)
        if view.retracted:
            draw_watermark(c, RETRACTED_MARK, self.font_name, PALE_RED, spec.page_width, measured.page_height)
        draw_blocks(c, measured, spec)
        c.showPage()
        c.save()
        return buffer.getvalue()

    def _notice_blocks(self, view: DrawOutcomeView, now: datetime) -> list[Block]:
        f, spec = self.font_name, A4_SPEC
        body, small = spec.body_size, spec.small_size
        blocks: list[Block] = [
            Line(NOTICE_TITLE, f, spec.title_size),
            Para(escape(f"{view.plan_name}（{view.plan_code}）"), style(f, body, align=TA_CENTER)),
            Gap(spec.gap),
        ]
        if view.retracted:
            why = view.retract_reason or "—"
            blocks += [
                Framed(
                    [
                        Line("本次摇号已撤销，以下结果作废", f, body + 4, RED),
                        Para(escape(f"撤销时间：{_when(view.retracted_at)}　原因：{why}"), style(f, small)),
                        Para("重新摇号的结果公布后，请再来查询。", style(f, small)),
                    ],
                    spec.gap / 2,
                    RED,
                ),
                Gap(spec.gap / 2),
            ]
        headline = "摇号结果" if view.kind != "skipped" else "本登记未参与分配"
        blocks += [
            Framed(
                [
                    Para(headline, style(f, small, color=GREY)),
                    Line(view.outcome_label, f, spec.reg_no_size),
                    Para(
                        escape(f"摇号序号 第 {view.rank} 位（共 {view.entries} 户）"),
                        style(f, body + 2, align=TA_CENTER),
                    ),
                ],
                spec.gap,
            ),
            Gap(spec.gap),
        ]
        household = [
            ("登记编号", view.reg_no),
            ("备案编号", view.filing_no or "—"),
            ("主申请人", view.applicant_masked or "—"),
            ("身份证号", view.id_masked or "—"),
            ("号池", view.pool_label),
            ("优先组", view.group_label or "无"),
        ]
        record = [
            ("名单哈希", grouped(view.list_hash)),
            ("种子", grouped(view.seed)),
            ("结果哈希", grouped(view.result_hash)),
            ("算法版本", view.algorithm),
            ("公布时间", _when(view.published_at)),
            ("打印时间", _when(now)),
        ]
        blocks += [
            Section("登记信息", [(escape(a), escape(b)) for a, b in household], f, spec),
            Gap(spec.gap / 2),
            Section("摇号记录", [(escape(a), escape(b)) for a, b in record], f, spec),
            Gap(spec.gap),
            QrRow(
                qr_modules(view.qr_payload),
                [
                    Para("扫码核对", style(f, small, color=GREY)),
                    Para(escape(view.qr_payload), style(f, small)),
                    Para(
                        escape(
                            "任何人都可下载公开的名单、随机源、结果和核对程序，"
                            "在自己的电脑上重算本次摇号，核对结果是否一致。"
                        ),
                        style(f, small, color=GREY),
                    ),
                    Para(escape(f"核对程序：{view.verifier_url or 'verify_draw.py'}"), style(f, small)),
                ],
                spec.qr_size,
            ),
        ]
        return blocks

    # --- the public list ---

    def render_list(self, draw: DrawView, rows: Sequence[PublicListRow], now: datetime) -> bytes:
        f = self.font_name
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=14 * mm,
            rightMargin=14 * mm,
            topMargin=14 * mm,
            bottomMargin=14 * mm,
            title=f"{draw.plan_name} {LIST_TITLE}",
            author="Kiosk",
        )
        small = style(f, 9, color=GREY)
        head = [
            Paragraph(
                escape(f"{draw.plan_name}（{draw.plan_code}）{LIST_TITLE}"), style(f, 16, align=TA_CENTER)
            ),
            Spacer(1, 3 * mm),
        ]
        if draw.state == "retracted":
            why = escape(draw.retract_reason or "—")
            head.append(
                Paragraph(
                    f"本次摇号已撤销（{_when(draw.retracted_at)}，原因：{why}），以下结果作废",
                    style(f, 12, color=RED),
                )
            )
        facts = [
            f"{draw.mode_label} · 共 {len(rows)} 户 · 算法 {draw.algorithm} · 公布时间 {_when(draw.published_at)}",
            f"名单哈希 {grouped(draw.list_hash)}",
            f"种子 {grouped(draw.seed or '')}",
            f"结果哈希 {grouped(draw.result_hash or '')}",
            f"公开记录：{draw.public_url or '—'}　核对程序：{draw.verifier_url or '—'}",
            f"姓名、身份证号已隐去部分字符。打印时间 {_when(now)}",
        ]
        head += [Paragraph(escape(line), small) for line in facts]
        head.append(Spacer(1, 3 * mm))
        # Plain strings, not paragraphs (a paragraph per cell took seconds for a few hundred rows), and one
        # table per block of rows (platypus splits a long table again at every page: minutes for a big plan).
        header = ("序号", *CSV_HEADER[1:])
        lines = [
            (
                str(r.rank),
                r.reg_no,
                r.applicant_masked,
                r.id_masked,
                r.pool_label,
                r.group_label,
                r.outcome_label,
            )
            for r in rows
        ]
        tables = [
            _table([header, *lines[i : i + _ROWS_A_TABLE]], f) for i in range(0, len(lines), _ROWS_A_TABLE)
        ]

        def page_number(canvas: Canvas, document: SimpleDocTemplate) -> None:
            canvas.setFont(f, 8)
            canvas.setFillColor(GREY)
            canvas.drawCentredString(A4[0] / 2, 8 * mm, f"第 {document.page} 页")
            if draw.state == "retracted":
                draw_watermark(canvas, RETRACTED_MARK, f, PALE_RED, A4[0], A4[1])

        doc.build(
            [*head, *(tables or [_table([header], f)])], onFirstPage=page_number, onLaterPages=page_number
        )
        return buffer.getvalue()

    def _keep(self, draw_id: int, stem: str, suffix: str, data: bytes) -> Path:
        private_dir(self._folder)
        folder = private_dir(self._folder / str(draw_id))
        remove_partials(folder, f"{stem}*")  # left by a crash mid-write
        path = folder / f"{stem}{suffix}"
        write_private(path, data)
        return path


def _table(data: list[tuple[str, ...]], font: str) -> Table:
    widths = [12 * mm, 33 * mm, 15 * mm, 38 * mm, 42 * mm, 20 * mm, 22 * mm]  # 182 mm: A4 less margins
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, _ROW_SHADE]),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table
