"""Slip PDF render time (A4 and 80 mm receipt) beside its floor; one JSON line a figure.

The floor is what no slip can do without: a page in the same CJK font with the same text and a QR code of the
same payload (made by the same qrcode library, no cache), drawn directly on a reportlab canvas, with no
wrapping, measuring or layout. A bare one-line page is kept beside it for the figures of earlier issues.

python -m bench.bench_slip [--count 300]
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bench.common import emit, percentile, ratio
from kiosk.services.slips import SlipLayout, SlipRenderer, register_font
from kiosk.services.views import RegistrationView
from kiosk_core.model import PlanKind
from kiosk_core.reg_no import make_reg_no

FONT = Path(__file__).resolve().parents[1] / "kiosk_resources" / "fonts" / "wqy-microhei.ttc"
SLIP_P95_TARGET_MS = 50.0
SLIP_RATIO_TARGET = 3.0


def view(i: int) -> RegistrationView:
    """A different registration each time, so no QR code or number is served from a cache."""
    realtime = i % 2 == 1
    code = "R2612" if realtime else "Q2611"
    return RegistrationView(
        reg_no=make_reg_no(code, i + 1),
        status="active",
        status_label="有效",
        plan_code=code,
        plan_name=f"2026年第{12 if realtime else 11}期公共租赁住房{'实时' if realtime else '快速'}配租",
        plan_kind=PlanKind.REALTIME if realtime else PlanKind.QUICK,
        plan_kind_label="实时配租" if realtime else "快速配租",
        filing_no=f"BA2025-{i:07d}",
        applicant_name="欧阳建国",
        applicant_id_masked="110105********123X",
        family_size=1 + i % 5,
        district="朝阳区",
        phone_masked="138****5678",
        project_name="安居苑公租房项目",
        project_address="北京市朝阳区东三环北路甲28号院安居苑小区（近地铁10号线团结湖站B口）",
        unit_type_name="二居室",
        area=58.5,
        rent=1280,
        unit_label=f"3栋{1000 + i}室 · 10层 · 朝南" if realtime else "",
        created_at=datetime(2026, 6, 11, 9, 0) + timedelta(minutes=i),
        counter="3号窗口",
        operator_name="李敏",
        notice_version=2,
        notice_read_aloud=i % 3 == 0,
        verification_code=f"V{i:05X}",
        slip_printed=False,
        slip_path="",
        cancel_deadline=datetime(2026, 6, 30, 17, 0),
    )


def bare_page(_: int) -> bytes:
    buffer = io.BytesIO()
    c = Canvas(buffer)
    c.drawString(72, 720, "Kiosk benchmark: one line of text")
    c.showPage()
    c.save()
    return buffer.getvalue()


def slip_text(v: RegistrationView) -> list[str]:
    """Every piece of text a slip of this registration carries."""
    return [
        "公共租赁住房配租登记回执",
        f"【{v.plan_kind_label}】{v.plan_name}（{v.plan_code}）",
        "登记编号",
        v.reg_no,
        f"逐位：{' '.join(v.reg_no)}",
        *(
            "申请家庭",
            "备案编号",
            v.filing_no,
            "主申请人",
            v.applicant_name,
            "身份证号",
            v.applicant_id_masked,
        ),
        *("家庭人数", f"{v.family_size} 人", "户籍区", v.district, "联系电话", v.phone_masked),
        *("登记房源", "配租项目", v.project_name, "项目地址", v.project_address, "户型", v.unit_type_name),
        *("面积", f"{v.area} m²", "月租金", f"{v.rent:,} 元/月", "房源", v.unit_label),
        *("登记信息", "登记时间", f"{v.created_at}", "登记窗口", v.counter, "经办人", v.operator_name),
        *("告知书", f"第 {v.notice_version} 版", f"取消截止：{v.cancel_deadline}"),
        "如需取消登记，请在截止时间前到登记窗口办理。",
        *("核验码", v.verification_code, "工作人员扫码或输入核验码可查验本次登记", "请妥善保管本回执"),
    ]


def direct_page(font: str, v: RegistrationView, width: float) -> bytes:
    """The floor: the slip's text and QR code drawn straight onto one page, one line each."""
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(width, 297 * mm))
    c.setFont(font, 9)
    y = 285 * mm
    for line in slip_text(v):
        c.drawString(4 * mm, y, line)
        y -= 4 * mm
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(v.qr_payload)
    code.make(fit=True)
    unit = 27 * mm / len(code.modules)
    path = c.beginPath()
    for r, row in enumerate(code.modules):
        col = 0
        while col < len(row):  # one rectangle per run of dark modules, as cheap as a QR code gets
            start = col
            while col < len(row) and row[col]:
                col += 1
            if col > start:
                path.rect(4 * mm + start * unit, 40 * mm - r * unit, (col - start) * unit, unit)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)
    c.showPage()
    c.save()
    return buffer.getvalue()


def timings_ms(work: Callable[[int], bytes], count: int) -> list[float]:
    work(count)  # warm-up outside the sample
    samples = []
    for i in range(count):
        start = time.perf_counter()
        work(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    count = parser.parse_args().count

    start = time.perf_counter()
    renderer = SlipRenderer(FONT)
    font = register_font(FONT)
    emit("slip_font_register", (time.perf_counter() - start) * 1000, "ms")

    figures: list[tuple[str, Callable[[int], bytes], float | None]] = [
        ("slip_a4", lambda i: renderer.render(view(i), SlipLayout.A4), SLIP_P95_TARGET_MS),
        ("slip_receipt80", lambda i: renderer.render(view(i), SlipLayout.RECEIPT_80MM), SLIP_P95_TARGET_MS),
        ("slip_floor_a4", lambda i: direct_page(font, view(i), 210 * mm), None),
        ("slip_floor_receipt80", lambda i: direct_page(font, view(i), 80 * mm), None),
        ("bare_reportlab_page", bare_page, None),
    ]
    samples = {}
    for name, work, p95_target in figures:
        samples[name] = timings_ms(work, count)
        emit(f"{name}_render_p50", percentile(samples[name], 50), "ms")
        emit(f"{name}_render_p95", percentile(samples[name], 95), "ms", p95_target)
    for layout in ("a4", "receipt80"):
        slip, floor = samples[f"slip_{layout}"], samples[f"slip_floor_{layout}"]
        emit(f"slip_ratio_{layout}_p50", ratio(slip, floor, 50), "x")
        emit(f"slip_ratio_{layout}_p95", ratio(slip, floor, 95), "x", SLIP_RATIO_TARGET)
    floor = samples["slip_floor_a4"] + samples["slip_floor_receipt80"]
    emit("slip_floor_p95", percentile(floor, 95), "ms")
    emit(
        "slip_ratio_p95",
        ratio(samples["slip_a4"] + samples["slip_receipt80"], floor, 95),
        "x",
        SLIP_RATIO_TARGET,
    )


if __name__ == "__main__":
    main()
