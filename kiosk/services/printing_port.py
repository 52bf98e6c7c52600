"""The printer port the services use; the Qt adapter lives in kiosk.platform."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from kiosk_core.errors import KioskError


class PrintFailed(KioskError):
    """The slip could not be sent to the printer; the message says why in Chinese."""

    code = "print_failed"


class SlipPrinter(Protocol):
    def print_pdf(self, pdf_path: Path, *, copies: int = 1) -> None:
        """Send every page of the PDF to the printer; raise PrintFailed when it cannot."""
        ...

    def printer_names(self) -> list[str]:
        """Printers the system offers, for the settings screen."""
        ...
