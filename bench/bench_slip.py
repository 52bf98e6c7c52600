"""Slip PDF render time (A4 and 80 mm receipt) beside a bare one-line reportlab page; one JSON line a figure.

python -m bench.bench_slip [--count 300]
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from bench.common import emit, percentile
from kiosk.services.slips import SlipLayout, SlipRenderer
from kiosk.services.views import RegistrationView
from kiosk_core.model import PlanKind
from kiosk_core.reg_no import make_reg_no

FONT = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "wqy-microhei.ttc"
SLIP_P95_TARGET_MS = 50.0


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
    emit("slip_font_register", (time.perf_counter() - start) * 1000, "ms")

    figures: list[tuple[str, Callable[[int], bytes], float | None]] = [
        ("slip_a4", lambda i: renderer.render(view(i), SlipLayout.A4), SLIP_P95_TARGET_MS),
        ("slip_receipt80", lambda i: renderer.render(view(i), SlipLayout.RECEIPT_80MM), SLIP_P95_TARGET_MS),
        ("bare_reportlab_page", bare_page, None),
    ]
    for name, work, p95_target in figures:
        samples = timings_ms(work, count)
        emit(f"{name}_render_p50", percentile(samples, 50), "ms")
        emit(f"{name}_render_p95", percentile(samples, 95), "ms", p95_target)


if __name__ == "__main__":
    main()
