"""QtSlipPrinter against a real CUPS queue (cups-pdf): the printout lands as a PDF file we can read back."""

from __future__ import annotations

import io
import os
import re
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from kiosk.platform.qt_printer import QtSlipPrinter
from kiosk.services.printing_port import PrintFailed
from kiosk.services.slips import SlipLayout, SlipRenderer
from tests.test_slips import FONT, MM, slip_view

PRINT_TIMEOUT_MS = 20_000
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _unavailable(reason: str) -> None:
    """Without CUPS the printer tests cannot say anything: fatal in CI, a skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is an error)")
    pytest.skip(reason)


def _cups_output_dir() -> Path:
    if out := os.environ.get("KIOSK_TEST_PRINTER_OUT"):
        return Path(out)
    conf = Path("/etc/cups/cups-pdf.conf")
    setting = "${HOME}/PDF"
    if conf.exists():
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Out "):
                setting = line.split(None, 1)[1].strip()
    return Path(setting.replace("${HOME}", str(Path.home())))


@pytest.fixture
def cups_printer(qapp: object) -> str:
    name = os.environ.get("KIOSK_TEST_PRINTER", "KioskPDF")
    try:
        state = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, timeout=10, check=False)
    except FileNotFoundError:
        _unavailable("CUPS client tools (lpstat) are not installed")
    if "scheduler is running" not in state.stdout:
        _unavailable("cupsd is not running (start /usr/sbin/cupsd; scripts/test.sh does)")
    if name not in QtSlipPrinter().printer_names():
        _unavailable(f"CUPS has no queue named {name} (lpadmin -p {name} -E -v cups-pdf:/ ...)")
    return name


@pytest.fixture
def slip_pdf(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A receipt slip whose file name carries a token that cups-pdf puts in the output name."""
    token = "kiosktest" + uuid.uuid4().hex[:10]
    path = tmp_path / f"{token}.pdf"
    path.write_bytes(SlipRenderer(FONT).render(slip_view(), SlipLayout.RECEIPT_80MM))
    yield path, token
    for printed in _printed(token):
        printed.unlink(missing_ok=True)


def _printed(token: str) -> list[Path]:
    out = _cups_output_dir()
    return sorted(out.glob(f"*{token}*.pdf")) if out.is_dir() else []


def _wait_for_printout(qtbot: QtBot, token: str) -> Path:
    def arrived() -> None:
        found = _printed(token)
        assert found, f"no printout with {token} in {_cups_output_dir()} yet"
        try:  # the file may appear before ghostscript has finished writing it
            assert PdfReader(found[0]).pages
        except Exception as exc:
            raise AssertionError(f"printout not complete yet: {exc}") from exc

    qtbot.waitUntil(arrived, timeout=PRINT_TIMEOUT_MS)
    return _printed(token)[0]


@pytest.mark.printer
def test_slip_prints_to_the_cups_queue_at_80_mm(
    qtbot: QtBot, cups_printer: str, slip_pdf: tuple[Path, str]
) -> None:
    path, token = slip_pdf
    QtSlipPrinter(cups_printer).print_pdf(path)

    printed = PdfReader(io.BytesIO(_wait_for_printout(qtbot, token).read_bytes())).pages
    assert len(printed) == 1
    assert float(printed[0].mediabox.width) == pytest.approx(80 * MM, abs=1.5)


@pytest.mark.printer
def test_printing_works_from_a_worker_thread(
    qtbot: QtBot, cups_printer: str, slip_pdf: tuple[Path, str]
) -> None:
    path, token = slip_pdf
    errors: list[BaseException] = []

    def work() -> None:
        try:
            QtSlipPrinter(cups_printer).print_pdf(path)
        except BaseException as exc:  # handed back to the test thread below
            errors.append(exc)

    worker = threading.Thread(target=work, name="print-worker")
    worker.start()
    qtbot.waitUntil(lambda: not worker.is_alive(), timeout=PRINT_TIMEOUT_MS)
    assert errors == []
    assert _wait_for_printout(qtbot, token).stat().st_size > 0


def test_missing_printer_fails_with_a_chinese_message(qapp: object, tmp_path: Path) -> None:
    path = tmp_path / "slip.pdf"
    path.write_bytes(SlipRenderer(FONT).render(slip_view(), SlipLayout.RECEIPT_80MM))

    with pytest.raises(PrintFailed) as failed:
        QtSlipPrinter("KioskNoSuchPrinter-" + uuid.uuid4().hex[:6]).print_pdf(path)

    assert "未找到打印机" in failed.value.message
    assert CHINESE.search(failed.value.hint)


def test_unreadable_pdf_fails_with_a_chinese_message(qapp: object, tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"not a pdf")

    with pytest.raises(PrintFailed) as failed:
        QtSlipPrinter("KioskAnyPrinter").print_pdf(path)

    assert "回执文件无法读取" in failed.value.message
