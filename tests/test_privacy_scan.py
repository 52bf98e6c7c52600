"""The end-of-run scan (tests/privacy_scan.py) finds a full ID or phone number in a PDF's text layer, a log or a
screenshot's text layer, and lets masked ones, wrong check digits and longer digit runs pass."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.privacy_scan import full_numbers, scan, scan_screenshots

FULL_ID = "11010519491231002X"  # valid check digit


def _pdf(path: Path, text: str) -> None:
    page = canvas.Canvas(str(path), pagesize=A4)
    page.drawString(72, 720, text)
    page.save()


def test_full_numbers_are_found_masked_ones_are_not() -> None:
    assert full_numbers(f"申请人 {FULL_ID} 电话 13912345678") == ["1101**********002X", "139****5678"]
    assert full_numbers("110105********002X 139****5678") == []
    assert full_numbers("电话 １３９ １２３４ ５６７８，证件 110105-1949-1231-002x") == [
        "1101**********002X",
        "139****5678",
    ]
    assert full_numbers("110105194912310021") == []  # wrong check digit: not an ID number
    assert full_numbers("reg 2026120213912345678901") == []  # inside a longer run of digits


def test_a_pdf_or_log_with_a_full_number_is_named() -> None:
    # Not under the run's temporary folder: the end-of-run scan would find these on purpose.
    with tempfile.TemporaryDirectory() as folder:
        _check_samples(Path(folder))


def _check_samples(tmp_path: Path) -> None:
    _pdf(tmp_path / "slip.pdf", f"ID {FULL_ID}")
    _pdf(tmp_path / "masked.pdf", "ID 110105********002X")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "kiosk.log").write_text("sent phone 13912345678\n", encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "identify.png.txt").write_text(f"申请人\n{FULL_ID}\n", encoding="utf-8")
    (tmp_path / "records.png.txt").write_text("申请人\n1101**********002X\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text(FULL_ID, encoding="utf-8")  # not a screenshot's text layer
    found = {path.name: numbers for path, numbers in scan(tmp_path)}
    assert found == {
        "slip.pdf": ["1101**********002X"],
        "kiosk.log": ["139****5678"],
        "identify.png.txt": ["1101**********002X"],
    }


def test_a_screenshot_this_run_took_with_a_full_number_is_named() -> None:
    # The screenshot folder is outside the run's temporary folder and keeps earlier runs' pictures: only the text
    # layers written since the run started count.
    with tempfile.TemporaryDirectory() as folder:
        shots = Path(folder)
        started = time.time()
        (shots / "old.png.txt").write_text(f"电话 13912345678 {FULL_ID}", encoding="utf-8")
        os.utime(shots / "old.png.txt", (started - 3600, started - 3600))
        (shots / "records.png.txt").write_text(f"申请人 {FULL_ID}", encoding="utf-8")
        (shots / "masked.png.txt").write_text("电话 139****5678", encoding="utf-8")
        found = {path.name: numbers for path, numbers in scan_screenshots(shots, started)}
        assert found == {"records.png.txt": ["1101**********002X"]}
        assert scan_screenshots(shots / "never-made", started) == []
