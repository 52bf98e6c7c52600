"""Fakes that implement the real ports (style guide: fakes subclass or satisfy the port, never mock everything)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher

from kiosk.services.printing_port import PrintFailed
from tests.builders import NOW

# Same algorithm and format as production, at a cost that keeps the suite fast.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class FakePrinter:
    """A SlipPrinter that remembers what it printed and can be told to fail like a jammed printer."""

    def __init__(self) -> None:
        self.printed: list[Path] = []
        self.fail_with: str | None = None

    def print_pdf(self, pdf_path: Path, *, copies: int = 1) -> None:
        if self.fail_with:
            raise PrintFailed(self.fail_with, hint="请检查打印机")
        self.printed.append(pdf_path)

    def printer_names(self) -> list[str]:
        return ["FakePrinter"]


class MovableClock:
    """A clock tests move by hand: plan windows, lock-outs and deadlines without waiting."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
