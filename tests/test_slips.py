"""Registration slip PDFs: content read back with pypdf, the embedded font, paper width and the QR code."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from kiosk.services.slips import SlipLayout, SlipRenderer
from kiosk.services.views import RegistrationView
from kiosk_core.model import PlanKind
from kiosk_core.reg_no import make_reg_no, spoken

FONT = Path(__file__).resolve().parents[1] / "kiosk_resources" / "fonts" / "wqy-microhei.ttc"
MM = 72 / 25.4
FULL_ID = re.compile(r"\d{17}[\dX]")


def slip_view(kind: PlanKind = PlanKind.QUICK, **changes: Any) -> RegistrationView:
    """A registration as the service would hand it over: ID and phone already masked."""
    quick = kind is PlanKind.QUICK
    code = "Q2611" if quick else "R2612"
    view = RegistrationView(
        reg_no=make_reg_no(code, 42 if quick else 7),
        status="active",
        status_label="有效",
        plan_code=code,
        plan_name="2026年第11期公共租赁住房快速配租" if quick else "2026年第12期公共租赁住房实时配租",
        plan_kind=kind,
        plan_kind_label="快速配租" if quick else "实时配租",
        filing_no="BA2025-0012345",
        applicant_name="欧阳建国",
        applicant_id_masked="110105********123X",
        family_size=3,
        district="朝阳区",
        phone_masked="138****5678",
        project_name="安居苑公租房项目",
        project_address="北京市朝阳区东三环北路甲28号院安居苑小区（近地铁10号线团结湖站B口）西门南侧200米",
        unit_type_name="二居室",
        area=58.5,
        rent=1280,
        unit_label="" if quick else "3栋1202室 · 12层 · 朝南",
        created_at=datetime(2026, 6, 11, 9, 42),
        counter="3号窗口",
        operator_name="李敏",
        notice_version=2,
        notice_read_aloud=quick,
        verification_code="7H3K9Q",
        slip_printed=False,
        slip_path="",
        cancel_deadline=datetime(2026, 6, 30, 17, 0),
    )
    return dataclasses.replace(view, **changes)


def draft_of(view: RegistrationView) -> RegistrationView:
    return dataclasses.replace(view, reg_no="", status="draft", verification_code="", created_at=None)


def cancelled(view: RegistrationView) -> RegistrationView:
    return dataclasses.replace(
        view,
        status="cancelled",
        status_label="已取消",
        cancelled_at=datetime(2026, 6, 12, 10, 5),
        cancel_reason_label="家庭申请取消",
    )


@pytest.fixture(scope="module")
def renderer() -> SlipRenderer:
    return SlipRenderer(FONT)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return meta + "\n" + "\n".join(page.extract_text() for page in reader.pages)


def sizes_of(pdf: bytes) -> dict[str, float]:
    """Largest font size (points) each piece of text is drawn at."""
    sizes: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            scaled = size * abs(tm[3]) * abs(cm[3])
            sizes[text.strip()] = max(sizes.get(text.strip(), 0.0), scaled)

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return sizes


def decode_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        if os.environ.get("CI"):
            pytest.fail("zbarimg is missing (apt-get install zbar-tools)")
        pytest.skip("zbarimg is not installed (apt-get install zbar-tools)")
    (tmp_path / "slip.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "slip.pdf", "slip"], cwd=tmp_path, check=True
    )
    # zbarimg exits 4 when the image holds no code; that is an answer too.
    done = subprocess.run(
        [zbarimg, "-q", "--raw", str(tmp_path / "slip.png")], capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 4), done.stderr
    return done.stdout.split()


KINDS = [PlanKind.QUICK, PlanKind.REALTIME]


@pytest.mark.parametrize("layout", list(SlipLayout))
@pytest.mark.parametrize("kind", KINDS)
def test_slip_shows_the_registration_and_only_the_masked_id(
    renderer: SlipRenderer, kind: PlanKind, layout: SlipLayout
) -> None:
    view = slip_view(kind)
    text = text_of(renderer.render(view, layout))

    assert "公共租赁住房配租登记回执" in text
    assert view.plan_kind_label in text
    assert view.reg_no in text
    assert spoken(view.reg_no) in text
    for shown in (
        view.applicant_id_masked,
        view.applicant_name,
        view.filing_no,
        view.phone_masked,
        view.plan_code,
        view.verification_code,
        "58.5 m²",
        "1,280 元/月",
        "2026年6月30日 17:00",
        "请妥善保管本回执",
        "如需取消登记，请在截止时间前到登记窗口办理。",
    ):
        assert shown in text
    assert "已宣读" in text if view.notice_read_aloud else "本人阅读" in text
    if kind is PlanKind.REALTIME:
        assert view.unit_label in text
    assert not FULL_ID.search(text)
    assert not FULL_ID.search(text.replace(" ", "").replace("\n", ""))
    assert "预览" not in text
    assert "已取消" not in text


@pytest.mark.parametrize("layout", list(SlipLayout))
def test_font_is_embedded_as_a_truetype_subset(renderer: SlipRenderer, layout: SlipLayout) -> None:
    page = PdfReader(io.BytesIO(renderer.render(slip_view(), layout))).pages[0]
    embedded = []
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor")
        if descriptor is not None and "/FontFile2" in descriptor.get_object():
            embedded.append(str(font["/BaseFont"]))
    assert embedded
    assert all(re.match(r"^/?[A-Z]{6}\+", name) for name in embedded), embedded


def test_receipt_is_80_mm_wide_and_a4_is_a4(renderer: SlipRenderer) -> None:
    for kind in KINDS:
        receipt = PdfReader(io.BytesIO(renderer.render(slip_view(kind), SlipLayout.RECEIPT_80MM))).pages[0]
        assert float(receipt.mediabox.width) == pytest.approx(80 * MM, abs=0.5 * MM)
        assert 100 * MM < float(receipt.mediabox.height) < 400 * MM
    a4 = PdfReader(io.BytesIO(renderer.render(slip_view(), SlipLayout.A4))).pages[0]
    assert float(a4.mediabox.width) == pytest.approx(210 * MM, abs=0.5 * MM)
    assert float(a4.mediabox.height) == pytest.approx(297 * MM, abs=0.5 * MM)


def test_a4_type_is_large_enough_to_read(renderer: SlipRenderer) -> None:
    view = slip_view()
    sizes = sizes_of(renderer.render(view, SlipLayout.A4))
    assert sizes[view.reg_no] >= 20
    assert min(size for text, size in sizes.items() if text != view.reg_no) >= 12


@pytest.mark.parametrize("layout", list(SlipLayout))
@pytest.mark.parametrize("kind", KINDS)
def test_qr_code_holds_the_payload(
    renderer: SlipRenderer, kind: PlanKind, layout: SlipLayout, tmp_path: Path
) -> None:
    view = slip_view(kind)
    assert decode_qr(renderer.render(view, layout), tmp_path) == [view.qr_payload]


@pytest.mark.parametrize("layout", list(SlipLayout))
def test_draft_is_marked_and_has_no_number_or_qr(
    renderer: SlipRenderer, layout: SlipLayout, tmp_path: Path
) -> None:
    live = slip_view(PlanKind.REALTIME)
    draft = draft_of(live)
    assert draft.is_draft
    pdf = renderer.render(draft, layout)
    text = text_of(pdf)

    assert "确认后生成" in text
    assert "预览 · 未登记" in text
    assert live.reg_no not in text
    assert "R2612-" not in text
    assert live.unit_label in text
    assert decode_qr(pdf, tmp_path) == []


@pytest.mark.parametrize("layout", list(SlipLayout))
def test_cancelled_slip_says_so(renderer: SlipRenderer, layout: SlipLayout, tmp_path: Path) -> None:
    view = cancelled(slip_view(PlanKind.REALTIME))
    pdf = renderer.render(view, layout)
    text = text_of(pdf)

    assert "已取消" in text
    assert "家庭申请取消" in text
    assert view.reg_no in text
    assert "如需取消登记" not in text
    assert decode_qr(pdf, tmp_path) == [view.qr_payload]


@pytest.mark.parametrize("layout", list(SlipLayout))
def test_turned_down_registration_prints_as_the_households_notice(
    renderer: SlipRenderer, layout: SlipLayout
) -> None:
    reason = "本家庭已在其他窗口登记本计划"
    view = slip_view(
        status="rejected", status_label="中心未受理", central_status="rejected", central_message=reason
    )
    text = text_of(renderer.render(view, layout)).replace("\n", "")

    assert "本次登记未被中心受理" in text
    assert reason in text
    assert "本回执作废" in text
    assert "如需取消登记" not in text  # nothing to cancel


def test_markup_in_data_is_printed_as_text(renderer: SlipRenderer) -> None:
    view = slip_view(project_name="A&B <新城> 项目")
    assert "A&B <新城> 项目" in text_of(renderer.render(view, SlipLayout.RECEIPT_80MM))


def test_second_renderer_reuses_the_registered_font() -> None:
    a, b = SlipRenderer(FONT), SlipRenderer(FONT)
    assert a.font_name == b.font_name
