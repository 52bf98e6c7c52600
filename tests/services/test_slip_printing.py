"""Printing a slip: the paper says when it is a 补打, and a failed print is in kiosk.log as well as the audit log."""

from __future__ import annotations

import logging

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kiosk.bootstrap import Built
from kiosk.services.views import OperatorSession
from kiosk.storage import tables as t
from tests.builders import World
from tests.fakes import FakePrinter, MovableClock
from tests.services.test_registration import draft


@pytest.fixture
def registered(built: Built, world: World, clerk: OperatorSession) -> str:
    return built.services.registration.register(draft(world, "ok"), clerk).reg_no


def _text(path: object) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)  # type: ignore[arg-type]


def test_a_reprint_says_so_on_the_paper_with_its_number_and_time(
    built: Built, clerk: OperatorSession, registered: str, clock: MovableClock
) -> None:
    slips = built.services.slips
    first = slips.print_slip(registered, clerk)
    assert first.printed and "补打" not in _text(first.path)
    clock.advance(hours=2, minutes=5)
    second = slips.print_slip(registered, clerk, reprint=True)
    assert "补打" in second.message
    text = _text(second.path)
    assert "补打（第1次）" in text and "补打时间：2026年11月24日 12:05" in text, text
    assert registered in text
    clock.advance(days=1)
    third = _text(slips.print_slip(registered, clerk, reprint=True).path)
    assert "补打（第2次）" in third and "2026年11月25日 12:05" in third
    with built.engine.connect() as c:
        numbers = c.scalars(
            select(t.AuditEntry.detail).where(t.AuditEntry.subject == registered).order_by(t.AuditEntry.id)
        ).all()
    assert [d["reprint_number"] for d in numbers if "printed" in d] == [0, 1, 2]


def test_a_retry_after_a_failed_print_is_the_first_paper_not_a_reprint(
    built: Built, clerk: OperatorSession, registered: str, printer: FakePrinter
) -> None:
    slips = built.services.slips
    printer.fail_with = "打印机缺纸"
    slips.print_slip(registered, clerk)
    printer.fail_with = None
    retry = slips.print_slip(registered, clerk, reprint=True)
    assert retry.printed and "补打" not in _text(retry.path)
    assert "补打（第1次）" in _text(slips.print_slip(registered, clerk, reprint=True).path)


def test_a_failed_print_is_logged_with_its_reason(
    built: Built,
    clerk: OperatorSession,
    registered: str,
    printer: FakePrinter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    printer.fail_with = "打印机缺纸"
    with caplog.at_level(logging.WARNING, logger="kiosk"):
        outcome = built.services.slips.print_slip(registered, clerk)
    assert not outcome.printed
    logged = [r for r in caplog.records if r.levelno == logging.WARNING and registered in r.getMessage()]
    assert logged and "打印机缺纸" in logged[0].getMessage() and outcome.path.name in logged[0].getMessage()


def test_a_new_paper_never_replaces_a_slip_file_still_kept(
    built: Built, clerk: OperatorSession, registered: str, clock: MovableClock
) -> None:
    slips = built.services.slips
    first = slips.print_slip(registered, clerk).path
    second = slips.print_slip(registered, clerk, reprint=True).path
    kept = second.read_bytes()
    first.unlink()  # as the retention purge deletes the older file by age

    clock.advance(hours=1)
    third = slips.print_slip(registered, clerk, reprint=True).path

    assert third != second and second.read_bytes() == kept
    assert "补打（第2次）" in _text(third)
