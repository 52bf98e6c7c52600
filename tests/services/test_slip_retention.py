"""Slip files on a real disk: deleted once printed when slips are not kept, else by the retention purge after their
keep time or with their purged registration; a reprint never needs one (it renders the slip again)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.bootstrap import Built
from kiosk.services.slip_printing import SlipService
from kiosk.services.slips import SlipRenderer
from kiosk.services.views import OperatorSession
from tests.builders import World
from tests.fakes import FakePrinter, MovableClock
from tests.services.test_retention import (
    acknowledge,
    household_personal,
    make_retention,
    own_phone_and_member,
    purge_entries,
    register,
    registration_row,
)


@pytest.fixture
def ok_household(built: Built, world: World) -> int:
    return own_phone_and_member(built, world)


class ReadingPrinter(FakePrinter):
    """Reads each slip as the spooler would, so a test sees what went to paper after the file is gone."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def print_pdf(self, pdf_path: Path, *, copies: int = 1) -> None:
        super().print_pdf(pdf_path, copies=copies)
        self.texts.append(_pdf_text(pdf_path))


def _slips_not_kept(built: Built, printer: FakePrinter) -> SlipService:
    """The slip service as the composition root builds it with ``slip_keep_days = 0``."""
    renderer = SlipRenderer(built.config.resources / "fonts" / "wqy-microhei.ttc")
    layout = built.services.slips.layout
    return SlipService(
        built.uow, built.clock, renderer, printer, built.config.slips_dir, layout, slip_keep=timedelta(0)
    )


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def _written_ago(path: Path, clock: MovableClock, **ago: float) -> None:
    """The file's time on disk set as if written ``ago`` before the clock's now (the purge reads it so)."""
    when = (clock() - timedelta(**ago)).timestamp()
    os.utime(path, (when, when))


def test_slip_files_go_after_their_keep_time_and_with_their_purged_registration(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock, ok_household: int
) -> None:
    personal = household_personal(built, ok_household)
    slips = built.services.slips
    purged = register(built, world, clerk, "ok")
    purged_slip = slips.print_slip(purged, clerk).path
    late = register(built, world, clerk, "late")
    aged = slips.print_slip(late, clerk).path
    fresh = slips.print_slip(late, clerk, reprint=True).path
    assert purged_slip.exists() and aged.exists() and fresh.exists() and aged != fresh
    acknowledge(built, purged)
    clock.advance(days=11 + 31)
    _written_ago(purged_slip, clock, days=1)  # within the keep time, but its registration is purged
    _written_ago(aged, clock, days=4)
    _written_ago(fresh, clock, days=2)

    report = make_retention(built, slip_keep=timedelta(days=3)).purge()

    assert (report.registrations, report.slips) == (1, 2)
    assert not purged_slip.exists() and not aged.exists() and fresh.exists()
    assert registration_row(built, purged).slip_path == ""
    assert registration_row(built, late).slip_path == str(fresh)
    entry = purge_entries(built)[-1]
    assert (entry["slips"], entry["slip_keep_days"]) == (2, 3)
    reprint = slips.print_slip(purged, clerk, reprint=True)
    text = _pdf_text(reprint.path)
    assert purged in text
    assert not [v for v in personal.values if v in text]


def test_with_slips_not_kept_a_printed_slip_is_deleted_once_the_printer_has_it(
    built: Built, world: World, clerk: OperatorSession
) -> None:
    printer = ReadingPrinter()
    slips = _slips_not_kept(built, printer)
    reg_no = register(built, world, clerk, "ok")
    printer.fail_with = "打印机缺纸"
    jammed = slips.print_slip(reg_no, clerk)
    assert not jammed.printed and jammed.path.exists(), "a slip that did not print stays for now"
    assert registration_row(built, reg_no).slip_path == str(jammed.path)

    printer.fail_with = None
    done = slips.print_slip(reg_no, clerk, reprint=True)

    assert done.printed and reg_no in printer.texts[-1], "the printer had the whole slip"
    assert not done.path.exists() and not jammed.path.exists()
    assert list(built.config.slips_dir.rglob("*.pdf")) == []
    assert registration_row(built, reg_no).slip_path == ""
    again = slips.print_slip(
        reg_no, clerk, reprint=True
    )  # rendered again from the registration: no file needed
    assert again.printed and "补打（第1次）" in printer.texts[-1] and not again.path.exists()


def test_with_slips_not_kept_an_unprinted_slip_goes_at_the_purge_but_not_while_it_may_be_printing(
    built: Built, world: World, clerk: OperatorSession, clock: MovableClock
) -> None:
    printer = ReadingPrinter()
    printer.fail_with = "打印机缺纸"
    slips = _slips_not_kept(built, printer)
    jammed = slips.print_slip(register(built, world, clerk, "ok"), clerk).path
    _written_ago(jammed, clock, minutes=30)
    assert make_retention(built, slip_keep=timedelta(0)).purge().slips == 0 and jammed.exists()
    _written_ago(jammed, clock, hours=2)
    assert make_retention(built, slip_keep=timedelta(0)).purge().slips == 1 and not jammed.exists()
